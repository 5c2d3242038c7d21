using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>The identity of a sketch (m, n, seed, attempt) shared by every kind; the kinds supply the application.</summary>
public abstract class SketchBase : ISketch
{
    /// <summary>Checks and records m, n, the seed and the attempt.</summary>
    protected SketchBase(int rows, int n, ulong seed, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        Rows = rows;
        Columns = n;
        Seed = seed;
        Attempt = attempt;
    }

    /// <inheritdoc/>
    public abstract SketchKind Kind { get; }

    /// <inheritdoc/>
    public int Rows { get; }

    /// <inheritdoc/>
    public int Columns { get; }

    /// <inheritdoc/>
    public ulong Seed { get; }

    /// <inheritdoc/>
    public int Attempt { get; }

    /// <inheritdoc/>
    public abstract void Apply(ReadOnlySpan<double> block, int columns, Span<double> result);

    /// <inheritdoc/>
    public abstract void Apply(CsrMatrix matrix, Span<double> result);

    /// <inheritdoc/>
    public abstract double[] Materialize();
}
