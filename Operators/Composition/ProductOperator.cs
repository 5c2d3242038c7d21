namespace Solvers.Operators;

/// <summary>A·B applied as y = A(Bx) with one scratch vector; Aᵀ as Bᵀ(Aᵀx). No diagonal, no properties claimed.</summary>
public sealed class ProductOperator : IAdjointableOperator, IConditionalCapabilities
{
    private readonly double[] _scratch;

    /// <summary>Creates A·B.</summary>
    /// <exception cref="ArgumentException">A.Columns ≠ B.Rows.</exception>
    public ProductOperator(ILinearOperator a, ILinearOperator b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Columns != b.Rows) throw LinearOperator.ShapeMismatch("A·B needs A.Columns = B.Rows", a, b, nameof(b));
        A = a;
        B = b;
        _scratch = new double[b.Rows];
        CanApplyAdjoint = LinearOperator.CanApplyAdjoint(a) && LinearOperator.CanApplyAdjoint(b);
    }

    /// <summary>The left factor.</summary>
    public ILinearOperator A { get; }

    /// <summary>The right factor (applied first).</summary>
    public ILinearOperator B { get; }

    /// <inheritdoc />
    public int Rows => A.Rows;

    /// <inheritdoc />
    public int Columns => B.Columns;

    /// <summary>None: a product of symmetric operators is not symmetric in general.</summary>
    public OperatorProperties Properties => OperatorProperties.None;

    /// <summary>True when both factors can apply their adjoints (or are symmetric).</summary>
    public bool CanApplyAdjoint { get; }

    bool IConditionalCapabilities.HasDiagonal => false;

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        B.Apply(x, _scratch);
        A.Apply(_scratch, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A factor cannot apply its adjoint.</exception>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        if (!CanApplyAdjoint) throw new InvalidOperationException("(AB)ᵀ is not available: a factor can neither apply its adjoint nor is it symmetric.");
        LinearOperator.CheckApply(this, x, y, adjoint: true);
        LinearOperator.ApplyAdjointOf(A, x, _scratch);
        LinearOperator.ApplyAdjointOf(B, _scratch, y);
    }
}
