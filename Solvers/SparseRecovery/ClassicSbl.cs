using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>The γ update of classic SBL (spec §2.2).</summary>
public enum SblGammaUpdate
{
    /// <summary>EM: γ_i ← μ_i² + (Σ_x)_ii (monotone: L never increases).</summary>
    ExpectationMaximization,
    /// <summary>MacKay/Tipping fixed point: γ_i ← μ_i²/ω_i (usually faster, not monotone).</summary>
    MacKay,
}

/// <summary>Options of <see cref="ClassicSbl"/> (spec §3.3).</summary>
public sealed record ClassicSblOptions : SparseBayesianOptions
{
    /// <summary>The default relative prune ratio τ = 10⁻³ (spec §2.8, cSBL rows).</summary>
    public const double DefaultPruneRatio = 1e-3;

    /// <summary>The default options.</summary>
    public static ClassicSblOptions Default { get; } = new();

    /// <summary>The γ update (EM by default).</summary>
    public SblGammaUpdate Update { get; init; } = SblGammaUpdate.ExpectationMaximization;

    /// <summary>The initial value of every γ_i (1).</summary>
    public double InitialGamma { get; init; } = 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!Enum.IsDefined(Update)) throw new ArgumentException($"Unknown γ update {Update}.");
        if (!(InitialGamma > 0) || !double.IsFinite(InitialGamma))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"InitialGamma must be finite and > 0 (got {InitialGamma})."));
    }
}

/// <summary>
/// Classic sparse Bayesian learning (Tipping 2001; Wipf &amp; Rao 2004; spec §2.2) for y = Φx + noise with the dense
/// dictionary Φ (M×N, row-major).
/// </summary>
/// <remarks>
/// <para><b>E-step</b> (Woodbury/Cholesky on the kept set 𝒜): Σ_y = σ²I + Φ_𝒜Γ_𝒜Φ_𝒜ᵀ (syrk), Σ_y = TTᵀ (potrf), z = T⁻¹y,
/// V = T⁻¹Φ_𝒜Γ_𝒜 (trsm), μ = Vᵀz, diag Σ_x = γ_𝒜 − colsum(V∘V) (clamped at 0), L = 2Σ log T_ii + ‖z‖² and
/// y − Φμ = σ²T⁻ᵀz. All dense work goes through <see cref="DenseBackend.Current"/>; no N×N matrix is formed.</para>
/// <para><b>Loop:</b> γ = InitialGamma·1, σ² given or InitialNoiseFactor·var(y) (when var(y) = 0, InitialNoiseFactor·‖y‖²/M);
/// per iteration: γ_old, prune (drop i with γ_i &lt; τ·max γ or γ_i &lt; r_abs), E-step, σ²_new (from the same E-step),
/// M-step, σ² ← σ²_new, stop when ‖γ − γ_old‖₂/‖γ_old‖₂ &lt; tol. A final E-step with the last γ (no further pruning)
/// gives x̂ = μ when the loop ended by convergence or the iteration cap.</para>
/// <para><b>Outcomes</b> (spec §3.5): y = 0 ⇒ <see cref="ConvergenceReason.ConvergedZeroRightHandSide"/>; the γ test ⇒
/// <see cref="ConvergenceReason.ConvergedRelativeTolerance"/>; the cap ⇒ <see cref="ConvergenceReason.DivergedMaxIterations"/>
/// (x̂ from the final E-step); everything pruned ⇒ <see cref="ConvergenceReason.DivergedBreakdown"/> with
/// BreakdownIteration = t, BreakdownValue = the largest γ before pruning, x̂ = 0 and an empty support; a Cholesky failure of
/// Σ_y ⇒ <see cref="ConvergenceReason.DivergedIndefiniteOperator"/>; non-finite μ, diag Σ_x, γ, σ² or L ⇒
/// <see cref="ConvergenceReason.DivergedNaN"/> (the last finite iterate); cancellation and the time limit (checked once per
/// iteration) ⇒ <see cref="ConvergenceReason.Cancelled"/> / <see cref="ConvergenceReason.TimeLimit"/> with x̂ = the last
/// E-step mean.</para>
/// </remarks>
public static partial class ClassicSbl
{
    /// <summary>Runs classic SBL.</summary>
    /// <param name="phi">Φ, M×N, row-major; never modified.</param>
    /// <param name="y">The data, length M; never modified.</param>
    /// <param name="options">The options; <see cref="ClassicSblOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress (once per iteration), cancellation (once per iteration).</param>
    /// <returns>The recovery; numerical outcomes are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="phi"/> is null.</exception>
    /// <exception cref="ArgumentException">y of length ≠ M, a non-finite y entry, or options out of range (spec §3.2).</exception>
    public static SparseRecoveryResult Solve(DenseOperator phi, ReadOnlySpan<double> y, ClassicSblOptions? options = null,
        SolverHooks hooks = default)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(phi);
        options ??= ClassicSblOptions.Default;
        SparseRecoveryChecks.RequireDictionaryProblem(phi, y, options);
        return new Run(phi, options, hooks, start).Execute(y);
    }

    /// <summary>
    /// One Woodbury/Cholesky E-step (spec §2.2) on the columns with γ_i &gt; 0: μ and diag Σ_x (zero where γ_i = 0), L(γ, σ²)
    /// and ‖y − Φμ‖. Exposed for tests and tools.
    /// </summary>
    /// <param name="phi">Φ, M×N, row-major.</param>
    /// <param name="y">The data, length M.</param>
    /// <param name="gamma">γ ≥ 0, length N.</param>
    /// <param name="noiseVariance">σ² &gt; 0.</param>
    /// <param name="mean">Receives μ, length N.</param>
    /// <param name="variance">Receives diag Σ_x, length N.</param>
    /// <returns>L(γ, σ²) and ‖y − Φμ‖.</returns>
    /// <exception cref="ArgumentException">Sizes disagree, or γ or σ² out of range.</exception>
    /// <exception cref="NotPositiveDefiniteException">Σ_y is not numerically positive definite.</exception>
    public static (double NegativeLogEvidence, double ResidualNorm) Posterior(DenseOperator phi, ReadOnlySpan<double> y,
        ReadOnlySpan<double> gamma, double noiseVariance, Span<double> mean, Span<double> variance)
    {
        ArgumentNullException.ThrowIfNull(phi);
        if (y.Length != phi.Rows) throw new ArgumentException("y must have length M.", nameof(y));
        if (gamma.Length != phi.Columns) throw new ArgumentException("γ must have length N.", nameof(gamma));
        if (mean.Length != phi.Columns) throw new ArgumentException("μ must have length N.", nameof(mean));
        if (variance.Length != phi.Columns) throw new ArgumentException("diag Σ_x must have length N.", nameof(variance));
        if (!(noiseVariance > 0) || !double.IsFinite(noiseVariance))
            throw new ArgumentException("σ² must be finite and > 0.", nameof(noiseVariance));
        var kept = new List<int>();
        for (int i = 0; i < gamma.Length; i++)
        {
            if (!(gamma[i] >= 0) || !double.IsFinite(gamma[i])) throw new ArgumentException("γ must be finite and ≥ 0.", nameof(gamma));
            if (gamma[i] > 0) kept.Add(i);
        }
        var work = new EStep(phi);
        var g = gamma.ToArray();
        var e = work.Compute(y, g, [.. kept], kept.Count, noiseVariance);
        mean.Clear();
        variance.Clear();
        for (int k = 0; k < kept.Count; k++)
        {
            mean[kept[k]] = work.Mean[k];
            variance[kept[k]] = work.Variance[k];
        }
        return e;
    }

    /// <summary>The Woodbury/Cholesky E-step with reusable buffers (column-major for the backend).</summary>
    private sealed class EStep(DenseOperator phi)
    {
        private readonly int _m = phi.Rows;
        private readonly double[] _sigmaY = new double[phi.Rows * phi.Rows];
        private readonly double[] _v = new double[phi.Rows * phi.Columns];
        private readonly double[] _z = new double[phi.Rows];
        private readonly double[] _w = new double[phi.Rows];

        /// <summary>μ on the kept set (first p entries).</summary>
        public double[] Mean { get; } = new double[phi.Columns];

        /// <summary>diag Σ_x on the kept set (first p entries).</summary>
        public double[] Variance { get; } = new double[phi.Columns];

        /// <summary>Runs the E-step for the first <paramref name="p"/> entries of <paramref name="kept"/>.</summary>
        public (double NegativeLogEvidence, double ResidualNorm) Compute(ReadOnlySpan<double> y, double[] gamma, int[] kept,
            int p, double sigma2)
        {
            var backend = DenseBackend.Current;
            int m = _m, n = phi.Columns;
            var data = phi.Data;
            var v = _v.AsSpan(0, m * p);
            // Φ_s = Φ_𝒜·diag(√γ_𝒜), column-major M×p.
            for (int k = 0; k < p; k++)
            {
                int j = kept[k];
                double s = Math.Sqrt(gamma[j]);
                var col = v.Slice(k * m, m);
                for (int i = 0; i < m; i++) col[i] = data[i * n + j] * s;
            }
            var c = _sigmaY.AsSpan();
            backend.Syrk(Triangle.Lower, Transpose.No, m, p, 1.0, v, m, 0.0, c, m);
            for (int i = 0; i < m; i++) c[i + i * m] += sigma2;
            backend.CholeskyFactor(Triangle.Lower, m, c, m);
            // V = Φ_s·diag(√γ) = Φ_𝒜Γ_𝒜, then T⁻¹V; z = T⁻¹y.
            for (int k = 0; k < p; k++)
            {
                double s = Math.Sqrt(gamma[kept[k]]);
                var col = v.Slice(k * m, m);
                for (int i = 0; i < m; i++) col[i] *= s;
            }
            y.CopyTo(_z);
            backend.TriangularSolve(Side.Left, Triangle.Lower, Transpose.No, Diagonal.NonUnit, m, 1, 1.0, c, m, _z, m);
            if (p > 0) backend.TriangularSolve(Side.Left, Triangle.Lower, Transpose.No, Diagonal.NonUnit, m, p, 1.0, c, m, v, m);
            for (int k = 0; k < p; k++)
            {
                var col = v.Slice(k * m, m);
                double mu = 0, sq = 0;
                for (int i = 0; i < m; i++)
                {
                    mu += col[i] * _z[i];
                    sq += col[i] * col[i];
                }
                Mean[k] = mu;
                Variance[k] = Math.Max(0.0, gamma[kept[k]] - sq);
            }
            double logDet = 0, zz = 0;
            for (int i = 0; i < m; i++)
            {
                logDet += Math.Log(c[i + i * m]);
                zz += _z[i] * _z[i];
            }
            // y − Φμ = σ²T⁻ᵀz.
            _z.CopyTo(_w, 0);
            backend.TriangularSolve(Side.Left, Triangle.Lower, Transpose.Yes, Diagonal.NonUnit, m, 1, sigma2, c, m, _w, m);
            return (2 * logDet + zz, VectorMath.Norm2(_w));
        }
    }

    /// <summary>The state of one solve.</summary>
    private sealed class Run
    {
        private readonly DenseOperator _phi;
        private readonly ClassicSblOptions _o;
        private readonly SolverHooks _hooks;
        private readonly long _start;
        private readonly int _m, _n;

        public Run(DenseOperator phi, ClassicSblOptions options, SolverHooks hooks, long start)
        {
            _phi = phi;
            _o = options;
            _hooks = hooks;
            _start = start;
            _m = phi.Rows;
            _n = phi.Columns;
        }

        public SparseRecoveryResult Execute(ReadOnlySpan<double> y)
        {
            ILogger? logger = _hooks.Logger;
            IProgress<IterationInfo>? progress = _hooks.Progress;
            bool learn = _o.NoiseVariance is null;
            double tau = _o.PruneRatio ?? ClassicSblOptions.DefaultPruneRatio;
            if (logger is not null && logger.IsEnabled(LogLevel.Information))
                LogStart(logger, _m, _n, _o.Update, learn, DenseBackend.Current.Name);
            var history = _o.RecordHistory ? new List<SparseRecoveryHistoryEntry>() : null;
            double yNorm = VectorMath.Norm2(y);
            var x = new double[_n];
            var gamma = new double[_n];
            var post = new double[_n];
            if (yNorm == 0)
            {
                progress?.Report(new IterationInfo(0, 0, 0, Stopwatch.GetElapsedTime(_start)));
                return Result(ConvergenceReason.ConvergedZeroRightHandSide, 0, 0, 0, y, x, [], gamma, post,
                    _o.NoiseVariance ?? double.NaN, double.NaN, history, logger);
            }
            double sigma2 = _o.NoiseVariance ?? InitialNoise(y, _o.InitialNoiseFactor);
            Array.Fill(gamma, _o.InitialGamma);
            var gammaOld = new double[_n];
            var kept = new int[_n];
            for (int i = 0; i < _n; i++) kept[i] = i;
            int p = _n;
            var estep = new EStep(_phi);
            // The last E-step's mean and variance, scattered to full length.
            bool haveMean = false;
            double rNorm = yNorm, lastL = double.NaN;
            progress?.Report(new IterationInfo(0, yNorm, 1, Stopwatch.GetElapsedTime(_start)));
            ConvergenceReason reason = ConvergenceReason.DivergedMaxIterations;
            int t = 0, breakdownIteration = 0;
            double breakdownValue = double.NaN;
            while (true)
            {
                if (t >= _o.MaxIterations) { reason = ConvergenceReason.DivergedMaxIterations; break; }
                if (_hooks.CancellationToken.IsCancellationRequested) { reason = ConvergenceReason.Cancelled; break; }
                if (_o.TimeLimit is { } limit && Stopwatch.GetElapsedTime(_start) > limit) { reason = ConvergenceReason.TimeLimit; break; }
                t++;
                Array.Copy(gamma, gammaOld, _n);
                // Prune.
                double gMax = 0;
                for (int k = 0; k < p; k++) gMax = Math.Max(gMax, gamma[kept[k]]);
                double threshold = Math.Max(tau * gMax, _o.AbsolutePruneThreshold);
                int q = 0;
                for (int k = 0; k < p; k++)
                {
                    int j = kept[k];
                    if (gamma[j] < threshold || !(gamma[j] > 0)) gamma[j] = 0;
                    else kept[q++] = j;
                }
                if (q < p && logger is not null && logger.IsEnabled(LogLevel.Debug)) LogPrune(logger, t, p - q, q);
                p = q;
                if (p == 0)
                {
                    reason = ConvergenceReason.DivergedBreakdown;
                    breakdownIteration = t;
                    breakdownValue = gMax;
                    haveMean = false;
                    Array.Clear(x);
                    Array.Clear(post);
                    if (logger is not null && logger.IsEnabled(LogLevel.Warning)) LogEmpty(logger, t, gMax);
                    break;
                }
                double l;
                try { (l, rNorm) = estep.Compute(y, gamma, kept, p, sigma2); }
                catch (NotPositiveDefiniteException) { reason = ConvergenceReason.DivergedIndefiniteOperator; breakdownIteration = t; break; }
                bool finite = double.IsFinite(l) && double.IsFinite(rNorm);
                for (int k = 0; k < p && finite; k++) finite = double.IsFinite(estep.Mean[k]) && double.IsFinite(estep.Variance[k]);
                if (!finite) { reason = ConvergenceReason.DivergedNaN; break; }
                Scatter(estep, kept, p, x, post);
                haveMean = true;
                lastL = l;
                // σ²_new from this E-step (γ before the M-step).
                double newSigma2 = sigma2;
                if (learn)
                {
                    double sumOmega = 0;
                    for (int k = 0; k < p; k++) sumOmega += Omega(estep.Variance[k], gamma[kept[k]]);
                    newSigma2 = _o.NoiseUpdate == NoiseUpdateRule.ExpectationMaximization
                        ? (rNorm * rNorm + sigma2 * sumOmega) / _m
                        : rNorm * rNorm / (_m - sumOmega);
                }
                // M-step.
                bool gammaFinite = true;
                for (int k = 0; k < p; k++)
                {
                    int j = kept[k];
                    double mu = estep.Mean[k], s = estep.Variance[k];
                    gamma[j] = _o.Update == SblGammaUpdate.ExpectationMaximization
                        ? mu * mu + s
                        : mu * mu / Math.Max(Omega(s, gamma[j]), 1e-14);
                    gammaFinite &= double.IsFinite(gamma[j]);
                }
                if (!gammaFinite || !(newSigma2 > 0) || !double.IsFinite(newSigma2))
                {
                    Array.Copy(gammaOld, gamma, _n);
                    reason = ConvergenceReason.DivergedNaN;
                    break;
                }
                sigma2 = newSigma2;
                double diff = 0, old = 0;
                for (int i = 0; i < _n; i++)
                {
                    double d = gamma[i] - gammaOld[i];
                    diff += d * d;
                    old += gammaOld[i] * gammaOld[i];
                }
                double change = Math.Sqrt(diff / old);
                var elapsed = Stopwatch.GetElapsedTime(_start);
                progress?.Report(new IterationInfo(t, rNorm, rNorm / yNorm, elapsed));
                history?.Add(new SparseRecoveryHistoryEntry(t, change, l, sigma2, [p], rNorm, 0, elapsed));
                if (logger is not null && _o.LogEvery > 0 && t % _o.LogEvery == 0 && logger.IsEnabled(LogLevel.Information))
                    LogProgress(logger, t, change, l, sigma2, p, rNorm);
                if (change < _o.RelativeTolerance) { reason = ConvergenceReason.ConvergedRelativeTolerance; break; }
            }
            bool final = _o.FinalReestimate && p > 0 &&
                reason is ConvergenceReason.ConvergedRelativeTolerance or ConvergenceReason.DivergedMaxIterations;
            if (final)
            {
                try
                {
                    var (l, r) = estep.Compute(y, gamma, kept, p, sigma2);
                    bool finite = double.IsFinite(l) && double.IsFinite(r);
                    for (int k = 0; k < p && finite; k++) finite = double.IsFinite(estep.Mean[k]) && double.IsFinite(estep.Variance[k]);
                    if (finite)
                    {
                        Scatter(estep, kept, p, x, post);
                        haveMean = true;
                        lastL = l;
                        rNorm = r;
                    }
                    else reason = ConvergenceReason.DivergedNaN;
                }
                catch (NotPositiveDefiniteException) { reason = ConvergenceReason.DivergedIndefiniteOperator; }
            }
            if (!haveMean) { Array.Clear(x); Array.Clear(post); rNorm = yNorm; }
            int[] support = reason == ConvergenceReason.DivergedBreakdown ? [] : kept[..p];
            Array.Sort(support);
            var result = Result(reason, t, yNorm, rNorm, y, x, support, gamma, post, sigma2, lastL, history, logger);
            return breakdownIteration > 0
                ? result with { Summary = result.Summary with { BreakdownIteration = breakdownIteration, BreakdownValue = breakdownValue } }
                : result;
        }

        private static double Omega(double variance, double gamma) => Math.Clamp(1 - variance / gamma, 0.0, 1.0);

        private static void Scatter(EStep e, int[] kept, int p, double[] x, double[] post)
        {
            Array.Clear(x);
            Array.Clear(post);
            for (int k = 0; k < p; k++)
            {
                x[kept[k]] = e.Mean[k];
                post[kept[k]] = e.Variance[k];
            }
        }

        private SparseRecoveryResult Result(ConvergenceReason reason, int iterations, double yNorm, double rNorm,
            ReadOnlySpan<double> y, double[] x, int[] support, double[] gamma, double[] post, double sigma2, double l,
            List<SparseRecoveryHistoryEntry>? history, ILogger? logger)
        {
            var result = SparseRecoveryResult.ForDictionary(_phi, y, reason, iterations, yNorm, rNorm, x, support, gamma, post,
                sigma2, _o.NoiseVariance is null, l, history, Stopwatch.GetElapsedTime(_start));
            if (logger is not null && logger.IsEnabled(LogLevel.Information))
                LogEnd(logger, reason, iterations, support.Length, sigma2, result.Summary.TrueResidualNorm, result.Summary.Elapsed.TotalSeconds);
            return result;
        }
    }

    /// <summary>σ²₀ = factor·var(y) (sample variance, divisor M − 1); factor·‖y‖²/M when that is 0 (M = 1 or constant y).</summary>
    internal static double InitialNoise(ReadOnlySpan<double> y, double factor)
    {
        int m = y.Length;
        double mean = 0;
        for (int i = 0; i < m; i++) mean += y[i];
        mean /= m;
        double ss = 0, sq = 0;
        for (int i = 0; i < m; i++)
        {
            double d = y[i] - mean;
            ss += d * d;
            sq += y[i] * y[i];
        }
        double variance = m > 1 ? ss / (m - 1) : 0;
        return variance > 0 ? factor * variance : factor * sq / m;
    }

    [LoggerMessage(EventId = 4710, Level = LogLevel.Information,
        Message = "cSBL start: Φ {Rows}×{Columns}, update {Update}, σ² learned {Learned}, backend {Backend}")]
    private static partial void LogStart(ILogger logger, int rows, int columns, SblGammaUpdate update, bool learned, string backend);

    [LoggerMessage(EventId = 4711, Level = LogLevel.Information,
        Message = "cSBL iteration {Iteration}: Δγ = {Change}, L = {NegativeLogEvidence}, σ² = {NoiseVariance}, kept {Kept}, ‖y − Φμ‖ = {Residual}")]
    private static partial void LogProgress(ILogger logger, int iteration, double change, double negativeLogEvidence, double noiseVariance, int kept, double residual);

    [LoggerMessage(EventId = 4712, Level = LogLevel.Debug, Message = "cSBL iteration {Iteration}: pruned {Removed}, kept {Kept}")]
    private static partial void LogPrune(ILogger logger, int iteration, int removed, int kept);

    [LoggerMessage(EventId = 4713, Level = LogLevel.Warning,
        Message = "cSBL iteration {Iteration}: every column was pruned (largest γ {MaxGamma}); returning x̂ = 0")]
    private static partial void LogEmpty(ILogger logger, int iteration, double maxGamma);

    [LoggerMessage(EventId = 4714, Level = LogLevel.Information,
        Message = "cSBL end: {Reason} after {Iterations} iterations, support size {SupportSize}, σ² = {NoiseVariance}, ‖y − Φx̂‖ = {TrueResidual}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int iterations, int supportSize, double noiseVariance, double trueResidual, double seconds);
}
