namespace Solvers.Operators;

/// <summary>
/// αA + σI, applied lazily: the one wrapper behind <see cref="LinearOperator.Scaled"/> (σ = 0) and
/// <see cref="LinearOperator.Shifted"/> (α = 1). See <see cref="LinearOperator"/> for capabilities.
/// </summary>
public sealed class AffineOperator : IAdjointableOperator, IHasDiagonal, IConditionalCapabilities
{
    /// <summary>Creates αA + σI.</summary>
    /// <exception cref="ArgumentException">α or σ is not finite, or σ ≠ 0 with a non-square A.</exception>
    public AffineOperator(ILinearOperator a, double alpha, double sigma)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (!double.IsFinite(alpha)) throw new ArgumentException($"alpha = {alpha}; the scale must be finite.", nameof(alpha));
        if (!double.IsFinite(sigma)) throw new ArgumentException($"sigma = {sigma}; the shift must be finite.", nameof(sigma));
        if (sigma != 0 && a.Rows != a.Columns)
            throw new ArgumentException($"A + σI needs a square A, but A is {a.Rows}×{a.Columns}.", nameof(a));
        A = a;
        Alpha = alpha;
        Sigma = sigma;
        var p = a.Properties;
        // A positive scale and a non-negative shift keep an SPD operator SPD; otherwise only symmetry survives.
        Properties = alpha > 0 && sigma >= 0 ? p : p & OperatorProperties.Symmetric;
        CanApplyAdjoint = LinearOperator.CanApplyAdjoint(a);
        HasDiagonal = LinearOperator.HasDiagonal(a);
    }

    /// <summary>The wrapped operator.</summary>
    public ILinearOperator A { get; }

    /// <summary>The scale α.</summary>
    public double Alpha { get; }

    /// <summary>The shift σ.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public int Rows => A.Rows;

    /// <inheritdoc />
    public int Columns => A.Columns;

    /// <summary>A's properties for α &gt; 0 and σ ≥ 0; only symmetry otherwise.</summary>
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
        Finish(x, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A cannot apply its adjoint.</exception>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: true);
        LinearOperator.ApplyAdjointOf(A, x, y);
        Finish(x, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A does not provide its diagonal.</exception>
    public void CopyDiagonal(Span<double> diagonal)
    {
        LinearOperator.CopyDiagonalOf(A, diagonal);
        if (Alpha != 1) VectorMath.Scale(Alpha, diagonal);
        if (Sigma != 0)
            for (int i = 0; i < diagonal.Length; i++) diagonal[i] += Sigma;
    }

    // y ← α·y + σ·x, skipping the identity parts.
    private void Finish(ReadOnlySpan<double> x, Span<double> y)
    {
        if (Alpha != 1) VectorMath.Scale(Alpha, y);
        if (Sigma != 0) VectorMath.Axpy(Sigma, x, y);
    }
}
