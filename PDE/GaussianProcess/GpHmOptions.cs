using System.Globalization;

namespace Solvers.Pde.GaussianProcess;

/// <summary>The "extra GP" stage of spec §2.10: at step c = ⌊S·fraction⌋ the main GP is frozen and a second one trained.</summary>
/// <param name="ChangePointFraction">c / S, in (0, 1).</param>
public sealed record GpHmExtraGpOptions(double ChangePointFraction);

/// <summary>
/// Options of <see cref="GpHmSolver"/> (spec §3.4). <see cref="Steps"/> is the Adam step budget and must be set:
/// there is no "0 means 2n" default as in <see cref="SolverOptions"/>, whose residual tolerances have no meaning here.
/// </summary>
public sealed record GpHmOptions
{
    /// <summary>Adam steps (updates) to take; required, ≥ 1.</summary>
    public int Steps { get; init; }

    /// <summary>Kernel family (default GP-HM-StM).</summary>
    public SpectralKernelKind Kernel { get; init; } = SpectralKernelKind.StudentTMatern52;

    /// <summary>Q, mixture components per dimension (30).</summary>
    public int Components { get; init; } = 30;

    /// <summary>
    /// freq_scale of the initial frequencies μ_q = (q − 1)/(Q − 1)·freq_scale: one value shared by all dimensions, or one
    /// per dimension. Required for the kinds with frequencies.
    /// </summary>
    public IReadOnlyList<double> FrequencyScale { get; init; } = [];

    /// <summary>Adam learning rate (0.01).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Adam β1 (0.9).</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam β2 (0.999).</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>Adam ε, added outside the square root (1e−8).</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>λ_b; null = 200, or 500 for advection (the reference's llk_weight).</summary>
    public double? BoundaryWeight { get; init; }

    /// <summary>ε added to the diagonal of every K_j (1e−6). Negative values are refused.</summary>
    public double Jitter { get; init; } = 1e-6;

    /// <summary>Include ½ Σ_j (M/M_j) log|K_j| in the loss (true, as every shipped config).</summary>
    public bool IncludeLogDeterminant { get; init; } = true;

    /// <summary>2-D corners count twice in the boundary likelihood (true, reference-compatible).</summary>
    public bool CountCornersTwice { get; init; } = true;

    /// <summary>Test-error checkpoints at k = 0, S/C, …, (C−1)S/C (20).</summary>
    public int Checkpoints { get; init; } = 20;

    /// <summary>Uniform test points per dimension for the relative L2 error (300).</summary>
    public int TestPointsPerDimension { get; init; } = 300;

    /// <summary>Stop when Σ m_n(U_n − g_n)²/N_b + ‖H‖²/M falls below this; null = disabled (the reference's tol −1).</summary>
    public double? EarlyStoppingTolerance { get; init; }

    /// <summary>The extra-GP stage, or null.</summary>
    public GpHmExtraGpOptions? ExtraGp { get; init; }

    /// <summary>Warm start (parameters and Adam state of a previous result); null = the reference initialisation.</summary>
    public GpHmState? InitialState { get; init; }

    /// <summary>Wall-clock limit; null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Log a progress line every this many steps (0 = never).</summary>
    public int LogEvery { get; init; }

    /// <summary>Record the loss of every step in <see cref="GpHmResult.LossHistory"/>.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>λ_b for a problem of the given kind.</summary>
    public double EffectiveBoundaryWeight(PdeKind kind) => BoundaryWeight ?? (kind == PdeKind.Advection ? 500 : 200);

    /// <summary>freq_scale for dimension j.</summary>
    public double FrequencyScaleOf(int dimension) =>
        FrequencyScale.Count == 0 ? 0 : FrequencyScale.Count == 1 ? FrequencyScale[0] : FrequencyScale[dimension];

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range values (against a problem of D dimensions).</summary>
    public void Validate(int dimensions)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (Steps < 1) throw new ArgumentException($"Steps must be set to the number of Adam steps (≥ 1); got {Steps}.");
        if (!Enum.IsDefined(Kernel)) throw new ArgumentException($"Unknown kernel {Kernel}.");
        if (Components < 1) throw new ArgumentException($"Components must be ≥ 1 (got {Components}).");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"LearningRate must be finite and > 0 (got {F(LearningRate)}).");
        if (!(AdamBeta1 >= 0 && AdamBeta1 < 1)) throw new ArgumentException($"AdamBeta1 must be in [0, 1) (got {F(AdamBeta1)}).");
        if (!(AdamBeta2 >= 0 && AdamBeta2 < 1)) throw new ArgumentException($"AdamBeta2 must be in [0, 1) (got {F(AdamBeta2)}).");
        if (!(AdamEpsilon >= 0) || !double.IsFinite(AdamEpsilon)) throw new ArgumentException($"AdamEpsilon must be finite and ≥ 0 (got {F(AdamEpsilon)}).");
        if (BoundaryWeight is { } w && (!(w > 0) || !double.IsFinite(w))) throw new ArgumentException($"BoundaryWeight must be finite and > 0 (got {F(w)}).");
        if (!(Jitter >= 0) || !double.IsFinite(Jitter)) throw new ArgumentException($"Jitter must be finite and ≥ 0 (got {F(Jitter)}).");
        if (Checkpoints < 1) throw new ArgumentException($"Checkpoints must be ≥ 1 (got {Checkpoints}).");
        if (TestPointsPerDimension < 2) throw new ArgumentException($"TestPointsPerDimension must be ≥ 2 (got {TestPointsPerDimension}).");
        if (EarlyStoppingTolerance is { } tol && (!(tol > 0) || !double.IsFinite(tol))) throw new ArgumentException($"EarlyStoppingTolerance must be finite and > 0 (got {F(tol)}).");
        if (ExtraGp is { } e && !(e.ChangePointFraction > 0 && e.ChangePointFraction < 1)) throw new ArgumentException($"ExtraGp.ChangePointFraction must be in (0, 1) (got {F(e.ChangePointFraction)}).");
        if (TimeLimit is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"TimeLimit must be positive (got {t}).");
        if (LogEvery < 0) throw new ArgumentException($"LogEvery must be ≥ 0 (got {LogEvery}).");
        if (SpectralMixtureKernel.HasFrequencies(Kernel))
        {
            if (FrequencyScale.Count != 1 && FrequencyScale.Count != dimensions)
                throw new ArgumentException($"FrequencyScale needs one value or one per dimension ({dimensions}); got {FrequencyScale.Count}.");
            foreach (double f in FrequencyScale)
            {
                if (!double.IsFinite(f) || f < 0) throw new ArgumentException($"FrequencyScale values must be finite and ≥ 0 (got {F(f)}).");
            }
        }
    }
}
