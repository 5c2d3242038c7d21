using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>One ±1 per column at a uniform row (Clarkson–Woodruff) (spec sketched-regression §2.2, §3.7).</summary>
public sealed class CountSketch : ISketch
{
    private readonly HashedSketchCore _core;

    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    /// <remarks>The sparse-sign machinery with s = 1: column k's row and sign are the first candidate of counter (k, 0).</remarks>
    public CountSketch(int rows, int n, ulong seed, int attempt, SketchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _core = new HashedSketchCore(rows, n, 1, seed, attempt, options.WorkspaceBudgetBytes);
        Rows = rows;
        Columns = n;
        Seed = seed;
        Attempt = attempt;
    }

    /// <inheritdoc/>
    public SketchKind Kind => SketchKind.CountSketch;

    /// <inheritdoc/>
    public int Rows { get; }

    /// <inheritdoc/>
    public int Columns { get; }

    /// <inheritdoc/>
    public ulong Seed { get; }

    /// <inheritdoc/>
    public int Attempt { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> block, int columns, Span<double> result) => _core.Apply(block, columns, result);

    /// <inheritdoc/>
    public void Apply(CsrMatrix matrix, Span<double> result) => _core.Apply(matrix, result);

    /// <inheritdoc/>
    public double[] Materialize() => _core.Materialize();
}
