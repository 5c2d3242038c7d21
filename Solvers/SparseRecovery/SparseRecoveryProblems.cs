using System.Globalization;
using Solvers.Operators;
using Solvers.Sampling;

namespace Solvers.SparseRecovery;

/// <summary>A synthetic Kronecker sparse-recovery problem y = (A₁ ⊗ … ⊗ A_K)x + n (spec §4.1).</summary>
/// <param name="Factors">A_k (M_k×N_k, row-major, iid N(0, 1), not normalised).</param>
/// <param name="ModeSignals">x_k (length N_k), nonzero on <paramref name="ModeSupports"/>[k].</param>
/// <param name="ModeSupports">The sorted support of each x_k.</param>
/// <param name="X">x = x₁ ⊗ … ⊗ x_K (C order, last index fastest), length N = ΠN_k.</param>
/// <param name="CleanY">y₀ = (A₁x₁) ⊗ … ⊗ (A_Kx_K) = Ax, length M = ΠM_k.</param>
/// <param name="Y">y = y₀ + n.</param>
/// <param name="NoiseVariance">σ² = (‖y₀‖²/M)·10^(−SNR/10); 0 for a noiseless problem.</param>
/// <param name="SnrDb">The requested SNR in dB (+∞ for noiseless).</param>
/// <param name="Seed">The seed the problem was drawn from.</param>
public sealed record KroneckerSparseProblem(
    IReadOnlyList<DenseOperator> Factors,
    IReadOnlyList<double[]> ModeSignals,
    IReadOnlyList<int[]> ModeSupports,
    double[] X,
    double[] CleanY,
    double[] Y,
    double NoiseVariance,
    double SnrDb,
    ulong Seed)
{
    /// <summary>The sorted support of x: the Cartesian product of the mode supports, in C order.</summary>
    public int[] Support => SparseRecoveryMetrics.TrueSupport(X);

    /// <summary>The dictionary as the project's Kronecker operator (needs at least two factors).</summary>
    public KroneckerOperator ToOperator() => KroneckerOperator.Product([.. Factors]);
}

/// <summary>
/// The synthetic generator of spec §4.1, shared by the tests, <c>bench/</c> and the CLI. All randomness comes from one
/// <see cref="Xoshiro256StarStar"/> seeded with the given seed (whose stream never changes with the runtime), drawn in
/// this fixed order, so that a problem is reproducible from its seed:
/// <list type="number">
/// <item>for k = 1…K, the entries of A_k in row-major order, N(0, 1);</item>
/// <item>for k = 1…K, the support of x_k (a partial Fisher–Yates shuffle of 0…N_k−1, K_s draws, then sorted) followed by
/// its K_s values, N(0, 1), in sorted-position order;</item>
/// <item>the noise n, M values N(0, σ²) in index order (skipped when noiseless).</item>
/// </list>
/// The dictionary is not normalised (spec §6, pitfall 13). A fresh problem is drawn per call (the prototype's scheme,
/// not the reference's nesting; pitfall 14).
/// </summary>
public static class SparseRecoveryProblems
{
    /// <summary>The paper's N_k = 15 per mode.</summary>
    public const int PaperColumnsPerMode = 15;

    /// <summary>
    /// Draws one trial of the §4.1 setup: K modes with A_k ∈ ℝ^{M_k×N_k}, K_s nonzeros per mode, and noise at the given SNR.
    /// </summary>
    /// <param name="rows">M_k per mode (each ≥ 1).</param>
    /// <param name="columns">N_k per mode (same count as <paramref name="rows"/>, each ≥ 1).</param>
    /// <param name="supportSizes">K_s per mode (same count, 1 ≤ K_s ≤ N_k).</param>
    /// <param name="snrDb">SNR in dB; <see cref="double.PositiveInfinity"/> gives a noiseless problem (σ² = 0).</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ArgumentException">An empty or mismatched list of sizes, a size below 1, K_s &gt; N_k, or a NaN or −∞ SNR.</exception>
    public static KroneckerSparseProblem Kronecker(IReadOnlyList<int> rows, IReadOnlyList<int> columns,
        IReadOnlyList<int> supportSizes, double snrDb, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(supportSizes);
        int modes = rows.Count;
        if (modes == 0) throw new ArgumentException("At least one mode is needed.", nameof(rows));
        if (columns.Count != modes || supportSizes.Count != modes)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{modes} row counts, {columns.Count} column counts and {supportSizes.Count} support sizes: the counts must agree."), nameof(columns));
        for (int k = 0; k < modes; k++)
        {
            if (rows[k] < 1 || columns[k] < 1)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Mode {k} has size {rows[k]}×{columns[k]}; both must be at least 1."), nameof(rows));
            if (supportSizes[k] < 1 || supportSizes[k] > columns[k])
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Mode {k}: support size {supportSizes[k]} must lie in [1, N_k = {columns[k]}]."), nameof(supportSizes));
        }
        if (double.IsNaN(snrDb) || double.IsNegativeInfinity(snrDb))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The SNR is {snrDb} dB; it must be a number or +∞."), nameof(snrDb));

        var rng = new Xoshiro256StarStar(seed);
        var factors = new DenseOperator[modes];
        for (int k = 0; k < modes; k++)
        {
            var data = new double[rows[k] * columns[k]];
            for (int i = 0; i < data.Length; i++) data[i] = rng.NextNormal();
            factors[k] = new DenseOperator(rows[k], columns[k], data);
        }

        var signals = new double[modes][];
        var supports = new int[modes][];
        for (int k = 0; k < modes; k++)
        {
            int n = columns[k], s = supportSizes[k];
            var perm = new int[n];
            for (int i = 0; i < n; i++) perm[i] = i;
            for (int i = 0; i < s; i++)
            {
                int j = i + (int)(rng.NextUInt64() % (ulong)(n - i));
                (perm[i], perm[j]) = (perm[j], perm[i]);
            }
            var support = perm[..s];
            Array.Sort(support);
            var xk = new double[n];
            foreach (int j in support) xk[j] = rng.NextNormal();
            signals[k] = xk;
            supports[k] = support;
        }

        double[] x = KroneckerVector(signals);
        var images = new double[modes][];
        for (int k = 0; k < modes; k++)
        {
            images[k] = new double[rows[k]];
            factors[k].Apply(signals[k], images[k]);
        }
        double[] clean = KroneckerVector(images);
        int m = clean.Length;

        double energy = 0;
        foreach (double v in clean) energy += v * v;
        double sigma2 = double.IsPositiveInfinity(snrDb) ? 0 : energy / m * Math.Pow(10, -snrDb / 10);
        var y = (double[])clean.Clone();
        if (sigma2 > 0)
        {
            double sigma = Math.Sqrt(sigma2);
            for (int i = 0; i < m; i++) y[i] += sigma * rng.NextNormal();
        }
        return new KroneckerSparseProblem(factors, signals, supports, x, clean, y, sigma2, snrDb, seed);
    }

    /// <summary>The paper's configuration (K = 3, N_k = 15, M = (M₁, 12, 15), K_s per mode) at the given SNR.</summary>
    /// <param name="rowsMode1">M₁ (the paper uses 6…14).</param>
    /// <param name="supportSize">K_s per mode (the paper uses 2…6).</param>
    /// <param name="snrDb">SNR in dB.</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Kronecker"/>.</exception>
    public static KroneckerSparseProblem Paper(int rowsMode1, int supportSize, double snrDb, ulong seed) =>
        Kronecker([rowsMode1, 12, 15], [PaperColumnsPerMode, PaperColumnsPerMode, PaperColumnsPerMode],
            [supportSize, supportSize, supportSize], snrDb, seed);

    /// <summary>v₁ ⊗ … ⊗ v_K in C order (last index fastest).</summary>
    private static double[] KroneckerVector(double[][] vectors)
    {
        double[] full = [1.0];
        foreach (var v in vectors)
        {
            var next = new double[full.Length * v.Length];
            for (int i = 0; i < full.Length; i++)
                for (int j = 0; j < v.Length; j++)
                    next[i * v.Length + j] = full[i] * v[j];
            full = next;
        }
        return full;
    }
}
