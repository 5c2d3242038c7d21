namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// One dimension's spectral-mixture kernel tabulated at the lags z = m·h, m = 0 … M − 1, of a uniform grid, with its
/// lag derivatives and every parameter derivative (spec §2.7, §3.1 "Toeplitz saving").
/// </summary>
/// <remarks>
/// <para>Parameter layout of one dimension (length 3Q): [a_0 … a_{Q−1} | b_0 … b_{Q−1} | μ_0 … μ_{Q−1}], with w = e^a,
/// ℓ = e^b and μ in cycles per unit. Baseline kinds have no frequencies: their μ entries are ignored and their
/// μ-derivative rows are zero.</para>
/// <para>Even quantities (k, k'' and their parameter derivatives) are tabulated at |m|; the odd k' (and its parameter
/// derivatives) at the positive lag m·h, so that k'(−m·h) = −k'(m·h) exactly and k'(0) = 0 exactly.</para>
/// <para>Gradient tables are row-major [3Q × M]: row p, column m.</para>
/// </remarks>
public sealed class KernelLagTable
{
    /// <summary>Allocates the tables.</summary>
    public KernelLagTable(SpectralKernelKind kind, int components, int points, double spacing)
    {
        throw new NotImplementedException();
    }

    /// <summary>The kernel family.</summary>
    public SpectralKernelKind Kind { get; }

    /// <summary>Q.</summary>
    public int Components { get; }

    /// <summary>M (the number of lags tabulated, = the grid's point count).</summary>
    public int Points { get; }

    /// <summary>h.</summary>
    public double Spacing { get; }

    /// <summary>3Q.</summary>
    public int ParameterCount => 3 * Components;

    /// <summary>k(m·h), m = 0 … M − 1.</summary>
    public ReadOnlySpan<double> Value => throw new NotImplementedException();

    /// <summary>k'(m·h) (signed lag m·h ≥ 0; First[0] = 0).</summary>
    public ReadOnlySpan<double> First => throw new NotImplementedException();

    /// <summary>k''(m·h).</summary>
    public ReadOnlySpan<double> Second => throw new NotImplementedException();

    /// <summary>∂k(m·h)/∂θ_p, row-major [3Q × M].</summary>
    public ReadOnlySpan<double> ValueGradient => throw new NotImplementedException();

    /// <summary>∂k'(m·h)/∂θ_p, row-major [3Q × M] (column 0 is zero).</summary>
    public ReadOnlySpan<double> FirstGradient => throw new NotImplementedException();

    /// <summary>∂k''(m·h)/∂θ_p, row-major [3Q × M].</summary>
    public ReadOnlySpan<double> SecondGradient => throw new NotImplementedException();

    /// <summary>
    /// Recomputes the tables for the parameters θ = [a | b | μ] (length 3Q). <paramref name="withFirst"/> /
    /// <paramref name="withSecond"/> say whether k' / k'' (and their gradients) are needed; the value tables are always
    /// computed. Tables not requested keep stale contents. Allocates nothing.
    /// </summary>
    public void Update(ReadOnlySpan<double> parameters, bool withFirst, bool withSecond) => throw new NotImplementedException();

    /// <summary>
    /// gradient[p] += Σ_m valueWeights[m]·∂k(mh)/∂θ_p + firstWeights[m]·∂k'(mh)/∂θ_p + secondWeights[m]·∂k''(mh)/∂θ_p.
    /// An empty weight span skips that table. Weights are the folded diagonal sums of <see cref="FoldEven"/> /
    /// <see cref="FoldOdd"/>.
    /// </summary>
    public void Contract(ReadOnlySpan<double> valueWeights, ReadOnlySpan<double> firstWeights,
        ReadOnlySpan<double> secondWeights, Span<double> gradient) => throw new NotImplementedException();

    /// <summary>Fills the column-major M×M Gram matrix K_ab = k(|a−b|·h) + jitter·δ_ab.</summary>
    public void FillGram(Span<double> matrix, int ld, double jitter) => throw new NotImplementedException();

    /// <summary>Fills the column-major M×M K''_ab = k''(|a−b|·h) (no jitter).</summary>
    public void FillSecond(Span<double> matrix, int ld) => throw new NotImplementedException();

    /// <summary>Fills the column-major M×M K'_ab = k'((a−b)·h) (antisymmetric, zero diagonal, no jitter).</summary>
    public void FillFirst(Span<double> matrix, int ld) => throw new NotImplementedException();

    /// <summary>
    /// Diagonal sums of the column-major M×M matrix X: sums[M − 1 + m] = Σ_{a−b=m} X_ab for m = −(M−1) … M−1
    /// (length 2M − 1). Overwrites <paramref name="sums"/>.
    /// </summary>
    public static void DiagonalSums(ReadOnlySpan<double> matrix, int m, int ld, Span<double> sums) =>
        throw new NotImplementedException();

    /// <summary>
    /// Diagonal sums of the rank-one matrix x·yᵀ (length-M vectors): sums[M − 1 + m] = Σ_{a−b=m} x_a·y_b (a cross-correlation).
    /// Overwrites <paramref name="sums"/> (length 2M − 1).
    /// </summary>
    public static void OuterDiagonalSums(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> sums) =>
        throw new NotImplementedException();

    /// <summary>Even fold for even tables: even[0] = S(0), even[m] = S(m) + S(−m). <paramref name="sums"/> has length 2M − 1.</summary>
    public static void FoldEven(ReadOnlySpan<double> sums, Span<double> even) => throw new NotImplementedException();

    /// <summary>Odd fold for the odd k' table: odd[0] = 0, odd[m] = S(m) − S(−m).</summary>
    public static void FoldOdd(ReadOnlySpan<double> sums, Span<double> odd) => throw new NotImplementedException();
}
