using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Dense;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.LeastSquares;

/// <summary>Options of <see cref="SketchAndSolve"/> (spec sketched-regression §3.2).</summary>
public sealed record SketchAndSolveOptions
{
    /// <summary>The default options.</summary>
    public static SketchAndSolveOptions Default { get; } = new();

    /// <summary>The sketch (default sparse sign, s = 8, γ = m/d = 10).</summary>
    public SketchOptions Sketch { get; init; } = new() { Kind = SketchKind.SparseSign, RowFactor = 10 };

    /// <summary>δ, the level of the simultaneous error bound (0.01); must lie in (0, 1).</summary>
    public double Delta { get; init; } = 0.01;

    /// <summary>Use the Student-t quantile when m − d is below this (100).</summary>
    public int StudentTBelow { get; init; } = 100;

    /// <summary>A sketch is rank-deficient when some |R_ii| ≤ RankTolerance·max_j|R_jj| (10⁻¹⁴).</summary>
    public double RankTolerance { get; init; } = 1e-14;

    /// <summary>Re-sketches (fresh attempt stream, doubled m) after a rank-deficient sketch (1).</summary>
    public int MaxResketches { get; init; } = 1;

    /// <summary>Compute ‖Ax′ − b‖ (one extra pass over A) and the consistency ratio (false).</summary>
    public bool ComputeTrueResidual { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first out-of-range option.</summary>
    public void Validate()
    {
        if (Sketch is null) throw new ArgumentException("Sketch options are required.", nameof(Sketch));
        Sketch.Validate();
        if (!(Delta > 0 && Delta < 1))
            throw new ArgumentException($"Delta δ must lie in (0, 1) (got {Delta.ToString(CultureInfo.InvariantCulture)}).", nameof(Delta));
        if (StudentTBelow < 0)
            throw new ArgumentException($"StudentTBelow must be ≥ 0 (got {StudentTBelow}).", nameof(StudentTBelow));
        if (!(RankTolerance >= 0 && RankTolerance < 1))
            throw new ArgumentException($"RankTolerance must lie in [0, 1) (got {RankTolerance.ToString(CultureInfo.InvariantCulture)}).", nameof(RankTolerance));
        if (MaxResketches < 0)
            throw new ArgumentException($"MaxResketches must be ≥ 0 (got {MaxResketches}).", nameof(MaxResketches));
    }
}

/// <summary>The outcome of a sketch-and-solve.</summary>
public enum SketchAndSolveStatus
{
    /// <summary>x holds x′ and the report is valid (or, with <see cref="SketchAndSolveResult.UsedDenseFallback"/>, x holds the dense-QR solution).</summary>
    Solved,

    /// <summary>Every sketch drawn was rank-deficient (or A itself is, on the dense fallback); x was left untouched.</summary>
    RankDeficientSketch,

    /// <summary>b = 0: x = 0 and the report is all zeros.</summary>
    ZeroRightHandSide,
}

/// <summary>The result of <see cref="SketchAndSolve"/> (spec sketched-regression §3.3).</summary>
public sealed record SketchAndSolveResult
{
    /// <summary>The outcome.</summary>
    public SketchAndSolveStatus Status { get; init; }

    /// <summary>
    /// The numerical rank of the last sketch's R (#{|R_ii| &gt; RankTolerance·max|R_jj|}): d when solved; on
    /// <see cref="SketchAndSolveStatus.RankDeficientSketch"/> an upper bound on rank(A) — with a dense or sparse-sign sketch,
    /// w.h.p. rank(A) itself, so a value below d that persists across re-sketches means A is rank-deficient.
    /// </summary>
    public int DetectedRank { get; init; }

    /// <summary>The §2.4 error report of the last accepted sketch; null on <see cref="SketchAndSolveStatus.RankDeficientSketch"/>.</summary>
    public SketchErrorReport? Report { get; init; }

    /// <summary><see cref="SketchWarnings.ResidualInconsistent"/> and/or <see cref="SketchWarnings.ResidualAtRoundoff"/>.</summary>
    public SketchWarnings Warnings { get; init; }

    /// <summary>The sketch family.</summary>
    public SketchKind Kind { get; init; }

    /// <summary>m of the last sketch drawn (n on the dense fallback).</summary>
    public int SketchRows { get; init; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Sketches drawn (1 + re-sketches; 0 for b = 0 and for a dense fallback chosen up front).</summary>
    public int Attempts { get; init; }

    /// <summary>Re-sketches after a rank-deficient sketch.</summary>
    public int Resketches { get; init; }

    /// <summary>κ̂(R) = ‖R‖₁·‖R⁻¹‖₁ = κ₁(R), within a factor d of κ₂(SA) either way (cheap, since R⁻¹ is formed for the report); NaN when not factorised, ∞ when rank-deficient.</summary>
    public double ConditionEstimate { get; init; } = double.NaN;

    /// <summary>min_i |R_ii| of the last factorisation (NaN when none).</summary>
    public double MinDiagonal { get; init; } = double.NaN;

    /// <summary>max_i |R_ii| of the last factorisation (NaN when none).</summary>
    public double MaxDiagonal { get; init; } = double.NaN;

    /// <summary>True when m ≥ n (or a re-sketch reached m ≥ n) and the problem was solved by dense Householder QR.</summary>
    public bool UsedDenseFallback { get; init; }

    /// <summary>Time spent forming sketches (all attempts).</summary>
    public TimeSpan SketchTime { get; init; }

    /// <summary>Time spent in QR, Qᵀz, the triangular solves and R⁻¹ (all attempts).</summary>
    public TimeSpan FactorTime { get; init; }

    /// <summary>Total wall time of the solve.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Sketch-and-solve least squares min‖Ax − b‖₂ (spec sketched-regression §2.3): x′ = argmin‖S(Ax − b)‖₂ for a random
/// m×n sketch S, with the a-posteriori error report of §2.4 (<see cref="SketchErrorReport"/>).
/// </summary>
/// <remarks>
/// <para><b>Accuracy.</b> x′ is not the least-squares solution x*: its error is the sketching error, measured in the
/// spec at ε_∞ ≈ (0.5–1.0)·√(d/m) in the normalisation √d‖x′ − x*‖_∞/(‖r*‖‖A†‖). The library does not claim an
/// a-priori ℓ∞ bound; the report estimates the error of each solution (exactly in law for Gaussian sketches). For full
/// accuracy use sketch-and-precondition.</para>
/// <para><b>Steps.</b> [SA | Sb] is formed with one S (never two draws); SA is transposed to column-major and factorised
/// by Householder QR through <see cref="DenseBackend.Current"/>; the rank check declares the sketch deficient when some
/// |R_ii| ≤ RankTolerance·max|R_jj| or R has a non-finite entry; a deficient sketch is redrawn with attempt + 1 (a fresh
/// Philox stream) and doubled m, at most <see cref="SketchAndSolveOptions.MaxResketches"/> times; after that the status is
/// <see cref="SketchAndSolveStatus.RankDeficientSketch"/> and x is left untouched. Otherwise w = Qᵀ·Sb, x′ = R⁻¹w_{1:d}
/// and R⁻¹ (explicit) gives the report.</para>
/// <para><b>Dense fallback.</b> When the requested m is ≥ n (or a re-sketch would double m to ≥ n, or beyond the kind's
/// limit at n), sketching cannot help: a warning is logged and x is the dense Householder-QR solution (one n×d
/// column-major copy of A), with <see cref="SketchAndSolveResult.UsedDenseFallback"/> = true. Its report describes an
/// exact solve, not a sketch: standard errors, half-widths and the ℓ2 estimate are 0, m = n, ρ̂ = ‖r‖/√n so that
/// <see cref="SketchErrorReport.ResidualNormEstimate"/> = ‖b − Ax‖ (from the QR), the predicted ratio is 1, and
/// <see cref="SketchErrorReport.ExactInLaw"/> is false. If A itself is rank deficient by the same test, the status is
/// <see cref="SketchAndSolveStatus.RankDeficientSketch"/> with x untouched.</para>
/// <para><b>Bad input</b> throws <see cref="ArgumentException"/>: n &lt; d, m &lt; d + 2, m beyond the sketch's limit,
/// δ ∉ (0, 1) and other option errors, b or x of the wrong length, b and x overlapping, a non-finite entry of b, and a
/// non-finite SA while b is finite, which means A has a NaN or ±∞ entry (or entries so large that SA overflows): the
/// message names the first non-finite entry of A when A is a <see cref="DenseOperator"/> or <see cref="CsrMatrix"/>.
/// A and b are never modified. Cancellation is checked before each sketch and throws
/// <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public static partial class SketchAndSolve
{
    private const double UnitRoundoff = 1.1102230246251565e-16; // 2⁻⁵³

    /// <summary>Solves with a new solution vector (the allocating convenience form).</summary>
    /// <param name="a">The n×d operator (n ≥ d, full column rank); not modified.</param>
    /// <param name="b">The right-hand side (length n); not modified.</param>
    /// <param name="options">Sketch, δ and checks; <see cref="SketchAndSolveOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger and cancellation token (sketch-and-solve reports no progress).</param>
    /// <returns>x (zeros when the status is <see cref="SketchAndSolveStatus.RankDeficientSketch"/>) and the result.</returns>
    /// <exception cref="ArgumentException">Bad input; see the class remarks.</exception>
    public static (double[] X, SketchAndSolveResult Result) Solve(ILinearOperator a, ReadOnlySpan<double> b,
        SketchAndSolveOptions? options = null, SolverHooks hooks = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        var x = new double[a.Columns];
        var result = Solve(a, b, x, options, hooks);
        return (x, result);
    }

    /// <summary>Solves min‖Ax − b‖₂ approximately with a sketch drawn from <see cref="SketchAndSolveOptions.Sketch"/>.</summary>
    /// <param name="a">The n×d operator (n ≥ d, full column rank); not modified.</param>
    /// <param name="b">The right-hand side (length n); not modified.</param>
    /// <param name="x">Output (length d); its entry contents are ignored, and it is untouched on <see cref="SketchAndSolveStatus.RankDeficientSketch"/>.</param>
    /// <param name="options">Sketch, δ and checks; <see cref="SketchAndSolveOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger and cancellation token (sketch-and-solve reports no progress).</param>
    /// <returns>The status, the error report and the sketch bookkeeping.</returns>
    /// <exception cref="ArgumentException">Bad input; see the class remarks.</exception>
    public static SketchAndSolveResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SketchAndSolveOptions? options = null, SolverHooks hooks = default)
    {
        options ??= SketchAndSolveOptions.Default;
        return Run(a, b, x, options, null, hooks);
    }

    /// <summary>
    /// Solves with the given sketch S (tests and callers that bring their own S). S must have n columns and m ≥ d + 2
    /// rows; m ≥ n is allowed here (no dense fallback). S cannot be redrawn, so a rank-deficient S gives
    /// <see cref="SketchAndSolveStatus.RankDeficientSketch"/> whatever <see cref="SketchAndSolveOptions.MaxResketches"/> says;
    /// <see cref="SketchAndSolveOptions.Sketch"/> is ignored.
    /// </summary>
    /// <param name="a">The n×d operator; not modified.</param>
    /// <param name="b">The right-hand side (length n); not modified.</param>
    /// <param name="x">Output (length d); untouched on <see cref="SketchAndSolveStatus.RankDeficientSketch"/>.</param>
    /// <param name="sketch">S, m×n, with E[SᵀS] = I for the report to be meaningful.</param>
    /// <param name="options">δ and checks; <see cref="SketchAndSolveOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger and cancellation token.</param>
    /// <returns>The status, the error report and the sketch bookkeeping.</returns>
    /// <exception cref="ArgumentException">Bad input; see the class remarks.</exception>
    public static SketchAndSolveResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, ISketch sketch,
        SketchAndSolveOptions? options = null, SolverHooks hooks = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(sketch);
        if (sketch.Columns != a.Rows)
            throw new ArgumentException($"The sketch has {sketch.Columns} columns, but A is {a.Rows}×{a.Columns}.", nameof(sketch));
        if (sketch.Rows < a.Columns + 2)
            throw new ArgumentException($"The sketch needs m ≥ d + 2 rows (d = {a.Columns}); got m = {sketch.Rows}.", nameof(sketch));
        options ??= SketchAndSolveOptions.Default;
        return Run(a, b, x, options, sketch, hooks);
    }

    private static SketchAndSolveResult Run(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SketchAndSolveOptions options, ISketch? givenSketch, SolverHooks hooks)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(a);
        options.Validate();
        int n = a.Rows, d = a.Columns;
        if (d < 1) throw new ArgumentException($"A must have at least one column (got {n}×{d}).", nameof(a));
        if (n < d)
            throw new ArgumentException($"A is {n}×{d}: sketch-and-solve needs n ≥ d (underdetermined problems are out of scope).", nameof(a));
        VectorChecks.RequireLength(b.Length, n, nameof(b), $"A ({n}×{d})");
        VectorChecks.RequireLength(x.Length, d, nameof(x), $"A ({n}×{d})");
        if (b.Overlaps(x)) throw new ArgumentException("x must not overlap b.", nameof(x));
        VectorChecks.RequireFinite(b, nameof(b));

        ILogger? logger = hooks.Logger;
        SketchKind kind;
        ulong seed;
        int m;
        bool fallback = false;
        if (givenSketch is not null)
        {
            kind = givenSketch.Kind;
            seed = givenSketch.Seed;
            m = givenSketch.Rows;
        }
        else
        {
            var so = options.Sketch;
            kind = so.Kind;
            seed = so.Seed;
            long requested = so.Rows ?? (long)Math.Ceiling(so.RowFactor * d);
            if (requested < d + 2)
                throw new ArgumentException($"The sketch needs m ≥ d + 2 rows (d = {d}); got m = {requested}.", nameof(options));
            if (requested >= n)
            {
                fallback = true;
                m = n;
                if (logger is not null && logger.IsEnabled(LogLevel.Warning)) LogDenseFallback(logger, requested, n, d);
            }
            else
            {
                m = so.RowsFor(n, d); // also checks the kind's limit
            }
        }

        if (VectorMath.Norm2(b) == 0)
        {
            x.Clear();
            var zero = new SketchAndSolveResult
            {
                Status = SketchAndSolveStatus.ZeroRightHandSide,
                Report = SketchErrorReport.Zero(m, d, options.Delta, kind == SketchKind.Gaussian && !fallback),
                Kind = kind,
                SketchRows = m,
                Seed = seed,
                UsedDenseFallback = fallback,
                Elapsed = Stopwatch.GetElapsedTime(start),
            };
            if (logger is not null && logger.IsEnabled(LogLevel.Information)) LogZero(logger);
            return zero;
        }

        if (fallback) return DenseFallback(a, b, x, options, kind, seed, 0, 0, TimeSpan.Zero, TimeSpan.Zero, start, logger);

        var backend = DenseBackend.Current;
        TimeSpan sketchTime = TimeSpan.Zero, factorTime = TimeSpan.Zero;
        int resketches = 0;
        for (int attempt = 0; ; attempt++)
        {
            hooks.CancellationToken.ThrowIfCancellationRequested();
            long t0 = Stopwatch.GetTimestamp();
            var sketch = givenSketch ?? Sketch.Create(options.Sketch, m, n, attempt);
            var saRowMajor = new double[(long)m * d];
            var sb = new double[m];
            SketchApplication.ApplyAugmented(sketch, a, b, saRowMajor, sb);
            var formTime = Stopwatch.GetElapsedTime(t0);
            sketchTime += formTime;
            if (logger is not null && logger.IsEnabled(LogLevel.Debug))
                LogSketchFormed(logger, kind, m, seed, sketch.Attempt, formTime.TotalSeconds);
            if (VectorChecks.FirstNonFinite(saRowMajor) >= 0 || VectorChecks.FirstNonFinite(sb) >= 0)
                throw NonFiniteA(a);

            long t1 = Stopwatch.GetTimestamp();
            var y = new double[(long)m * d];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < d; j++)
                    y[i + (long)j * m] = saRowMajor[(long)i * d + j];
            var tau = new double[d];
            backend.QrFactor(m, d, y, m, tau);
            var (minDiag, maxDiag, deficient) = CheckDiagonal(y, m, d, options.RankTolerance);
            if (deficient)
            {
                factorTime += Stopwatch.GetElapsedTime(t1);
                bool canRetry = givenSketch is null && attempt < options.MaxResketches;
                if (logger is not null && logger.IsEnabled(LogLevel.Warning))
                    LogRankDeficient(logger, kind, m, attempt, minDiag, maxDiag, options.RankTolerance, canRetry);
                if (!canRetry)
                {
                    return RankDeficient(a, y, m, d, options.RankTolerance, kind, seed, attempt + 1, resketches, minDiag, maxDiag,
                        usedDenseFallback: false, sketchTime, factorTime, start);
                }
                resketches++;
                long next = 2L * m;
                long limit = options.Sketch.Kind switch
                {
                    SketchKind.Srht => SketchOptions.NextPowerOfTwo(n),
                    SketchKind.UniformRows => n,
                    _ => long.MaxValue,
                };
                if (next >= n || next > limit)
                {
                    if (logger is not null && logger.IsEnabled(LogLevel.Warning)) LogDenseFallback(logger, next, n, d);
                    return DenseFallback(a, b, x, options, kind, seed, attempt + 1, resketches, sketchTime, factorTime, start, logger);
                }
                m = (int)next;
                continue;
            }

            // w = Qᵀ·Sb; x′ = R⁻¹·w_{1:d}; R⁻¹ explicitly for the report.
            backend.ApplyQ(Transpose.Yes, m, 1, d, y, m, tau, sb, m);
            var xs = sb.AsSpan(0, d).ToArray();
            backend.TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, d, 1, 1.0, y, m, xs, d);
            var rInv = new double[(long)d * d];
            for (int j = 0; j < d; j++) rInv[j + (long)j * d] = 1;
            backend.TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, d, d, 1.0, y, m, rInv, d);
            double sketchedResidual = VectorMath.Norm2(sb.AsSpan(d));
            double condition = OneNormUpper(y, m, d) * OneNormUpper(rInv, d, d);
            var report = SketchErrorReport.Compute(m, d, sketchedResidual, rInv, options.Delta, options.StudentTBelow,
                kind == SketchKind.Gaussian);
            var ft = Stopwatch.GetElapsedTime(t1);
            factorTime += ft;
            if (logger is not null && logger.IsEnabled(LogLevel.Debug))
                LogFactorised(logger, condition, minDiag, maxDiag, ft.TotalSeconds);

            var warnings = SketchWarnings.None;
            double sbNorm = Math.Sqrt(sketchedResidual * sketchedResidual + VectorMath.Dot(sb.AsSpan(0, d), sb.AsSpan(0, d)));
            if (sketchedResidual <= 1e3 * UnitRoundoff * (UpperFrobenius(y, m, d) * VectorMath.Norm2(xs) + sbNorm))
            {
                warnings |= SketchWarnings.ResidualAtRoundoff;
                if (logger is not null && logger.IsEnabled(LogLevel.Information)) LogRoundoff(logger, sketchedResidual);
            }
            if (options.ComputeTrueResidual)
            {
                var scratch = new double[n];
                report = report.WithTrueResidual(VectorMath.ResidualNorm(a, xs, b, scratch));
                if (report.ResidualConsistency > 1.5)
                {
                    warnings |= SketchWarnings.ResidualInconsistent;
                    if (logger is not null && logger.IsEnabled(LogLevel.Warning))
                        LogInconsistent(logger, report.TrueResidualNorm, report.PredictedTrueResidualNorm, report.ResidualConsistency);
                }
            }
            xs.CopyTo(x);
            return Solved(report, warnings, kind, m, d, seed, attempt + 1, resketches, condition, minDiag, maxDiag,
                usedDenseFallback: false, sketchTime, factorTime, start, logger, report.ResidualNormEstimate, report.L2ErrorEstimate);
        }
    }

    /// <summary>A column-major n×d copy of A.</summary>
    private static double[] ColumnMajor(ILinearOperator a)
    {
        int n = a.Rows, d = a.Columns;
        var c = new double[(long)n * d];
        switch (a)
        {
            case DenseOperator dense:
            {
                var data = dense.Data;
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < d; j++)
                        c[i + (long)j * n] = data[i * d + j];
                break;
            }
            case CsrMatrix csr:
            {
                var rp = csr.RowPointers;
                var ci = csr.ColumnIndices;
                var v = csr.Values;
                for (int i = 0; i < n; i++)
                    for (int k = rp[i]; k < rp[i + 1]; k++)
                        c[i + (long)ci[k] * n] += v[k];
                break;
            }
            default:
            {
                var e = new double[d];
                for (int j = 0; j < d; j++)
                {
                    e[j] = 1;
                    a.Apply(e, c.AsSpan(j * n, n));
                    e[j] = 0;
                }
                break;
            }
        }
        return c;
    }

    private static SketchAndSolveResult DenseFallback(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SketchAndSolveOptions options, SketchKind kind, ulong seed, int attempts, int resketches, TimeSpan sketchTime,
        TimeSpan factorTime, long start, ILogger? logger)
    {
        int n = a.Rows, d = a.Columns;
        long t1 = Stopwatch.GetTimestamp();
        var c = ColumnMajor(a);
        if (VectorChecks.FirstNonFinite(c) >= 0) throw NonFiniteA(a);
        var backend = DenseBackend.Current;
        var tau = new double[d];
        backend.QrFactor(n, d, c, n, tau);
        var (minDiag, maxDiag, deficient) = CheckDiagonal(c, n, d, options.RankTolerance);
        if (deficient)
        {
            if (logger is not null && logger.IsEnabled(LogLevel.Warning))
                LogRankDeficient(logger, kind, n, attempts, minDiag, maxDiag, options.RankTolerance, false);
            return RankDeficient(a, c, n, d, options.RankTolerance, kind, seed, attempts, resketches, minDiag, maxDiag,
                usedDenseFallback: true, sketchTime, factorTime + Stopwatch.GetElapsedTime(t1), start);
        }
        var w = b.ToArray();
        backend.ApplyQ(Transpose.Yes, n, 1, d, c, n, tau, w, n);
        var xs = w.AsSpan(0, d).ToArray();
        backend.TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, d, 1, 1.0, c, n, xs, d);
        var rInv = new double[(long)d * d];
        for (int j = 0; j < d; j++) rInv[j + (long)j * d] = 1;
        backend.TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, d, d, 1.0, c, n, rInv, d);
        double condition = OneNormUpper(c, n, d) * OneNormUpper(rInv, d, d);
        double residual = VectorMath.Norm2(w.AsSpan(d));
        var report = new SketchErrorReport
        {
            ResidualEstimate = residual / Math.Sqrt(n),
            ResidualNormEstimate = residual,
            SketchedResidualNorm = residual,
            StandardErrors = new double[d],
            Quantile = Quantiles.Normal(1 - options.Delta / (2.0 * d)),
            QuantileKind = QuantileKind.Normal,
            Delta = options.Delta,
            L2ErrorEstimate = 0,
            PredictedResidualRatio = 1,
            PredictedTrueResidualNorm = residual,
            ExactInLaw = false,
            SketchRows = n,
            Unknowns = d,
        };
        var warnings = SketchWarnings.None;
        if (options.ComputeTrueResidual)
        {
            report = report.WithTrueResidual(VectorMath.ResidualNorm(a, xs, b, new double[n]));
            if (report.ResidualConsistency > 1.5) warnings |= SketchWarnings.ResidualInconsistent;
        }
        xs.CopyTo(x);
        return Solved(report, warnings, kind, n, d, seed, attempts, resketches, condition, minDiag, maxDiag,
            usedDenseFallback: true, sketchTime, factorTime + Stopwatch.GetElapsedTime(t1), start, logger, residual, 0);
    }

    /// <summary>The <see cref="SketchAndSolveStatus.Solved"/> result (sketched or dense fallback), with the summary log line.</summary>
    private static SketchAndSolveResult Solved(SketchErrorReport report, SketchWarnings warnings, SketchKind kind, int rows, int d,
        ulong seed, int attempts, int resketches, double condition, double minDiag, double maxDiag, bool usedDenseFallback,
        TimeSpan sketchTime, TimeSpan factorTime, long start, ILogger? logger, double residualEstimate, double l2Estimate)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogSummary(logger, kind, rows, attempts, residualEstimate, l2Estimate, condition, warnings, elapsed.TotalSeconds);
        return new SketchAndSolveResult
        {
            Status = SketchAndSolveStatus.Solved,
            DetectedRank = d,
            Report = report,
            Warnings = warnings,
            Kind = kind,
            SketchRows = rows,
            Seed = seed,
            Attempts = attempts,
            Resketches = resketches,
            ConditionEstimate = condition,
            MinDiagonal = minDiag,
            MaxDiagonal = maxDiag,
            UsedDenseFallback = usedDenseFallback,
            SketchTime = sketchTime,
            FactorTime = factorTime,
            Elapsed = elapsed,
        };
    }

    /// <summary>
    /// The <see cref="SketchAndSolveStatus.RankDeficientSketch"/> result of a QR whose R (ld rows) failed the rank check —
    /// unless A has an all-zero column, which is bad input and throws (one pass over A, only on this path).
    /// </summary>
    private static SketchAndSolveResult RankDeficient(ILinearOperator a, ReadOnlySpan<double> r, int ld, int d, double tolerance,
        SketchKind kind, ulong seed, int attempts, int resketches, double minDiag, double maxDiag, bool usedDenseFallback,
        TimeSpan sketchTime, TimeSpan factorTime, long start)
    {
        LeastSquaresChecks.ThrowIfZeroColumn(a);
        return new SketchAndSolveResult
        {
            Status = SketchAndSolveStatus.RankDeficientSketch,
            DetectedRank = LeastSquaresChecks.NumericalRank(r, ld, d, tolerance),
            Kind = kind,
            SketchRows = ld,
            Seed = seed,
            Attempts = attempts,
            Resketches = resketches,
            ConditionEstimate = double.PositiveInfinity,
            MinDiagonal = minDiag,
            MaxDiagonal = maxDiag,
            UsedDenseFallback = usedDenseFallback,
            SketchTime = sketchTime,
            FactorTime = factorTime,
            Elapsed = Stopwatch.GetElapsedTime(start),
        };
    }

    /// <summary>The bad-input error for a non-finite SA with a finite b, naming A's first non-finite entry when A is stored.</summary>
    internal static ArgumentException NonFiniteA(ILinearOperator a)
    {
        string where = "";
        if (a is DenseOperator dense)
        {
            int k = VectorChecks.FirstNonFinite(dense.Data);
            if (k >= 0) where = string.Create(CultureInfo.InvariantCulture, $": A[{k / a.Columns}, {k % a.Columns}] = {dense.Data[k]}");
        }
        else if (a is CsrMatrix csr)
        {
            int k = VectorChecks.FirstNonFinite(csr.Values);
            if (k >= 0) where = string.Create(CultureInfo.InvariantCulture, $": stored value {k} is {csr.Values[k]}");
        }
        return new ArgumentException(
            $"A ({a.Rows}×{a.Columns}) contains non-finite values (the sketch SA is not finite while b is){where}.", nameof(a));
    }

    /// <summary>min and max |R_ii| and the rank test (|R_ii| ≤ tol·max, or any non-finite entry of R).</summary>
    private static (double Min, double Max, bool Deficient) CheckDiagonal(ReadOnlySpan<double> r, int ld, int d, double tolerance)
    {
        double min = double.PositiveInfinity, max = 0;
        bool finite = true;
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i <= j; i++)
                if (!double.IsFinite(r[i + j * ld])) finite = false;
            double v = Math.Abs(r[j + j * ld]);
            if (v < min) min = v;
            if (v > max) max = v;
        }
        bool deficient = !finite || !(max > 0);
        if (!deficient)
            for (int j = 0; j < d; j++)
                if (Math.Abs(r[j + j * ld]) <= tolerance * max) { deficient = true; break; }
        return (min, max, deficient);
    }

    /// <summary>‖U‖₁ (maximum absolute column sum) of the upper triangle of a column-major d×d block with leading dimension ld.</summary>
    private static double OneNormUpper(ReadOnlySpan<double> u, int ld, int d)
    {
        double best = 0;
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int i = 0; i <= j; i++) s += Math.Abs(u[i + j * ld]);
            if (s > best) best = s;
        }
        return best;
    }

    private static double UpperFrobenius(ReadOnlySpan<double> u, int ld, int d)
    {
        double s = 0;
        for (int j = 0; j < d; j++)
            for (int i = 0; i <= j; i++)
            {
                double v = u[i + j * ld];
                s += v * v;
            }
        return Math.Sqrt(s);
    }

    [LoggerMessage(EventId = 5300, Level = LogLevel.Debug,
        Message = "Sketch-and-solve: formed {Kind} sketch, m = {Rows}, seed = {Seed}, attempt {Attempt}, {Seconds} s")]
    private static partial void LogSketchFormed(ILogger logger, SketchKind kind, int rows, ulong seed, int attempt, double seconds);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Debug,
        Message = "Sketch-and-solve: QR of SA, κ̂(R) = {Condition}, min |R_ii| = {MinDiagonal}, max |R_ii| = {MaxDiagonal}, {Seconds} s")]
    private static partial void LogFactorised(ILogger logger, double condition, double minDiagonal, double maxDiagonal, double seconds);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning,
        Message = "Sketch-and-solve: {Kind} sketch with m = {Rows} (attempt {Attempt}) is rank-deficient: min |R_ii| = {MinDiagonal} ≤ {Tolerance}·max |R_ii| = {MaxDiagonal} (or R not finite); re-sketching with doubled m: {WillRetry}")]
    private static partial void LogRankDeficient(ILogger logger, SketchKind kind, int rows, int attempt, double minDiagonal, double maxDiagonal, double tolerance, bool willRetry);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Warning,
        Message = "Sketch-and-solve: m = {Rows} ≥ n = {N} (d = {D}): sketching cannot help; solving by dense Householder QR instead (the error report describes an exact solve)")]
    private static partial void LogDenseFallback(ILogger logger, long rows, int n, int d);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Warning,
        Message = "Sketch-and-solve: ResidualInconsistent: true ‖Ax′ − b‖ = {TrueResidual} is {Ratio} × the predicted {Predicted} (> 1.5): the sketch may be near-singular; do not trust the error bars")]
    private static partial void LogInconsistent(ILogger logger, double trueResidual, double predicted, double ratio);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Information,
        Message = "Sketch-and-solve: ResidualAtRoundoff: the sketched residual {Residual} is at rounding level; the error bars (sketching error only) are meaningless")]
    private static partial void LogRoundoff(ILogger logger, double residual);

    [LoggerMessage(EventId = 5306, Level = LogLevel.Information, Message = "Sketch-and-solve: b = 0, x = 0")]
    private static partial void LogZero(ILogger logger);

    [LoggerMessage(EventId = 5307, Level = LogLevel.Information,
        Message = "Sketch-and-solve: {Kind}, m = {Rows}, {Attempts} sketch(es), ‖r*‖ ≈ {ResidualNorm}, ‖x′ − x*‖₂ ≈ {L2Error}, κ̂(R) = {Condition}, warnings: {Warnings}, {Seconds} s")]
    private static partial void LogSummary(ILogger logger, SketchKind kind, int rows, int attempts, double residualNorm, double l2Error, double condition, SketchWarnings warnings, double seconds);
}
