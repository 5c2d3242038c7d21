using System.Globalization;
using System.Text;

namespace Solvers;

/// <summary>How a solver treats an operator that is not known to be symmetric.</summary>
public enum SymmetryCheck
{
    /// <summary>No check.</summary>
    Off,
    /// <summary>Random-vector test; log a warning and continue when it fails.</summary>
    Warn,
    /// <summary>Random-vector test; throw <see cref="ArgumentException"/> when it fails.</summary>
    Refuse,
}

/// <summary>Stopping criteria and monitors shared by the iterative solvers (DESIGN §3, REL §10.7).</summary>
public sealed record SolverOptions
{
    /// <summary>The default options.</summary>
    public static SolverOptions Default { get; } = new();

    /// <summary>Stop when ‖r‖₂ ≤ max(rtol·‖b‖₂, atol).</summary>
    public double RelativeTolerance { get; init; } = 1e-8;

    /// <summary>Absolute residual tolerance.</summary>
    public double AbsoluteTolerance { get; init; }

    /// <summary>Stop with <see cref="ConvergenceReason.DivergedTolerance"/> when ‖r_k‖ ≥ dtol·‖r₀‖.</summary>
    public double DivergenceTolerance { get; init; } = 1e8;

    /// <summary>Iteration cap; 0 means 2n.</summary>
    public int MaxIterations { get; init; }

    /// <summary>Wall-clock limit; null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Record the recursive residual norm of every iteration.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>Also record the elapsed time of every history entry (one clock read per iteration).</summary>
    public bool RecordTiming { get; init; }

    /// <summary>Log a progress line every this many iterations (0 = never).</summary>
    public int LogEvery { get; init; }

    /// <summary>S1: consecutive round-off-sized steps that mean stagnation.</summary>
    public int StagnationWindow { get; init; } = 10;

    /// <summary>S2: a converged recursive residual is accepted when the true one is within this factor of the threshold.</summary>
    public double TrueResidualSlack { get; init; } = 10;

    /// <summary>S2: residual replacements allowed before declaring stagnation.</summary>
    public int MaxResidualReplacements { get; init; } = 3;

    /// <summary>Recompute the true residual every this many iterations for the history (0 = only at the end).</summary>
    public int TrueResidualEvery { get; init; }

    /// <summary>S3: average-convergence-factor stagnation threshold (0 = off).</summary>
    public double ConvergenceFactorTolerance { get; init; }

    /// <summary>S4: iterations without a new residual minimum that mean stagnation (0 = off).</summary>
    public int NoProgressWindow { get; init; }

    /// <summary>Symmetry check for methods that need a symmetric operator.</summary>
    public SymmetryCheck SymmetryCheck { get; init; } = SymmetryCheck.Warn;

    /// <summary>The iteration cap for an n-unknown problem.</summary>
    public int EffectiveMaxIterations(int n) => MaxIterations > 0 ? MaxIterations : Math.Max(2 * n, 1);

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range values.</summary>
    public void Validate()
    {
        static void NonNegFinite(double v, string name)
        {
            if (!double.IsFinite(v) || v < 0)
                throw new ArgumentException($"{name} must be finite and ≥ 0 (got {v.ToString(CultureInfo.InvariantCulture)}).", name);
        }

        NonNegFinite(RelativeTolerance, nameof(RelativeTolerance));
        NonNegFinite(AbsoluteTolerance, nameof(AbsoluteTolerance));
        NonNegFinite(ConvergenceFactorTolerance, nameof(ConvergenceFactorTolerance));
        if (!(DivergenceTolerance > 0) || double.IsNaN(DivergenceTolerance))
            throw new ArgumentException($"DivergenceTolerance must be > 0 (got {DivergenceTolerance}).", nameof(DivergenceTolerance));
        if (!(TrueResidualSlack >= 1) || !double.IsFinite(TrueResidualSlack))
            throw new ArgumentException($"TrueResidualSlack must be finite and ≥ 1 (got {TrueResidualSlack}).", nameof(TrueResidualSlack));
        if (MaxIterations < 0) throw new ArgumentException($"MaxIterations must be ≥ 0 (got {MaxIterations}).", nameof(MaxIterations));
        if (LogEvery < 0) throw new ArgumentException($"LogEvery must be ≥ 0 (got {LogEvery}).", nameof(LogEvery));
        if (StagnationWindow < 1) throw new ArgumentException($"StagnationWindow must be ≥ 1 (got {StagnationWindow}).", nameof(StagnationWindow));
        if (MaxResidualReplacements < 0) throw new ArgumentException($"MaxResidualReplacements must be ≥ 0 (got {MaxResidualReplacements}).", nameof(MaxResidualReplacements));
        if (TrueResidualEvery < 0) throw new ArgumentException($"TrueResidualEvery must be ≥ 0 (got {TrueResidualEvery}).", nameof(TrueResidualEvery));
        if (NoProgressWindow < 0) throw new ArgumentException($"NoProgressWindow must be ≥ 0 (got {NoProgressWindow}).", nameof(NoProgressWindow));
        if (TimeLimit is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"TimeLimit must be positive (got {t}).", nameof(TimeLimit));
    }

    /// <summary>The options as a JSON object (for results files).</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.Append('{');
        sb.Append(ci, $"\"RelativeTolerance\":{RelativeTolerance:R},\"AbsoluteTolerance\":{AbsoluteTolerance:R},");
        sb.Append(ci, $"\"DivergenceTolerance\":{DivergenceTolerance:R},\"MaxIterations\":{MaxIterations},");
        sb.Append(ci, $"\"TimeLimitSeconds\":{(TimeLimit is { } t ? t.TotalSeconds.ToString("R", ci) : "null")},");
        sb.Append(ci, $"\"RecordHistory\":{(RecordHistory ? "true" : "false")},\"RecordTiming\":{(RecordTiming ? "true" : "false")},\"LogEvery\":{LogEvery},");
        sb.Append(ci, $"\"StagnationWindow\":{StagnationWindow},\"TrueResidualSlack\":{TrueResidualSlack:R},");
        sb.Append(ci, $"\"MaxResidualReplacements\":{MaxResidualReplacements},\"TrueResidualEvery\":{TrueResidualEvery},");
        sb.Append(ci, $"\"ConvergenceFactorTolerance\":{ConvergenceFactorTolerance:R},\"NoProgressWindow\":{NoProgressWindow},");
        sb.Append(ci, $"\"SymmetryCheck\":\"{SymmetryCheck}\"");
        sb.Append('}');
        return sb.ToString();
    }
}
