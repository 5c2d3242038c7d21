using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>one ±1 per column at a uniform row (Clarkson–Woodruff) (spec sketched-regression §2.2, §3.7).</summary>
public sealed class CountSketch : ISketch
{
    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    public CountSketch(int rows, int n, ulong seed, int attempt, SketchOptions options)
    {
        throw new NotImplementedException();
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
    public void Apply(ReadOnlySpan<double> block, int columns, Span<double> result) => throw new NotImplementedException();

    /// <inheritdoc/>
    public void Apply(CsrMatrix matrix, Span<double> result) => throw new NotImplementedException();

    /// <inheritdoc/>
    public double[] Materialize() => throw new NotImplementedException();
}
