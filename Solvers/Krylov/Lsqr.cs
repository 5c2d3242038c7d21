using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Solvers.Operators;

namespace Solvers.Krylov;

/// <summary>Options of <see cref="Lsqr"/> (spec sketched-regression §2.6).</summary>
public sealed record LsqrOptions
{
    /// <summary>atol of test (2) ‖Āᵀr‖ ≤ atol·N_A·‖r‖ and of test (1) (10⁻¹⁴).</summary>
    public double NormalEquationTolerance { get; init; } = 1e-14;

    /// <summary>btol of test (1) ‖r‖ ≤ btol·‖c_ref‖ + atol·N_A·‖y_ref‖ (10⁻¹⁴).</summary>
    public double ResidualTolerance { get; init; } = 1e-14;

    /// <summary>Iteration cap; required ≥ 1 (no "0 means 2n" default).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>‖c_ref‖ of test (1); null = ‖c‖ of this solve (SAP passes the original ‖b‖).</summary>
    public double? ReferenceRightHandSideNorm { get; init; }

    /// <summary>y_ref = offset + y of test (1); null = y (SAP passes R·x_k).</summary>
    public double[]? SolutionOffset { get; init; }

    /// <summary>
    /// Āᵀc when the caller already has it (SAP gets R⁻ᵀAᵀr_k from its residual pass), length n; null = computed here with
    /// one product with Āᵀ. Used only to start the recurrence (α₁v₁ = Āᵀc/β₁); a non-finite entry gives DivergedNaN as a
    /// computed one would.
    /// </summary>
    public double[]? InitialAdjoint { get; init; }

    /// <summary>Wall-clock limit; null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Log every this many iterations (0 = never).</summary>
    public int LogEvery { get; init; }

    /// <summary>First value of the cumulative iteration count reported to progress (SAP's correction solves continue it).</summary>
    public int IterationOffset { get; init; }

    /// <summary>
    /// When the operator is an <see cref="IFusedNormalOperator"/>, make one fused pass per iteration (Āv_i and ĀᵀĀv_i
    /// together) and obtain Āᵀu_{i+1} from the recurrence Āᵀu_{i+1} = (ĀᵀĀv_i − α_i(α_iv_i + β_iv_{i−1}))/β_{i+1}
    /// (spec sketched-regression §3.8) instead of a second pass (false). Opt-in: it halves the traffic over Ā, but
    /// Björck, Elfving and Strakoš found such ĀᵀĀ variants less accurate than LSQR on ill-conditioned problems. Ignored for
    /// operators without the fused pass.
    /// </summary>
    public bool UseFusedNormalPass { get; init; }

    /// <summary>The options used when none are given.</summary>
    public static LsqrOptions Default { get; } = new();
}

/// <summary>The outcome of <see cref="Lsqr.Solve"/>.</summary>
/// <param name="Summary">Reason (ConvergedRelativeTolerance for test (1), ConvergedNormalEquations for test (2), ConvergedZeroRightHandSide, DivergedMaxIterations, DivergedNaN, Stagnated, Cancelled, TimeLimit), iterations, ‖c‖, the estimate ‖r‖ = φ̄, and elapsed time (TrueResidualNorm = the estimate; the caller recomputes).</param>
/// <param name="NormalResidualEstimate">‖Āᵀr‖ estimate φ̄·α·|c| at exit.</param>
/// <param name="OperatorNormEstimate">N_A, the running Frobenius estimate of ‖Ā‖.</param>
public readonly record struct LsqrResult(SolverResult Summary, double NormalResidualEstimate, double OperatorNormEstimate);

/// <summary>Vectors of one LSQR solve (u, v, w and a scratch of each length); reuse across solves of the same shape.</summary>
/// <remarks>A workspace serves one solve at a time; it is not safe to share between threads solving concurrently.</remarks>
public sealed class LsqrWorkspace
{
    /// <summary>Allocates for an m×n operator.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="columns"/> is negative.</exception>
    public LsqrWorkspace(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        U = new double[rows];
        ScratchRows = new double[rows];
        V = new double[columns];
        W = new double[columns];
        ScratchColumns = new double[columns];
        PreviousV = new double[columns];
        Normal = new double[columns];
    }

    /// <summary>m.</summary>
    public int Rows { get; }

    /// <summary>n.</summary>
    public int Columns { get; }

    internal double[] U { get; }

    internal double[] ScratchRows { get; }

    internal double[] V { get; }

    internal double[] W { get; }

    internal double[] ScratchColumns { get; }

    /// <summary>v_{i−1} of the fused recurrence (also holds Āᵀu_i = α_iv_i + β_iv_{i−1} briefly).</summary>
    internal double[] PreviousV { get; }

    /// <summary>ĀᵀĀv_i from the fused pass.</summary>
    internal double[] Normal { get; }
}

/// <summary>
/// LSQR (Paige–Saunders) for min ‖Āy − c‖₂ without damping (spec sketched-regression §2.6); zero allocation inside the
/// iteration loop; never throws for numerical outcomes.
/// </summary>
/// <remarks>
/// <para><b>Stopping tests</b>, checked in this order after every iteration i: (1) ‖r_i‖ ≤ btol·‖c_ref‖ + atol·N_A·‖y_ref‖
/// with ‖c_ref‖ = <see cref="LsqrOptions.ReferenceRightHandSideNorm"/> (default ‖c‖) and y_ref =
/// <see cref="LsqrOptions.SolutionOffset"/> + y_i (default y_i) gives <see cref="ConvergenceReason.ConvergedRelativeTolerance"/>;
/// (2) ‖Āᵀr_i‖ ≤ atol·N_A·‖r_i‖ gives <see cref="ConvergenceReason.ConvergedNormalEquations"/>. ‖r_i‖ = φ̄_{i+1},
/// ‖Āᵀr_i‖ = φ̄_{i+1}·α_{i+1}·|c_i| and N_A is the running Frobenius estimate. Before the first iteration test (1) is also
/// checked with N_A = 0 (‖c‖ ≤ btol·‖c_ref‖), so a correction solve whose right-hand side is already below the target
/// returns y = 0 after 0 iterations.</para>
/// <para><b>Breakdowns.</b> c = 0 gives <see cref="ConvergenceReason.ConvergedZeroRightHandSide"/>, y = 0, 0 iterations.
/// α₁ = 0 (Āᵀc = 0, so y = 0 is a least-squares solution) gives <see cref="ConvergenceReason.ConvergedNormalEquations"/>
/// after 0 iterations. β_{i+1} = 0 (Āy_i = c exactly) completes iteration i with ‖r_i‖ = 0 and gives
/// <see cref="ConvergenceReason.ConvergedRelativeTolerance"/>; α_{i+1} = 0 (Āᵀr_i = 0) completes iteration i and gives
/// <see cref="ConvergenceReason.ConvergedNormalEquations"/> unless test (1) holds as well.</para>
/// <para><b>Failures</b> (REL §10.3, §10.7). Every scalar (β, α, N_A, ρ, φ, φ̄, θ, the step sizes) is checked before y is
/// updated: a non-finite one gives <see cref="ConvergenceReason.DivergedNaN"/> with y = y_{Iterations} (its last finite
/// value) and <c>BreakdownIteration = Iterations + 1</c>. S1 stagnation: the step |φ_i/ρ_i|·‖w_i‖ ≤ ε‖y_i‖ (ε = 2⁻⁵²) for
/// 10 consecutive iterations gives <see cref="ConvergenceReason.Stagnated"/>. The cap gives
/// <see cref="ConvergenceReason.DivergedMaxIterations"/>; cancellation (checked once per iteration, also before the first)
/// and the time limit give <see cref="ConvergenceReason.Cancelled"/> and <see cref="ConvergenceReason.TimeLimit"/>.</para>
/// <para><b>Fused pass</b> (<see cref="LsqrOptions.UseFusedNormalPass"/> with an <see cref="IFusedNormalOperator"/>).
/// Iteration i makes one pass giving Āv_i and q = ĀᵀĀv_i; Āᵀu_{i+1} = (q − α_i(α_iv_i + β_iv_{i−1}))/β_{i+1} (v₀ = 0,
/// Āᵀu₁ formed directly at initialisation) replaces the product with Āᵀ. Everything else — the scalars, the checks, the
/// stopping tests, the breakdowns — is the same; with β_{i+1} = 0 the recurrence is not evaluated (the iteration ends as
/// above).</para>
/// <para><b>Residuals.</b> <see cref="SolverResult.FinalResidualNorm"/> and <see cref="SolverResult.TrueResidualNorm"/> both
/// hold the estimate φ̄; LSQR does not recompute ‖c − Āy‖ (callers that need it recompute it, as SAP does).</para>
/// <para><b>Progress and logging.</b> Progress receives (IterationOffset + i, φ̄, φ̄/‖c‖) after every completed iteration;
/// the logger gets a start line, every LogEvery iterations the cumulative count, ‖r‖ and ‖Āᵀr‖/(N_A‖r‖), and an end line.
/// Progress sinks must not allocate for the whole solve to be allocation-free.</para>
/// </remarks>
public static partial class Lsqr
{
    /// <summary>ε = 2⁻⁵², the unit of the S1 stagnation test.</summary>
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>Consecutive small steps that make S1 stagnation.</summary>
    private const int StagnationWindow = 10;

    /// <summary>Solves from y = 0 (the contents of <paramref name="y"/> are overwritten).</summary>
    /// <param name="a">The operator Ā (m×n).</param>
    /// <param name="c">The right-hand side, length m; not modified.</param>
    /// <param name="y">On exit the iterate y_{Iterations}, length n.</param>
    /// <param name="options">Tolerances and limits; <see cref="LsqrOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress sink and cancellation token (History is not used).</param>
    /// <param name="workspace">Vectors for an m×n solve; allocated when null.</param>
    /// <returns>The outcome; numerical failures are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentException">Size mismatch, invalid options, non-finite c.</exception>
    public static LsqrResult Solve(IAdjointableOperator a, ReadOnlySpan<double> c, Span<double> y, LsqrOptions? options = null,
        SolverHooks hooks = default, LsqrWorkspace? workspace = null)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(a);
        options ??= LsqrOptions.Default;
        int m = a.Rows, n = a.Columns;
        Validate(m, n, c, y, options, workspace);
        var ws = workspace ?? new LsqrWorkspace(m, n);

        double atol = options.NormalEquationTolerance, btol = options.ResidualTolerance;
        ILogger? logger = hooks.Logger;
        IProgress<IterationInfo>? progress = hooks.Progress;
        CancellationToken token = hooks.CancellationToken;
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogStart(logger, m, n, atol, btol, options.MaxIterations);

        y.Clear();
        Span<double> u = ws.U, v = ws.V, w = ws.W, tm = ws.ScratchRows, tn = ws.ScratchColumns;
        IFusedNormalOperator? fused = options.UseFusedNormalPass ? a as IFusedNormalOperator : null;
        Span<double> vPrevious = ws.PreviousV, normal = ws.Normal;
        ReadOnlySpan<double> offset = options.SolutionOffset;

        // Initialisation: β₁u₁ = c, α₁v₁ = Āᵀu₁, w₁ = v₁.
        double beta = VectorMath.Norm2(c);
        if (beta == 0)
            return Finish(ConvergenceReason.ConvergedZeroRightHandSide, 0, 0, 0, 0, 0, 0, double.NaN, start, logger);

        double cRef = options.ReferenceRightHandSideNorm ?? beta;
        c.CopyTo(u);
        VectorMath.Scale(1 / beta, u);
        if (options.InitialAdjoint is { } initial)
        {
            initial.CopyTo(v);
            VectorMath.Scale(1 / beta, v);
        }
        else
        {
            a.ApplyAdjoint(u, v);
        }

        double alpha = VectorMath.Norm2(v);
        if (!double.IsFinite(alpha))
            return Finish(ConvergenceReason.DivergedNaN, 0, beta, beta, double.NaN, 0, 1, alpha, start, logger);
        if (alpha == 0)
            return Finish(ConvergenceReason.ConvergedNormalEquations, 0, beta, beta, 0, 0, 0, double.NaN, start, logger);
        if (beta <= btol * cRef)
            return Finish(ConvergenceReason.ConvergedRelativeTolerance, 0, beta, beta, alpha * beta, 0, 0, double.NaN, start, logger);

        VectorMath.Scale(1 / alpha, v);
        v.CopyTo(w);
        if (fused is not null) vPrevious.Clear(); // v₀ = 0
        double betaCurrent = beta; // β_i of the fused recurrence
        double phiBar = beta, rhoBar = alpha, normSquare = 0, arNorm = alpha * beta;
        long timeLimitTicks = options.TimeLimit is { } limit
            ? (long)Math.Min(limit.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2.0)
            : 0;

        var reason = ConvergenceReason.Iterating;
        int k = 0, smallSteps = 0, breakdownIteration = 0;
        double breakdownValue = double.NaN;
        while (true)
        {
            int it = k + 1;
            if (token.IsCancellationRequested)
            {
                reason = ConvergenceReason.Cancelled;
                break;
            }

            if (timeLimitTicks > 0 && Stopwatch.GetTimestamp() - start > timeLimitTicks)
            {
                reason = ConvergenceReason.TimeLimit;
                break;
            }

            // 1. β_{i+1}u_{i+1} = Āv_i − α_iu_i (fused: with ĀᵀĀv_i from the same pass).
            if (fused is not null) fused.ApplyWithNormal(v, tm, normal);
            else a.Apply(v, tm);
            VectorMath.Xpby(tm, -alpha, u);
            double betaNext = VectorMath.Norm2(u);
            if (!double.IsFinite(betaNext))
            {
                (reason, breakdownIteration, breakdownValue) = (ConvergenceReason.DivergedNaN, it, betaNext);
                break;
            }

            // 2. N_A² ← N_A² + α_i² + β_{i+1}².
            normSquare += alpha * alpha + betaNext * betaNext;

            // 3. α_{i+1}v_{i+1} = Āᵀu_{i+1} − β_{i+1}v_i (skipped when β_{i+1} = 0: the iteration ends here).
            double alphaNext = 0;
            if (betaNext > 0)
            {
                VectorMath.Scale(1 / betaNext, u);
                if (fused is not null)
                {
                    // Āᵀu_{i+1} = (ĀᵀĀv_i − α_i·Āᵀu_i)/β_{i+1} with Āᵀu_i = α_iv_i + β_iv_{i−1}, formed in vPrevious.
                    VectorMath.Scale(betaCurrent, vPrevious);
                    VectorMath.Axpy(alpha, v, vPrevious);
                    VectorMath.Axpy(-alpha, vPrevious, normal);
                    VectorMath.Scale(1 / betaNext, normal);
                    v.CopyTo(vPrevious);
                    VectorMath.Xpby(normal, -betaNext, v);
                    betaCurrent = betaNext;
                }
                else
                {
                    a.ApplyAdjoint(u, tn);
                    VectorMath.Xpby(tn, -betaNext, v);
                }

                alphaNext = VectorMath.Norm2(v);
                if (!double.IsFinite(alphaNext))
                {
                    (reason, breakdownIteration, breakdownValue) = (ConvergenceReason.DivergedNaN, it, alphaNext);
                    break;
                }

                if (alphaNext > 0) VectorMath.Scale(1 / alphaNext, v);
            }

            // 4. Rotation.
            double rho = double.Hypot(rhoBar, betaNext);
            double cs = rhoBar / rho, sn = betaNext / rho;
            double theta = sn * alphaNext;
            double rhoBarNext = -cs * alphaNext;
            double phi = cs * phiBar;
            double phiBarNext = sn * phiBar;
            double t1 = phi / rho, t2 = theta / rho;
            double wNorm = VectorMath.Norm2(w);
            double step = Math.Abs(t1) * wNorm;
            double bad = FirstNonFinite(normSquare, rho, cs, sn, theta, rhoBarNext, phi, phiBarNext, t1, t2, step);
            if (!double.IsFinite(bad))
            {
                (reason, breakdownIteration, breakdownValue) = (ConvergenceReason.DivergedNaN, it, bad);
                break;
            }

            // 5. y_i = y_{i−1} + (φ_i/ρ_i)w_i; w_{i+1} = v_{i+1} − (θ_{i+1}/ρ_i)w_i.
            VectorMath.Axpy(t1, w, y);
            VectorMath.Xpby(v, -t2, w);
            k = it;
            alpha = alphaNext;
            rhoBar = rhoBarNext;
            phiBar = phiBarNext;

            // 6. Estimates.
            double anorm = Math.Sqrt(normSquare);
            arNorm = phiBar * alpha * Math.Abs(cs);
            double yNorm = VectorMath.Norm2(y);
            double yRefNorm = yNorm;
            if (!offset.IsEmpty)
            {
                VectorMath.Add(offset, y, tn);
                yRefNorm = VectorMath.Norm2(tn);
            }

            Report(options.IterationOffset + k, phiBar, beta, arNorm, anorm, start, options.LogEvery, progress, logger);

            // 7. Stopping tests.
            if (phiBar <= btol * cRef + atol * anorm * yRefNorm)
            {
                reason = ConvergenceReason.ConvergedRelativeTolerance;
                break;
            }

            if (arNorm <= atol * anorm * phiBar)
            {
                reason = ConvergenceReason.ConvergedNormalEquations;
                break;
            }

            // S1 stagnation.
            smallSteps = step <= Epsilon * yNorm ? smallSteps + 1 : 0;
            if (smallSteps >= StagnationWindow)
            {
                reason = ConvergenceReason.Stagnated;
                break;
            }

            if (k >= options.MaxIterations)
            {
                reason = ConvergenceReason.DivergedMaxIterations;
                break;
            }
        }

        return Finish(reason, k, beta, phiBar, arNorm, Math.Sqrt(normSquare), breakdownIteration, breakdownValue, start, logger);
    }

    private static void Validate(int m, int n, ReadOnlySpan<double> c, Span<double> y, LsqrOptions options, LsqrWorkspace? workspace)
    {
        if (c.Length != m)
            throw new ArgumentException($"c has length {c.Length}, but the operator has {m} rows.", nameof(c));
        if (y.Length != n)
            throw new ArgumentException($"y has length {y.Length}, but the operator has {n} columns.", nameof(y));
        if (workspace is not null && (workspace.Rows != m || workspace.Columns != n))
            throw new ArgumentException($"The workspace was built for {workspace.Rows}×{workspace.Columns}, but the operator is {m}×{n}.", nameof(workspace));
        for (int i = 0; i < c.Length; i++)
        {
            if (!double.IsFinite(c[i]))
                throw new ArgumentException($"c[{i}] = {c[i]} is not finite.", nameof(c));
        }

        if (options.MaxIterations < 1)
            throw new ArgumentException($"MaxIterations = {options.MaxIterations}; must be ≥ 1.", nameof(options));
        if (!(options.NormalEquationTolerance >= 0) || double.IsPositiveInfinity(options.NormalEquationTolerance))
            throw new ArgumentException($"NormalEquationTolerance = {options.NormalEquationTolerance}; must be finite and ≥ 0.", nameof(options));
        if (!(options.ResidualTolerance >= 0) || double.IsPositiveInfinity(options.ResidualTolerance))
            throw new ArgumentException($"ResidualTolerance = {options.ResidualTolerance}; must be finite and ≥ 0.", nameof(options));
        if (options.ReferenceRightHandSideNorm is { } cRef && (!(cRef >= 0) || double.IsPositiveInfinity(cRef)))
            throw new ArgumentException($"ReferenceRightHandSideNorm = {cRef}; must be finite and ≥ 0.", nameof(options));
        if (options.SolutionOffset is { } offset)
        {
            if (offset.Length != n)
                throw new ArgumentException($"SolutionOffset has length {offset.Length}, but the operator has {n} columns.", nameof(options));
            for (int i = 0; i < offset.Length; i++)
            {
                if (!double.IsFinite(offset[i]))
                    throw new ArgumentException($"SolutionOffset[{i}] = {offset[i]} is not finite.", nameof(options));
            }
        }

        if (options.InitialAdjoint is { } initial && initial.Length != n)
            throw new ArgumentException($"InitialAdjoint has length {initial.Length}, but the operator has {n} columns.", nameof(options));

        if (options.TimeLimit is { } limit && limit <= TimeSpan.Zero)
            throw new ArgumentException($"TimeLimit = {limit}; must be positive.", nameof(options));
        if (options.LogEvery < 0)
            throw new ArgumentException($"LogEvery = {options.LogEvery}; must be ≥ 0.", nameof(options));
        if (options.IterationOffset < 0)
            throw new ArgumentException($"IterationOffset = {options.IterationOffset}; must be ≥ 0.", nameof(options));
    }

    /// <summary>The first non-finite argument, or 0 when all are finite.</summary>
    private static double FirstNonFinite(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
        double a7, double a8, double a9, double a10)
    {
        ReadOnlySpan<double> values = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10];
        foreach (double value in values)
        {
            if (!double.IsFinite(value)) return value;
        }

        return 0;
    }

    private static void Report(int iteration, double rNorm, double cNorm, double arNorm, double anorm, long start, int logEvery,
        IProgress<IterationInfo>? progress, ILogger? logger)
    {
        progress?.Report(new IterationInfo(iteration, rNorm, rNorm / cNorm, Stopwatch.GetElapsedTime(start)));
        if (logger is not null && logEvery > 0 && iteration % logEvery == 0 && logger.IsEnabled(LogLevel.Information))
        {
            double backward = anorm * rNorm > 0 ? arNorm / (anorm * rNorm) : 0;
            LogProgress(logger, iteration, rNorm, backward);
        }
    }

    private static LsqrResult Finish(ConvergenceReason reason, int iterations, double cNorm, double rNorm, double arNorm,
        double anorm, int breakdownIteration, double breakdownValue, long start, ILogger? logger)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogEnd(logger, reason, iterations, rNorm, arNorm, anorm, elapsed.TotalSeconds);
        var summary = new SolverResult(reason, iterations, cNorm, rNorm, rNorm, elapsed, breakdownIteration, breakdownValue);
        return new LsqrResult(summary, arNorm, anorm);
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information,
        Message = "LSQR start: {Rows}×{Columns}, atol = {NormalEquationTolerance}, btol = {ResidualTolerance}, max iterations = {MaxIterations}")]
    private static partial void LogStart(ILogger logger, int rows, int columns, double normalEquationTolerance, double residualTolerance, int maxIterations);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information,
        Message = "LSQR iteration {Iteration}: ‖r‖ ≈ {ResidualNorm}, ‖Āᵀr‖/(N_A‖r‖) ≈ {NormalBackwardError}")]
    private static partial void LogProgress(ILogger logger, int iteration, double residualNorm, double normalBackwardError);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information,
        Message = "LSQR end: {Reason} after {Iterations} iterations, ‖r‖ ≈ {ResidualNorm}, ‖Āᵀr‖ ≈ {NormalResidual}, N_A = {OperatorNorm}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int iterations, double residualNorm, double normalResidual, double operatorNorm, double seconds);
}
