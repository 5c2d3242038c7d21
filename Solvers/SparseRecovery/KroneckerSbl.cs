using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>The γ M-step of <see cref="KroneckerSbl"/> (spec sparse-bayesian §2.7).</summary>
public enum KroneckerMStep
{
    /// <summary>SVD-KroSBL: sequential rank-one approximation of the second-moment tensor (default).</summary>
    Svd,
    /// <summary>AM-KroSBL: Gauss–Seidel sweeps of exact block minimisers until the inner tolerance, normalised after each sweep.</summary>
    AlternatingMinimization,
    /// <summary>KSBL: exactly one block-minimiser sweep per EM iteration.</summary>
    SingleSweep,
}

/// <summary>How the SVD M-step finds the top singular triplet (spec §3.3).</summary>
public enum KroneckerSingularTriplet
{
    /// <summary>The dense backend's thin SVD.</summary>
    BackendSvd,
    /// <summary>Power iteration on R·Rᵀ from the all-ones vector (tolerance 10⁻¹², at most 1000 steps).</summary>
    PowerIteration,
}

/// <summary>Options of <see cref="KroneckerSbl"/> (spec §3.3).</summary>
public sealed record KroneckerSblOptions : SparseBayesianOptions
{
    /// <summary>The default options.</summary>
    public static KroneckerSblOptions Default { get; } = new();

    /// <summary>The γ M-step (<see cref="KroneckerMStep.Svd"/>).</summary>
    public KroneckerMStep MStep { get; init; } = KroneckerMStep.Svd;

    /// <summary>
    /// Relative prune ratio r_k per mode, each in [0, 1). When null, <see cref="SparseBayesianOptions.PruneRatio"/> applies to
    /// every mode, and when that is null too, the §2.8 default (SVD 10⁻³ known σ² / 5·10⁻⁴ learned; AM and KSBL 10⁻² / 5·10⁻³).
    /// </summary>
    public IReadOnlyList<double>? PruneRatios { get; init; }

    /// <summary>
    /// The inner tolerance on ‖Δ(⊗γ_k)‖₂ of the block-minimiser M-steps; null ⇒ 10⁻⁵, or 10⁻⁴ when pattern coupling is on
    /// (spec §3.3: "PC mode uses true with 10⁻⁴").
    /// </summary>
    public double? InnerTolerance { get; init; }

    /// <summary>
    /// When true, the inner test is relative to ‖⊗γ_k‖₂ before the sweep; false is the reference's absolute test. null ⇒ false,
    /// or true when pattern coupling is on.
    /// </summary>
    public bool? InnerToleranceRelative { get; init; }

    /// <summary>The cap on inner sweeps per EM iteration; null ⇒ 100 (a project safety cap), or 9 when pattern coupling is on [ref].</summary>
    public int? MaxInnerSweeps { get; init; }

    /// <summary>
    /// Pattern coupling per mode (spec §2.9): null for an uncoupled mode, or β ≥ 0 to couple neighbouring hyperparameters through
    /// C_β = I + β·(sub- and super-diagonal ones). The list needs one entry per factor. The IRS setting is (β, null, β) with β = 0.8.
    /// Coupling is on when some entry is not null; it needs a block-minimiser M-step
    /// (<see cref="KroneckerMStep.AlternatingMinimization"/> or <see cref="KroneckerMStep.SingleSweep"/>). null (default) or all
    /// entries null: no coupling.
    /// </summary>
    public IReadOnlyList<double?>? Coupling { get; init; }

    /// <summary>The floor added to the coupled factors after each update, γ̃_k = floor + C_βγ_k (10⁻⁵ [ref]; ≥ 0).</summary>
    public double CouplingFloor { get; init; } = 1e-5;

    /// <summary>How the SVD M-step computes the top singular triplet.</summary>
    public KroneckerSingularTriplet SingularTriplet { get; init; } = KroneckerSingularTriplet.BackendSvd;

    /// <summary>
    /// Warm-start factors (positive, length N_k each), normalised on entry; null ⇒ the normalised ones of §2.8, or with coupling
    /// on the unnormalised start of §2.9 (γ_k = 1, so γ̃_k = C_β·1). With coupling they are the effective prior factors (γ̃_k for
    /// coupled modes), as <see cref="SparseRecoveryResult.GammaFactors"/> reports them, so a result can warm-start a solve.
    /// </summary>
    public IReadOnlyList<double[]>? InitialFactors { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!Enum.IsDefined(MStep)) throw new ArgumentException($"Unknown M-step {MStep}.");
        if (!Enum.IsDefined(SingularTriplet)) throw new ArgumentException($"Unknown singular-triplet method {SingularTriplet}.");
        if (InnerTolerance is { } tol && (!(tol >= 0) || !double.IsFinite(tol))) throw new ArgumentException($"InnerTolerance must be finite and ≥ 0 (got {F(tol)}).");
        if (MaxInnerSweeps is { } cap && cap < 1) throw new ArgumentException($"MaxInnerSweeps must be ≥ 1 (got {cap}).");
        if (!(CouplingFloor >= 0) || !double.IsFinite(CouplingFloor)) throw new ArgumentException($"CouplingFloor must be finite and ≥ 0 (got {F(CouplingFloor)}).");
        if (Coupling is not null)
        {
            for (int k = 0; k < Coupling.Count; k++)
            {
                if (Coupling[k] is { } beta && (!(beta >= 0) || !double.IsFinite(beta)))
                    throw new ArgumentException($"Coupling[{k}] = {F(beta)}; β must be finite and ≥ 0 (or null for an uncoupled mode).");
            }
            if (IsCoupled && MStep == KroneckerMStep.Svd)
                throw new ArgumentException("Pattern coupling (§2.9) needs a block-minimiser M-step: set MStep to AlternatingMinimization or SingleSweep.");
        }
        if (PruneRatios is not null)
        {
            for (int k = 0; k < PruneRatios.Count; k++)
            {
                double r = PruneRatios[k];
                if (!(r >= 0 && r < 1)) throw new ArgumentException($"PruneRatios[{k}] must be in [0, 1) (got {F(r)}).");
            }
        }
    }

    /// <summary>True when <see cref="Coupling"/> has a non-null entry.</summary>
    internal bool IsCoupled
    {
        get
        {
            if (Coupling is null) return false;
            for (int k = 0; k < Coupling.Count; k++) if (Coupling[k] is not null) return true;
            return false;
        }
    }

    /// <summary><see cref="InnerTolerance"/> with its default resolved.</summary>
    internal double EffectiveInnerTolerance => InnerTolerance ?? (IsCoupled ? 1e-4 : 1e-5);

    /// <summary><see cref="InnerToleranceRelative"/> with its default resolved.</summary>
    internal bool EffectiveInnerToleranceRelative => InnerToleranceRelative ?? IsCoupled;

    /// <summary><see cref="MaxInnerSweeps"/> with its default resolved (100, or 9 with coupling): the cap a solve uses.</summary>
    public int EffectiveMaxInnerSweeps => MaxInnerSweeps ?? (IsCoupled ? 9 : 100);
}

/// <summary>
/// Kronecker-structured sparse Bayesian learning (KroSBL; He &amp; Joseph; spec sparse-bayesian §2.5–§2.9) for
/// y = (A₁ ⊗ … ⊗ A_K)x + n with the prior x ~ N(0, diag(γ₁ ⊗ … ⊗ γ_K)).
/// </summary>
/// <remarks>
/// <para><b>E-step</b>: <see cref="KroneckerPosterior"/> (per-mode eigendecompositions; A, Σ_y and Σ_x are never formed).</para>
/// <para><b>M-steps</b> (§2.7): <see cref="KroneckerMStep.Svd"/>, <see cref="KroneckerMStep.AlternatingMinimization"/> and
/// <see cref="KroneckerMStep.SingleSweep"/>, on the second moments Λ_j = μ_j² + (Σ_x)_jj (negatives clamped to 0).
/// </para>
/// <para><b>Pattern coupling</b> (PC-KroSBL, §2.9; <see cref="KroneckerSblOptions.Coupling"/>): a coupled mode's prior factor is
/// γ̃_k = floor + C_βγ_k with C_β = I + β·(sub- and super-diagonal ones). The solver keeps the effective factors (γ̃_k for
/// coupled modes, γ_k for the others): the E-step and pruning act on them, C_β is restricted to the kept indices, and each
/// block-minimiser sweep solves a nonnegative least-squares problem (<see cref="NonNegativeLeastSquares"/>) per coupled mode
/// (<see cref="PatternCoupledSweep(IReadOnlyList{double[]}, ReadOnlySpan{double}, IReadOnlyList{double?}, double)"/>). The
/// start is γ_k = 1, i.e. γ̃_k = C_β·1, unnormalised; the inner loop defaults to the reference's relative 10⁻⁴ and 9 sweeps.
/// <see cref="SparseRecoveryResult.GammaFactors"/> then holds the effective factors in the §2.5 convention.</para>
/// <para><b>Allocation</b>: every buffer is allocated per solve, so an EM iteration allocates nothing outside the backend
/// calls (§5.1 test 16).</para>
/// <para><b>Pruning</b> (§2.8): per mode, index a leaves I_k when γ_k[a] &lt; r_k·max γ_k or γ_k[a] &lt; r_abs. The factors keep
/// their full sizes and a pruned entry is held at exactly γ_k[a] = 0: the E-step then gives μ = diag Σ_x = 0 there exactly,
/// which equals running it on the reduced factors (§5.1 test 4), and the M-steps treat γ_k[a] = 0 as "not kept" (the AM
/// means run over the kept sizes |I_l|). This trades a little work per iteration for no rebuilds.</para>
/// <para><b>Outcomes</b> (§3.5): y = 0 ⇒ ConvergedZeroRightHandSide; relative γ change &lt; tolerance ⇒ ConvergedRelativeTolerance;
/// cap ⇒ DivergedMaxIterations (the final E-step still runs); an emptied mode ⇒ DivergedBreakdown (x̂ = 0); σ² + λ ≤ 0 ⇒
/// DivergedIndefiniteOperator and a non-finite quantity ⇒ DivergedNaN (both with the last finite iterate); Cancelled / TimeLimit
/// with the last E-step mean.</para>
/// </remarks>
public static partial class KroneckerSbl
{
    private const int PowerIterationMaxSteps = 1000;
    private const double PowerIterationTolerance = 1e-12;

    /// <summary>Runs KroSBL on y with the dense factors A_k (row-major M_k×N_k).</summary>
    /// <param name="factors">A₁ … A_K, A₁ on the slowest index (at least one).</param>
    /// <param name="y">The data, length ΠM_k; never modified.</param>
    /// <param name="options">The options; <see cref="KroneckerSblOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress (once per EM iteration), cancellation (once per EM iteration and inner sweep).</param>
    /// <param name="backend">The dense backend; <see cref="DenseBackend.Current"/> when null.</param>
    /// <returns>The recovery; numerical outcomes are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException">A null list or factor.</exception>
    /// <exception cref="ArgumentException">Misuse (spec §3.2): an empty factor list, y of length ≠ ΠM_k, a non-finite y entry,
    /// an invalid option, a prune-ratio or coupling list of the wrong length, or invalid initial factors.</exception>
    public static SparseRecoveryResult Solve(IReadOnlyList<DenseOperator> factors, ReadOnlySpan<double> y,
        KroneckerSblOptions? options = null, SolverHooks hooks = default, IDenseBackend? backend = null)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(factors);
        options ??= KroneckerSblOptions.Default;
        var a = KroneckerOmp.CheckFactors(factors, y, nameof(factors));
        options.Validate();
        int modes = a.Length;
        var ratios = PruneRatiosFor(options, modes);
        var betas = options.IsCoupled ? CouplingFor(options.Coupling!, modes, nameof(options)) : null;
        var gammas = InitialGammas(options, a, betas);
        return new Run(a, y, options, ratios, betas, gammas, hooks, backend ?? DenseBackend.Current, start).Execute();
    }

    /// <summary>Runs KroSBL with the dense factors of a Kronecker product operator.</summary>
    /// <param name="a">A₁ ⊗ … ⊗ A_K as a <see cref="KroneckerCombine.Product"/> of <see cref="DenseOperator"/> factors.</param>
    /// <param name="y">The data, length a.Rows; never modified.</param>
    /// <param name="options">The options.</param>
    /// <param name="hooks">Logger, progress and cancellation.</param>
    /// <param name="backend">The dense backend.</param>
    /// <returns>The recovery.</returns>
    /// <exception cref="ArgumentException">A Kronecker sum or a non-dense factor; otherwise as the list form.</exception>
    public static SparseRecoveryResult Solve(KroneckerOperator a, ReadOnlySpan<double> y,
        KroneckerSblOptions? options = null, SolverHooks hooks = default, IDenseBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Combine != KroneckerCombine.Product)
            throw new ArgumentException("KroSBL needs a Kronecker product, not a Kronecker sum.", nameof(a));
        var factors = new DenseOperator[a.Factors.Count];
        for (int k = 0; k < factors.Length; k++)
            factors[k] = a.Factors[k] as DenseOperator ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Factor {k} is a {a.Factors[k].GetType().Name}; KroSBL needs dense factors."), nameof(a));
        return Solve(factors, y, options, hooks, backend);
    }

    /// <summary>The §2.8 default relative prune ratio of an M-step.</summary>
    /// <param name="mStep">The M-step.</param>
    /// <param name="noiseKnown">Whether σ² is given.</param>
    /// <returns>r.</returns>
    public static double DefaultPruneRatio(KroneckerMStep mStep, bool noiseKnown) => mStep switch
    {
        KroneckerMStep.Svd => noiseKnown ? 1e-3 : 5e-4,
        _ => noiseKnown ? 1e-2 : 5e-3,
    };

    private static double[] PruneRatiosFor(KroneckerSblOptions options, int modes)
    {
        var r = new double[modes];
        if (options.PruneRatios is { } list)
        {
            if (list.Count != modes)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"PruneRatios has {list.Count} entries but there are {modes} factors."), nameof(options));
            for (int k = 0; k < modes; k++) r[k] = list[k];
        }
        else Array.Fill(r, options.PruneRatio ?? DefaultPruneRatio(options.MStep, options.NoiseVariance is not null));
        return r;
    }

    /// <summary>β per mode with NaN for an uncoupled mode; checks the length against the number of factors and each β ≥ 0.</summary>
    private static double[] CouplingFor(IReadOnlyList<double?> coupling, int modes, string paramName)
    {
        if (coupling.Count != modes)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Coupling has {coupling.Count} entries but there are {modes} factors."), paramName);
        var betas = new double[modes];
        for (int k = 0; k < modes; k++)
        {
            if (coupling[k] is { } beta)
            {
                if (!(beta >= 0) || !double.IsFinite(beta))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Coupling[{k}] = {beta}; β must be finite and ≥ 0 (or null for an uncoupled mode)."), paramName);
                betas[k] = beta;
            }
            else betas[k] = double.NaN;
        }
        return betas;
    }

    private static double[][] InitialGammas(KroneckerSblOptions options, DenseOperator[] a, double[]? betas)
    {
        int modes = a.Length;
        var g = new double[modes][];
        if (options.InitialFactors is { } init)
        {
            if (init.Count != modes)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"InitialFactors has {init.Count} entries but there are {modes} factors."), nameof(options));
            for (int k = 0; k < modes; k++)
            {
                var f = init[k] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"InitialFactors[{k}] is null."), nameof(options));
                if (f.Length != a[k].Columns)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"InitialFactors[{k}] has length {f.Length} but factor {k} has {a[k].Columns} columns."), nameof(options));
                foreach (double v in f)
                    if (!(v > 0) || !double.IsFinite(v))
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                            $"InitialFactors[{k}] has the entry {v}; every entry must be finite and > 0."), nameof(options));
                g[k] = (double[])f.Clone();
            }
            Normalize(g);
            return g;
        }
        if (betas is not null)
        {
            // §2.9: γ_k = 1 for every mode, so γ̃_k = C_β·1 (1 + 2β inside, 1 + β at the ends) for coupled modes; not normalised.
            for (int k = 0; k < modes; k++)
            {
                int nk = a[k].Columns;
                g[k] = new double[nk];
                Array.Fill(g[k], 1.0);
                if (double.IsNaN(betas[k])) continue;
                for (int i = 0; i < nk; i++)
                {
                    if (i > 0) g[k][i] += betas[k];
                    if (i + 1 < nk) g[k][i] += betas[k];
                }
            }
            return g;
        }
        double rest = 1;
        for (int k = 0; k < modes - 1; k++)
        {
            g[k] = new double[a[k].Columns];
            Array.Fill(g[k], 1 / Math.Sqrt(a[k].Columns));
            rest *= a[k].Columns;
        }
        g[modes - 1] = new double[a[modes - 1].Columns];
        Array.Fill(g[modes - 1], Math.Sqrt(rest));
        return g;
    }

    /// <summary>
    /// The §2.5 convention in place: n_k = ‖γ_k‖₂, γ_k ← γ_k/n_k for k &lt; K and γ_K ← γ_K·Π_{k&lt;K} n_k (⊗γ_k unchanged).
    /// A zero factor is left as is.
    /// </summary>
    /// <param name="gammaFactors">γ_k, modified in place.</param>
    public static void Normalize(IReadOnlyList<double[]> gammaFactors)
    {
        ArgumentNullException.ThrowIfNull(gammaFactors);
        int modes = gammaFactors.Count;
        double scale = 1;
        for (int k = 0; k < modes - 1; k++)
        {
            double n = VectorMath.Norm2(gammaFactors[k]);
            if (!(n > 0) || !double.IsFinite(n)) continue;
            var g = gammaFactors[k];
            for (int i = 0; i < g.Length; i++) g[i] /= n;
            scale *= n;
        }
        var last = gammaFactors[modes - 1];
        for (int i = 0; i < last.Length; i++) last[i] *= scale;
    }

    /// <summary>Expands γ₁ ⊗ … ⊗ γ_K into <paramref name="full"/> (C order, last index fastest).</summary>
    /// <param name="gammaFactors">γ_k.</param>
    /// <param name="full">Output of length ΠN_k.</param>
    /// <exception cref="ArgumentException"><paramref name="full"/> has the wrong length.</exception>
    public static void Expand(IReadOnlyList<double[]> gammaFactors, Span<double> full)
    {
        ArgumentNullException.ThrowIfNull(gammaFactors);
        // Indexed loops, not foreach: enumerating an IReadOnlyList allocates an enumerator, and this runs every EM iteration.
        long n = 1;
        for (int k = 0; k < gammaFactors.Count; k++) n *= gammaFactors[k].Length;
        if (full.Length != n)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The output has length {full.Length}, not ΠN_k = {n}."), nameof(full));
        full[0] = 1;
        int size = 1;
        for (int k = 0; k < gammaFactors.Count; k++)
        {
            var g = gammaFactors[k];
            // Expand backwards in place: entry (i, j) of the new size·|g| tensor is full[i]·g[j].
            for (int i = size - 1; i >= 0; i--)
            {
                double v = full[i];
                for (int j = g.Length - 1; j >= 0; j--) full[i * g.Length + j] = v * g[j];
            }
            size *= g.Length;
        }
    }

    /// <summary>
    /// The EM objective Q(γ) = Σ_j [log γ_j + Λ_j/γ_j] over the kept j (γ_j = Π_k γ_k[j_k] &gt; 0; spec §2.7).
    /// </summary>
    /// <param name="gammaFactors">γ_k (entries 0 are pruned).</param>
    /// <param name="secondMoment">Λ, length ΠN_k.</param>
    /// <returns>Q.</returns>
    public static double EmObjective(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment)
    {
        var full = new double[secondMoment.Length];
        Expand(gammaFactors, full);
        double q = 0;
        for (int j = 0; j < full.Length; j++)
            if (full[j] > 0) q += Math.Log(full[j]) + secondMoment[j] / full[j];
        return q;
    }

    /// <summary>
    /// One exact block-minimiser update of mode <paramref name="mode"/> (spec §2.7): γ_k[a] = mean over the kept other
    /// indices of Λ_j / Π_{l≠k} γ_l[j_l]. Entries with γ_k[a] = 0 (pruned) stay 0.
    /// </summary>
    /// <param name="gammaFactors">γ_k, mode <paramref name="mode"/> modified in place.</param>
    /// <param name="secondMoment">Λ, length ΠN_k.</param>
    /// <param name="mode">k (0-based).</param>
    public static void BlockUpdate(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment, int mode)
    {
        ArgumentNullException.ThrowIfNull(gammaFactors);
        int modes = gammaFactors.Count;
        int outer = 1, inner = 1;
        for (int l = 0; l < mode; l++) outer *= gammaFactors[l].Length;
        for (int l = mode + 1; l < modes; l++) inner *= gammaFactors[l].Length;
        BlockUpdate(gammaFactors, secondMoment, mode, new double[outer], new double[inner]);
    }

    /// <summary><see cref="BlockUpdate(IReadOnlyList{double[]}, ReadOnlySpan{double}, int)"/> with caller-owned weight buffers.</summary>
    private static void BlockUpdate(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment, int mode,
        double[] wOuter, double[] wInner)
    {
        int modes = gammaFactors.Count;
        int outer = 1, inner = 1;
        for (int l = 0; l < mode; l++) outer *= gammaFactors[l].Length;
        for (int l = mode + 1; l < modes; l++) inner *= gammaFactors[l].Length;
        long count = InverseProduct(gammaFactors, 0, mode, wOuter) * InverseProduct(gammaFactors, mode + 1, modes, wInner);
        var g = gammaFactors[mode];
        int nk = g.Length;
        for (int c = 0; c < nk; c++)
        {
            if (!(g[c] > 0)) { g[c] = 0; continue; }
            double sum = 0;
            for (int o = 0; o < outer; o++)
            {
                if (wOuter[o] == 0) continue;
                var slice = secondMoment.Slice((o * nk + c) * inner, inner);
                double s = 0;
                for (int i = 0; i < inner; i++) s += slice[i] * wInner[i];
                sum += wOuter[o] * s;
            }
            g[c] = sum / count;
        }
    }

    /// <summary>⊗_{l∈[from,to)} (1/γ_l on kept entries, 0 on pruned ones) into <paramref name="w"/>; returns Π|I_l|.</summary>
    private static long InverseProduct(IReadOnlyList<double[]> gammaFactors, int from, int to, double[] w)
    {
        w[0] = 1;
        int size = 1;
        long kept = 1;
        for (int l = from; l < to; l++)
        {
            var g = gammaFactors[l];
            int count = 0;
            for (int i = size - 1; i >= 0; i--)
            {
                double v = w[i];
                for (int j = g.Length - 1; j >= 0; j--) w[i * g.Length + j] = g[j] > 0 ? v / g[j] : 0;
            }
            foreach (double v in g) if (v > 0) count++;
            kept *= count;
            size *= g.Length;
        }
        return kept;
    }

    /// <summary>One Gauss–Seidel sweep of <see cref="BlockUpdate(IReadOnlyList{double[]}, ReadOnlySpan{double}, int)"/> over
    /// k = 1, …, K, optionally normalised after it.</summary>
    /// <param name="gammaFactors">γ_k, modified in place.</param>
    /// <param name="secondMoment">Λ.</param>
    /// <param name="normalize">Apply <see cref="Normalize"/> after the sweep.</param>
    public static void AlternatingSweep(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(gammaFactors);
        for (int k = 0; k < gammaFactors.Count; k++) BlockUpdate(gammaFactors, secondMoment, k);
        if (normalize) Normalize(gammaFactors);
    }

    /// <summary>
    /// One pattern-coupled sweep (spec §2.9, generalised to any set of coupled modes): for k = 1, …, K in turn, g_k = the plain
    /// AM target of <see cref="BlockUpdate(IReadOnlyList{double[]}, ReadOnlySpan{double}, int)"/> computed with the current
    /// effective factors of the other modes; an uncoupled mode takes γ_k = g_k; a coupled mode solves the nonnegative least
    /// squares γ_k = argmin_{v ≥ 0} ‖C_βv − g_k‖₂ on its kept indices (C_β restricted to them, so kept neighbours across a
    /// pruned index are not coupled) and takes the effective factor γ̃_k = floor + C_βγ_k. The sweep ends with the §2.5
    /// normalisation of the effective factors (step 4 of §2.9).
    /// </summary>
    /// <param name="gammaFactors">The effective factors (γ̃_k for coupled modes, γ_k otherwise; 0 = pruned), modified in place.</param>
    /// <param name="secondMoment">Λ, length ΠN_k.</param>
    /// <param name="coupling">β ≥ 0 per mode, or null for an uncoupled mode; one entry per factor.</param>
    /// <param name="floor">The floor added to coupled factors (≥ 0).</param>
    /// <exception cref="ArgumentException">A coupling list of the wrong length, a β &lt; 0 or non-finite, or a floor &lt; 0 or non-finite.</exception>
    public static void PatternCoupledSweep(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment,
        IReadOnlyList<double?> coupling, double floor)
    {
        ArgumentNullException.ThrowIfNull(gammaFactors);
        ArgumentNullException.ThrowIfNull(coupling);
        var betas = CouplingFor(coupling, gammaFactors.Count, nameof(coupling));
        if (!(floor >= 0) || !double.IsFinite(floor))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The floor {floor} must be finite and ≥ 0."), nameof(floor));
        var workspace = new MStepWorkspace(gammaFactors, KroneckerMStep.AlternatingMinimization, coupled: true);
        PatternCoupledSweep(gammaFactors, secondMoment, betas, floor, workspace);
    }

    private static void PatternCoupledSweep(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment,
        double[] betas, double floor, MStepWorkspace workspace)
    {
        for (int k = 0; k < gammaFactors.Count; k++)
        {
            var g = gammaFactors[k];
            if (double.IsNaN(betas[k]))
            {
                BlockUpdate(gammaFactors, secondMoment, k, workspace.Outer, workspace.Inner);
                continue;
            }
            // The kept set is read before the block update overwrites the factor with its target.
            int kept = 0;
            for (int i = 0; i < g.Length; i++) if (g[i] > 0) workspace.KeptIndex[kept++] = i;
            BlockUpdate(gammaFactors, secondMoment, k, workspace.Outer, workspace.Inner);
            CoupledUpdate(g, workspace.KeptIndex.AsSpan(0, kept), betas[k], floor, workspace);
        }
        Normalize(gammaFactors);
    }

    /// <summary>
    /// On the kept indices of one mode: v = NNLS(C_β restricted, target g) and g ← floor + C_βv. When C_β restricted is the
    /// identity (β = 0, or no two kept indices adjacent) the NNLS solution is max(g, 0) and is taken directly.
    /// </summary>
    private static void CoupledUpdate(double[] g, ReadOnlySpan<int> kept, double beta, double floor, MStepWorkspace workspace)
    {
        int p = kept.Length;
        if (p == 0) return;
        var target = workspace.Target.AsSpan(0, p);
        var v = workspace.Solution.AsSpan(0, p);
        bool finite = true, identity = true;
        for (int i = 0; i < p; i++)
        {
            target[i] = g[kept[i]];
            finite &= double.IsFinite(target[i]);
            if (i > 0 && kept[i] == kept[i - 1] + 1) identity = false;
        }
        if (!finite) return; // leave the non-finite target in place: the solver reports DivergedNaN after the M-step
        if (identity || beta == 0)
        {
            for (int i = 0; i < p; i++) v[i] = Math.Max(target[i], 0);
        }
        else
        {
            var c = workspace.CouplingMatrix.AsSpan(0, p * p);
            c.Clear();
            for (int i = 0; i < p; i++)
            {
                c[i * p + i] = 1;
                if (i + 1 < p && kept[i + 1] == kept[i] + 1)
                {
                    c[i * p + i + 1] = beta;
                    c[(i + 1) * p + i] = beta;
                }
            }
            workspace.Nnls!.Solve(c, p, p, target, v);
        }
        for (int i = 0; i < p; i++)
        {
            double cv = v[i];
            if (i > 0 && kept[i - 1] == kept[i] - 1) cv += beta * v[i - 1];
            if (i + 1 < p && kept[i + 1] == kept[i] + 1) cv += beta * v[i + 1];
            g[kept[i]] = floor + cv;
        }
    }

    /// <summary>
    /// The SVD-KroSBL M-step (spec §2.7): sequential rank-one approximation of Λ reshaped row-major with mode 1 in the rows;
    /// γ_k = |u| for k &lt; K and γ_K = s·|v|. Pruned entries (γ_k[a] = 0 on entry) are set to exactly 0 afterwards.
    /// For K = 1 it is γ₁ = Λ.
    /// </summary>
    /// <param name="gammaFactors">γ_k, overwritten.</param>
    /// <param name="secondMoment">Λ ≥ 0.</param>
    /// <param name="method">Backend SVD or power iteration.</param>
    /// <param name="backend">The dense backend; <see cref="DenseBackend.Current"/> when null.</param>
    public static void RankOneStep(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment,
        KroneckerSingularTriplet method, IDenseBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(gammaFactors);
        RankOneStep(gammaFactors, secondMoment, method, backend ?? DenseBackend.Current,
            new MStepWorkspace(gammaFactors, KroneckerMStep.Svd, coupled: false));
    }

    private static void RankOneStep(IReadOnlyList<double[]> gammaFactors, ReadOnlySpan<double> secondMoment,
        KroneckerSingularTriplet method, IDenseBackend backend, MStepWorkspace workspace)
    {
        int modes = gammaFactors.Count;
        var masks = workspace.Masks;
        for (int k = 0; k < modes; k++)
            for (int i = 0; i < masks[k].Length; i++) masks[k][i] = gammaFactors[k][i] > 0;
        // R_k lives in one buffer and s·|v| (= R_{k+1}) is written to the other; they swap after each mode.
        double[] r = workspace.RankA, next = workspace.RankB;
        int length = secondMoment.Length;
        secondMoment.CopyTo(r);
        for (int k = 0; k < modes - 1; k++)
        {
            int rows = gammaFactors[k].Length, cols = length / rows;
            var u = gammaFactors[k];
            var v = next.AsSpan(0, cols);
            var current = r.AsSpan(0, length);
            double s = method == KroneckerSingularTriplet.BackendSvd
                ? TopTripletSvd(backend, current, rows, cols, u, v, workspace)
                : TopTripletPower(current, rows, cols, u, v, workspace.PowerNext);
            for (int i = 0; i < rows; i++) u[i] = masks[k][i] ? Math.Abs(u[i]) : 0;
            for (int i = 0; i < cols; i++) v[i] = s * Math.Abs(v[i]); // R_{k+1} = s·|v|
            (r, next) = (next, r);
            length = cols;
        }
        var last = gammaFactors[modes - 1];
        for (int i = 0; i < last.Length; i++) last[i] = masks[modes - 1][i] ? r[i] : 0;
    }

    /// <summary>Top singular triplet of the row-major rows×cols R via the backend SVD; returns s.</summary>
    private static double TopTripletSvd(IDenseBackend backend, ReadOnlySpan<double> r, int rows, int cols, double[] u, Span<double> v,
        MStepWorkspace workspace)
    {
        // Row-major R (rows×cols) is column-major Rᵀ (cols×rows) = V S Uᵀ: u = row 0 of its Vᵀ, v = column 0 of its U.
        int p = Math.Min(rows, cols);
        var a = workspace.SvdCopy.AsSpan(0, r.Length);
        r.CopyTo(a);
        var s = workspace.SvdValues.AsSpan(0, p);
        var left = workspace.SvdLeft.AsSpan(0, cols * p);
        var vt = workspace.SvdRight.AsSpan(0, p * rows);
        backend.Svd(cols, rows, a, cols, s, left, cols, vt, p);
        for (int i = 0; i < rows; i++) u[i] = vt[i * p];
        for (int i = 0; i < cols; i++) v[i] = left[i];
        return s[0];
    }

    /// <summary>Top singular triplet by power iteration on R·Rᵀ from the all-ones vector; returns s.</summary>
    private static double TopTripletPower(ReadOnlySpan<double> r, int rows, int cols, double[] u, Span<double> v, double[] nextBuffer)
    {
        Array.Fill(u, 1 / Math.Sqrt(rows));
        var next = nextBuffer.AsSpan(0, rows);
        for (int step = 0; step < PowerIterationMaxSteps; step++)
        {
            MultiplyTransposed(r, rows, cols, u, v);
            for (int i = 0; i < rows; i++) next[i] = Dot(r.Slice(i * cols, cols), v);
            double n = VectorMath.Norm2(next);
            if (!(n > 0)) break;
            double change = 0;
            for (int i = 0; i < rows; i++)
            {
                double value = next[i] / n;
                change = Math.Max(change, Math.Abs(value - u[i]));
                u[i] = value;
            }
            if (change <= PowerIterationTolerance) break;
        }
        MultiplyTransposed(r, rows, cols, u, v);
        double s = VectorMath.Norm2(v);
        if (s > 0) for (int i = 0; i < cols; i++) v[i] /= s;
        return s;
    }

    private static void MultiplyTransposed(ReadOnlySpan<double> r, int rows, int cols, double[] u, Span<double> v)
    {
        v.Clear();
        for (int i = 0; i < rows; i++)
        {
            double ui = u[i];
            var row = r.Slice(i * cols, cols);
            for (int j = 0; j < cols; j++) v[j] += ui * row[j];
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>
    /// The M-step buffers, sized once per solve for the full (unpruned) sizes, so that an EM iteration allocates nothing
    /// (spec §5.1 test 16); pruning only shrinks what is used.
    /// </summary>
    private sealed class MStepWorkspace
    {
        public MStepWorkspace(IReadOnlyList<double[]> gammaFactors, KroneckerMStep mStep, bool coupled)
        {
            int n = 1, widest = 1;
            foreach (var g in gammaFactors)
            {
                n *= g.Length;
                widest = Math.Max(widest, g.Length);
            }
            if (mStep == KroneckerMStep.Svd)
            {
                // R_k, s·|v| and the SVD input copy and left vectors each hold at most N entries; Vᵀ at most N_k².
                RankA = new double[n];
                RankB = new double[n];
                SvdCopy = new double[n];
                SvdLeft = new double[n];
                SvdValues = new double[widest];
                SvdRight = new double[widest * widest];
                PowerNext = new double[widest];
                Masks = new bool[gammaFactors.Count][];
                for (int k = 0; k < Masks.Length; k++) Masks[k] = new bool[gammaFactors[k].Length];
            }
            else
            {
                // The weight tensors of the modes before and after k hold at most N/N_k entries each.
                Outer = new double[n];
                Inner = new double[n];
            }
            if (coupled)
            {
                KeptIndex = new int[widest];
                Target = new double[widest];
                Solution = new double[widest];
                CouplingMatrix = new double[widest * widest];
                Nnls = new NonNegativeLeastSquares(widest, widest);
            }
        }

        public double[] RankA { get; } = [];
        public double[] RankB { get; } = [];
        public double[] SvdCopy { get; } = [];
        public double[] SvdLeft { get; } = [];
        public double[] SvdValues { get; } = [];
        public double[] SvdRight { get; } = [];
        public double[] PowerNext { get; } = [];
        public bool[][] Masks { get; } = [];
        public double[] Outer { get; } = [];
        public double[] Inner { get; } = [];
        public int[] KeptIndex { get; } = [];
        public double[] Target { get; } = [];
        public double[] Solution { get; } = [];
        public double[] CouplingMatrix { get; } = [];
        public NonNegativeLeastSquares? Nnls { get; }
    }

    /// <summary>The state of one solve.</summary>
    private sealed class Run(DenseOperator[] a, ReadOnlySpan<double> y, KroneckerSblOptions options, double[] ratios,
        double[]? betas, double[][] gammas, SolverHooks hooks, IDenseBackend backend, long start)
    {
        private readonly MStepWorkspace _workspace = new(gammas, options.MStep, coupled: betas is not null);
        private readonly double _innerTolerance = options.EffectiveInnerTolerance;
        private readonly bool _innerRelative = options.EffectiveInnerToleranceRelative;
        private readonly int _maxInnerSweeps = options.EffectiveMaxInnerSweeps;
        private readonly double[] _y = y.ToArray();
        private readonly int _modes = a.Length;
        private readonly int _n = KroneckerOmp.Product(a, columns: true);
        private readonly int _m = KroneckerOmp.Product(a, columns: false);
        private readonly bool[][] _kept = Array.ConvertAll(gammas, g => Array.ConvertAll(g, _ => true));
        private int _innerSweeps, _capHits;

        public SparseRecoveryResult Execute()
        {
            ILogger? logger = hooks.Logger;
            string method = betas is null ? options.MStep.ToString() : options.MStep + " with pattern coupling";
            if (logger is not null && logger.IsEnabled(LogLevel.Information))
            {
                string shapes = Shapes(), backendName = backend.Name;
                LogStart(logger, shapes, method, options.NoiseVariance is not null, backendName);
            }
            double yNorm = VectorMath.Norm2(_y);
            var x = new double[_n];
            var history = options.RecordHistory ? new List<SparseRecoveryHistoryEntry>() : null;
            bool learn = options.NoiseVariance is null;
            if (yNorm == 0)
            {
                hooks.Progress?.Report(new IterationInfo(0, 0, 0, Stopwatch.GetElapsedTime(start)));
                return Finish(ConvergenceReason.ConvergedZeroRightHandSide, 0, yNorm, 0, x, null, double.NaN,
                    options.NoiseVariance ?? 0, double.NaN, history);
            }

            double sigma2 = options.NoiseVariance ?? options.InitialNoiseFactor * SampleVariance(_y);
            if (!(sigma2 > 0))
                sigma2 = options.InitialNoiseFactor * yNorm * yNorm / _m; // var(y) = 0 (constant y or M = 1): a positive fallback
            var posterior = new KroneckerPosterior(a, backend);
            var full = new double[_n];
            var old = new double[_n];
            var lambda = new double[_n];
            var before = new double[_n];
            var lastGood = CloneFactors(gammas);
            double lastSigma2 = sigma2, lastL = double.NaN, rNorm = yNorm;
            bool haveMean = false;
            var variance = new double[_n];
            int t = 0;
            ConvergenceReason reason = ConvergenceReason.DivergedMaxIterations;
            while (true)
            {
                if (t >= options.MaxIterations) { reason = ConvergenceReason.DivergedMaxIterations; break; }
                if (hooks.CancellationToken.IsCancellationRequested) { reason = ConvergenceReason.Cancelled; break; }
                if (options.TimeLimit is { } limit && Stopwatch.GetElapsedTime(start) > limit) { reason = ConvergenceReason.TimeLimit; break; }
                t++;
                Expand(gammas, old);

                // Per-mode pruning (§2.8 step 2.2).
                double largest = 1;
                foreach (var g in gammas) largest *= MaxOf(g);
                for (int k = 0; k < _modes; k++)
                {
                    var g = gammas[k];
                    double threshold = ratios[k] * MaxOf(g);
                    int removed = 0, left = 0;
                    for (int i = 0; i < g.Length; i++)
                    {
                        if (_kept[k][i] && (g[i] < threshold || g[i] < options.AbsolutePruneThreshold || !(g[i] > 0)))
                        {
                            _kept[k][i] = false;
                            removed++;
                        }
                        if (!_kept[k][i]) g[i] = 0;
                        else left++;
                    }
                    if (removed > 0 && logger is not null && logger.IsEnabled(LogLevel.Debug)) LogPruned(logger, t, k, removed, left);
                    if (left == 0)
                    {
                        Array.Clear(x);
                        return Finish(ConvergenceReason.DivergedBreakdown, t, yNorm, double.NaN, x, null, double.NaN,
                            sigma2, double.NaN, history, t, largest);
                    }
                }

                // E-step (§2.6).
                var status = posterior.Update(gammas, sigma2, _y);
                if (status != KroneckerPosteriorStatus.Success)
                {
                    var r = status == KroneckerPosteriorStatus.IndefiniteOperator
                        ? ConvergenceReason.DivergedIndefiniteOperator : ConvergenceReason.DivergedNaN;
                    return FinishLastGood(r, t, yNorm, rNorm, x, haveMean ? variance : null, lastGood, lastSigma2, lastL, history);
                }
                posterior.Mean.CopyTo(x);
                posterior.PosteriorVarianceDiagonal.CopyTo(variance);
                haveMean = true;
                for (int k = 0; k < _modes; k++) Array.Copy(gammas[k], lastGood[k], gammas[k].Length);
                lastSigma2 = sigma2;
                lastL = posterior.NegativeLogEvidence;
                rNorm = posterior.ResidualNorm;

                // Second moments and σ²_new (with the E-step's γ).
                var mu = posterior.Mean;
                var vd = posterior.PosteriorVarianceDiagonal;
                for (int j = 0; j < _n; j++) lambda[j] = mu[j] * mu[j] + Math.Max(vd[j], 0);
                double sigma2New = sigma2;
                if (learn)
                {
                    double omega = posterior.OmegaSum;
                    sigma2New = options.NoiseUpdate == NoiseUpdateRule.ExpectationMaximization
                        ? (rNorm * rNorm + sigma2 * omega) / _m
                        : rNorm * rNorm / (_m - omega);
                }

                // M-step (§2.7).
                int sweeps = 0;
                if (!MStep(lambda, full, before, ref sweeps, logger, t))
                    return FinishLastGood(ConvergenceReason.Cancelled, t, yNorm, rNorm, x, variance, lastGood, lastSigma2, lastL, history);
                sigma2 = sigma2New;
                Expand(gammas, full);
                bool finite = double.IsFinite(sigma2) && sigma2 > 0;
                for (int j = 0; j < _n && finite; j++) finite = double.IsFinite(full[j]);
                if (!finite)
                    return FinishLastGood(ConvergenceReason.DivergedNaN, t, yNorm, rNorm, x, variance, lastGood, lastSigma2, lastL, history);

                double change = RelativeChange(full, old);
                var elapsed = Stopwatch.GetElapsedTime(start);
                hooks.Progress?.Report(new IterationInfo(t, rNorm, rNorm / yNorm, elapsed));
                history?.Add(new SparseRecoveryHistoryEntry(t, change, lastL, sigma2, KeptSizes(), rNorm, sweeps, elapsed));
                if (logger is not null && options.LogEvery > 0 && t % options.LogEvery == 0 && logger.IsEnabled(LogLevel.Information))
                {
                    string sizes = string.Join(",", KeptSizes());
                    LogProgress(logger, t, change, lastL, sigma2, sizes, rNorm, sweeps);
                }
                if (change < options.RelativeTolerance) { reason = ConvergenceReason.ConvergedRelativeTolerance; break; }
            }

            if (reason is ConvergenceReason.Cancelled or ConvergenceReason.TimeLimit)
                return FinishLastGood(reason, t, yNorm, rNorm, x, haveMean ? variance : null, lastGood, lastSigma2, lastL, history);

            // Final E-step with the last γ and no pruning (§2.8 step 3).
            double finalL = lastL;
            if (options.FinalReestimate)
            {
                var status = posterior.Update(gammas, sigma2, _y);
                if (status != KroneckerPosteriorStatus.Success)
                {
                    var r = status == KroneckerPosteriorStatus.IndefiniteOperator
                        ? ConvergenceReason.DivergedIndefiniteOperator : ConvergenceReason.DivergedNaN;
                    return FinishLastGood(r, t, yNorm, rNorm, x, variance, lastGood, lastSigma2, lastL, history);
                }
                posterior.Mean.CopyTo(x);
                posterior.PosteriorVarianceDiagonal.CopyTo(variance);
                rNorm = posterior.ResidualNorm;
                finalL = posterior.NegativeLogEvidence;
            }
            else
            {
                gammas = lastGood;
                sigma2 = lastSigma2;
            }
            return Finish(reason, t, yNorm, rNorm, x, variance, finalL, sigma2, double.NaN, history, factors: gammas);
        }

        /// <summary>Runs the M-step in place on <c>gammas</c>; false when cancelled during inner sweeps.</summary>
        private bool MStep(double[] lambda, double[] current, double[] previous, ref int sweeps, ILogger? logger, int t)
        {
            switch (options.MStep)
            {
                case KroneckerMStep.Svd:
                    RankOneStep(gammas, lambda, options.SingularTriplet, backend, _workspace);
                    return true;
                case KroneckerMStep.SingleSweep:
                    Sweep(lambda);
                    sweeps = 1;
                    _innerSweeps++;
                    return true;
                default:
                    Expand(gammas, previous);
                    while (true)
                    {
                        if (hooks.CancellationToken.IsCancellationRequested) return false;
                        Sweep(lambda);
                        sweeps++;
                        _innerSweeps++;
                        Expand(gammas, current);
                        double diff = 0, norm = 0;
                        for (int j = 0; j < current.Length; j++)
                        {
                            double d = current[j] - previous[j];
                            diff += d * d;
                            norm += previous[j] * previous[j];
                        }
                        diff = Math.Sqrt(diff);
                        double tol = _innerRelative ? _innerTolerance * Math.Sqrt(norm) : _innerTolerance;
                        if (diff < tol || !double.IsFinite(diff)) return true;
                        if (sweeps >= _maxInnerSweeps)
                        {
                            _capHits++;
                            if (logger is not null && logger.IsEnabled(LogLevel.Warning)) LogInnerCap(logger, t, sweeps, diff);
                            return true;
                        }
                        Array.Copy(current, previous, current.Length);
                    }
            }
        }

        /// <summary>One normalised block-minimiser sweep: plain (§2.7) or pattern-coupled (§2.9).</summary>
        private void Sweep(double[] lambda)
        {
            if (betas is not null)
            {
                PatternCoupledSweep(gammas, lambda, betas, options.CouplingFloor, _workspace);
                return;
            }
            for (int k = 0; k < gammas.Length; k++) BlockUpdate(gammas, lambda, k, _workspace.Outer, _workspace.Inner);
            Normalize(gammas);
        }

        private SparseRecoveryResult FinishLastGood(ConvergenceReason reason, int t, double yNorm, double rNorm, double[] x,
            double[]? variance, double[][] lastGood, double sigma2, double l, List<SparseRecoveryHistoryEntry>? history) =>
            Finish(reason, t, yNorm, rNorm, x, variance, l, sigma2, double.NaN, history, factors: lastGood);

        private SparseRecoveryResult Finish(ConvergenceReason reason, int t, double yNorm, double rNorm, double[] x,
            double[]? variance, double l, double sigma2, double unused, List<SparseRecoveryHistoryEntry>? history,
            int breakdownIteration = 0, double breakdownValue = double.NaN, double[][]? factors = null)
        {
            _ = unused;
            factors ??= gammas;
            var reported = CloneFactors(factors);
            Normalize(reported);
            double trueResidual = TrueResidual(x);
            var modeSupports = new int[_modes][];
            for (int k = 0; k < _modes; k++)
            {
                var list = new List<int>();
                for (int i = 0; i < _kept[k].Length; i++) if (_kept[k][i]) list.Add(i);
                modeSupports[k] = [.. list];
            }
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (hooks.Logger is { } logger && logger.IsEnabled(LogLevel.Information))
            {
                string sizes = string.Join(",", KeptSizes());
                LogEnd(logger, reason, t, sizes, sigma2, trueResidual, elapsed.TotalSeconds);
            }
            return new SparseRecoveryResult
            {
                Summary = new SolverResult(reason, t, yNorm, rNorm, trueResidual, elapsed, breakdownIteration, breakdownValue),
                Coefficients = x,
                Support = Cartesian(modeSupports),
                SignificantSupport = SparseRecoveryMetrics.SignificantSupport(x),
                ModeSupports = modeSupports,
                GammaFactors = reported,
                PosteriorVariance = variance,
                NoiseVariance = sigma2,
                NoiseVarianceLearned = options.NoiseVariance is null,
                NegativeLogEvidence = l,
                InnerSweeps = _innerSweeps,
                InnerCapHits = _capHits,
                History = history,
            };
        }

        private double TrueResidual(double[] x)
        {
            var rows = new int[_modes];
            var cols = new int[_modes];
            var data = new double[_modes][];
            for (int k = 0; k < _modes; k++)
            {
                rows[k] = a[k].Columns; // row-major M_k×N_k = column-major N_k×M_k, applied transposed
                cols[k] = a[k].Rows;
                data[k] = a[k].Data.ToArray();
            }
            var ax = new double[_m];
            var work = new double[KroneckerPosterior.ModeProductWorkspaceLength(rows, cols, Transpose.Yes)];
            KroneckerPosterior.ApplyModeProducts(backend, data, rows, cols, Transpose.Yes, x, ax, work);
            double s = 0;
            for (int i = 0; i < _m; i++)
            {
                double d = _y[i] - ax[i];
                s += d * d;
            }
            return Math.Sqrt(s);
        }

        private int[] Cartesian(int[][] sets)
        {
            int[] indices = [0];
            for (int k = 0; k < _modes; k++)
            {
                var next = new int[indices.Length * sets[k].Length];
                int c = 0;
                foreach (int i in indices)
                    foreach (int j in sets[k]) next[c++] = i * a[k].Columns + j;
                indices = next;
            }
            return indices;
        }

        private int[] KeptSizes()
        {
            var sizes = new int[_modes];
            for (int k = 0; k < _modes; k++) foreach (bool b in _kept[k]) if (b) sizes[k]++;
            return sizes;
        }

        private string Shapes()
        {
            var parts = new string[_modes];
            for (int k = 0; k < _modes; k++) parts[k] = string.Create(CultureInfo.InvariantCulture, $"{a[k].Rows}×{a[k].Columns}");
            return string.Join(" ⊗ ", parts);
        }
    }

    private static double[][] CloneFactors(double[][] g) => Array.ConvertAll(g, f => (double[])f.Clone());

    private static double MaxOf(double[] g)
    {
        double m = 0;
        foreach (double v in g) m = Math.Max(m, v);
        return m;
    }

    private static double RelativeChange(double[] current, double[] old)
    {
        double diff = 0, norm = 0;
        for (int j = 0; j < current.Length; j++)
        {
            double d = current[j] - old[j];
            diff += d * d;
            norm += old[j] * old[j];
        }
        return Math.Sqrt(diff / norm);
    }

    private static double SampleVariance(double[] y)
    {
        if (y.Length < 2) return 0;
        double mean = 0;
        foreach (double v in y) mean += v;
        mean /= y.Length;
        double s = 0;
        foreach (double v in y) s += (v - mean) * (v - mean);
        return s / (y.Length - 1);
    }

    [LoggerMessage(EventId = 4710, Level = LogLevel.Information,
        Message = "KroSBL start: factors {Shapes}, M-step {MStep}, σ² known {NoiseKnown}, backend {Backend}")]
    private static partial void LogStart(ILogger logger, string shapes, string mStep, bool noiseKnown, string backend);

    [LoggerMessage(EventId = 4711, Level = LogLevel.Information,
        Message = "KroSBL iteration {Iteration}: Δγ = {Change}, L = {Cost}, σ² = {NoiseVariance}, |I_k| = ({Sizes}), ‖y − Aμ‖ = {Residual}, inner sweeps {Sweeps}")]
    private static partial void LogProgress(ILogger logger, int iteration, double change, double cost, double noiseVariance, string sizes, double residual, int sweeps);

    [LoggerMessage(EventId = 4712, Level = LogLevel.Debug,
        Message = "KroSBL iteration {Iteration}: pruned {Removed} indices of mode {Mode}, {Left} left")]
    private static partial void LogPruned(ILogger logger, int iteration, int mode, int removed, int left);

    [LoggerMessage(EventId = 4713, Level = LogLevel.Warning,
        Message = "KroSBL iteration {Iteration}: the inner-sweep cap {Sweeps} was hit (‖Δ⊗γ‖ = {Change})")]
    private static partial void LogInnerCap(ILogger logger, int iteration, int sweeps, double change);

    [LoggerMessage(EventId = 4714, Level = LogLevel.Information,
        Message = "KroSBL end: {Reason} after {Iterations} iterations, |I_k| = ({Sizes}), σ² = {NoiseVariance}, ‖y − Ax̂‖ = {TrueResidual}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int iterations, string sizes, double noiseVariance, double trueResidual, double seconds);
}
