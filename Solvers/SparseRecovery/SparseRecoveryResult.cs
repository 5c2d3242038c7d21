using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>One history entry of a sparse-recovery solve (spec §3.4), recorded when <c>RecordHistory</c> is set.</summary>
/// <param name="Iteration">t: the EM iteration, fast-SBL step or greedy pass (1-based).</param>
/// <param name="RelativeGammaChange">The relative change of the full-length γ; NaN for methods without γ.</param>
/// <param name="NegativeLogEvidence">L(γ, σ²); NaN where not computed.</param>
/// <param name="NoiseVariance">σ² after the iteration; NaN where not used.</param>
/// <param name="KeptSizes">The kept sizes (one entry per mode for Kronecker methods, one entry otherwise).</param>
/// <param name="ResidualNorm">‖y − Aμ‖ (or ‖y − Ax̂‖ for greedy methods).</param>
/// <param name="InnerSweeps">Inner sweeps of the iteration; 0 where there are none.</param>
/// <param name="Elapsed">Time since the solve started.</param>
public sealed record SparseRecoveryHistoryEntry(
    int Iteration,
    double RelativeGammaChange,
    double NegativeLogEvidence,
    double NoiseVariance,
    IReadOnlyList<int> KeptSizes,
    double ResidualNorm,
    int InnerSweeps,
    TimeSpan Elapsed)
{
    /// <summary>Fast SBL: the action of the step; <see cref="FastSblAction.None"/> for the other methods.</summary>
    public FastSblAction Action { get; init; }

    /// <summary>Fast SBL: the basis the step acted on; −1 for the other methods.</summary>
    public int Index { get; init; } = -1;

    /// <summary>Fast SBL: the predicted 2ΔL of the step (twice the gain in log evidence); NaN for the other methods.</summary>
    public double EvidenceGain { get; init; } = double.NaN;
}

/// <summary>
/// The common result of the sparse-recovery methods (SBL variants, Kronecker OMP, OMP; spec §3.4). Fields that a method
/// does not produce are null (arrays) or NaN (scalars).
/// </summary>
public sealed record SparseRecoveryResult
{
    /// <summary>The threshold factor of <see cref="SignificantSupport"/>: |x̂_j| &gt; 10⁻³·max|x̂| (spec §4.2).</summary>
    public const double SignificanceFactor = 1e-3;

    /// <summary>
    /// Reason, iterations, ‖y‖ (initial), ‖y − Aμ‖ (final), ‖y − Ax̂‖ recomputed with the operator (true), and the elapsed time.
    /// </summary>
    public required SolverResult Summary { get; init; }

    /// <summary>x̂, of length N, zero off the kept set.</summary>
    public required double[] Coefficients { get; init; }

    /// <summary>The sorted indices kept after pruning (for greedy methods: the chosen support).</summary>
    public required int[] Support { get; init; }

    /// <summary>{j : |x̂_j| &gt; 10⁻³·max|x̂|}, sorted: the set used by the support recovery rate (spec §4.2).</summary>
    public required int[] SignificantSupport { get; init; }

    /// <summary>The kept index set of each mode, each sorted (Kronecker methods); null otherwise.</summary>
    public IReadOnlyList<int[]>? ModeSupports { get; init; }

    /// <summary>The full-length γ (classic methods); null otherwise.</summary>
    public double[]? Gamma { get; init; }

    /// <summary>The per-mode factors γ_k in the §2.5 convention (‖γ_k‖₂ = 1 for k &lt; K); null for non-Kronecker methods.</summary>
    public IReadOnlyList<double[]>? GammaFactors { get; init; }

    /// <summary>diag Σ_x from the final E-step, zero at pruned positions; null where not computed.</summary>
    public double[]? PosteriorVariance { get; init; }

    /// <summary>The final σ²; NaN where the method has none.</summary>
    public double NoiseVariance { get; init; } = double.NaN;

    /// <summary>True when σ² was learned, false when it was given (or not used).</summary>
    public bool NoiseVarianceLearned { get; init; }

    /// <summary>The final L(γ, σ²); NaN where not computed.</summary>
    public double NegativeLogEvidence { get; init; } = double.NaN;

    /// <summary>The total number of inner sweeps.</summary>
    public int InnerSweeps { get; init; }

    /// <summary>How many times the inner-sweep cap was hit.</summary>
    public int InnerCapHits { get; init; }

    /// <summary>One entry per iteration when <c>RecordHistory</c> is set; null otherwise.</summary>
    public IReadOnlyList<SparseRecoveryHistoryEntry>? History { get; init; }

    /// <summary>
    /// Expands <see cref="GammaFactors"/> to the full-length γ = γ₁ ⊗ … ⊗ γ_K (C order, last index fastest), or returns a
    /// copy of <see cref="Gamma"/>; null when the method has neither.
    /// </summary>
    public double[]? ExpandGamma()
    {
        if (GammaFactors is null) return Gamma is null ? null : (double[])Gamma.Clone();
        double[] full = [1.0];
        foreach (var factor in GammaFactors)
        {
            var next = new double[full.Length * factor.Length];
            for (int i = 0; i < full.Length; i++)
                for (int j = 0; j < factor.Length; j++)
                    next[i * factor.Length + j] = full[i] * factor[j];
            full = next;
        }
        return full;
    }

    /// <summary>
    /// The result of a single-dictionary solver (classic or fast SBL): the true residual ‖y − Φx̂‖ is recomputed with Φ
    /// (one application), the significant support derived from x̂.
    /// </summary>
    internal static SparseRecoveryResult ForDictionary(ILinearOperator phi, ReadOnlySpan<double> y, ConvergenceReason reason,
        int iterations, double yNorm, double rNorm, double[] x, int[] support, double[] gamma, double[] posteriorVariance,
        double noiseVariance, bool noiseLearned, double negativeLogEvidence, List<SparseRecoveryHistoryEntry>? history,
        TimeSpan elapsed)
    {
        double trueResidual = VectorMath.ResidualNorm(phi, x, y, new double[phi.Rows]);
        return new SparseRecoveryResult
        {
            Summary = new SolverResult(reason, iterations, yNorm, rNorm, trueResidual, elapsed),
            Coefficients = x,
            Support = support,
            SignificantSupport = SparseRecoveryMetrics.SignificantSupport(x),
            Gamma = gamma,
            PosteriorVariance = posteriorVariance,
            NoiseVariance = noiseVariance,
            NoiseVarianceLearned = noiseLearned,
            NegativeLogEvidence = negativeLogEvidence,
            History = history,
        };
    }
}
