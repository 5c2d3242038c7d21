namespace Solvers.Operators;

/// <summary>Aᵀ as an operator: Apply calls A's adjoint, ApplyAdjoint calls A.Apply.</summary>
public sealed class AdjointOperator : IAdjointableOperator, IHasDiagonal, IConditionalCapabilities
{
    /// <summary>Creates Aᵀ.</summary>
    /// <exception cref="ArgumentException">A can neither apply its adjoint nor is it symmetric.</exception>
    public AdjointOperator(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (!LinearOperator.CanApplyAdjoint(a))
            throw new ArgumentException($"Aᵀ needs an operator that implements IAdjointableOperator (with its parts allowing it) or is symmetric; A is a {a.GetType().Name} {a.Rows}×{a.Columns}.", nameof(a));
        A = a;
        HasDiagonal = LinearOperator.HasDiagonal(a);
    }

    /// <summary>The operator whose transpose this is.</summary>
    public ILinearOperator A { get; }

    /// <inheritdoc />
    public int Rows => A.Columns;

    /// <inheritdoc />
    public int Columns => A.Rows;

    /// <summary>A's properties (symmetry and definiteness are kept by transposition).</summary>
    public OperatorProperties Properties => A.Properties;

    /// <summary>Always true: (Aᵀ)ᵀ = A.</summary>
    public bool CanApplyAdjoint => true;

    /// <summary>True when A provides its diagonal (diag Aᵀ = diag A).</summary>
    public bool HasDiagonal { get; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        LinearOperator.ApplyAdjointOf(A, x, y);
    }

    /// <inheritdoc />
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: true);
        A.Apply(x, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A does not provide its diagonal.</exception>
    public void CopyDiagonal(Span<double> diagonal) => LinearOperator.CopyDiagonalOf(A, diagonal);
}
