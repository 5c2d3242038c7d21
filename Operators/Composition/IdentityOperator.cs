namespace Solvers.Operators;

/// <summary>The n×n identity: y = x.</summary>
public sealed class IdentityOperator : IAdjointableOperator, IHasDiagonal, IConvertibleToCsr
{
    /// <summary>Creates the n×n identity.</summary>
    /// <exception cref="ArgumentException">n &lt; 0.</exception>
    public IdentityOperator(int n)
    {
        if (n < 0) throw new ArgumentException($"n = {n}; the size must be ≥ 0.", nameof(n));
        Rows = Columns = n;
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <summary>Symmetric | PositiveDefinite.</summary>
    public OperatorProperties Properties => OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite;

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        x.CopyTo(y);
    }

    /// <inheritdoc />
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y) => Apply(x, y);

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        if (diagonal.Length != Rows) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {Rows}.", nameof(diagonal));
        diagonal.Fill(1.0);
    }

    /// <inheritdoc />
    public CsrMatrix ToCsr() => CsrMatrix.Identity(Rows);
}
