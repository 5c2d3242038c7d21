using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>√(N/m)·P·H_N·D with zero padding to N = 2^⌈log₂ n⌉, applied by FWHT on column panels (spec sketched-regression §2.2, §3.7).</summary>
public sealed class SrhtSketch : ISketch
{
    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    public SrhtSketch(int rows, int n, ulong seed, int attempt, SketchOptions options)
    {
        throw new NotImplementedException();
    }

    /// <inheritdoc/>
    public SketchKind Kind => SketchKind.Srht;

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
