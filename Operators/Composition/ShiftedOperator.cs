namespace Solvers.Operators;

/// <summary>A + σI for square A, applied lazily (see <see cref="LinearOperator"/> for capabilities).</summary>
public sealed class ShiftedOperator : IAdjointableOperator, IHasDiagonal, IConditionalCapabilities
{
    /// <summary>Creates A + σI.</summary>
    /// <exception cref="ArgumentException">A is not square, or σ is not finite.</exception>
    public ShiftedOperator(ILinearOperator a, double sigma)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns) throw new ArgumentException($"A + σI needs a square A, but A is {a.Rows}×{a.Columns}.", nameof(a));
        if (!double.IsFinite(sigma)) throw new ArgumentException($"sigma = {sigma}; the shift must be finite.", nameof(sigma));
        A = a;
        Sigma = sigma;
        var p = a.Properties;
        Properties = sigma >= 0 ? p : p & OperatorProperties.Symmetric;
        CanApplyAdjoint = LinearOperator.CanApplyAdjoint(a);
        HasDiagonal = LinearOperator.HasDiagonal(a);
    }

    /// <summary>The shifted operator.</summary>
    public ILinearOperator A { get; }

    /// <summary>The shift σ.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public int Rows => A.Rows;

    /// <inheritdoc />
    public int Columns => A.Columns;

    /// <summary>A's properties for σ ≥ 0 (SPD stays SPD); only symmetry for σ &lt; 0.</summary>
    public OperatorProperties Properties { get; }

    /// <summary>True when A can apply its adjoint (or is symmetric).</summary>
    public bool CanApplyAdjoint { get; }

    /// <summary>True when A provides its diagonal.</summary>
    public bool HasDiagonal { get; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        A.Apply(x, y);
        VectorMath.Axpy(Sigma, x, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A cannot apply its adjoint.</exception>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: true);
        LinearOperator.ApplyAdjointOf(A, x, y);
        VectorMath.Axpy(Sigma, x, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A does not provide its diagonal.</exception>
    public void CopyDiagonal(Span<double> diagonal)
    {
        LinearOperator.CopyDiagonalOf(A, diagonal);
        for (int i = 0; i < diagonal.Length; i++) diagonal[i] += Sigma;
    }
}
