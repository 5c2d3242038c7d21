using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Dense;
using Solvers.Krylov;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.LeastSquares;

/// <summary>How the sketch SA is factored into a preconditioner (spec sketched-regression §2.5, step 2).</summary>
public enum PreconditionerFactorization
{
    /// <summary>Unpivoted Householder QR, SA = QR; the preconditioner is R.</summary>
    Qr,
    /// <summary>SVD SA = U_sΣ_sV_sᵀ, preconditioner T = V_sΣ_s⁻¹ with σ ≤ RankTolerance·σ₁ dropped (minimum-norm solution; rank-deficient A).</summary>
    Svd,
}

/// <summary>Why a sketch was rejected and redrawn.</summary>
public enum ResketchReason
{
    /// <summary>Some |R_ii| ≤ RankTolerance·max|R_jj|, or a non-finite entry of R.</summary>
    PivotCheck,
    /// <summary>κ̂(R) exceeded the trigger and the verified ‖AR⁻¹‖₂ exceeded <see cref="SketchAndPreconditionOptions.PreconditionedNormLimit"/>.</summary>
    Verification,
}

/// <summary>
/// Options of <see cref="SketchAndPrecondition"/> (spec sketched-regression §3.2). <see cref="SolverOptions"/> is sealed, so
/// this record carries the solver fields it needs itself: <see cref="MaxIterations"/> (per correction solve),
/// <see cref="TimeLimit"/>, <see cref="LogEvery"/> and <see cref="RecordHistory"/>, with the same meanings.
/// </summary>
public sealed record SketchAndPreconditionOptions
{
    /// <summary>1/(10√u) with u = 2⁻⁵³, ≈ 9.49·10⁶.</summary>
    public static readonly double DefaultConditionTrigger = 1 / (10 * Math.Sqrt(Math.Pow(2, -53)));

    /// <summary>The defaults.</summary>
    public static SketchAndPreconditionOptions Default { get; } = new();

    /// <summary>The sketch (sparse sign, s = 8, γ = 4).</summary>
    public SketchOptions Sketch { get; init; } = new() { RowFactor = 4 };

    /// <summary>QR (default) or SVD.</summary>
    public PreconditionerFactorization Factorization { get; init; } = PreconditionerFactorization.Qr;

    /// <summary>Start from the sketch-and-solve solution x₀ = R⁻¹(QᵀSb)₁:d, guarded by ‖b − Ax₀‖ &lt; ‖b‖ (true).</summary>
    public bool WarmStart { get; init; } = true;

    /// <summary>Refinement steps always performed after the warm-started solve (1).</summary>
    public int RefinementSteps { get; init; } = 1;

    /// <summary>Extra steps are taken only while fewer than this many refinement steps were done (3).</summary>
    public int MaxRefinementSteps { get; init; } = 3;

    /// <summary>atol of LSQR (10⁻¹⁴).</summary>
    public double NormalEquationTolerance { get; init; } = 1e-14;

    /// <summary>btol of LSQR (10⁻¹⁴).</summary>
    public double ResidualTolerance { get; init; } = 1e-14;

    /// <summary>Accept when η ≤ this; null ⇒ 100·<see cref="NormalEquationTolerance"/> (10⁻¹²).</summary>
    public double? BackwardErrorLimit { get; init; }

    /// <summary>κ_trig: verification runs only when κ̂(R) exceeds this (1/(10√u) ≈ 9.5·10⁶).</summary>
    public double ConditionTrigger { get; init; } = DefaultConditionTrigger;

    /// <summary>k_v, power iterations of the verification (5).</summary>
    public int VerificationIterations { get; init; } = 5;

    /// <summary>Accept a verified preconditioner when σ̂ = ‖AR⁻¹‖̂₂ ≤ this (10).</summary>
    public double PreconditionedNormLimit { get; init; } = 10;

    /// <summary>Pivot check threshold (QR) and singular-value drop threshold (SVD), relative (10⁻¹⁴).</summary>
    public double RankTolerance { get; init; } = 1e-14;

    /// <summary>Re-sketches (new attempt stream, γ doubled) after a rejected preconditioner (2).</summary>
    public int MaxResketches { get; init; } = 2;

    /// <summary>Fall back to dense Householder QR when no acceptable preconditioner was found (true).</summary>
    public bool FallbackToDenseQr { get; init; } = true;

    /// <summary>Run the pivot check, κ̂ trigger and verification (true; false is for tests only, LS-6).</summary>
    public bool PreconditionerChecks { get; init; } = true;

    /// <summary>LSQR iteration cap per correction solve; 0 ⇒ 4·⌈2 ln(1/atol)/ln γ⌉ (188 at the defaults), never SolverOptions' 2n.</summary>
    public int MaxIterations { get; init; }

    /// <summary>
    /// LSQR's fused pass (<see cref="LsqrOptions.UseFusedNormalPass"/>, spec §3.8): one pass over A per iteration instead of
    /// two, when A implements <see cref="IFusedNormalOperator"/> (dense A does) (true). On by default because it was
    /// measured: about a quarter less iteration time at 50 000×1000 on 2 cores, and LS-4 and LS-5 pass with it (η 3.9·10⁻¹⁵
    /// and 1.2·10⁻¹³ with one refinement step; the 0-step κ = 10¹⁰ run still reports Stagnated). The ĀᵀĀ recurrence is
    /// benign here because the verified Ā = AR⁻¹ is well conditioned, and every correction solve is judged by η recomputed
    /// in double from b − Ax. Set false for the plain two-pass LSQR.
    /// </summary>
    public bool FusedNormalPass { get; init; } = true;

    /// <summary>Wall-clock limit of the whole solve; null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Log every this many LSQR iterations (0 = never).</summary>
    public int LogEvery { get; init; }

    /// <summary>Record the true residual after every correction solve in <see cref="SolverHooks.History"/>.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>The η limit in effect.</summary>
    public double EffectiveBackwardErrorLimit => BackwardErrorLimit ?? 100 * NormalEquationTolerance;

    /// <summary>The per-solve LSQR cap for sketch factor γ.</summary>
    public int EffectiveMaxIterations(double gamma)
    {
        if (MaxIterations > 0) return MaxIterations;
        double g = Math.Max(gamma, 1.5);
        return 4 * (int)Math.Ceiling(2 * Math.Log(1 / NormalEquationTolerance) / Math.Log(g));
    }

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range values.</summary>
    public void Validate()
    {
        if (Sketch is null) throw new ArgumentException("Sketch options are required.", nameof(Sketch));
        Sketch.Validate();
        if (!Enum.IsDefined(Factorization)) throw new ArgumentException($"Unknown factorization {Factorization}.", nameof(Factorization));
        if (RefinementSteps < 0) throw new ArgumentException(Invariant($"RefinementSteps must be ≥ 0 (got {RefinementSteps})."), nameof(RefinementSteps));
        if (MaxRefinementSteps < 0) throw new ArgumentException(Invariant($"MaxRefinementSteps must be ≥ 0 (got {MaxRefinementSteps})."), nameof(MaxRefinementSteps));
        RequirePositive(NormalEquationTolerance, nameof(NormalEquationTolerance));
        RequirePositive(ResidualTolerance, nameof(ResidualTolerance));
        if (BackwardErrorLimit is { } limit) RequirePositive(limit, nameof(BackwardErrorLimit));
        RequirePositive(ConditionTrigger, nameof(ConditionTrigger));
        RequirePositive(PreconditionedNormLimit, nameof(PreconditionedNormLimit));
        if (!(RankTolerance >= 0 && RankTolerance < 1)) throw new ArgumentException(Invariant($"RankTolerance must be in [0, 1) (got {RankTolerance})."), nameof(RankTolerance));
        if (VerificationIterations < 1) throw new ArgumentException(Invariant($"VerificationIterations must be ≥ 1 (got {VerificationIterations})."), nameof(VerificationIterations));
        if (MaxResketches < 0) throw new ArgumentException(Invariant($"MaxResketches must be ≥ 0 (got {MaxResketches})."), nameof(MaxResketches));
        if (MaxIterations < 0) throw new ArgumentException(Invariant($"MaxIterations must be ≥ 0 (got {MaxIterations})."), nameof(MaxIterations));
        if (LogEvery < 0) throw new ArgumentException(Invariant($"LogEvery must be ≥ 0 (got {LogEvery})."), nameof(LogEvery));
        if (TimeLimit is { } t && t <= TimeSpan.Zero) throw new ArgumentException("TimeLimit must be positive.", nameof(TimeLimit));
    }

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new ArgumentException(Invariant($"{name} must be finite and > 0 (got {value})."), name);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One rejected sketch.</summary>
/// <param name="Attempt">The attempt number of the rejected draw.</param>
/// <param name="Rows">Its m.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Value">min|R_ii|/max|R_jj| (pivot check) or σ̂ (verification).</param>
public readonly record struct SketchRejection(int Attempt, int Rows, ResketchReason Reason, double Value);

/// <summary>The outcome of <c>SketchAndPrecondition.Solve</c> (spec sketched-regression §3.3).</summary>
public sealed record SketchAndPreconditionResult
{
    /// <summary>
    /// Reason; Iterations = total LSQR iterations; InitialResidualNorm = ‖b − Ax₀‖ after the warm start; FinalResidualNorm =
    /// LSQR's last estimate (the true norm after a dense fallback); TrueResidualNorm = recomputed ‖b − Ax‖; Elapsed.
    /// </summary>
    public SolverResult Summary { get; init; }

    /// <summary>η = ‖Aᵀr‖/(‖A‖̂₂·‖r‖) of the returned x (0 when r = 0; NaN when not computed).</summary>
    public double BackwardError { get; init; } = double.NaN;

    /// <summary>‖A‖̂₂ used in η: σ̂_max(R) (of the dense R after a fallback).</summary>
    public double NormEstimate { get; init; } = double.NaN;

    /// <summary>LSQR iterations of each correction solve.</summary>
    public IReadOnlyList<int> IterationsPerSolve { get; init; } = [];

    /// <summary>η after each correction solve.</summary>
    public IReadOnlyList<double> BackwardErrorPerSolve { get; init; } = [];

    /// <summary>κ̂(R) of the accepted preconditioner (NaN if none).</summary>
    public double PreconditionerConditionEstimate { get; init; } = double.NaN;

    /// <summary>σ̂ = ‖AR⁻¹‖̂₂ from the verification (NaN if not verified).</summary>
    public double PreconditionedNormEstimate { get; init; } = double.NaN;

    /// <summary>κ̂(R) exceeded the trigger and verification accepted R.</summary>
    public bool IllConditioned { get; init; }

    /// <summary>The rejected sketches, in order.</summary>
    public IReadOnlyList<SketchRejection> Resketches { get; init; } = [];

    /// <summary>The dense Householder-QR fallback produced x.</summary>
    public bool UsedDenseFallback { get; init; }

    /// <summary>Kind of the last sketch drawn.</summary>
    public SketchKind SketchKind { get; init; }

    /// <summary>m of the last sketch drawn (0 if none).</summary>
    public int SketchRows { get; init; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Sketches drawn.</summary>
    public int Attempts { get; init; }

    /// <summary>Rank r of the preconditioner (d for QR; r ≤ d for SVD).</summary>
    public int Rank { get; init; }

    /// <summary>The warm start was used (false when off or rejected by the ‖b − Ax₀‖ ≥ ‖b‖ guard).</summary>
    public bool WarmStartUsed { get; init; }

    /// <summary>‖b − Ax₀‖ of the sketch-and-solve solution x₀ (NaN if not computed).</summary>
    public double WarmStartResidualNorm { get; init; } = double.NaN;

    /// <summary>‖SAx₀ − Sb‖, the sketched residual of x₀ (QR variant; NaN otherwise).</summary>
    public double WarmStartSketchedResidualNorm { get; init; } = double.NaN;

    /// <summary>ρ̂ = ‖SAx₀ − Sb‖/√(m − d), the §2.4 residual-scale estimate of the warm start (NaN if not computed).</summary>
    public double WarmStartResidualEstimate { get; init; } = double.NaN;

    /// <summary>
    /// The full §2.4 error report of the warm start x₀ (the sketch-and-solve solution, free once R exists; δ = 0.01):
    /// per-coordinate standard errors and the simultaneous bound of the sketch-and-solve answer. Null for the SVD
    /// variant, when no preconditioner was accepted, or when m − d &lt; 2.
    /// </summary>
    /// <remarks>
    /// Computed on first access and cached (it needs R⁻¹: a triangular solve of d³/3 flops, ≈ 20 ms at d = 1000, which a
    /// caller that only wants x should not pay); until then the result holds on to the d×d factor R.
    /// </remarks>
    public SketchErrorReport? WarmStartReport
    {
        get => _warmStartReport?.Value;
        init => _warmStartReport = new Lazy<SketchErrorReport?>(value);
    }

    /// <summary>Sets <see cref="WarmStartReport"/> to be computed by <paramref name="value"/> on first access.</summary>
    internal Func<SketchErrorReport?> WarmStartReportFactory
    {
        init => _warmStartReport = new Lazy<SketchErrorReport?>(value, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<SketchErrorReport?>? _warmStartReport;

    /// <summary>Forming [SA | Sb].</summary>
    public TimeSpan SketchTime { get; init; }

    /// <summary>Factoring SA (and the dense fallback's QR).</summary>
    public TimeSpan FactorTime { get; init; }

    /// <summary>Pivot check, κ̂(R) and verification.</summary>
    public TimeSpan CheckTime { get; init; }

    /// <summary>Warm start, correction solves and residual recomputation.</summary>
    public TimeSpan IterationTime { get; init; }

    /// <summary>True when the reason is positive.</summary>
    public bool Converged => Summary.Converged;

    /// <summary>Returns this result, or throws <see cref="SolverDidNotConvergeException"/>.</summary>
    public SketchAndPreconditionResult EnsureConverged()
    {
        Summary.EnsureConverged();
        return this;
    }
}

/// <summary>The outcome of the preconditioner checks (step 3), also returned by the test seam.</summary>
internal readonly record struct PreconditionerCheck(bool Accepted, ResketchReason? Rejection, double RejectionValue,
    double ConditionEstimate, double SigmaMax, double PreconditionedNorm, bool IllConditioned, bool Cancelled);

/// <summary>
/// Sketch-and-precondition least squares to full double accuracy (spec sketched-regression §2.5): Blendenpik/LSRN-style
/// preconditioning from a sketch [SA | Sb], with the preconditioner checks of step 3 (pivot check, κ̂(R) trigger and
/// ‖AR⁻¹‖₂ verification, re-sketching, dense Householder-QR fallback), the sketch-and-solve warm start, and LSQR
/// correction solves with iterative refinement (SPIR-style), accepted on the true normal-equation backward error η.
/// </summary>
/// <remarks>
/// <para>Numerical outcomes are reported through <see cref="SolverResult.Reason"/>, never thrown: b = 0 →
/// ConvergedZeroRightHandSide; consistent-system test → ConvergedRelativeTolerance; η ≤ BackwardErrorLimit →
/// ConvergedNormalEquations; LSQR cap → DivergedMaxIterations (η reported); non-finite values → DivergedNaN; accuracy
/// shortfall → Stagnated (η reported); no acceptable preconditioner and no fallback → DivergedBreakdown; Cancelled /
/// TimeLimit.</para>
/// <para>A, b are never modified; the contents of x on entry are ignored (x is overwritten).</para>
/// </remarks>
public static partial class SketchAndPrecondition
{
    private const int EstimateIterations = 8;

    /// <summary>Solves min ‖Ax − b‖₂ with a new solution vector (the allocating convenience form).</summary>
    /// <exception cref="ArgumentException">Invalid input; see <see cref="Solve(ILinearOperator, ReadOnlySpan{double}, Span{double}, SketchAndPreconditionOptions?, SolverHooks)"/>.</exception>
    public static (double[] X, SketchAndPreconditionResult Result) Solve(ILinearOperator a, ReadOnlySpan<double> b,
        SketchAndPreconditionOptions? options = null, SolverHooks hooks = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        var x = new double[a.Columns];
        var result = Solve(a, b, x, options, hooks);
        return (x, result);
    }

    /// <summary>Solves min ‖Ax − b‖₂ for the n×d (n ≥ d) A.</summary>
    /// <param name="a">A <see cref="DenseOperator"/> (row-major), <see cref="CsrMatrix"/> or any <see cref="IAdjointableOperator"/>.</param>
    /// <param name="b">The right-hand side (length n); never modified.</param>
    /// <param name="x">The solution (length d); overwritten.</param>
    /// <param name="options">The options; <see cref="SketchAndPreconditionOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress (cumulative LSQR iterations over the correction solves), cancellation token
    /// (checked per sketch panel, per verification iteration and per LSQR iteration) and history.</param>
    /// <returns>The outcome; numerical failures are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="ArgumentException">A is not adjointable; n &lt; d; mismatched lengths; non-finite b; m &lt; d + 2 or
    /// beyond the sketch's limit; γ &lt; 1; other options out of range.</exception>
    public static SketchAndPreconditionResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SketchAndPreconditionOptions? options = null, SolverHooks hooks = default) =>
        SolveCore(a, b, x, options, hooks, null);

    /// <summary>
    /// Test seam (spec §6.1 item 12): runs the checks of step 3 on a supplied upper-triangular R (column-major, leading
    /// dimension <paramref name="ld"/>; only the upper triangle is read) for the operator A.
    /// </summary>
    internal static PreconditionerCheck CheckTriangle(ILinearOperator a, ReadOnlySpan<double> r, int ld,
        SketchAndPreconditionOptions? options = null, ulong seed = 0, int attempt = 0, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        var adj = a as IAdjointableOperator ?? throw new ArgumentException("A must be adjointable.", nameof(a));
        options ??= SketchAndPreconditionOptions.Default;
        var p = SketchPreconditioner.FromTriangle(DenseBackend.Current, r, a.Columns, ld);
        return Check(adj, p, options, seed, attempt, null, token);
    }

    /// <summary>The solver with an optional sketch factory (m, attempt) → S replacing <see cref="Sketch.Create"/> (tests).</summary>
    internal static SketchAndPreconditionResult SolveCore(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SketchAndPreconditionOptions? options, SolverHooks hooks, Func<int, int, ISketch>? sketchFactory)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(a);
        options ??= SketchAndPreconditionOptions.Default;
        options.Validate();
        var adj = a as IAdjointableOperator
            ?? throw new ArgumentException($"Sketch-and-precondition needs Aᵀ: {a.GetType().Name} does not implement IAdjointableOperator.", nameof(a));
        int n = a.Rows, d = a.Columns;
        if (d < 1) throw new ArgumentException("A must have at least one column.", nameof(a));
        if (n < d)
            throw new ArgumentException(Inv($"Sketch-and-precondition needs n ≥ d (A is {n}×{d}; underdetermined problems are out of scope)."), nameof(a));
        if (b.Length != n) throw new ArgumentException(Inv($"b has length {b.Length}, A has {n} rows."), nameof(b));
        if (x.Length != d) throw new ArgumentException(Inv($"x has length {x.Length}, A has {d} columns."), nameof(x));
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(b[i])) throw new ArgumentException(Inv($"b[{i}] = {b[i]} is not finite."), nameof(b));
        int m0 = options.Sketch.RowsFor(n, d);

        ILogger? logger = hooks.Logger;
        CancellationToken token = hooks.CancellationToken;
        ConvergenceHistory? history = options.RecordHistory ? hooks.History : null;
        history?.Clear();
        long deadline = options.TimeLimit is { } limit
            ? start + (long)Math.Min(limit.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 4.0)
            : long.MaxValue;
        var backend = DenseBackend.Current;
        var res = new SketchAndPreconditionResult { Seed = options.Sketch.Seed, SketchKind = options.Sketch.Kind };

        double bNorm = VectorMath.Norm2(b);
        if (bNorm == 0)
        {
            x.Clear();
            return Finish(res, ConvergenceReason.ConvergedZeroRightHandSide, 0, 0, 0, 0, start, logger) with { BackwardError = 0 };
        }

        x.Clear();
        if (token.IsCancellationRequested) return Finish(res, ConvergenceReason.Cancelled, 0, bNorm, double.NaN, bNorm, start, logger);

        // Steps 1–3: sketch, factor, check; re-sketch on rejection.
        long sketchTicks = 0, factorTicks = 0, checkTicks = 0;
        var rejections = new List<SketchRejection>();
        SketchPreconditioner? accepted = null;
        PreconditionerCheck check = default;
        double[]? warm = null;
        double warmSketched = double.NaN, gamma = 0;
        int attempts = 0, m = m0;
        for (int attempt = 0; attempt <= options.MaxResketches; attempt++)
        {
            if (attempt > 0)
            {
                var doubled = options.Sketch.Rows is { } rows
                    ? options.Sketch with { Rows = checked(rows << attempt) }
                    : options.Sketch with { RowFactor = options.Sketch.RowFactor * (1 << attempt) };
                try
                {
                    m = doubled.RowsFor(n, d);
                }
                catch (ArgumentException)
                {
                    break; // the doubled sketch exceeds the kind's limit: no further re-sketch is possible
                }
            }

            long t0 = Stopwatch.GetTimestamp();
            var sketch = sketchFactory?.Invoke(m, attempt) ?? Sketch.Create(options.Sketch, m, n, attempt);
            // Column-major [SA | Sb] (ld = m), the layout LAPACK factorises in place.
            var augmented = LargeArrays.Allocate((long)m * (d + 1) >= Array.MaxLength
                ? throw new ArgumentException(Inv($"The sketch {m}×{d} is too large."), nameof(options))
                : (long)m * (d + 1));
            attempts++;
            bool done = SketchAugmented(sketch, a, b, augmented, token);
            sketchTicks += Stopwatch.GetTimestamp() - t0;
            res = res with { SketchRows = m, SketchKind = sketch.Kind, Attempts = attempts };
            if (!done) return Finish(Timed(res), ConvergenceReason.Cancelled, 0, bNorm, double.NaN, bNorm, start, logger);
            double sketchSeconds = Seconds(Stopwatch.GetTimestamp() - t0);
            if (logger is not null) LogSketch(logger, sketch.Kind, m, sketch.Seed, attempt, sketchSeconds);
            if (!AllFinite(augmented))
            {
                // b is finite (checked on entry). A stored A with a NaN/±∞ entry is bad input (named in the message); a
                // matrix-free operator that produced a non-finite value is a numerical outcome (reliability §10.3).
                if (HasNonFiniteEntry(a)) throw SketchAndSolve.NonFiniteA(a);
                if (logger is not null) LogNonFinite(logger, "the sketch [SA | Sb]");
                return Finish(Timed(res), ConvergenceReason.DivergedNaN, 0, bNorm, double.NaN, bNorm, start, logger);
            }

            t0 = Stopwatch.GetTimestamp();
            var (p, x0, tail) = Factor(backend, options, augmented, m, d);
            factorTicks += Stopwatch.GetTimestamp() - t0;

            t0 = Stopwatch.GetTimestamp();
            check = Check(adj, p, options, sketch.Seed, attempt, logger, token);
            checkTicks += Stopwatch.GetTimestamp() - t0;
            if (logger is not null && logger.IsEnabled(LogLevel.Information))
            {
                var (_, minPivot, maxPivot, _) = p.Pivots();
                double factorSeconds = Seconds(factorTicks);
                LogFactor(logger, check.ConditionEstimate, minPivot, maxPivot, p.Rank, factorSeconds);
            }

            if (check.Cancelled) return Finish(Timed(res), ConvergenceReason.Cancelled, 0, bNorm, double.NaN, bNorm, start, logger);
            if (check.Accepted)
            {
                accepted = p;
                warm = x0;
                warmSketched = tail;
                gamma = (double)m / d;
                break;
            }

            rejections.Add(new SketchRejection(attempt, m, check.Rejection!.Value, check.RejectionValue));
            if (logger is not null) LogReject(logger, attempt, m, check.Rejection!.Value, check.RejectionValue);
        }

        res = Timed(res) with { Resketches = rejections, PreconditionerConditionEstimate = check.ConditionEstimate };

        TimeSpan Span(long ticks) => TimeSpan.FromSeconds(Seconds(ticks));
        SketchAndPreconditionResult Timed(SketchAndPreconditionResult r) =>
            r with { SketchTime = Span(sketchTicks), FactorTime = Span(factorTicks), CheckTime = Span(checkTicks) };

        if (accepted is null)
        {
            var last = rejections[^1];
            if (last.Reason == ResketchReason.PivotCheck) LeastSquaresChecks.ThrowIfZeroColumn(a);
            if (!options.FallbackToDenseQr)
            {
                if (logger is not null) LogNoPreconditioner(logger, attempts, last.Reason, last.Value);
                return Finish(res, ConvergenceReason.DivergedBreakdown, 0, bNorm, double.NaN, bNorm, start, logger) with
                {
                    Summary = new SolverResult(ConvergenceReason.DivergedBreakdown, 0, bNorm, double.NaN, bNorm, Elapsed(start), 0, last.Value),
                };
            }

            if (logger is not null) LogFallback(logger, attempts, last.Reason, last.Value);
            return Fallback(res, backend, adj, b, x, bNorm, options, start, logger);
        }

        res = res with
        {
            PreconditionedNormEstimate = check.PreconditionedNorm,
            IllConditioned = check.IllConditioned,
            Rank = accepted.Rank,
            WarmStartSketchedResidualNorm = warmSketched,
            WarmStartResidualEstimate = m > d ? warmSketched / Math.Sqrt(m - d) : double.NaN,
            WarmStartReportFactory = () => WarmReport(backend, accepted, m, d, warmSketched, options.Sketch.Kind),
        };
        return Iterate(res, adj, accepted, check.SigmaMax, warm, b, x, bNorm, gamma, options, hooks, history, start, deadline);
    }

    private static bool HasNonFiniteEntry(ILinearOperator a) => a switch
    {
        DenseOperator dense => VectorChecks.FirstNonFinite(dense.Data) >= 0,
        CsrMatrix csr => VectorChecks.FirstNonFinite(csr.Values) >= 0,
        _ => false,
    };

    /// <summary>The §2.4 report of the warm start: R⁻¹ by a triangular solve on I (d³/3 flops, small next to the sketch).</summary>
    private static SketchErrorReport? WarmReport(IDenseBackend backend, SketchPreconditioner p, int m, int d, double sketchedResidual,
        SketchKind kind)
    {
        if (!p.IsTriangular || m - d < 2 || !double.IsFinite(sketchedResidual)) return null;
        var rInverse = new double[d * d];
        for (int i = 0; i < d; i++) rInverse[i + i * d] = 1;
        backend.TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, d, d, 1, p.Triangle, d, rInverse, d);
        return SketchErrorReport.Compute(m, d, sketchedResidual, rInverse, 0.01, 100, kind == SketchKind.Gaussian);
    }

    private static SketchAndPreconditionResult Iterate(SketchAndPreconditionResult res, IAdjointableOperator a, SketchPreconditioner p,
        double sigmaMax, double[]? warm, ReadOnlySpan<double> b, Span<double> x, double bNorm, double gamma,
        SketchAndPreconditionOptions options, SolverHooks hooks, ConvergenceHistory? history, long start, long deadline)
    {
        long t0 = Stopwatch.GetTimestamp();
        ILogger? logger = hooks.Logger;
        int n = a.Rows, d = a.Columns, rank = p.Rank;
        var abar = TriangularPreconditionedOperator.Create(a, p);
        var r = new double[n];
        var dx = new double[d];
        var y = new double[rank];
        var adjoint = new double[d];     // Aᵀr_k, from the same pass as r_k
        var initial = new double[rank];  // R⁻ᵀAᵀr_k = Āᵀr_k: LSQR's first product, so the solve does not repeat the pass
        double atol = options.NormalEquationTolerance, btol = options.ResidualTolerance;
        double etaLimit = options.EffectiveBackwardErrorLimit;

        // Step 4: warm start with PARLA's guard. r₀ and Aᵀr₀ come from one pass where A has the fused residual pass.
        bool warmUsed = false;
        double warmNorm = double.NaN;
        if (options.WarmStart && warm is not null && AllFinite(warm))
        {
            warm.CopyTo(x);
            warmNorm = ResidualWithAdjoint(a, x, b, r, adjoint);
            warmUsed = double.IsFinite(warmNorm) && warmNorm < bNorm;
        }

        if (!warmUsed)
        {
            x.Clear();
            b.CopyTo(r);
            a.ApplyAdjoint(r, adjoint);
        }

        double rNorm = warmUsed ? warmNorm : bNorm;
        double initialNorm = rNorm;
        double eta = Eta(adjoint, rNorm, sigmaMax);
        res = res with { WarmStartUsed = warmUsed, WarmStartResidualNorm = warmNorm, NormEstimate = sigmaMax };
        history?.Record(0, rNorm, Seconds(Stopwatch.GetTimestamp() - start));
        history?.RecordTrueResidual(0, rNorm);

        int cap = options.EffectiveMaxIterations(gamma);
        var perSolve = new List<int>();
        var etas = new List<double>();
        var workspace = new LsqrWorkspace(n, rank);
        int total = 0, solves = 0;
        double lastEstimate = rNorm;
        var reason = ConvergenceReason.Iterating;
        while (reason == ConvergenceReason.Iterating)
        {
            // Step 5: y_k = LSQR(AR⁻¹, r_k), x_{k+1} = x_k + R⁻¹y_k, r_{k+1} = b − Ax_{k+1} in double.
            double etaBefore = eta;
            var offset = new double[rank];
            p.Forward(x, offset);
            TimeSpan? remaining = null;
            if (deadline != long.MaxValue)
            {
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                {
                    reason = ConvergenceReason.TimeLimit;
                    break;
                }

                remaining = TimeSpan.FromSeconds(Seconds(left));
            }

            var lsqrOptions = new LsqrOptions
            {
                NormalEquationTolerance = atol,
                ResidualTolerance = btol,
                MaxIterations = cap,
                ReferenceRightHandSideNorm = bNorm,
                SolutionOffset = offset,
                TimeLimit = remaining,
                LogEvery = options.LogEvery,
                IterationOffset = total,
                UseFusedNormalPass = options.FusedNormalPass,
                InitialAdjoint = initial,
            };
            p.ApplyInverseTranspose(adjoint, initial);
            var lsqr = Lsqr.Solve(abar, r, y, lsqrOptions, new SolverHooks(logger, hooks.Progress, hooks.CancellationToken), workspace);
            total += lsqr.Summary.Iterations;
            perSolve.Add(lsqr.Summary.Iterations);
            solves++;
            if (double.IsFinite(lsqr.Summary.FinalResidualNorm)) lastEstimate = lsqr.Summary.FinalResidualNorm;

            p.ApplyInverse(y, dx);
            if (AllFinite(dx)) VectorMath.Add(x, dx, x);
            rNorm = ResidualWithAdjoint(a, x, b, r, adjoint);
            eta = Eta(adjoint, rNorm, sigmaMax);
            etas.Add(eta);
            history?.Record(total, rNorm, Seconds(Stopwatch.GetTimestamp() - start));
            history?.RecordTrueResidual(total, rNorm);
            if (logger is not null && logger.IsEnabled(LogLevel.Information))
                LogSolve(logger, solves, lsqr.Summary.Reason, lsqr.Summary.Iterations, total, rNorm, eta);

            if (!double.IsFinite(rNorm) || !double.IsFinite(eta))
            {
                reason = ConvergenceReason.DivergedNaN;
                break;
            }

            switch (lsqr.Summary.Reason)
            {
                case ConvergenceReason.DivergedNaN:
                case ConvergenceReason.DivergedMaxIterations:
                case ConvergenceReason.Cancelled:
                case ConvergenceReason.TimeLimit:
                    reason = lsqr.Summary.Reason;
                    continue;
            }

            if (solves < 1 + options.RefinementSteps) continue;

            // Step 6: acceptance on the recomputed residual.
            double xNorm = VectorMath.Norm2(x);
            if (rNorm <= 100 * (btol * bNorm + atol * sigmaMax * xNorm)) reason = ConvergenceReason.ConvergedRelativeTolerance;
            else if (eta <= etaLimit) reason = ConvergenceReason.ConvergedNormalEquations;
            else if (solves - 1 < options.MaxRefinementSteps && eta <= etaBefore / 2) reason = ConvergenceReason.Iterating;
            else reason = ConvergenceReason.Stagnated;
        }

        res = res with
        {
            IterationsPerSolve = perSolve,
            BackwardErrorPerSolve = etas,
            BackwardError = eta,
            IterationTime = TimeSpan.FromSeconds(Seconds(Stopwatch.GetTimestamp() - t0)),
        };
        return Finish(res, reason, total, initialNorm, lastEstimate, rNorm, start, logger);
    }

    private static SketchAndPreconditionResult Fallback(SketchAndPreconditionResult res, IDenseBackend backend, IAdjointableOperator a,
        ReadOnlySpan<double> b, Span<double> x, double bNorm, SketchAndPreconditionOptions options, long start, ILogger? logger)
    {
        long t0 = Stopwatch.GetTimestamp();
        var (sigmaMax, rank, pivotRatio) = DenseLeastSquares.Solve(backend, a, b, x, options.RankTolerance);
        long t1 = Stopwatch.GetTimestamp();
        res = res with { UsedDenseFallback = true, FactorTime = res.FactorTime + TimeSpan.FromSeconds(Seconds(t1 - t0)), NormEstimate = sigmaMax, Rank = rank };
        if (rank < a.Columns || double.IsNaN(sigmaMax))
        {
            // A itself is numerically rank-deficient: no unique solution. Report the detected rank; the minimum-norm
            // answer is the SVD variant's, given only when asked for (Factorization = Svd).
            x.Clear();
            if (logger is not null) LogRankDeficientA(logger, rank, a.Columns, pivotRatio);
            return Finish(res, ConvergenceReason.DivergedBreakdown, 0, bNorm, bNorm, bNorm, start, logger) with
            {
                Summary = new SolverResult(ConvergenceReason.DivergedBreakdown, 0, bNorm, bNorm, bNorm, Elapsed(start), 0, pivotRatio),
            };
        }

        var r = new double[a.Rows];
        double rNorm = ResidualInto(a, x, b, r);
        double eta = Eta(a, r, rNorm, sigmaMax, new double[a.Columns]);
        double xNorm = VectorMath.Norm2(x);
        ConvergenceReason reason;
        if (!double.IsFinite(rNorm) || !double.IsFinite(eta)) reason = ConvergenceReason.DivergedNaN;
        else if (rNorm <= 100 * (options.ResidualTolerance * bNorm + options.NormalEquationTolerance * sigmaMax * xNorm))
            reason = ConvergenceReason.ConvergedRelativeTolerance;
        else if (eta <= options.EffectiveBackwardErrorLimit) reason = ConvergenceReason.ConvergedNormalEquations;
        else reason = ConvergenceReason.Stagnated;
        res = res with { BackwardError = eta, IterationTime = TimeSpan.FromSeconds(Seconds(Stopwatch.GetTimestamp() - t1)) };
        return Finish(res, reason, 0, bNorm, rNorm, rNorm, start, logger);
    }

    /// <summary>Step 2: QR (or SVD) of SA, and the sketch-and-solve solution x₀ with ‖SAx₀ − Sb‖ (QR only).</summary>
    private static (SketchPreconditioner P, double[] X0, double Tail) Factor(IDenseBackend backend, SketchAndPreconditionOptions options,
        double[] buffer, int m, int d)
    {
        // buffer: column-major [SA | Sb], ld = m; overwritten by the factorisation.
        var x0 = new double[d];
        if (options.Factorization == PreconditionerFactorization.Qr)
        {
            var tau = new double[d];
            backend.QrFactor(m, d, buffer.AsSpan(0, m * d), m, tau);
            var qtb = buffer.AsSpan(d * m, m);
            backend.ApplyQ(Transpose.Yes, m, 1, d, buffer.AsSpan(0, m * d), m, tau, qtb, m);
            var p = SketchPreconditioner.FromTriangle(backend, buffer, d, m);
            var (_, minPivot, _, finite) = p.Pivots();
            if (finite && minPivot > 0) p.ApplyInverse(qtb[..d], x0);
            else x0.AsSpan().Fill(double.NaN);
            return (p, x0, VectorMath.Norm2(qtb[d..]));
        }

        var s = new double[d];
        var u = new double[m * d];
        var vt = new double[d * d];
        backend.Svd(m, d, buffer.AsSpan(0, m * d), m, s, u, m, vt, d);
        var svd = SketchPreconditioner.FromSvd(backend, s, vt, d, options.RankTolerance);
        if (svd.Rank > 0)
        {
            var c = new double[svd.Rank];
            backend.Gemv(Transpose.Yes, m, svd.Rank, 1.0, u, m, buffer.AsSpan(d * m, m), 0.0, c);
            svd.ApplyInverse(c, x0);
        }

        return (svd, x0, double.NaN);
    }

    /// <summary>Step 3: pivot check, κ̂(R) trigger and, above it, verification of ‖AR⁻¹‖₂ by power iteration.</summary>
    private static PreconditionerCheck Check(IAdjointableOperator a, SketchPreconditioner p, SketchAndPreconditionOptions options,
        ulong seed, int attempt, ILogger? logger, CancellationToken token)
    {
        var (ratio, minPivot, _, finite) = p.Pivots();
        if (!finite || p.Rank == 0 || minPivot == 0)
        {
            // Rejected even with PreconditionerChecks off: R⁻¹ does not exist.
            if (logger is not null) LogCheck(logger, "pivot check: non-finite, singular or empty preconditioner; min|R_ii|/max|R_jj|", ratio);
            return new PreconditionerCheck(false, ResketchReason.PivotCheck, finite ? ratio : double.NaN, double.PositiveInfinity, double.NaN, double.NaN, false, false);
        }

        var (sigmaMax, kappa) = p.Estimate(EstimateIterations);
        if (!options.PreconditionerChecks)
            return new PreconditionerCheck(true, null, double.NaN, kappa, sigmaMax, double.NaN, false, false);
        if (p.IsTriangular && !(ratio > options.RankTolerance))
        {
            if (logger is not null) LogCheck(logger, "pivot check rejected: min|R_ii|/max|R_jj|", ratio);
            return new PreconditionerCheck(false, ResketchReason.PivotCheck, ratio, kappa, sigmaMax, double.NaN, false, false);
        }

        if (kappa <= options.ConditionTrigger)
        {
            if (logger is not null && logger.IsEnabled(LogLevel.Debug)) LogCheck(logger, "accepted below the condition trigger, κ̂(R)", kappa);
            return new PreconditionerCheck(true, null, double.NaN, kappa, sigmaMax, double.NaN, false, false);
        }

        // Verification: k_v power iterations on (AR⁻¹)ᵀ(AR⁻¹) from the purpose-5 stream.
        var abar = new TriangularPreconditionedOperator(a, p);
        int rank = p.Rank;
        var v = new double[rank];
        var w = new double[rank];
        var u = new double[a.Rows];
        var stream = new PhiloxStream(seed, RandomPurpose.VerificationStart, (uint)attempt);
        for (int i = 0; i < rank; i++) v[i] = stream.Normal((ulong)i);
        double norm = VectorMath.Norm2(v);
        VectorMath.Scale(1 / norm, v);
        double sigma = double.NaN;
        for (int k = 0; k < options.VerificationIterations; k++)
        {
            if (token.IsCancellationRequested)
                return new PreconditionerCheck(false, null, double.NaN, kappa, sigmaMax, double.NaN, false, true);
            abar.Apply(v, u);
            abar.ApplyAdjoint(u, w);
            double wNorm = VectorMath.Norm2(w);
            sigma = Math.Sqrt(wNorm); // ‖ĀᵀĀv‖ ≤ σ_max², v unit
            if (!(wNorm > 0) || !double.IsFinite(wNorm)) break;
            for (int i = 0; i < rank; i++) v[i] = w[i] / wNorm;
        }

        bool ok = sigma <= options.PreconditionedNormLimit;
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogCheck(logger, ok ? "verification accepted (ill-conditioned A): σ̂ = ‖AR⁻¹‖" : "verification rejected: σ̂ = ‖AR⁻¹‖", sigma);
        return ok
            ? new PreconditionerCheck(true, null, double.NaN, kappa, sigmaMax, sigma, true, false)
            : new PreconditionerCheck(false, ResketchReason.Verification, sigma, kappa, sigmaMax, sigma, false, false);
    }

    /// <summary>
    /// Column-major [SA | Sb] (ld = m) with one S: hashed sketches of a dense A write it directly; otherwise
    /// <see cref="SketchApplication.ApplyAugmented"/> for dense and CSR A (columns A·e_j in panels for other operators, with a
    /// cancellation check per panel) into a row-major SA that is then transposed. False when cancelled.
    /// </summary>
    private static bool SketchAugmented(ISketch sketch, ILinearOperator a, ReadOnlySpan<double> b, double[] augmented, CancellationToken token)
    {
        int n = a.Rows, d = a.Columns, m = sketch.Rows;
        var sbPart = augmented.AsSpan((int)((long)m * d), m);
        if (a is DenseOperator dense)
        {
            bool direct = sketch switch
            {
                SparseSignSketch sparse => sparse.TryApplyColumnMajor(dense.Data, d, b, augmented, m),
                CountSketch count => count.TryApplyColumnMajor(dense.Data, d, b, augmented, m),
                _ => false,
            };
            if (direct) return !token.IsCancellationRequested;
        }

        var sa = new double[(long)m * d];
        switch (a)
        {
            case DenseOperator or CsrMatrix:
                SketchApplication.ApplyAugmented(sketch, a, b, sa, sbPart);
                if (token.IsCancellationRequested) return false;
                break;
            default:
            {
                // Matrix-free: the column panels of SketchApplication, with a cancellation check per panel.
                int width = (int)Math.Clamp((32L << 20) / (8L * n), 1, d);
                var block = new double[n * width];
                var column = new double[n];
                var unit = new double[d];
                var panel = new double[m * width];
                for (int j0 = 0; j0 < d; j0 += width)
                {
                    if (token.IsCancellationRequested) return false;
                    int w = Math.Min(width, d - j0);
                    for (int jj = 0; jj < w; jj++)
                    {
                        unit[j0 + jj] = 1;
                        a.Apply(unit, column);
                        unit[j0 + jj] = 0;
                        for (int i = 0; i < n; i++) block[i * w + jj] = column[i];
                    }

                    sketch.Apply(block.AsSpan(0, n * w), w, panel.AsSpan(0, m * w));
                    for (int i = 0; i < m; i++)
                        for (int jj = 0; jj < w; jj++) sa[i * d + j0 + jj] = panel[i * w + jj];
                }

                sketch.Apply(b, 1, sbPart);
                if (token.IsCancellationRequested) return false;
                break;
            }
        }

        // Row-major SA (m×d) into the column-major buffer, by 64×64 tiles.
        const int Tile = 64;
        for (int i0 = 0; i0 < m; i0 += Tile)
        {
            int i1 = Math.Min(m, i0 + Tile);
            for (int j0 = 0; j0 < d; j0 += Tile)
            {
                int j1 = Math.Min(d, j0 + Tile);
                for (int j = j0; j < j1; j++)
                    for (int i = i0; i < i1; i++) augmented[i + (long)j * m] = sa[(long)i * d + j];
            }
        }

        return true;
    }

    /// <summary>r = b − Ax; returns ‖r‖.</summary>
    private static double ResidualInto(ILinearOperator a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> r)
    {
        a.Apply(x, r);
        VectorMath.Subtract(b, r, r);
        return VectorMath.Norm2(r);
    }

    /// <summary>r = b − Ax and g = Aᵀr (one pass for an <see cref="IFusedNormalOperator"/>, two otherwise); returns ‖r‖.</summary>
    private static double ResidualWithAdjoint(IAdjointableOperator a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> r,
        Span<double> g)
    {
        if (a is IFusedNormalOperator fused) fused.ResidualWithAdjoint(x, b, r, g);
        else
        {
            a.Apply(x, r);
            VectorMath.Subtract(b, r, r);
            a.ApplyAdjoint(r, g);
        }

        return VectorMath.Norm2(r);
    }

    /// <summary>η = ‖g‖/(σ̂·‖r‖) for g = Aᵀr (0 for r = 0).</summary>
    private static double Eta(ReadOnlySpan<double> g, double rNorm, double sigmaMax) =>
        rNorm == 0 ? 0 : VectorMath.Norm2(g) / (sigmaMax * rNorm);

    /// <summary>η = ‖Aᵀr‖/(σ̂·‖r‖) (0 for r = 0).</summary>
    private static double Eta(IAdjointableOperator a, ReadOnlySpan<double> r, double rNorm, double sigmaMax, Span<double> scratch)
    {
        if (rNorm == 0) return 0;
        a.ApplyAdjoint(r, scratch);
        return VectorMath.Norm2(scratch) / (sigmaMax * rNorm);
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (double e in v)
            if (!double.IsFinite(e)) return false;
        return true;
    }

    private static SketchAndPreconditionResult Finish(SketchAndPreconditionResult res, ConvergenceReason reason, int iterations,
        double initial, double final, double trueNorm, long start, ILogger? logger)
    {
        var summary = new SolverResult(reason, iterations, initial, final, trueNorm, Elapsed(start));
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogEnd(logger, reason, iterations, trueNorm, res.BackwardError, res.Resketches.Count, res.UsedDenseFallback, summary.Elapsed.TotalSeconds);
        return res with { Summary = summary };
    }

    private static TimeSpan Elapsed(long start) => TimeSpan.FromSeconds(Seconds(Stopwatch.GetTimestamp() - start));

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 4400, Level = LogLevel.Information,
        Message = "SAP sketch: {Kind}, m = {Rows}, seed = {Seed}, attempt = {Attempt}, {Seconds} s")]
    private static partial void LogSketch(ILogger logger, SketchKind kind, int rows, ulong seed, int attempt, double seconds);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Information,
        Message = "SAP factor: κ̂(R) = {Condition}, min |R_ii| = {MinPivot}, max |R_ii| = {MaxPivot}, rank = {Rank}, {Seconds} s")]
    private static partial void LogFactor(ILogger logger, double condition, double minPivot, double maxPivot, int rank, double seconds);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Information, Message = "SAP check: {Outcome} = {Value}")]
    private static partial void LogCheck(ILogger logger, string outcome, double value);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning,
        Message = "SAP: sketch attempt {Attempt} (m = {Rows}) rejected by {Reason} (value {Value}); re-sketching with γ doubled if allowed")]
    private static partial void LogReject(ILogger logger, int attempt, int rows, ResketchReason reason, double value);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Information,
        Message = "SAP correction solve {Solve}: LSQR {LsqrReason} after {Iterations} iterations ({Total} in total), true ‖r‖ = {Residual}, η = {BackwardError}")]
    private static partial void LogSolve(ILogger logger, int solve, ConvergenceReason lsqrReason, int iterations, int total, double residual, double backwardError);

    [LoggerMessage(EventId = 4405, Level = LogLevel.Warning,
        Message = "SAP: no acceptable preconditioner after {Attempts} sketches (last: {Reason}, value {Value}); falling back to dense Householder QR (needs a full copy of A)")]
    private static partial void LogFallback(ILogger logger, int attempts, ResketchReason reason, double value);

    [LoggerMessage(EventId = 4409, Level = LogLevel.Warning,
        Message = "SAP: A is numerically rank-deficient (dense QR rank {Rank} of {Columns}, min/max |R_ii| = {PivotRatio:G3}); no unique least-squares solution. Use Factorization = Svd for the minimum-norm solution.")]
    private static partial void LogRankDeficientA(ILogger logger, int rank, int columns, double pivotRatio);

    [LoggerMessage(EventId = 4406, Level = LogLevel.Warning,
        Message = "SAP: no acceptable preconditioner after {Attempts} sketches (last: {Reason}, value {Value}) and FallbackToDenseQr is off: DivergedBreakdown")]
    private static partial void LogNoPreconditioner(ILogger logger, int attempts, ResketchReason reason, double value);

    [LoggerMessage(EventId = 4407, Level = LogLevel.Warning, Message = "SAP: non-finite values in {What}: DivergedNaN")]
    private static partial void LogNonFinite(ILogger logger, string what);

    [LoggerMessage(EventId = 4408, Level = LogLevel.Information,
        Message = "SAP end: {Reason} after {Iterations} LSQR iterations, true ‖r‖ = {TrueResidual}, η = {BackwardError}, re-sketches = {Resketches}, dense fallback = {Fallback}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int iterations, double trueResidual, double backwardError,
        int resketches, bool fallback, double seconds);
}
