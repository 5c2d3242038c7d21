namespace Solvers.LeastSquares;

/// <summary>Warnings attached to a sketch-and-solve result (spec sketched-regression §2.4, §3.3).</summary>
[Flags]
public enum SketchWarnings
{
    /// <summary>No warning.</summary>
    None = 0,

    /// <summary>
    /// The true residual ‖Ax′ − b‖ exceeds 1.5 times the predicted one: a near-singular sketch that passed the rank check
    /// (spec §7, pitfall 4). Only raised when the true residual was computed.
    /// </summary>
    ResidualInconsistent = 1,

    /// <summary>
    /// ‖SAx′ − Sb‖ ≤ 10³·u·(‖R‖_F‖x′‖ + ‖Sb‖): the sketched residual is at rounding level (b almost in range(A)), so the
    /// error bars, which model sketching error only, are meaningless.
    /// </summary>
    ResidualAtRoundoff = 2,
}

/// <summary>Which distribution the Bonferroni multiplier q was taken from.</summary>
public enum QuantileKind
{
    /// <summary>q = z_{1−δ/(2d)} (m − d ≥ <see cref="SketchAndSolveOptions.StudentTBelow"/>).</summary>
    Normal,

    /// <summary>q = t_{m−d, 1−δ/(2d)} (m − d below the threshold).</summary>
    StudentT,
}

/// <summary>
/// The a-posteriori error report of a sketch-and-solve solution x′ (spec sketched-regression §2.4). It models the
/// <i>sketching</i> error x′ − x* only, not rounding. For a Gaussian sketch it is exact in law: given SA,
/// (x′_j − x*_j)/se_j is Student-t with m − d degrees of freedom. For the other kinds it is an empirical estimate
/// (verified in the spec's measurements, not proved). The library makes no a-priori ℓ∞ claim.
/// </summary>
public sealed record SketchErrorReport
{
    /// <summary>ρ̂ = ‖SAx′ − Sb‖₂/√(m − d), an estimate of ‖r*‖/√m.</summary>
    public double ResidualEstimate { get; init; }

    /// <summary>√m·ρ̂, an estimate of ‖r*‖ = ‖b − Ax*‖.</summary>
    public double ResidualNormEstimate { get; init; }

    /// <summary>‖SAx′ − Sb‖₂ = ‖w_{d+1:m}‖₂ with w = Qᵀ·Sb.</summary>
    public double SketchedResidualNorm { get; init; }

    /// <summary>se_j = ρ̂·‖row_j(R⁻¹)‖₂, length d.</summary>
    public IReadOnlyList<double> StandardErrors { get; init; } = [];

    /// <summary>The Bonferroni multiplier q of the simultaneous bound |x′_j − x*_j| ≤ q·se_j (all j, probability 1 − δ).</summary>
    public double Quantile { get; init; }

    /// <summary>Whether <see cref="Quantile"/> is a normal or a Student-t quantile.</summary>
    public QuantileKind QuantileKind { get; init; }

    /// <summary>δ, the level of the simultaneous bound.</summary>
    public double Delta { get; init; }

    /// <summary>ρ̂·‖R⁻¹‖_F, an estimate of ‖x′ − x*‖₂.</summary>
    public double L2ErrorEstimate { get; init; }

    /// <summary>√(1 + d/(m − d − 1)), the predicted ‖Ax′ − b‖/‖r*‖ (Gaussian formula).</summary>
    public double PredictedResidualRatio { get; init; }

    /// <summary>√m·ρ̂·√(1 + d/(m − d − 1)), the predicted ‖Ax′ − b‖.</summary>
    public double PredictedTrueResidualNorm { get; init; }

    /// <summary>‖Ax′ − b‖₂ when it was computed (<see cref="SketchAndSolveOptions.ComputeTrueResidual"/>), else NaN.</summary>
    public double TrueResidualNorm { get; init; } = double.NaN;

    /// <summary><see cref="TrueResidualNorm"/>/<see cref="PredictedTrueResidualNorm"/> when computed, else NaN; above 1.5 it raises <see cref="SketchWarnings.ResidualInconsistent"/>.</summary>
    public double ResidualConsistency { get; init; } = double.NaN;

    /// <summary>True for Gaussian sketches, whose report is exact in law; false for the others (empirical).</summary>
    public bool ExactInLaw { get; init; }

    /// <summary>m, the sketch rows the report refers to.</summary>
    public int SketchRows { get; init; }

    /// <summary>d, the unknowns.</summary>
    public int Unknowns { get; init; }

    /// <summary>q·se_j, the half-width of the simultaneous (1 − δ) interval for coordinate j.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="j"/> is outside [0, d).</exception>
    public double HalfWidth(int j)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(j);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(j, StandardErrors.Count);
        return Quantile * StandardErrors[j];
    }

    /// <summary>The all-zero report (b = 0: x′ = x* = 0 exactly).</summary>
    internal static SketchErrorReport Zero(int m, int d, double delta, bool exactInLaw) => new()
    {
        StandardErrors = new double[d],
        Delta = delta,
        ExactInLaw = exactInLaw,
        SketchRows = m,
        Unknowns = d,
        TrueResidualNorm = 0,
        ResidualConsistency = double.NaN,
    };

    /// <summary>
    /// Computes the report from the sketched residual norm ‖w_{d+1:m}‖ and R⁻¹ (column-major d×d, upper triangular).
    /// </summary>
    internal static SketchErrorReport Compute(int m, int d, double sketchedResidualNorm, ReadOnlySpan<double> rInverse,
        double delta, int studentTBelow, bool exactInLaw)
    {
        int nu = m - d;
        double rho = sketchedResidualNorm / Math.Sqrt(nu);
        var se = new double[d];
        double frobenius2 = 0;
        for (int j = 0; j < d; j++)
        {
            double row2 = 0;
            for (int k = j; k < d; k++)
            {
                double v = rInverse[j + k * d];
                row2 += v * v;
            }
            frobenius2 += row2;
            se[j] = rho * Math.Sqrt(row2);
        }
        var (q, isT) = Quantiles.Bonferroni(delta, d, nu, studentTBelow);
        double ratio = Math.Sqrt(1 + d / (double)(nu - 1));
        double normEstimate = Math.Sqrt(m) * rho;
        return new SketchErrorReport
        {
            ResidualEstimate = rho,
            ResidualNormEstimate = normEstimate,
            SketchedResidualNorm = sketchedResidualNorm,
            StandardErrors = se,
            Quantile = q,
            QuantileKind = isT ? QuantileKind.StudentT : QuantileKind.Normal,
            Delta = delta,
            L2ErrorEstimate = rho * Math.Sqrt(frobenius2),
            PredictedResidualRatio = ratio,
            PredictedTrueResidualNorm = normEstimate * ratio,
            ExactInLaw = exactInLaw,
            SketchRows = m,
            Unknowns = d,
        };
    }

    /// <summary>This report with the true residual and the consistency ratio filled in.</summary>
    internal SketchErrorReport WithTrueResidual(double trueResidualNorm) => this with
    {
        TrueResidualNorm = trueResidualNorm,
        ResidualConsistency = PredictedTrueResidualNorm > 0 ? trueResidualNorm / PredictedTrueResidualNorm
            : trueResidualNorm == 0 ? 1 : double.PositiveInfinity,
    };
}
