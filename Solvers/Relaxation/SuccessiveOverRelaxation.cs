using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Operators;
using Solvers.Preconditioners;

namespace Solvers.Relaxation;

/// <summary>
/// Successive over-relaxation (SOR) for A x = b, and its symmetric variant (SSOR: a forward sweep followed by a
/// backward sweep), as specified in sor-bandit §2.1 and §3.1.
/// </summary>
/// <remarks>
/// <para><b>Iteration.</b> With A = D + L + U, one SOR iteration is the in-place forward sweep over i = 0..n−1 in
/// natural order, x_i ← (1 − ω) x_i + ω (b_i − Σ_{j≠i} a_ij x_j) / a_ii, which equals the residual form
/// x_{k+1} = x_k + (D/ω + L)⁻¹ (b − A x_k). With <see cref="Symmetric"/> set, one iteration is that forward sweep
/// followed by the same update in reverse row order (SSOR). The sweep is strictly sequential: it is never threaded,
/// so iteration counts are reproducible bit for bit (sor-bandit §6, pitfall 13).</para>
/// <para><b>Stopping rule</b> (sor-bandit §2.1, §6 pitfall 3). After every iteration the residual r_k = b − A x_k is
/// recomputed (one extra pass over the nonzeros) and the solve stops with
/// <see cref="ConvergenceReason.ConvergedRelativeTolerance"/> when ‖r_k‖₂ &lt; rtol·‖r_0‖₂ — strictly, and relative
/// to the <b>initial residual</b> ‖b − A x_0‖₂, not to ‖b‖₂ (they coincide for x_0 = 0) — or with
/// <see cref="ConvergenceReason.ConvergedAbsoluteTolerance"/> when ‖r_k‖₂ ≤ atol (or r_k = 0). The iteration count
/// is therefore ≥ 1 whenever r_0 ≠ 0. Because r_k is recomputed from x_k every iteration, the reported
/// <see cref="SolverResult.FinalResidualNorm"/> is already the true residual of the returned x, and
/// <see cref="SolverResult.TrueResidualNorm"/> equals it on every normal exit.</para>
/// <para><b>Outcomes</b> (sor-bandit §3.1): converged → ConvergedRelativeTolerance with Iterations = k; cap reached →
/// <see cref="ConvergenceReason.DivergedMaxIterations"/> with Iterations = the cap (set
/// <see cref="SolverOptions.MaxIterations"/> explicitly, e.g. 10 000: the default 2n is far too small for SOR);
/// b = 0 → <see cref="ConvergenceReason.ConvergedZeroRightHandSide"/> with x = 0 and 0 iterations; a non-finite
/// value produced by a sweep or residual → <see cref="ConvergenceReason.DivergedNaN"/>; ‖r_k‖ ≥ dtol·‖r_0‖ →
/// <see cref="ConvergenceReason.DivergedTolerance"/>; cancellation → <see cref="ConvergenceReason.Cancelled"/>;
/// time limit → <see cref="ConvergenceReason.TimeLimit"/>. Non-finite entries in b or x0 are invalid input and throw
/// (REL §10.4), as for every solver of the suite.</para>
/// <para><b>Non-finite values.</b> Each new x_i is checked before it is stored. If a sweep in iteration k would
/// store a non-finite value the solve stops with DivergedNaN, <c>Iterations = k − 1</c>,
/// <c>BreakdownIteration = k</c> and <c>BreakdownValue</c> = that value; x is then a partially swept iterate but
/// holds finite values only.</para>
/// <para><b>Operators.</b> The sweep needs row access, so A must be a <see cref="CsrMatrix"/> (used directly through
/// its row pointers) or implement <see cref="IConvertibleToCsr"/> (<see cref="Laplacian2D"/>,
/// <see cref="DiffusionStencil2D"/>, <see cref="StencilOperator"/>, …). A convertible operator is assembled once and
/// the CSR copy is cached by reference: solving again with the same operator instance reuses it, so such operators
/// must not change between solves. The position of each row's diagonal is also cached per CSR instance; the
/// diagonal values themselves are re-read and re-checked at every solve (O(n)), so a <see cref="CsrMatrix"/> whose
/// values were modified in place is handled correctly. A zero or non-finite diagonal entry (including a missing
/// one) throws <see cref="ArgumentException"/> naming the 0-based row and the value (REL §10.6).</para>
/// <para><b>Allocation.</b> After the first solve of a given operator (which assembles or indexes the CSR and
/// creates the residual vector), <c>Solve</c> allocates nothing; log messages are formatted only when the logger is
/// enabled. Progress and history sinks must themselves not allocate for the whole solve to be allocation-free.</para>
/// <para>An instance is not thread-safe: use one instance per concurrently solving thread.</para>
/// </remarks>
public sealed partial class SuccessiveOverRelaxation : IIterativeSolver
{
    private double _omega;

    // Workspace, reused between solves.
    private object? _source;          // the operator instance the cached CSR belongs to
    private CsrMatrix? _csr;          // A as CSR (the operator itself when it is a CsrMatrix)
    private int[] _diagonalIndex = []; // position of a_ii in the CSR arrays, per row; −1 when absent
    private double[] _diagonal = [];
    private double[] _residual = [];

    /// <summary>Creates the solver.</summary>
    /// <param name="omega">The relaxation parameter ω ∈ (0, 2); 1 gives Gauss–Seidel (symmetric Gauss–Seidel for SSOR).</param>
    /// <param name="symmetric">Use SSOR iterations (forward then backward sweep) instead of SOR.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="omega"/> is not in (0, 2).</exception>
    public SuccessiveOverRelaxation(double omega = 1.0, bool symmetric = false)
    {
        Omega = omega;
        Symmetric = symmetric;
    }

    /// <summary>The relaxation parameter ω ∈ (0, 2). It may be changed between solves.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in the open interval (0, 2) (NaN included).</exception>
    public double Omega
    {
        get => _omega;
        set
        {
            ValidateOmega(value, nameof(value));
            _omega = value;
        }
    }

    /// <summary>Whether one iteration is an SSOR step (forward sweep, then backward sweep) rather than an SOR step.</summary>
    public bool Symmetric { get; set; }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless 0 &lt; <paramref name="omega"/> &lt; 2
    /// (REL §10.4 (5); SOR converges for SPD A iff ω lies there, Ostrowski–Reich).
    /// </summary>
    internal static void ValidateOmega(double omega, string paramName)
    {
        if (!(omega > 0 && omega < 2))
            throw new ArgumentOutOfRangeException(paramName, omega,
                string.Create(CultureInfo.InvariantCulture, $"The relaxation parameter ω must lie in (0, 2), but it is {omega}."));
    }

    /// <summary>
    /// Solves A x = b with SOR from x0 = 0 with a new solver and a new solution vector (the allocating convenience form).
    /// </summary>
    /// <param name="a">A square <see cref="CsrMatrix"/> or <see cref="IConvertibleToCsr"/> operator with a non-zero, finite diagonal.</param>
    /// <param name="b">The right-hand side; not modified.</param>
    /// <param name="omega">The relaxation parameter ω ∈ (0, 2).</param>
    /// <param name="options">Stopping criteria; <see cref="SolverOptions.Default"/> when null (set MaxIterations explicitly).</param>
    /// <returns>The solution and the result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="omega"/> is not in (0, 2).</exception>
    /// <exception cref="ArgumentException">Invalid input; see the instance method.</exception>
    public static (double[] X, SolverResult Result) Solve(ILinearOperator a, ReadOnlySpan<double> b, double omega,
        SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        var solver = new SuccessiveOverRelaxation(omega);
        var x = new double[a.Columns];
        var result = solver.Solve(a, b, x, options);
        return (x, result);
    }

    /// <summary>Solves A x = b starting from the contents of <paramref name="x"/> (x0), sweeping x in place.</summary>
    /// <param name="a">A square <see cref="CsrMatrix"/> or <see cref="IConvertibleToCsr"/> operator with a non-zero, finite diagonal.</param>
    /// <param name="b">The right-hand side; never modified.</param>
    /// <param name="x">On entry x0, on exit the returned iterate; must not overlap <paramref name="b"/>.</param>
    /// <param name="options">Stopping criteria; <see cref="SolverOptions.Default"/> when null. The relative tolerance is
    /// relative to ‖b − A x0‖₂ and strict (see the remarks); MaxIterations should be set explicitly.</param>
    /// <param name="preconditioner">Must be null (or an <see cref="IdentityPreconditioner"/>): SOR is not preconditioned.</param>
    /// <param name="hooks">Logger, progress sink (called for k = 0 and after every iteration), cancellation token
    /// (checked once per iteration) and history (filled when <see cref="SolverOptions.RecordHistory"/> is set).</param>
    /// <returns>The outcome; numerical failures are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A is not square or has no row access; b or x do not match A; b and x overlap; b or x0 has a non-finite entry;
    /// a preconditioner was given; the options are out of range; or a diagonal entry is zero or non-finite
    /// (the message names the row and the value).
    /// </exception>
    public SolverResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SolverOptions? options = null, IPreconditioner? preconditioner = null, SolverHooks hooks = default)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(a);
        options ??= SolverOptions.Default;

        int n = VectorChecks.RequireSquareSystem("SOR", a, b, x);
        if (preconditioner is not null and not IdentityPreconditioner)
            throw new ArgumentException(
                $"SOR takes no preconditioner, but {preconditioner.GetType().Name} was given; pass null " +
                "(for SSOR-preconditioned CG use ConjugateGradient with SsorPreconditioner).", nameof(preconditioner));
        options.Validate();

        var csr = Prepare(a);
        double omega = _omega;
        bool symmetric = Symmetric;
        int maxIterations = options.EffectiveMaxIterations(n);
        ILogger? logger = hooks.Logger;
        IProgress<IterationInfo>? progress = hooks.Progress;
        ConvergenceHistory? history = options.RecordHistory ? hooks.History : null;
        history?.Clear();
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogStart(logger, symmetric ? "SSOR" : "SOR", n, omega, options.RelativeTolerance, options.AbsoluteTolerance, maxIterations);

        ReadOnlySpan<int> rowPointers = csr.RowPointers;
        ReadOnlySpan<int> columns = csr.ColumnIndices;
        ReadOnlySpan<double> values = csr.Values;
        ReadOnlySpan<int> diagonalIndex = _diagonalIndex;
        ReadOnlySpan<double> diagonal = _diagonal;
        Span<double> r = _residual;

        // REL §10.4 (3): b = 0 gives x = 0 whatever x0 was.
        double bNorm = VectorMath.Norm2(b);
        if (bNorm == 0)
        {
            double initial = VectorMath.NormInf(x) != 0 ? Residual(rowPointers, columns, values, x, b, r) : 0;
            x.Clear();
            Report(0, 0, 0, start, options, history, progress);
            return Finish(ConvergenceReason.ConvergedZeroRightHandSide, 0, initial, 0, 0, 0, double.NaN, start, history, logger);
        }

        double r0Norm = VectorMath.NormInf(x) == 0 ? bNorm : Residual(rowPointers, columns, values, x, b, r);
        double rtolThreshold = options.RelativeTolerance * r0Norm;
        double atol = options.AbsoluteTolerance;
        double divergenceThreshold = options.DivergenceTolerance * r0Norm;
        long timeLimitTicks = options.TimeLimit is { } limit
            ? (long)Math.Min(limit.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2.0)
            : 0;
        CancellationToken token = hooks.CancellationToken;

        var reason = ConvergenceReason.Iterating;
        int k = 0;
        int breakdownIteration = 0;
        double breakdownValue = double.NaN;
        double rNorm = r0Norm;
        double trueNorm = r0Norm;

        if (!double.IsFinite(r0Norm))
        {
            reason = ConvergenceReason.DivergedNaN;
            breakdownIteration = 1;
            breakdownValue = r0Norm;
        }
        else
        {
            Report(0, r0Norm, bNorm, start, options, history, progress);
            if (r0Norm == 0 || r0Norm <= atol) reason = ConvergenceReason.ConvergedAbsoluteTolerance;
        }

        while (reason == ConvergenceReason.Iterating)
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

            bool ok = ForwardSweep(rowPointers, columns, values, diagonalIndex, diagonal, b, x, omega, out double bad)
                && (!symmetric || BackwardSweep(rowPointers, columns, values, diagonalIndex, diagonal, b, x, omega, out bad));
            if (!ok)
            {
                reason = ConvergenceReason.DivergedNaN;
                breakdownIteration = it;
                breakdownValue = bad;
                trueNorm = Residual(rowPointers, columns, values, x, b, r);
                break;
            }

            k = it;
            rNorm = Residual(rowPointers, columns, values, x, b, r);
            trueNorm = rNorm;
            if (!double.IsFinite(rNorm))
            {
                reason = ConvergenceReason.DivergedNaN;
                breakdownIteration = k + 1;
                breakdownValue = rNorm;
                break;
            }

            Report(k, rNorm, bNorm, start, options, history, progress);
            if (logger is not null && options.LogEvery > 0 && k % options.LogEvery == 0)
                LogProgress(logger, k, rNorm / r0Norm);

            if (rNorm == 0 || rNorm <= atol)
            {
                reason = ConvergenceReason.ConvergedAbsoluteTolerance;
                break;
            }

            if (rNorm < rtolThreshold)
            {
                reason = ConvergenceReason.ConvergedRelativeTolerance;
                break;
            }

            if (rNorm >= divergenceThreshold)
            {
                reason = ConvergenceReason.DivergedTolerance;
                break;
            }

            if (k >= maxIterations)
            {
                reason = ConvergenceReason.DivergedMaxIterations;
                break;
            }
        }

        return Finish(reason, k, r0Norm, rNorm, trueNorm, breakdownIteration, breakdownValue, start, history, logger);
    }

    /// <summary>x_i ← (1 − ω) x_i + ω (b_i − Σ_{j≠i} a_ij x_j)/a_ii for i = 0..n−1. Returns false, with the value, at the first non-finite new value (which is not stored).</summary>
    private static bool ForwardSweep(ReadOnlySpan<int> rowPointers, ReadOnlySpan<int> columns, ReadOnlySpan<double> values,
        ReadOnlySpan<int> diagonalIndex, ReadOnlySpan<double> diagonal, ReadOnlySpan<double> b, Span<double> x, double omega, out double bad)
    {
        double keep = 1 - omega;
        for (int i = 0; i < x.Length; i++)
        {
            double updated = keep * x[i] + omega * (b[i] - OffDiagonalSum(rowPointers, columns, values, diagonalIndex[i], i, x)) / diagonal[i];
            if (!double.IsFinite(updated))
            {
                bad = updated;
                return false;
            }

            x[i] = updated;
        }

        bad = 0;
        return true;
    }

    /// <summary>The same update for i = n−1..0.</summary>
    private static bool BackwardSweep(ReadOnlySpan<int> rowPointers, ReadOnlySpan<int> columns, ReadOnlySpan<double> values,
        ReadOnlySpan<int> diagonalIndex, ReadOnlySpan<double> diagonal, ReadOnlySpan<double> b, Span<double> x, double omega, out double bad)
    {
        double keep = 1 - omega;
        for (int i = x.Length - 1; i >= 0; i--)
        {
            double updated = keep * x[i] + omega * (b[i] - OffDiagonalSum(rowPointers, columns, values, diagonalIndex[i], i, x)) / diagonal[i];
            if (!double.IsFinite(updated))
            {
                bad = updated;
                return false;
            }

            x[i] = updated;
        }

        bad = 0;
        return true;
    }

    /// <summary>Σ_{j≠i} a_ij x_j in column order (the diagonal entry at <paramref name="d"/> is skipped).</summary>
    private static double OffDiagonalSum(ReadOnlySpan<int> rowPointers, ReadOnlySpan<int> columns, ReadOnlySpan<double> values,
        int d, int i, ReadOnlySpan<double> x)
    {
        double s = 0;
        int end = rowPointers[i + 1];
        for (int p = rowPointers[i]; p < d; p++) s += values[p] * x[columns[p]];
        for (int p = d + 1; p < end; p++) s += values[p] * x[columns[p]];
        return s;
    }

    /// <summary>r = b − A x row by row on the calling thread, returning ‖r‖₂.</summary>
    private static double Residual(ReadOnlySpan<int> rowPointers, ReadOnlySpan<int> columns, ReadOnlySpan<double> values,
        ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> r)
    {
        for (int i = 0; i < r.Length; i++)
        {
            double s = 0;
            int end = rowPointers[i + 1];
            for (int p = rowPointers[i]; p < end; p++) s += values[p] * x[columns[p]];
            r[i] = b[i] - s;
        }

        return VectorMath.Norm2(r);
    }

    /// <summary>Gets the CSR form of A (cached by reference), indexes its diagonal and checks it.</summary>
    private CsrMatrix Prepare(ILinearOperator a)
    {
        CsrMatrix csr;
        if (ReferenceEquals(a, _source) && _csr is not null)
        {
            csr = _csr;
        }
        else
        {
            csr = a switch
            {
                CsrMatrix m => m,
                IConvertibleToCsr c => c.ToCsr(),
                _ => throw new ArgumentException(
                    $"SOR needs row access: A must be a CsrMatrix or implement IConvertibleToCsr, but {a.GetType().Name} does neither.", nameof(a)),
            };
            if (csr.Rows != a.Rows || csr.Columns != a.Columns)
                throw new ArgumentException($"{a.GetType().Name}.ToCsr() returned a {csr.Rows}×{csr.Columns} matrix for a {a.Rows}×{a.Columns} operator.", nameof(a));
            int n = csr.Rows;
            var index = _diagonalIndex.Length == n ? _diagonalIndex : new int[n];
            FindDiagonal(csr, index);
            _diagonalIndex = index;
            if (_diagonal.Length != n) _diagonal = new double[n];
            if (_residual.Length != n) _residual = new double[n];
            _source = a;
            _csr = csr;
        }

        // The values are re-read every solve: a CsrMatrix may have been modified in place.
        ReadOnlySpan<double> values = csr.Values;
        Span<double> d = _diagonal;
        ReadOnlySpan<int> idx = _diagonalIndex;
        int count = 0, first = -1;
        for (int i = 0; i < d.Length; i++)
        {
            double v = idx[i] >= 0 ? values[idx[i]] : 0;
            d[i] = v;
            if (v != 0 && double.IsFinite(v)) continue;
            if (first < 0) first = i;
            count++;
        }

        if (count > 0)
        {
            double value = d[first];
            string kind = double.IsFinite(value) ? "zero" : "non-finite";
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"SOR: {kind} diagonal entry a[{first},{first}] = {value} at row {first} ({count} row(s) offending); SOR divides by the diagonal and needs it finite and non-zero."),
                nameof(a));
        }

        return csr;
    }

    /// <summary>index[i] = position of a_ii in the CSR arrays, −1 when the row stores no diagonal entry.</summary>
    internal static void FindDiagonal(CsrMatrix csr, Span<int> index)
    {
        ReadOnlySpan<int> rowPointers = csr.RowPointers;
        ReadOnlySpan<int> columns = csr.ColumnIndices;
        for (int i = 0; i < index.Length; i++)
        {
            index[i] = -1;
            for (int p = rowPointers[i]; p < rowPointers[i + 1]; p++)
            {
                if (columns[p] == i)
                {
                    index[i] = p;
                    break;
                }

                if (columns[p] > i) break;
            }
        }
    }

    private static void Report(int k, double rNorm, double bNorm, long start, SolverOptions options,
        ConvergenceHistory? history, IProgress<IterationInfo>? progress)
    {
        double relative = bNorm > 0 ? rNorm / bNorm : 0;
        if (history is not null)
            history.Record(k, rNorm, options.RecordTiming ? Stopwatch.GetElapsedTime(start).TotalSeconds : 0);
        progress?.Report(new IterationInfo(k, rNorm, relative, Stopwatch.GetElapsedTime(start)));
    }

    private SolverResult Finish(ConvergenceReason reason, int iterations, double initialNorm, double finalNorm,
        double trueNorm, int breakdownIteration, double breakdownValue, long start, ConvergenceHistory? history, ILogger? logger)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        history?.RecordTrueResidual(iterations, trueNorm);
        if (logger is not null)
            LogEnd(logger, Symmetric ? "SSOR" : "SOR", reason, iterations, _omega, trueNorm, elapsed.TotalSeconds);
        return new SolverResult(reason, iterations, initialNorm, finalNorm, trueNorm, elapsed, breakdownIteration, breakdownValue);
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information,
        Message = "{Method} start: n = {N}, ω = {Omega}, rtol = {RelativeTolerance} (relative to ‖r0‖, strict), atol = {AbsoluteTolerance}, max iterations = {MaxIterations}")]
    private static partial void LogStart(ILogger logger, string method, int n, double omega, double relativeTolerance, double absoluteTolerance, int maxIterations);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "SOR iteration {Iteration}: ‖r‖/‖r0‖ = {RelativeResidual}")]
    private static partial void LogProgress(ILogger logger, int iteration, double relativeResidual);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information,
        Message = "{Method} end: {Reason} after {Iterations} iterations (ω = {Omega}), true residual ‖b − Ax‖ = {TrueResidual}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, string method, ConvergenceReason reason, int iterations, double omega, double trueResidual, double seconds);
}
