using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Operators;
using Solvers.Preconditioners;

namespace Solvers.Krylov;

/// <summary>
/// The (preconditioned) conjugate-gradient method for symmetric positive definite A x = b, with the checks of
/// REL §10.4–§10.7: every scalar is checked before it is used, numerical failures are reported as a
/// <see cref="ConvergenceReason"/> (never thrown), and the true residual ‖b − A x‖₂ is recomputed at every exit.
/// </summary>
/// <remarks>
/// <para><b>Convergence test.</b> The unpreconditioned recursive residual: stop when ‖r_k‖₂ ≤ max(rtol·‖b‖₂, atol),
/// confirmed by the true residual (S2: within <see cref="SolverOptions.TrueResidualSlack"/> of the threshold,
/// otherwise r is replaced by b − A x and the search restarts with p = z).</para>
/// <para><b>Iteration numbering</b> (REL §10.3). Iteration k computes q = A p_{k−1}, α_k, x_k, r_k, the tests, then
/// z_k = M r_k and β_k. A check that fails before x_k is formed belongs to iteration k; a check on z_k, r_kᵀz_k or
/// β_k (made after x_k and before x_{k+1}) belongs to iteration k + 1, as r₀ᵀz₀ belongs to iteration 1. So after
/// any breakdown <c>BreakdownIteration = Iterations + 1</c> and x holds x_{Iterations}: x is never overwritten
/// with values computed from a failed scalar.</para>
/// <para><b>Indefinite operators.</b> CG stops at the first pᵀAp ≤ 0 with
/// <see cref="ConvergenceReason.DivergedIndefiniteOperator"/> even when it might still converge by luck; the log
/// message points to MINRES (symmetric indefinite) or GMRES (unsymmetric).</para>
/// <para><b>Allocation.</b> After the first solve of a given size (which creates the workspace when none was
/// given), <c>Solve</c> allocates nothing: no LINQ, no closures, no boxing, and log messages are formatted only
/// when the logger is enabled for them. The randomized symmetry test uses workspace vectors and an inline
/// SplitMix64 generator, so it does not allocate either. Progress and history sinks must themselves not allocate
/// for the whole solve to be allocation-free.</para>
/// <para>An instance is not thread-safe: use one instance (or one workspace) per concurrently solving thread.</para>
/// </remarks>
public sealed partial class ConjugateGradient : IIterativeSolver
{
    /// <summary>ε = 2⁻⁵², the unit of the S1 stagnation test.</summary>
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>Relative tolerance of the randomized symmetry test (REL §7.4).</summary>
    private const double SymmetryTolerance = 1e-10;

    /// <summary>Fixed seed of the symmetry test, so that a solve is reproducible.</summary>
    private const ulong SymmetrySeed = 0x5EED_C0DE_2024_0001UL;

    private readonly bool _fixedWorkspace;
    private ConjugateGradientWorkspace? _workspace;

    /// <summary>Creates a solver that allocates its workspace on first use (and again whenever n changes).</summary>
    public ConjugateGradient()
    {
    }

    /// <summary>Creates a solver that uses <paramref name="workspace"/> for every solve; A must then have N unknowns.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is null.</exception>
    public ConjugateGradient(ConjugateGradientWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        _workspace = workspace;
        _fixedWorkspace = true;
    }

    /// <summary>The workspace in use (null before the first solve of a solver created without one).</summary>
    public ConjugateGradientWorkspace? Workspace => _workspace;

    /// <summary>
    /// Solves A x = b from x0 = 0 with a new solver and a new solution vector (the allocating convenience form).
    /// </summary>
    /// <param name="a">A square, symmetric positive definite operator.</param>
    /// <param name="b">The right-hand side; not modified.</param>
    /// <param name="options">Stopping criteria; <see cref="SolverOptions.Default"/> when null.</param>
    /// <param name="preconditioner">An SPD preconditioner M ≈ A⁻¹, already set up by the caller for <paramref name="a"/>; none when null.</param>
    /// <param name="hooks">Logger, progress sink, cancellation token and history.</param>
    /// <returns>The solution and the result.</returns>
    /// <exception cref="ArgumentException">Invalid input (REL §10.4); see the instance method.</exception>
    public static (double[] X, SolverResult Result) Solve(ILinearOperator a, ReadOnlySpan<double> b,
        SolverOptions? options = null, IPreconditioner? preconditioner = null, SolverHooks hooks = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        var x = new double[a.Columns];
        var result = new ConjugateGradient().Solve(a, b, x, options, preconditioner, hooks);
        return (x, result);
    }

    /// <summary>Solves A x = b starting from the contents of <paramref name="x"/> (x0).</summary>
    /// <param name="a">A square, symmetric positive definite operator.</param>
    /// <param name="b">The right-hand side; never modified.</param>
    /// <param name="x">On entry x0, on exit the returned iterate (x_{Iterations}); must not overlap <paramref name="b"/>.</param>
    /// <param name="options">Stopping criteria; <see cref="SolverOptions.Default"/> when null.</param>
    /// <param name="preconditioner">
    /// An SPD preconditioner M ≈ A⁻¹ applied as z = M r. It must already be set up by the caller for
    /// <paramref name="a"/> (Solve never calls <see cref="IPreconditioner.Setup"/>); none when null.
    /// </param>
    /// <param name="hooks">Logger, progress sink (called for k = 0 and after every iteration), cancellation token
    /// (checked once per iteration) and history (filled when <see cref="SolverOptions.RecordHistory"/> is set).</param>
    /// <returns>The outcome; numerical failures are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A is not square; b, x or the workspace do not match A; b and x overlap; b or x0 has a non-finite entry
    /// (the message names the first bad index); the options are out of range; or the symmetry test failed with
    /// <see cref="SymmetryCheck.Refuse"/>.
    /// </exception>
    public SolverResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SolverOptions? options = null, IPreconditioner? preconditioner = null, SolverHooks hooks = default)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(a);
        options ??= SolverOptions.Default;

        // REL §10.4 (1) dimensions, (2) finiteness, (5) options.
        int n = VectorChecks.RequireSquareSystem("Conjugate gradients", a, b, x);
        options.Validate();
        var ws = GetWorkspace(n);

        int maxIterations = options.EffectiveMaxIterations(n);
        if (preconditioner is IdentityPreconditioner) preconditioner = null; // z = r: skip the copy and the extra dot
        ILogger? logger = hooks.Logger;
        IProgress<IterationInfo>? progress = hooks.Progress;
        ConvergenceHistory? history = options.RecordHistory ? hooks.History : null;
        history?.Clear();
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
        {
            string preconditionerName = preconditioner is null ? "none" : preconditioner.GetType().Name;
            LogStart(logger, n, options.RelativeTolerance, options.AbsoluteTolerance, maxIterations, preconditionerName);
        }

        Span<double> r = ws.R, p = ws.P, q = ws.Q, s = ws.Scratch;
        Span<double> z = preconditioner is null ? ws.R : ws.Z;

        // REL §10.4 (3): b = 0 gives x = 0 whatever x0 was.
        double bNorm = VectorMath.Norm2(b);
        if (bNorm == 0)
        {
            double initial = 0;
            if (VectorMath.NormInf(x) != 0) initial = VectorMath.ResidualNorm(a, x, b, s); // ‖0 − A x0‖
            x.Clear();
            Report(0, 0, 0, start, options, history, progress, logger);
            return Finish(ConvergenceReason.ConvergedZeroRightHandSide, 0, initial, 0, 0, 0, double.NaN,
                start, history, logger);
        }

        // REL §10.4 (4): symmetry, unless the operator says so or the caller turned the check off.
        if (options.SymmetryCheck != SymmetryCheck.Off && (a.Properties & OperatorProperties.Symmetric) == 0)
            CheckSymmetry(a, ws, options.SymmetryCheck, logger);

        double rtolTerm = options.RelativeTolerance * bNorm;
        double threshold = Math.Max(rtolTerm, options.AbsoluteTolerance);
        var toleranceReason = rtolTerm >= options.AbsoluteTolerance
            ? ConvergenceReason.ConvergedRelativeTolerance
            : ConvergenceReason.ConvergedAbsoluteTolerance;
        double slackThreshold = options.TrueResidualSlack * threshold;
        double divergenceFactor = options.DivergenceTolerance;
        long timeLimitTicks = options.TimeLimit is { } limit
            ? (long)Math.Min(limit.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2.0)
            : 0;
        CancellationToken token = hooks.CancellationToken;
        int trueResidualEvery = history is null ? 0 : options.TrueResidualEvery;

        // r0 = b − A x0 (a copy of b when x0 = 0: no operator application needed).
        double xBound; // an upper bound on ‖x_k‖ (triangle inequality), so S1 rarely needs an exact ‖x‖
        if (VectorMath.NormInf(x) == 0)
        {
            b.CopyTo(r);
            xBound = 0;
        }
        else
        {
            a.Apply(x, r);
            VectorMath.Subtract(b, r, r);
            xBound = VectorMath.Norm2(x);
        }

        double rr = VectorMath.Dot(r, r);
        double rNorm = NormFromSquare(rr, r);
        double r0Norm = rNorm;

        var reason = ConvergenceReason.Iterating;
        int k = 0;
        int breakdownIteration = 0;
        double breakdownValue = double.NaN;
        double trueNorm = double.NaN;
        bool trueKnown = false;
        double rz = 0;

        if (!double.IsFinite(rNorm))
        {
            // A x0 is not finite: the check precedes the first update, so it belongs to iteration 1.
            reason = ConvergenceReason.DivergedNaN;
            breakdownIteration = 1;
            breakdownValue = rNorm;
        }
        else
        {
            Report(0, rNorm, bNorm, start, options, history, progress, logger);
            if (rNorm <= threshold)
            {
                // r0 was computed as b − A x0, so it is the true residual already.
                reason = rNorm == 0 ? ConvergenceReason.ConvergedAbsoluteTolerance : toleranceReason;
                trueNorm = rNorm;
                trueKnown = true;
            }
            else
            {
                rz = Precondition(preconditioner, r, z, rr);
                if (!double.IsFinite(rz) || (preconditioner is not null && rz <= 0))
                {
                    reason = double.IsFinite(rz) ? ConvergenceReason.DivergedIndefinitePreconditioner : ConvergenceReason.DivergedNaN;
                    breakdownIteration = 1;
                    breakdownValue = rz;
                }
                else
                {
                    z.CopyTo(p);
                }
            }
        }

        int replacements = 0;
        int smallSteps = 0;
        double minNorm = rNorm;
        int minIteration = 0;
        double previousRho = double.NaN;
        bool restart = false;

        while (reason == ConvergenceReason.Iterating)
        {
            int it = k + 1;

            // Monitors, once per iteration.
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

            // §10.5 (1) q = A p, pᵀq.
            a.Apply(p, q);
            double pq = VectorMath.Dot(p, q);
            if (!double.IsFinite(pq) || pq <= 0)
            {
                reason = double.IsFinite(pq) ? ConvergenceReason.DivergedIndefiniteOperator : ConvergenceReason.DivergedNaN;
                breakdownIteration = it;
                breakdownValue = pq;
                break;
            }

            // (2) α.
            double alpha = rz / pq;
            double step = Math.Abs(alpha) * Math.Sqrt(VectorMath.Dot(p, p));
            if (!double.IsFinite(alpha) || !double.IsFinite(step))
            {
                reason = ConvergenceReason.DivergedNaN;
                breakdownIteration = it;
                breakdownValue = double.IsFinite(alpha) ? step : alpha;
                break;
            }

            // (3) r first, so that a non-finite ‖r‖ leaves x = x_{k−1}; then x.
            VectorMath.Axpy(-alpha, q, r);
            rr = VectorMath.Dot(r, r);
            double newNorm = NormFromSquare(rr, r);
            if (!double.IsFinite(newNorm))
            {
                reason = ConvergenceReason.DivergedNaN;
                breakdownIteration = it;
                breakdownValue = newNorm;
                break;
            }

            VectorMath.Axpy(alpha, p, x);
            k = it;
            rNorm = newNorm;
            xBound += step;
            Report(k, rNorm, bNorm, start, options, history, progress, logger);
            if (trueResidualEvery > 0 && k % trueResidualEvery == 0)
                history!.RecordTrueResidual(k, VectorMath.ResidualNorm(a, x, b, s));

            // (4) convergence with true-residual confirmation (S2) ...
            if (rNorm <= threshold)
            {
                double t = VectorMath.ResidualNorm(a, x, b, s);
                if (t <= slackThreshold)
                {
                    reason = rNorm == 0 ? ConvergenceReason.ConvergedAbsoluteTolerance : toleranceReason;
                    trueNorm = t;
                    trueKnown = true;
                    break;
                }

                if (!double.IsFinite(t))
                {
                    reason = ConvergenceReason.DivergedNaN;
                    breakdownIteration = k + 1;
                    breakdownValue = t;
                    trueNorm = t;
                    trueKnown = true;
                    break;
                }

                if (replacements >= options.MaxResidualReplacements)
                {
                    reason = ConvergenceReason.Stagnated;
                    trueNorm = t;
                    trueKnown = true;
                    break;
                }

                // Residual replacement: r ← b − A x, then z = M r and p = z below.
                replacements++;
                s.CopyTo(r);
                rr = VectorMath.Dot(r, r);
                rNorm = t;
                restart = true;
            }
            else
            {
                // ... divergence against ‖r0‖ ...
                if (rNorm >= divergenceFactor * r0Norm)
                {
                    reason = ConvergenceReason.DivergedTolerance;
                    break;
                }

                // ... S1: |α|‖p‖ ≤ ε‖x_k‖ for StagnationWindow consecutive iterations.
                if (step <= Epsilon * xBound && step <= Epsilon * VectorMath.Norm2(x)) smallSteps++;
                else smallSteps = 0;
                if (smallSteps >= options.StagnationWindow)
                {
                    reason = ConvergenceReason.Stagnated;
                    break;
                }

                // ... S3 (opt-in): weighted average convergence factor.
                if (options.ConvergenceFactorTolerance > 0)
                {
                    double rho = Math.Pow(rNorm / r0Norm, 1.0 / k);
                    if (!double.IsNaN(previousRho))
                    {
                        double weight = 1 - Math.Abs(rho - previousRho) / Math.Max(rho, previousRho);
                        if (weight * rho > options.ConvergenceFactorTolerance)
                        {
                            reason = ConvergenceReason.Stagnated;
                            break;
                        }
                    }

                    previousRho = rho;
                }

                // ... S4 (opt-in): no new minimum for NoProgressWindow iterations.
                if (rNorm < minNorm)
                {
                    minNorm = rNorm;
                    minIteration = k;
                }
                else if (options.NoProgressWindow > 0 && k - minIteration >= options.NoProgressWindow)
                {
                    reason = ConvergenceReason.Stagnated;
                    break;
                }
            }

            if (k >= maxIterations)
            {
                reason = ConvergenceReason.DivergedMaxIterations;
                break;
            }

            // (5) z = M r, rᵀz: reported as iteration k + 1 (x already holds x_k).
            double rzNew = Precondition(preconditioner, r, z, rr);
            if (!double.IsFinite(rzNew) || (preconditioner is not null && rzNew <= 0))
            {
                reason = double.IsFinite(rzNew) ? ConvergenceReason.DivergedIndefinitePreconditioner : ConvergenceReason.DivergedNaN;
                breakdownIteration = k + 1;
                breakdownValue = rzNew;
                break;
            }

            // (6) β, or a restart after a residual replacement.
            if (restart)
            {
                z.CopyTo(p);
                restart = false;
            }
            else
            {
                double beta = rzNew / rz;
                if (!double.IsFinite(beta))
                {
                    reason = ConvergenceReason.DivergedNaN;
                    breakdownIteration = k + 1;
                    breakdownValue = beta;
                    break;
                }

                VectorMath.Xpby(z, beta, p);
            }

            rz = rzNew;
        }

        if (!trueKnown) trueNorm = VectorMath.ResidualNorm(a, x, b, s);
        return Finish(reason, k, r0Norm, rNorm, trueNorm, breakdownIteration, breakdownValue, start, history, logger);
    }

    private ConjugateGradientWorkspace GetWorkspace(int n)
    {
        var ws = _workspace;
        if (ws is not null && ws.N == n) return ws;
        if (_fixedWorkspace)
            throw new ArgumentException($"The workspace was built for n = {ws!.N}, but A is {n}×{n}.", nameof(n));
        ws = new ConjugateGradientWorkspace(n);
        _workspace = ws;
        return ws;
    }

    /// <summary>z = M r and rᵀz; without a preconditioner z is r and rᵀz = rᵀr (already known).</summary>
    private static double Precondition(IPreconditioner? m, Span<double> r, Span<double> z, double rr)
    {
        if (m is null) return rr;
        m.Apply(r, z);
        return VectorMath.Dot(r, z);
    }

    /// <summary>‖r‖₂ from rᵀr, falling back to the rescaled norm when the square over- or underflowed.</summary>
    private static double NormFromSquare(double rr, ReadOnlySpan<double> r) =>
        rr > 1e-280 && rr < 1e280 ? Math.Sqrt(rr) : VectorMath.Norm2(r);

    private static void Report(int k, double rNorm, double bNorm, long start, SolverOptions options,
        ConvergenceHistory? history, IProgress<IterationInfo>? progress, ILogger? logger)
    {
        double relative = bNorm > 0 ? rNorm / bNorm : 0;
        if (history is not null)
            history.Record(k, rNorm, options.RecordTiming ? Stopwatch.GetElapsedTime(start).TotalSeconds : 0);
        progress?.Report(new IterationInfo(k, rNorm, relative, Stopwatch.GetElapsedTime(start)));
        if (logger is not null && options.LogEvery > 0 && k > 0 && k % options.LogEvery == 0)
            LogProgress(logger, k, relative);
    }

    private static SolverResult Finish(ConvergenceReason reason, int iterations, double initialNorm, double finalNorm,
        double trueNorm, int breakdownIteration, double breakdownValue, long start, ConvergenceHistory? history, ILogger? logger)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        history?.RecordTrueResidual(iterations, trueNorm);
        if (logger is not null)
        {
            if (reason == ConvergenceReason.DivergedIndefiniteOperator)
                LogIndefinite(logger, breakdownIteration, breakdownValue, iterations, trueNorm);
            else
                LogEnd(logger, reason, iterations, trueNorm, elapsed.TotalSeconds);
        }

        return new SolverResult(reason, iterations, initialNorm, finalNorm, trueNorm, elapsed, breakdownIteration, breakdownValue);
    }

    /// <summary>
    /// The random-vector symmetry test of REL §7.4: |uᵀAv − vᵀAu| ≤ 1e-10 (‖u‖‖Av‖ + ‖v‖‖Au‖) for two fixed
    /// pseudo-random vectors (SplitMix64, fixed seed), using workspace vectors only.
    /// </summary>
    private static void CheckSymmetry(ILinearOperator a, ConjugateGradientWorkspace ws, SymmetryCheck mode, ILogger? logger)
    {
        Span<double> u = ws.P, v = ws.Z, au = ws.Q, av = ws.Scratch;
        ulong state = SymmetrySeed;
        for (int i = 0; i < u.Length; i++) u[i] = NextUniform(ref state);
        for (int i = 0; i < v.Length; i++) v[i] = NextUniform(ref state);
        a.Apply(u, au);
        a.Apply(v, av);
        double difference = Math.Abs(VectorMath.Dot(u, av) - VectorMath.Dot(v, au));
        double tolerance = SymmetryTolerance * (VectorMath.Norm2(u) * VectorMath.Norm2(av) + VectorMath.Norm2(v) * VectorMath.Norm2(au));
        if (difference <= tolerance) return;
        if (mode == SymmetryCheck.Refuse)
        {
            throw new ArgumentException(
                "Conjugate gradients needs a symmetric operator, but A is not flagged symmetric and the random-vector test gives " +
                $"|uᵀAv − vᵀAu| = {difference.ToString("G4", CultureInfo.InvariantCulture)} > " +
                $"{tolerance.ToString("G4", CultureInfo.InvariantCulture)}. Use MINRES (symmetric indefinite) or GMRES (unsymmetric), " +
                "or set SymmetryCheck to Warn or Off.", nameof(a));
        }

        if (logger is not null) LogNotSymmetric(logger, difference, tolerance);
    }

    /// <summary>SplitMix64 step mapped to a double uniform in [−1, 1).</summary>
    private static double NextUniform(ref ulong state)
    {
        ulong zz = state += 0x9E3779B97F4A7C15UL;
        zz = (zz ^ (zz >> 30)) * 0xBF58476D1CE4E5B9UL;
        zz = (zz ^ (zz >> 27)) * 0x94D049BB133111EBUL;
        zz ^= zz >> 31;
        return (zz >> 11) * (1.0 / (1UL << 53)) * 2.0 - 1.0;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "CG start: n = {N}, rtol = {RelativeTolerance}, atol = {AbsoluteTolerance}, max iterations = {MaxIterations}, preconditioner = {Preconditioner}")]
    private static partial void LogStart(ILogger logger, int n, double relativeTolerance, double absoluteTolerance, int maxIterations, string preconditioner);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "CG iteration {Iteration}: ‖r‖/‖b‖ = {RelativeResidual}")]
    private static partial void LogProgress(ILogger logger, int iteration, double relativeResidual);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information,
        Message = "CG end: {Reason} after {Iterations} iterations, true residual ‖b − Ax‖ = {TrueResidual}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int iterations, double trueResidual, double seconds);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "CG end: DivergedIndefiniteOperator: pᵀAp = {Value} ≤ 0 in iteration {Iteration}, so A is not symmetric positive definite; " +
                  "stopped after {Iterations} iterations with true residual {TrueResidual}. Use MINRES for symmetric indefinite systems (GMRES if A is unsymmetric).")]
    private static partial void LogIndefinite(ILogger logger, int iteration, double value, int iterations, double trueResidual);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning,
        Message = "CG: A is not flagged symmetric and the random-vector test gives |uᵀAv − vᵀAu| = {Difference} > {Tolerance}; " +
                  "CG needs a symmetric positive definite operator (consider MINRES or GMRES). Continuing (SymmetryCheck = Warn).")]
    private static partial void LogNotSymmetric(ILogger logger, double difference, double tolerance);
}
