namespace Solvers.Operators;

/// <summary>αA, applied lazily (see <see cref="LinearOperator"/> for capabilities).</summary>
public sealed class ScaledOperator : IAdjointableOperator, IHasDiagonal, IConditionalCapabilities
{
    /// <summary>Creates αA.</summary>
    /// <exception cref="ArgumentException">α is not finite.</exception>
    public ScaledOperator(double alpha, ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (!double.IsFinite(alpha)) throw new ArgumentException($"alpha = {alpha}; the scale must be finite.", nameof(alpha));
        Alpha = alpha;
        A = a;
        var p = a.Properties;
        Properties = alpha > 0 ? p : p & OperatorProperties.Symmetric;
        CanApplyAdjoint = LinearOperator.CanApplyAdjoint(a);
        HasDiagonal = LinearOperator.HasDiagonal(a);
    }

    /// <summary>The scale α.</summary>
    public double Alpha { get; }

    /// <summary>The scaled operator.</summary>
    public ILinearOperator A { get; }

    /// <inheritdoc />
    public int Rows => A.Rows;

    /// <inheritdoc />
    public int Columns => A.Columns;

    /// <summary>A's properties for α &gt; 0; only symmetry otherwise.</summary>
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
        VectorMath.Scale(Alpha, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A cannot apply its adjoint.</exception>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: true);
        LinearOperator.ApplyAdjointOf(A, x, y);
        VectorMath.Scale(Alpha, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A does not provide its diagonal.</exception>
    public void CopyDiagonal(Span<double> diagonal)
    {
        LinearOperator.CopyDiagonalOf(A, diagonal);
        VectorMath.Scale(Alpha, diagonal);
    }
}
