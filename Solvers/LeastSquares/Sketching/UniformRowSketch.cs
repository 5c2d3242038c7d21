using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>√(n/m)·P, m rows sampled without replacement (Floyd), sorted (spec sketched-regression §2.2, §3.7).</summary>
public sealed class UniformRowSketch : ISketch
{
    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    public UniformRowSketch(int rows, int n, ulong seed, int attempt)
    {
        throw new NotImplementedException();
    }

    /// <inheritdoc/>
    public SketchKind Kind => SketchKind.UniformRows;

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
