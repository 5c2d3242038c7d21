using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>One ±1 per column at a uniform row (Clarkson–Woodruff) (spec sketched-regression §2.2, §3.7).</summary>
public sealed class CountSketch : SketchBase
{
    private readonly HashedSketchCore _core;

    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    /// <remarks>The sparse-sign machinery with s = 1: column k's row and sign are the first candidate of counter (k, 0).</remarks>
    public CountSketch(int rows, int n, ulong seed, int attempt, SketchOptions options)
        : base(rows, n, seed, attempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        _core = new HashedSketchCore(rows, n, 1, seed, attempt, options.WorkspaceBudgetBytes);
    }

    /// <inheritdoc/>
    public override SketchKind Kind => SketchKind.CountSketch;

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<double> block, int columns, Span<double> result) => _core.Apply(block, columns, result);

    /// <inheritdoc/>
    public override void Apply(CsrMatrix matrix, Span<double> result) => _core.Apply(matrix, result);

    /// <inheritdoc/>
    public override double[] Materialize() => _core.Materialize();

    /// <summary>[S·block | S·extra] column-major with leading dimension ld (see <see cref="HashedSketchCore.TryApplyColumnMajor"/>).</summary>
    internal bool TryApplyColumnMajor(ReadOnlySpan<double> block, int columns, ReadOnlySpan<double> extra, Span<double> result, int ld) =>
        _core.TryApplyColumnMajor(block, columns, extra, result, ld);
}
