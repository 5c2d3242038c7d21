namespace Solvers.Operators;

/// <summary>
/// Lazy operator algebra: each factory returns a small sealed operator that applies its parts on demand, with scratch
/// vectors allocated once at construction (so Apply allocates nothing, and an instance is not safe for concurrent
/// Apply calls from several threads).
/// </summary>
/// <remarks>
/// Composite operators implement <see cref="IAdjointableOperator"/> and <see cref="IHasDiagonal"/> as types, but
/// whether an instance can really apply Aᵀ or extract its diagonal depends on its parts. Ask
/// <see cref="CanApplyAdjoint"/> and <see cref="HasDiagonal"/> rather than testing the interface with <c>is</c>;
/// calling an unavailable capability throws <see cref="InvalidOperationException"/>.
/// </remarks>
public static class LinearOperator
{
    /// <summary>A + B (same shape).</summary>
    public static SumOperator Sum(ILinearOperator a, ILinearOperator b) => new(a, b);

    /// <summary>A·B, applied as y = A(Bx) (A.Columns = B.Rows).</summary>
    public static ProductOperator Product(ILinearOperator a, ILinearOperator b) => new(a, b);

    /// <summary>αA.</summary>
    public static AffineOperator Scaled(double alpha, ILinearOperator a) => new(a, alpha, 0);

    /// <summary>A + σI (square A).</summary>
    public static AffineOperator Shifted(ILinearOperator a, double sigma)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns) throw new ArgumentException($"A + σI needs a square A, but A is {a.Rows}×{a.Columns}.", nameof(a));
        return new(a, 1, sigma);
    }

    /// <summary>Aᵀ; A must be able to apply its adjoint (see <see cref="CanApplyAdjoint"/>) or be symmetric.</summary>
    public static AdjointOperator Adjoint(ILinearOperator a) => new(a);

    /// <summary>F₀ ⊗ F₁ ⊗ … (same as <see cref="KroneckerOperator.Product"/>).</summary>
    public static KroneckerOperator Kronecker(params ILinearOperator[] factors) => KroneckerOperator.Product(factors);

    /// <summary>Σᵢ I ⊗ … ⊗ Fᵢ ⊗ … ⊗ I (same as <see cref="KroneckerOperator.Sum"/>).</summary>
    public static KroneckerOperator KroneckerSum(params ILinearOperator[] factors) => KroneckerOperator.Sum(factors);

    /// <summary>The n×n identity.</summary>
    public static IdentityOperator Identity(int n) => new(n);

    /// <summary>diag(d) (d is copied).</summary>
    public static DiagonalOperator Diagonal(double[] d) => new(d);

    /// <summary>True when <paramref name="a"/> can apply Aᵀ: it is symmetric, or it implements <see cref="IAdjointableOperator"/> and (for composites) its parts allow it.</summary>
    public static bool CanApplyAdjoint(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if ((a.Properties & OperatorProperties.Symmetric) != 0) return true;
        return a switch
        {
            IConditionalCapabilities c => c.CanApplyAdjoint,
            IAdjointableOperator => true,
            _ => false,
        };
    }

    /// <summary>True when <paramref name="a"/> implements <see cref="IHasDiagonal"/> and (for composites) its parts allow it.</summary>
    public static bool HasDiagonal(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a switch
        {
            IConditionalCapabilities c => c.HasDiagonal,
            IHasDiagonal => true,
            _ => false,
        };
    }

    /// <summary>y = Aᵀx through the adjoint, or through Apply for a symmetric operator.</summary>
    internal static void ApplyAdjointOf(ILinearOperator a, ReadOnlySpan<double> x, Span<double> y)
    {
        if ((a.Properties & OperatorProperties.Symmetric) != 0) a.Apply(x, y);
        else if (a is IAdjointableOperator t && CanApplyAdjoint(a)) t.ApplyAdjoint(x, y);
        else throw new InvalidOperationException($"{a.GetType().Name} ({a.Rows}×{a.Columns}) can neither apply its adjoint nor is it symmetric.");
    }

    /// <summary>Copies diag(A), or throws when A cannot.</summary>
    internal static void CopyDiagonalOf(ILinearOperator a, Span<double> diagonal)
    {
        if (a is IHasDiagonal d && HasDiagonal(a)) d.CopyDiagonal(diagonal);
        else throw new InvalidOperationException($"{a.GetType().Name} ({a.Rows}×{a.Columns}) does not provide its diagonal.");
    }

    internal static ArgumentException ShapeMismatch(string what, ILinearOperator a, ILinearOperator b, string paramName) =>
        new($"{what}: A is {a.Rows}×{a.Columns} but B is {b.Rows}×{b.Columns}.", paramName);

    internal static void CheckApply(ILinearOperator op, ReadOnlySpan<double> x, Span<double> y, bool adjoint)
    {
        int xin = adjoint ? op.Rows : op.Columns, yout = adjoint ? op.Columns : op.Rows;
        string which = adjoint ? "the adjoint of " : "";
        if (x.Length != xin) throw new ArgumentException($"x has length {x.Length}, but {which}the {op.Rows}×{op.Columns} {op.GetType().Name} needs {xin}.", nameof(x));
        if (y.Length != yout) throw new ArgumentException($"y has length {y.Length}, but {which}the {op.Rows}×{op.Columns} {op.GetType().Name} needs {yout}.", nameof(y));
    }
}

/// <summary>Implemented by operators whose adjoint or diagonal availability depends on their parts.</summary>
internal interface IConditionalCapabilities
{
    bool CanApplyAdjoint { get; }

    bool HasDiagonal { get; }
}
