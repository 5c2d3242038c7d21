using System.Globalization;

namespace Solvers.SparseRecovery;

/// <summary>How σ² is re-estimated when it is learned (spec sparse-bayesian §2.2).</summary>
public enum NoiseUpdateRule
{
    /// <summary>Wipf–Rao EM: σ² ← [‖y − Aμ‖² + σ²·Σω]/M (monotone with the EM γ-update).</summary>
    ExpectationMaximization,
    /// <summary>Tipping: σ² ← ‖y − Aμ‖²/(M − Σω) (not EM).</summary>
    Tipping,
}

/// <summary>
/// Options shared by the sparse Bayesian solvers (spec §3.3). The spec has it derive from <see cref="SolverOptions"/>;
/// that record is sealed, so the fields that keep their meaning (<see cref="MaxIterations"/>, <see cref="TimeLimit"/>,
/// <see cref="RecordHistory"/>, <see cref="LogEvery"/>) are repeated here with the spec's defaults (no "0 ⇒ 2n").
/// </summary>
public record SparseBayesianOptions
{
    /// <summary>EM iterations R_max (150).</summary>
    public int MaxIterations { get; init; } = 150;

    /// <summary>Stop when ‖γ − γ_old‖₂/‖γ_old‖₂ (full length) falls below this (10⁻⁴).</summary>
    public double RelativeTolerance { get; init; } = 1e-4;

    /// <summary>null ⇒ learn σ²; a value ⇒ fixed, known σ² (&gt; 0).</summary>
    public double? NoiseVariance { get; init; }

    /// <summary>σ²₀ = factor·var(y) when σ² is learned (0.1).</summary>
    public double InitialNoiseFactor { get; init; } = 0.1;

    /// <summary>The σ² update rule.</summary>
    public NoiseUpdateRule NoiseUpdate { get; init; } = NoiseUpdateRule.ExpectationMaximization;

    /// <summary>Relative pruning ratio; null ⇒ the method's default of spec §2.8.</summary>
    public double? PruneRatio { get; init; }

    /// <summary>Absolute pruning threshold r_abs (0).</summary>
    public double AbsolutePruneThreshold { get; init; }

    /// <summary>Run the final E-step with the last γ and no further pruning (spec §2.8 step 3; true).</summary>
    public bool FinalReestimate { get; init; } = true;

    /// <summary>Wall-clock limit; null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Record one history entry per iteration.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>Log a progress line every this many iterations (0 = never).</summary>
    public int LogEvery { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range values (spec §3.2).</summary>
    public virtual void Validate()
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (MaxIterations < 1) throw new ArgumentException($"MaxIterations must be ≥ 1 (got {MaxIterations}).");
        if (!(RelativeTolerance >= 0) || !double.IsFinite(RelativeTolerance)) throw new ArgumentException($"RelativeTolerance must be finite and ≥ 0 (got {F(RelativeTolerance)}).");
        if (NoiseVariance is { } s2 && (!(s2 > 0) || !double.IsFinite(s2))) throw new ArgumentException($"A given noise variance must be finite and > 0 (got {F(s2)}).");
        if (!(InitialNoiseFactor > 0) || !double.IsFinite(InitialNoiseFactor)) throw new ArgumentException($"InitialNoiseFactor must be finite and > 0 (got {F(InitialNoiseFactor)}).");
        if (!Enum.IsDefined(NoiseUpdate)) throw new ArgumentException($"Unknown noise update {NoiseUpdate}.");
        if (PruneRatio is { } r && !(r >= 0 && r < 1)) throw new ArgumentException($"PruneRatio must be in [0, 1) (got {F(r)}).");
        if (!(AbsolutePruneThreshold >= 0) || !double.IsFinite(AbsolutePruneThreshold)) throw new ArgumentException($"AbsolutePruneThreshold must be finite and ≥ 0 (got {F(AbsolutePruneThreshold)}).");
        if (TimeLimit is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"TimeLimit must be positive (got {t}).");
        if (LogEvery < 0) throw new ArgumentException($"LogEvery must be ≥ 0 (got {LogEvery}).");
    }
}
