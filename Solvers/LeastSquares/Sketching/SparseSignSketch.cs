using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>s nonzeros ±1/√s per column at distinct uniformly chosen rows (spec sketched-regression §2.2, §3.7).</summary>
public sealed class SparseSignSketch : ISketch
{
    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    public SparseSignSketch(int rows, int n, int nonzerosPerColumn, ulong seed, int attempt, SketchOptions options)
    {
        throw new NotImplementedException();
    }

    /// <inheritdoc/>
    public SketchKind Kind => SketchKind.SparseSign;

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
