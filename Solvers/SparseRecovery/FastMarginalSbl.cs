using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>Options of <see cref="FastMarginalSbl"/> (spec §3.3).</summary>
public sealed record FastMarginalSblOptions : SparseBayesianOptions
{
    /// <summary>The default options.</summary>
    public static FastMarginalSblOptions Default { get; } = new();

    /// <summary>Creates the options with <see cref="SparseBayesianOptions.MaxIterations"/> = 1000 add/re-estimate/delete steps.</summary>
    public FastMarginalSblOptions() => MaxIterations = 1000;

    /// <summary>Re-estimate a learned σ² every this many steps (Tipping's form); 0 keeps σ² fixed at its initial value.</summary>
    public int NoiseUpdateEvery { get; init; }

    /// <summary>Stop when no add or delete is profitable and every profitable re-estimate changes log α by less than this (10⁻³).</summary>
    public double MinDeltaLogAlpha { get; init; } = 1e-3;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (NoiseUpdateEvery < 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"NoiseUpdateEvery must be ≥ 0 (got {NoiseUpdateEvery})."));
        if (!(MinDeltaLogAlpha >= 0) || !double.IsFinite(MinDeltaLogAlpha))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"MinDeltaLogAlpha must be finite and ≥ 0 (got {MinDeltaLogAlpha})."));
    }
}

/// <summary>
/// Fast marginal-likelihood SBL (Tipping &amp; Faul 2003; spec §2.3) for y = Φx + noise, with Φ any adjointable operator
/// (columns are read as Φe_i, so a <see cref="DenseOperator"/> works as well).
/// </summary>
/// <remarks>
/// <para>Starts from the single basis i₀ = argmax |φ_iᵀy|/‖φ_i‖ and then, one step at a time, adds, re-estimates or deletes the
/// basis with the largest increase of the log evidence, using S, Q recomputed directly every step from the cache
/// G = ΦᵀΦ_𝒜 (N×p) and Σ_𝒜 = (diag α_𝒜 + βΦ_𝒜ᵀΦ_𝒜)⁻¹ (p×p Cholesky through <see cref="DenseBackend.Current"/>). No N×N
/// matrix is formed. The last basis is never deleted. A learned σ² is re-estimated every
/// <see cref="FastMarginalSblOptions.NoiseUpdateEvery"/> steps with Tipping's form.</para>
/// <para><b>Outcomes:</b> y = 0 ⇒ <see cref="ConvergenceReason.ConvergedZeroRightHandSide"/>; no basis above the noise at the
/// start ⇒ <see cref="ConvergenceReason.ConvergedAbsoluteTolerance"/> with x̂ = 0, an empty support and a logged warning;
/// the §2.3 stopping rule ⇒ <see cref="ConvergenceReason.ConvergedRelativeTolerance"/>; the step cap ⇒
/// <see cref="ConvergenceReason.DivergedMaxIterations"/>; a failed p×p Cholesky ⇒
/// <see cref="ConvergenceReason.DivergedIndefiniteOperator"/>; non-finite values ⇒ <see cref="ConvergenceReason.DivergedNaN"/>;
/// cancellation / time limit (once per step) ⇒ <see cref="ConvergenceReason.Cancelled"/> / <see cref="ConvergenceReason.TimeLimit"/>.
/// In every case but the first two x̂ is the posterior mean of the last model.</para>
/// </remarks>
public static partial class FastMarginalSbl
{
    /// <summary>Runs fast marginal-likelihood SBL.</summary>
    /// <param name="phi">Φ, M×N; never modified.</param>
    /// <param name="y">The data, length M; never modified.</param>
    /// <param name="options">The options; <see cref="FastMarginalSblOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress (once per step) and cancellation (once per step).</param>
    /// <returns>The recovery; numerical outcomes are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="phi"/> is null.</exception>
    /// <exception cref="ArgumentException">y of length ≠ M, a non-finite y entry, or options out of range.</exception>
    public static SparseRecoveryResult Solve(IAdjointableOperator phi, ReadOnlySpan<double> y,
        FastMarginalSblOptions? options = null, SolverHooks hooks = default)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(phi);
        options ??= FastMarginalSblOptions.Default;
        SparseRecoveryChecks.RequireDictionaryProblem(phi, y, options);
        return Execute(phi, y, options, hooks, start);
    }

    private static SparseRecoveryResult Execute(IAdjointableOperator phi, ReadOnlySpan<double> y, FastMarginalSblOptions o,
        SolverHooks hooks, long start)
    {
        int m = phi.Rows, n = phi.Columns;
        ILogger? logger = hooks.Logger;
        IProgress<IterationInfo>? progress = hooks.Progress;
        bool learn = o.NoiseVariance is null;
        if (logger is not null && logger.IsEnabled(LogLevel.Information)) LogStart(logger, m, n, learn);
        var history = o.RecordHistory ? new List<SparseRecoveryHistoryEntry>() : null;
        double yNorm = VectorMath.Norm2(y);
        var x = new double[n];
        if (yNorm == 0)
        {
            progress?.Report(new IterationInfo(0, 0, 0, Stopwatch.GetElapsedTime(start)));
            return Result(phi, y, ConvergenceReason.ConvergedZeroRightHandSide, 0, 0, 0, x, [], new double[n], new double[n],
                o.NoiseVariance ?? double.NaN, learn, double.NaN, history, start, logger);
        }
        double sigma2 = o.NoiseVariance ?? ClassicSbl.InitialNoise(y, o.InitialNoiseFactor);
        var phiTy = new double[n];
        phi.ApplyAdjoint(y, phiTy);
        // ‖φ_i‖² from the columns Φe_i.
        var diag = new double[n];
        var unit = new double[n];
        var column = new double[m];
        for (int i = 0; i < n; i++)
        {
            unit[i] = 1;
            phi.Apply(unit, column);
            unit[i] = 0;
            diag[i] = VectorMath.Dot(column, column);
        }
        // Step 2: the starting basis.
        int i0 = -1;
        double bestScore = -1;
        for (int i = 0; i < n; i++)
        {
            if (!(diag[i] > 0)) continue;
            double score = phiTy[i] * phiTy[i] / diag[i];
            if (score > bestScore) { bestScore = score; i0 = i; }
        }
        double denominator = bestScore - sigma2;
        if (i0 < 0 || !(denominator > 0))
        {
            if (logger is not null && logger.IsEnabled(LogLevel.Warning)) LogNoBasis(logger, sigma2);
            progress?.Report(new IterationInfo(0, yNorm, 1, Stopwatch.GetElapsedTime(start)));
            return Result(phi, y, ConvergenceReason.ConvergedAbsoluteTolerance, 0, yNorm, yNorm, x, [], new double[n],
                new double[n], sigma2, learn, double.NaN, history, start, logger);
        }
        var model = new Model(phi, m, n, phiTy, diag);
        model.Add(i0, diag[i0] / denominator);
        ConvergenceReason reason;
        int t = 0;
        double rNorm = yNorm, l = double.NaN;
        progress?.Report(new IterationInfo(0, yNorm, 1, Stopwatch.GetElapsedTime(start)));
        while (true)
        {
            try { (l, rNorm) = model.Posterior(y, sigma2); }
            catch (NotPositiveDefiniteException) { reason = ConvergenceReason.DivergedIndefiniteOperator; break; }
            if (!double.IsFinite(l) || !double.IsFinite(rNorm)) { reason = ConvergenceReason.DivergedNaN; break; }
            if (t >= o.MaxIterations) { reason = ConvergenceReason.DivergedMaxIterations; break; }
            if (hooks.CancellationToken.IsCancellationRequested) { reason = ConvergenceReason.Cancelled; break; }
            if (o.TimeLimit is { } limit && Stopwatch.GetElapsedTime(start) > limit) { reason = ConvergenceReason.TimeLimit; break; }
            var (index, alpha, gain, structural, reestimateSmall) = model.BestAction(o.MinDeltaLogAlpha);
            if (index < 0 || !(gain > 0) || (!structural && reestimateSmall))
            {
                reason = ConvergenceReason.ConvergedRelativeTolerance;
                break;
            }
            t++;
            model.Apply(index, alpha);
            if (learn && o.NoiseUpdateEvery > 0 && t % o.NoiseUpdateEvery == 0)
            {
                try
                {
                    var (_, r) = model.Posterior(y, sigma2);
                    double newSigma2 = r * r / (m - model.Count + model.SumAlphaSigma());
                    if (newSigma2 > 0 && double.IsFinite(newSigma2)) sigma2 = newSigma2;
                }
                catch (NotPositiveDefiniteException) { reason = ConvergenceReason.DivergedIndefiniteOperator; break; }
            }
            var elapsed = Stopwatch.GetElapsedTime(start);
            progress?.Report(new IterationInfo(t, rNorm, rNorm / yNorm, elapsed));
            history?.Add(new SparseRecoveryHistoryEntry(t, double.NaN, l, sigma2, [model.Count], rNorm, 0, elapsed));
            if (logger is not null && o.LogEvery > 0 && t % o.LogEvery == 0 && logger.IsEnabled(LogLevel.Information))
                LogProgress(logger, t, index, gain, model.Count, rNorm);
        }
        var gamma = new double[n];
        var post = new double[n];
        int[] support = model.Scatter(x, gamma, post);
        return Result(phi, y, reason, t, yNorm, rNorm, x, support, gamma, post, sigma2, learn, l, history, start, logger);
    }

    /// <summary>The active set, its precisions, the cache G = ΦᵀΦ_𝒜 and the posterior Σ_𝒜, μ_𝒜.</summary>
    private sealed class Model(IAdjointableOperator phi, int m, int n, double[] phiTy, double[] diag)
    {
        private readonly List<int> _active = [];
        private readonly List<double> _alpha = [];
        private readonly List<double[]> _columns = [];
        private readonly List<double[]> _g = [];
        private double[] _sigma = [];
        private double[] _mu = [];
        private readonly double[] _s = new double[n];
        private readonly double[] _q = new double[n];
        private readonly int[] _position = CreatePositions(n);

        public int Count => _active.Count;

        private static int[] CreatePositions(int n)
        {
            var p = new int[n];
            Array.Fill(p, -1);
            return p;
        }

        public void Add(int i, double alpha)
        {
            var unit = new double[n];
            unit[i] = 1;
            var col = new double[m];
            phi.Apply(unit, col);
            var g = new double[n];
            phi.ApplyAdjoint(col, g);
            _position[i] = _active.Count;
            _active.Add(i);
            _alpha.Add(alpha);
            _columns.Add(col);
            _g.Add(g);
        }

        public void Apply(int i, double alpha)
        {
            int k = _position[i];
            if (k < 0) { Add(i, alpha); return; }
            if (double.IsPositiveInfinity(alpha))
            {
                int last = _active.Count - 1;
                if (k != last)
                {
                    _active[k] = _active[last];
                    _alpha[k] = _alpha[last];
                    _columns[k] = _columns[last];
                    _g[k] = _g[last];
                    _position[_active[k]] = k;
                }
                _active.RemoveAt(last);
                _alpha.RemoveAt(last);
                _columns.RemoveAt(last);
                _g.RemoveAt(last);
                _position[i] = -1;
            }
            else _alpha[k] = alpha;
        }

        /// <summary>Σ_𝒜, μ_𝒜, S and Q for the current model; returns L(γ, σ²) and ‖y − Φ_𝒜μ_𝒜‖.</summary>
        public (double NegativeLogEvidence, double ResidualNorm) Posterior(ReadOnlySpan<double> y, double sigma2)
        {
            double beta = 1 / sigma2;
            int p = _active.Count;
            var h = new double[p * p];
            for (int a = 0; a < p; a++)
            {
                for (int b = 0; b < p; b++) h[a + b * p] = beta * _g[b][_active[a]];
                h[a + a * p] += _alpha[a];
            }
            var backend = DenseBackend.Current;
            backend.CholeskyFactor(Triangle.Lower, p, h, p);
            double logDetH = 0;
            for (int a = 0; a < p; a++) logDetH += 2 * Math.Log(h[a + a * p]);
            backend.CholeskyInverse(Triangle.Lower, p, h, p);
            for (int a = 0; a < p; a++)
                for (int b = a + 1; b < p; b++) h[a + b * p] = h[b + a * p];
            _sigma = h;
            _mu = new double[p];
            for (int a = 0; a < p; a++)
            {
                double sum = 0;
                for (int b = 0; b < p; b++) sum += h[a + b * p] * phiTy[_active[b]];
                _mu[a] = beta * sum;
            }
            // S = β·diag(ΦᵀΦ) − β²·rowsum((GΣ)∘G), Q = β·Φᵀy − β·Gμ.
            for (int i = 0; i < n; i++)
            {
                double quad = 0, gm = 0;
                for (int a = 0; a < p; a++)
                {
                    double sum = 0;
                    for (int b = 0; b < p; b++) sum += _g[b][i] * h[b + a * p];
                    quad += sum * _g[a][i];
                    gm += _g[a][i] * _mu[a];
                }
                _s[i] = beta * diag[i] - beta * beta * quad;
                _q[i] = beta * phiTy[i] - beta * gm;
            }
            var r = y.ToArray();
            for (int a = 0; a < p; a++)
            {
                var col = _columns[a];
                for (int j = 0; j < m; j++) r[j] -= col[j] * _mu[a];
            }
            double yy = VectorMath.Dot(y, y), fit = 0, logAlpha = 0;
            for (int a = 0; a < p; a++)
            {
                fit += phiTy[_active[a]] * _mu[a];
                logAlpha += Math.Log(_alpha[a]);
            }
            double l = m * Math.Log(sigma2) + logDetH - logAlpha + beta * (yy - fit);
            return (l, VectorMath.Norm2(r));
        }

        /// <summary>Σ_{i∈𝒜} α_i(Σ_𝒜)_ii for Tipping's noise update.</summary>
        public double SumAlphaSigma()
        {
            int p = _active.Count;
            double sum = 0;
            for (int a = 0; a < p; a++) sum += _alpha[a] * _sigma[a + a * p];
            return sum;
        }

        /// <summary>The action with the largest 2ΔL (spec §2.3 table).</summary>
        public (int Index, double Alpha, double Gain, bool Structural, bool ReestimateSmall) BestAction(double minDeltaLogAlpha)
        {
            int best = -1;
            double bestGain = double.NegativeInfinity, bestAlpha = double.NaN;
            bool structuralProfitable = false, reestimateSmall = true;
            for (int i = 0; i < n; i++)
            {
                if (!(diag[i] > 0)) continue;
                double sBig = _s[i], qBig = _q[i];
                int k = _position[i];
                double s, q;
                if (k >= 0)
                {
                    double a = _alpha[k];
                    s = a * sBig / (a - sBig);
                    q = a * qBig / (a - sBig);
                }
                else { s = sBig; q = qBig; }
                double theta = q * q - s;
                double gain, alpha;
                if (k < 0)
                {
                    if (!(theta > 0)) continue;
                    alpha = s * s / theta;
                    gain = (qBig * qBig - sBig) / sBig + Math.Log(sBig / (qBig * qBig));
                    if (gain > 0) structuralProfitable = true;
                }
                else if (theta > 0)
                {
                    alpha = s * s / theta;
                    double delta = 1 / alpha - 1 / _alpha[k];
                    gain = qBig * qBig * delta / (1 + sBig * delta) - Math.Log(1 + sBig * delta);
                    if (gain > 0 && Math.Abs(Math.Log(alpha / _alpha[k])) >= minDeltaLogAlpha) reestimateSmall = false;
                }
                else
                {
                    if (_active.Count == 1) continue;
                    alpha = double.PositiveInfinity;
                    double a = _alpha[k];
                    gain = qBig * qBig / (sBig - a) - Math.Log(1 - sBig / a);
                    if (gain > 0) structuralProfitable = true;
                }
                if (gain > bestGain) { bestGain = gain; best = i; bestAlpha = alpha; }
            }
            return (best, bestAlpha, bestGain, structuralProfitable, reestimateSmall);
        }

        /// <summary>Writes μ, γ = 1/α and diag Σ_𝒜 at full length and returns the sorted active set.</summary>
        public int[] Scatter(double[] x, double[] gamma, double[] post)
        {
            int p = _active.Count;
            bool havePosterior = _mu.Length == p;
            for (int a = 0; a < p; a++)
            {
                int i = _active[a];
                gamma[i] = 1 / _alpha[a];
                if (havePosterior)
                {
                    x[i] = _mu[a];
                    post[i] = Math.Max(0.0, _sigma[a + a * p]);
                }
            }
            int[] support = [.. _active];
            Array.Sort(support);
            return support;
        }
    }

    private static SparseRecoveryResult Result(IAdjointableOperator phi, ReadOnlySpan<double> y, ConvergenceReason reason,
        int iterations, double yNorm, double rNorm, double[] x, int[] support, double[] gamma, double[] post, double sigma2,
        bool learned, double l, List<SparseRecoveryHistoryEntry>? history, long start, ILogger? logger)
    {
        var result = SparseRecoveryResult.ForDictionary(phi, y, reason, iterations, yNorm, rNorm, x, support, gamma, post, sigma2,
            learned, l, history, Stopwatch.GetElapsedTime(start));
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogEnd(logger, reason, iterations, support.Length, result.Summary.TrueResidualNorm, result.Summary.Elapsed.TotalSeconds);
        return result;
    }

    [LoggerMessage(EventId = 4720, Level = LogLevel.Information, Message = "Fast SBL start: Φ {Rows}×{Columns}, σ² learned {Learned}")]
    private static partial void LogStart(ILogger logger, int rows, int columns, bool learned);

    [LoggerMessage(EventId = 4721, Level = LogLevel.Information,
        Message = "Fast SBL step {Step}: basis {Index}, 2ΔL = {Gain}, active {Active}, ‖y − Φμ‖ = {Residual}")]
    private static partial void LogProgress(ILogger logger, int step, int index, double gain, int active, double residual);

    [LoggerMessage(EventId = 4722, Level = LogLevel.Warning,
        Message = "Fast SBL: no basis rises above the noise (σ² = {NoiseVariance}); returning x̂ = 0")]
    private static partial void LogNoBasis(ILogger logger, double noiseVariance);

    [LoggerMessage(EventId = 4723, Level = LogLevel.Information,
        Message = "Fast SBL end: {Reason} after {Steps} steps, support size {SupportSize}, ‖y − Φx̂‖ = {TrueResidual}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int steps, int supportSize, double trueResidual, double seconds);
}
