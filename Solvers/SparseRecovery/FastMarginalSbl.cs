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

    /// <summary>
    /// Update Σ_𝒜, μ_𝒜, S and Q by the O(Np) rank-one formulas of Tipping &amp; Faul's appendix instead of recomputing them
    /// directly (O(Np² + p³)) every step (false). A noise update always recomputes them directly.
    /// </summary>
    public bool UseRankOneUpdates { get; init; }

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

/// <summary>The action of one fast-SBL step (spec §2.3 table).</summary>
public enum FastSblAction
{
    /// <summary>No action (the entry is not from fast SBL, or the start).</summary>
    None,
    /// <summary>An inactive basis with θ_i &gt; 0 enters the model with α̃ = s_i²/θ_i.</summary>
    Add,
    /// <summary>An active basis with θ_i &gt; 0 gets α̃ = s_i²/θ_i.</summary>
    Reestimate,
    /// <summary>An active basis with θ_i ≤ 0 leaves the model (α = ∞).</summary>
    Delete,
}

/// <summary>
/// Fast marginal-likelihood SBL (Tipping &amp; Faul 2003; spec §2.3) for y = Φx + noise, with Φ any adjointable operator
/// (columns are read as Φe_i; a <see cref="DenseOperator"/> is read directly).
/// </summary>
/// <remarks>
/// <para>Starts from the single basis i₀ = argmax |φ_iᵀy|/‖φ_i‖ with α_{i₀} = ‖φ_{i₀}‖²/(|φ_{i₀}ᵀy|²/‖φ_{i₀}‖² − σ²) and then,
/// one step at a time, adds, re-estimates or deletes the basis with the largest increase 2ΔL of the log evidence. S and Q
/// come from the cache G = ΦᵀΦ_𝒜 (N×p) and Σ_𝒜 = (diag α_𝒜 + βΦ_𝒜ᵀΦ_𝒜)⁻¹ (p×p), either recomputed directly every step (the
/// reference path, p×p Cholesky through <see cref="DenseBackend.Current"/>) or, with
/// <see cref="FastMarginalSblOptions.UseRankOneUpdates"/>, updated by rank-one formulas at O(Np) per step. No N×N matrix is
/// formed. The last basis is never deleted. A learned σ² is re-estimated every
/// <see cref="FastMarginalSblOptions.NoiseUpdateEvery"/> steps with Tipping's form, after which everything is recomputed
/// directly (β enters every S_i).</para>
/// <para><b>Stopping:</b> the largest 2ΔL is ≤ 0, or no add or delete is profitable and every profitable re-estimate changes
/// log α by less than <see cref="FastMarginalSblOptions.MinDeltaLogAlpha"/>.</para>
/// <para><b>Outcomes:</b> y = 0 ⇒ <see cref="ConvergenceReason.ConvergedZeroRightHandSide"/>; no basis above the noise at the
/// start ⇒ <see cref="ConvergenceReason.ConvergedAbsoluteTolerance"/> with x̂ = 0, an empty support and a logged warning;
/// the stopping rule ⇒ <see cref="ConvergenceReason.ConvergedRelativeTolerance"/>; the step cap ⇒
/// <see cref="ConvergenceReason.DivergedMaxIterations"/>; a failed p×p Cholesky ⇒
/// <see cref="ConvergenceReason.DivergedIndefiniteOperator"/> (x̂ = 0); non-finite values ⇒
/// <see cref="ConvergenceReason.DivergedNaN"/>; cancellation / time limit (checked once per step, after the starting basis)
/// ⇒ <see cref="ConvergenceReason.Cancelled"/> / <see cref="ConvergenceReason.TimeLimit"/>. Otherwise x̂ is the posterior
/// mean of the last model, recomputed directly. <see cref="SparseRecoveryResult.NegativeLogEvidence"/> is
/// L = log|Σ_y| + yᵀΣ_y⁻¹y of the final model; history entry t holds L and σ² after step t with its action, basis and
/// predicted 2ΔL (so L_{t−1} − L_t = 2ΔL when σ² did not change).</para>
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
        FastMarginalSblOptions? options = null, SolverHooks hooks = default) => Solve(phi, y, options, hooks, null);

    /// <summary>As the public overload, calling <paramref name="observer"/> after the start (step 0) and after every step (tests).</summary>
    internal static SparseRecoveryResult Solve(IAdjointableOperator phi, ReadOnlySpan<double> y,
        FastMarginalSblOptions? options, SolverHooks hooks, Action<FastSblStep>? observer)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(phi);
        options ??= FastMarginalSblOptions.Default;
        SparseRecoveryChecks.RequireDictionaryProblem(phi, y, options);
        return Execute(phi, y, options, hooks, observer, start);
    }

    /// <summary>What the test observer sees after a step: the action, the model and both S/Q evaluations.</summary>
    /// <param name="Step">t (0 = the starting basis).</param>
    /// <param name="Action">The action taken (Add for the start).</param>
    /// <param name="Index">The basis acted on.</param>
    /// <param name="PredictedGain">The predicted 2ΔL of the action (NaN at the start).</param>
    /// <param name="ActionNoiseVariance">σ² at which the action was taken.</param>
    /// <param name="NoiseVariance">σ² after the step (differs after a noise update).</param>
    /// <param name="Gamma">The full-length γ = 1/α (0 off the model) after the step.</param>
    /// <param name="S">S as the solver holds it (incremental when rank-one updates are on).</param>
    /// <param name="Q">Q as the solver holds it.</param>
    /// <param name="DirectS">S recomputed directly from the active set, α and σ².</param>
    /// <param name="DirectQ">Q recomputed directly.</param>
    /// <param name="NegativeLogEvidence">L as the solver holds it (tracked as L − 2ΔL when rank-one updates are on).</param>
    internal sealed record FastSblStep(int Step, FastSblAction Action, int Index, double PredictedGain,
        double ActionNoiseVariance, double NoiseVariance, double[] Gamma, double[] S, double[] Q, double[] DirectS,
        double[] DirectQ, double NegativeLogEvidence);

    private static SparseRecoveryResult Execute(IAdjointableOperator phi, ReadOnlySpan<double> y, FastMarginalSblOptions o,
        SolverHooks hooks, Action<FastSblStep>? observer, long start)
    {
        int m = phi.Rows, n = phi.Columns;
        ILogger? logger = hooks.Logger;
        IProgress<IterationInfo>? progress = hooks.Progress;
        bool learn = o.NoiseVariance is null;
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogStart(logger, m, n, learn, o.UseRankOneUpdates, DenseBackend.Current.Name);
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
        var model = new Model(phi, y);
        // Step 2: i₀ = argmax |φ_iᵀy|/‖φ_i‖; its α is the one-basis optimum s²/(q² − s) with s = β‖φ‖², q = βφᵀy.
        int i0 = -1;
        double bestScore = -1;
        for (int i = 0; i < n; i++)
        {
            if (!(model.ColumnNormSquared(i) > 0)) continue;
            double score = model.PhiTy(i) * model.PhiTy(i) / model.ColumnNormSquared(i);
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
        ConvergenceReason reason;
        int t = 0;
        double rNorm = yNorm;
        bool posteriorValid = false;
        try
        {
            model.Add(i0, model.ColumnNormSquared(i0) / denominator);
            model.Refresh(sigma2);
            posteriorValid = true;
            rNorm = model.ResidualNorm();
            observer?.Invoke(model.Observe(0, FastSblAction.Add, i0, double.NaN, sigma2));
            progress?.Report(new IterationInfo(0, rNorm, rNorm / yNorm, Stopwatch.GetElapsedTime(start)));
            while (true)
            {
                if (!double.IsFinite(model.NegativeLogEvidence) || !double.IsFinite(rNorm)) { reason = ConvergenceReason.DivergedNaN; break; }
                if (t >= o.MaxIterations) { reason = ConvergenceReason.DivergedMaxIterations; break; }
                if (hooks.CancellationToken.IsCancellationRequested) { reason = ConvergenceReason.Cancelled; break; }
                if (o.TimeLimit is { } limit && Stopwatch.GetElapsedTime(start) > limit) { reason = ConvergenceReason.TimeLimit; break; }
                var best = model.BestAction(o.MinDeltaLogAlpha);
                if (best.Index < 0 || !(best.Gain > 0) || (!best.StructuralProfitable && best.ReestimatesSmall))
                {
                    reason = ConvergenceReason.ConvergedRelativeTolerance;
                    break;
                }
                t++;
                double actionSigma2 = sigma2;
                posteriorValid = false;
                model.Apply(best.Index, best.Action, best.Alpha, best.Gain, o.UseRankOneUpdates);
                if (learn && o.NoiseUpdateEvery > 0 && t % o.NoiseUpdateEvery == 0)
                {
                    // Tipping's form σ² = ‖y − Φ_𝒜μ_𝒜‖²/(M − p + Σ α_iΣ_ii); β enters every S_i, so recompute directly.
                    double r = model.ResidualNorm();
                    double newSigma2 = r * r / (m - model.Count + model.SumAlphaSigma());
                    if (newSigma2 > 0 && double.IsFinite(newSigma2)) sigma2 = newSigma2;
                    model.Refresh(sigma2);
                }
                posteriorValid = true;
                rNorm = model.ResidualNorm();
                observer?.Invoke(model.Observe(t, best.Action, best.Index, best.Gain, actionSigma2));
                var elapsed = Stopwatch.GetElapsedTime(start);
                progress?.Report(new IterationInfo(t, rNorm, rNorm / yNorm, elapsed));
                history?.Add(new SparseRecoveryHistoryEntry(t, double.NaN, model.NegativeLogEvidence, sigma2, [model.Count], rNorm, 0, elapsed)
                {
                    Action = best.Action,
                    Index = best.Index,
                    EvidenceGain = best.Gain,
                });
                if (logger is not null && o.LogEvery > 0 && t % o.LogEvery == 0 && logger.IsEnabled(LogLevel.Information))
                    LogProgress(logger, t, best.Action, best.Index, best.Gain, model.Count, rNorm);
            }
            // x̂, Σ_𝒜 and L of the final model from a direct recomputation (the rank-one path carries round-off).
            if (o.UseRankOneUpdates && reason != ConvergenceReason.DivergedNaN)
            {
                posteriorValid = false;
                model.Refresh(sigma2);
                posteriorValid = true;
                rNorm = model.ResidualNorm();
            }
        }
        catch (NotPositiveDefiniteException)
        {
            reason = ConvergenceReason.DivergedIndefiniteOperator;
        }
        var gamma = new double[n];
        var post = new double[n];
        int[] support = model.Scatter(x, gamma, post, posteriorValid);
        double l = posteriorValid ? model.NegativeLogEvidence : double.NaN;
        return Result(phi, y, reason, t, yNorm, rNorm, x, support, gamma, post, sigma2, learn, l, history, start, logger);
    }

    /// <summary>The chosen action of one step.</summary>
    private readonly record struct Candidate(int Index, FastSblAction Action, double Alpha, double Gain,
        bool StructuralProfitable, bool ReestimatesSmall);

    /// <summary>
    /// The active set 𝒜 with its precisions, the caches Φ_𝒜 (M×p) and G = ΦᵀΦ_𝒜 (N×p), Σ_𝒜 (p×p), μ_𝒜, S and Q, all
    /// column-major with capacity for <c>_capacity</c> bases (grown by doubling when a basis is added).
    /// </summary>
    private sealed class Model
    {
        private readonly IAdjointableOperator _phi;
        private readonly DenseOperator? _dense;
        private readonly double[] _y;
        private readonly int _m, _n;
        private readonly double _yy;
        private readonly double[] _phiTy;
        private readonly double[] _diag;
        private readonly double[] _s, _q, _v;
        private readonly int[] _position;
        private int[] _active = [];
        private double[] _alpha = [];
        private double[] _columns = [];
        private double[] _g = [];
        private double[] _sigma = [];
        private double[] _mu = [];
        private double[] _small = [], _small2 = [];
        private double[] _work = [];
        private readonly double[] _residual;
        private int _p, _capacity;
        private double _beta;

        public Model(IAdjointableOperator phi, ReadOnlySpan<double> y)
        {
            _phi = phi;
            _dense = phi as DenseOperator;
            _m = phi.Rows;
            _n = phi.Columns;
            _y = y.ToArray();
            _yy = VectorMath.Dot(y, y);
            _phiTy = new double[_n];
            phi.ApplyAdjoint(y, _phiTy);
            _diag = new double[_n];
            _s = new double[_n];
            _q = new double[_n];
            _v = new double[_n];
            _residual = new double[_m];
            _position = new int[_n];
            Array.Fill(_position, -1);
            if (_dense is not null)
            {
                var data = _dense.Data;
                for (int r = 0; r < _m; r++)
                {
                    var row = data.Slice(r * _n, _n);
                    for (int i = 0; i < _n; i++) _diag[i] += row[i] * row[i];
                }
            }
            else
            {
                // A general operator exposes its columns only as Φe_i.
                var unit = new double[_n];
                var column = new double[_m];
                for (int i = 0; i < _n; i++)
                {
                    unit[i] = 1;
                    phi.Apply(unit, column);
                    unit[i] = 0;
                    _diag[i] = VectorMath.Dot(column, column);
                }
            }
        }

        public int Count => _p;

        /// <summary>L = log|Σ_y| + yᵀΣ_y⁻¹y of the current model (tracked by −2ΔL between direct recomputations).</summary>
        public double NegativeLogEvidence { get; private set; } = double.NaN;

        public double PhiTy(int i) => _phiTy[i];

        public double ColumnNormSquared(int i) => _diag[i];

        /// <summary>Appends basis i with precision α to 𝒜 and the caches φ_i and Φᵀφ_i; Σ, μ, S and Q are not touched.</summary>
        public void Add(int i, double alpha)
        {
            if (_p == _capacity) Grow();
            int k = _p;
            var column = _columns.AsSpan(k * _m, _m);
            if (_dense is not null)
            {
                var data = _dense.Data;
                for (int r = 0; r < _m; r++) column[r] = data[r * _n + i];
            }
            else
            {
                var unit = _v.AsSpan();
                unit.Clear();
                unit[i] = 1;
                _phi.Apply(unit, column);
                unit.Clear();
            }
            _phi.ApplyAdjoint(column, _g.AsSpan(k * _n, _n));
            _active[k] = i;
            _alpha[k] = alpha;
            _position[i] = k;
            _p++;
        }

        private void Grow()
        {
            int capacity = Math.Max(4, 2 * _capacity);
            int p = _p;
            Array.Resize(ref _active, capacity);
            Array.Resize(ref _alpha, capacity);
            Array.Resize(ref _mu, capacity);
            Array.Resize(ref _columns, capacity * _m);
            Array.Resize(ref _g, capacity * _n);
            var sigma = new double[capacity * capacity];
            for (int b = 0; b < p; b++)
                for (int a = 0; a < p; a++) sigma[a + b * capacity] = _sigma[a + b * _capacity];
            _sigma = sigma;
            _small = new double[capacity];
            _small2 = new double[capacity];
            _work = new double[capacity * Math.Max(_n, capacity)];
            _capacity = capacity;
        }

        /// <summary>Recomputes Σ_𝒜, μ_𝒜, S, Q and L directly at σ² (spec §2.3, vectorised form).</summary>
        public void Refresh(double sigma2)
        {
            _beta = 1 / sigma2;
            NegativeLogEvidence = Direct(sigma2, _sigma, _mu, _s, _q);
        }

        /// <summary>
        /// The direct evaluation: Σ = (diag α + βΦ_𝒜ᵀΦ_𝒜)⁻¹ by Cholesky, μ = βΣΦ_𝒜ᵀy, S = β·diag(ΦᵀΦ) − β²·rowsum((GΣ)∘G),
        /// Q = βΦᵀy − βGμ, and L = M log σ² + log|H| − Σ log α + β(yᵀy − (Φ_𝒜ᵀy)ᵀμ) (determinant lemma and Woodbury).
        /// Writes <paramref name="sigma"/> (leading dimension = capacity), μ, S and Q; returns L.
        /// </summary>
        private double Direct(double sigma2, double[] sigma, double[] mu, double[] s, double[] q)
        {
            double beta = 1 / sigma2;
            int p = _p, ld = _capacity, n = _n;
            for (int b = 0; b < p; b++)
            {
                for (int a = 0; a < p; a++) sigma[a + b * ld] = beta * _g[_active[a] + b * n];
                sigma[b + b * ld] += _alpha[b];
            }
            var backend = DenseBackend.Current;
            backend.CholeskyFactor(Triangle.Lower, p, sigma, ld);
            double logDetH = 0, logAlpha = 0;
            for (int a = 0; a < p; a++)
            {
                logDetH += 2 * Math.Log(sigma[a + a * ld]);
                logAlpha += Math.Log(_alpha[a]);
            }
            backend.CholeskyInverse(Triangle.Lower, p, sigma, ld);
            for (int b = 1; b < p; b++)
                for (int a = 0; a < b; a++) sigma[a + b * ld] = sigma[b + a * ld];
            var phiTyActive = _small.AsSpan(0, p);
            for (int a = 0; a < p; a++) phiTyActive[a] = _phiTy[_active[a]];
            backend.Gemv(Transpose.No, p, p, beta, sigma, ld, phiTyActive, 0.0, mu.AsSpan(0, p));
            double fit = 0;
            for (int a = 0; a < p; a++) fit += phiTyActive[a] * mu[a];
            // GΣ (N×p) into the work buffer, then the row sums of (GΣ)∘G.
            var gs = _work.AsSpan(0, n * p);
            backend.Gemm(Transpose.No, Transpose.No, n, p, p, 1.0, _g, n, sigma, ld, 0.0, gs, n);
            for (int i = 0; i < n; i++) s[i] = beta * _diag[i];
            for (int a = 0; a < p; a++)
            {
                var gsColumn = gs.Slice(a * n, n);
                var gColumn = _g.AsSpan(a * n, n);
                for (int i = 0; i < n; i++) s[i] -= beta * beta * gsColumn[i] * gColumn[i];
            }
            for (int i = 0; i < n; i++) q[i] = beta * _phiTy[i];
            backend.Gemv(Transpose.No, n, p, -beta, _g, n, mu.AsSpan(0, p), 1.0, q);
            return _m * Math.Log(sigma2) + logDetH - logAlpha + beta * (_yy - fit);
        }

        /// <summary>‖y − Φ_𝒜μ_𝒜‖ for the current μ.</summary>
        public double ResidualNorm()
        {
            _y.CopyTo(_residual, 0);
            DenseBackend.Current.Gemv(Transpose.No, _m, _p, -1.0, _columns, _m, _mu.AsSpan(0, _p), 1.0, _residual);
            return VectorMath.Norm2(_residual);
        }

        /// <summary>Σ_{i∈𝒜} α_i(Σ_𝒜)_ii for Tipping's noise update.</summary>
        public double SumAlphaSigma()
        {
            double sum = 0;
            for (int a = 0; a < _p; a++) sum += _alpha[a] * _sigma[a + a * _capacity];
            return sum;
        }

        /// <summary>The action with the largest 2ΔL (spec §2.3 table), with the flags of the stopping rule.</summary>
        public Candidate BestAction(double minDeltaLogAlpha)
        {
            int best = -1;
            var bestAction = FastSblAction.None;
            double bestGain = double.NegativeInfinity, bestAlpha = double.NaN;
            bool structuralProfitable = false, reestimatesSmall = true;
            for (int i = 0; i < _n; i++)
            {
                if (!(_diag[i] > 0)) continue;
                double sBig = _s[i], qBig = _q[i];
                int k = _position[i];
                double gain, alpha;
                FastSblAction action;
                if (k < 0)
                {
                    // Inactive: s = S, q = Q.
                    double theta = qBig * qBig - sBig;
                    if (!(theta > 0)) continue;
                    alpha = sBig * sBig / theta;
                    gain = (qBig * qBig - sBig) / sBig + Math.Log(sBig / (qBig * qBig));
                    action = FastSblAction.Add;
                    if (gain > 0) structuralProfitable = true;
                }
                else
                {
                    // Active: the model without basis i has s = αS/(α − S), q = αQ/(α − S).
                    double a = _alpha[k];
                    double s = a * sBig / (a - sBig), q = a * qBig / (a - sBig);
                    double theta = q * q - s;
                    if (theta > 0)
                    {
                        alpha = s * s / theta;
                        double delta = 1 / alpha - 1 / a;
                        gain = qBig * qBig * delta / (1 + sBig * delta) - Math.Log(1 + sBig * delta);
                        action = FastSblAction.Reestimate;
                        if (gain > 0 && Math.Abs(Math.Log(alpha / a)) >= minDeltaLogAlpha) reestimatesSmall = false;
                    }
                    else
                    {
                        if (_p == 1) continue; // never delete the last basis
                        alpha = double.PositiveInfinity;
                        gain = qBig * qBig / (sBig - a) - Math.Log(1 - sBig / a);
                        action = FastSblAction.Delete;
                        if (gain > 0) structuralProfitable = true;
                    }
                }
                if (gain > bestGain) { bestGain = gain; best = i; bestAlpha = alpha; bestAction = action; }
            }
            return new Candidate(best, bestAction, bestAlpha, bestGain, structuralProfitable, reestimatesSmall);
        }

        /// <summary>Applies an action; rank-one updates Σ, μ, S, Q and L (L ← L − 2ΔL), otherwise recomputes them directly.</summary>
        public void Apply(int i, FastSblAction action, double alpha, double gain, bool rankOne)
        {
            switch (action)
            {
                case FastSblAction.Add:
                    Add(i, alpha);
                    if (rankOne) AddUpdate(i, alpha);
                    break;
                case FastSblAction.Reestimate:
                    if (rankOne) ReestimateUpdate(_position[i], alpha);
                    _alpha[_position[i]] = alpha;
                    break;
                case FastSblAction.Delete:
                    if (rankOne) ReestimateUpdate(_position[i], double.PositiveInfinity);
                    Remove(i);
                    break;
                default:
                    throw new UnreachableException();
            }
            if (rankOne) NegativeLogEvidence -= gain;
            else Refresh(1 / _beta);
        }

        /// <summary>
        /// Basis k's precision goes from α to α̃ (α̃ = ∞ deletes it): with κ = 1/(Σ_kk + 1/(α̃ − α)) and v = βGΣ_k,
        /// Σ ← Σ − κΣ_kΣ_kᵀ, μ ← μ − κμ_kΣ_k, S ← S + κv², Q ← Q + κμ_kv (Sherman–Morrison on H = diag α + βΦ_𝒜ᵀΦ_𝒜).
        /// </summary>
        private void ReestimateUpdate(int k, double newAlpha)
        {
            int p = _p, ld = _capacity;
            double sigmaKk = _sigma[k + k * ld];
            double kappa = double.IsPositiveInfinity(newAlpha) ? 1 / sigmaKk : 1 / (sigmaKk + 1 / (newAlpha - _alpha[k]));
            var sigmaK = _small.AsSpan(0, p);
            _sigma.AsSpan(k * ld, p).CopyTo(sigmaK);
            double muK = _mu[k];
            DenseBackend.Current.Gemv(Transpose.No, _n, p, _beta, _g, _n, sigmaK, 0.0, _v);
            for (int b = 0; b < p; b++)
            {
                double scale = kappa * sigmaK[b];
                var column = _sigma.AsSpan(b * ld, p);
                for (int a = 0; a < p; a++) column[a] -= scale * sigmaK[a];
            }
            for (int a = 0; a < p; a++) _mu[a] -= kappa * muK * sigmaK[a];
            for (int j = 0; j < _n; j++)
            {
                double vj = _v[j];
                _s[j] += kappa * vj * vj;
                _q[j] += kappa * muK * vj;
            }
        }

        /// <summary>
        /// Basis i (just appended at position p − 1) enters with α: Σ_ii = 1/(α + S_i), μ_i = Σ_iiQ_i, u = βΣΦ_𝒜ᵀφ_i,
        /// e = β(Φᵀφ_i − Gu); Σ grows by the bordered inverse, μ_𝒜 ← μ_𝒜 − μ_iu, S ← S − Σ_iie², Q ← Q − μ_ie.
        /// </summary>
        private void AddUpdate(int i, double alpha)
        {
            int p = _p - 1, ld = _capacity;
            double sigmaIi = 1 / (alpha + _s[i]);
            double muI = sigmaIi * _q[i];
            var gRow = _small.AsSpan(0, p);
            for (int a = 0; a < p; a++) gRow[a] = _g[i + a * _n];
            var u = _small2.AsSpan(0, p);
            var backend = DenseBackend.Current;
            backend.Gemv(Transpose.No, p, p, _beta, _sigma, ld, gRow, 0.0, u);
            var newColumn = _g.AsSpan(p * _n, _n);
            for (int j = 0; j < _n; j++) _v[j] = _beta * newColumn[j];
            backend.Gemv(Transpose.No, _n, p, -_beta, _g, _n, u, 1.0, _v);
            for (int b = 0; b < p; b++)
            {
                double scale = sigmaIi * u[b];
                var column = _sigma.AsSpan(b * ld, p);
                for (int a = 0; a < p; a++) column[a] += scale * u[a];
                _sigma[p + b * ld] = -scale;
                _sigma[b + p * ld] = -scale;
            }
            _sigma[p + p * ld] = sigmaIi;
            for (int a = 0; a < p; a++) _mu[a] -= muI * u[a];
            _mu[p] = muI;
            for (int j = 0; j < _n; j++)
            {
                double ej = _v[j];
                _s[j] -= sigmaIi * ej * ej;
                _q[j] -= muI * ej;
            }
        }

        /// <summary>Removes basis i from 𝒜 by moving the last basis into its slot (Σ's row and column included).</summary>
        private void Remove(int i)
        {
            int k = _position[i], last = _p - 1, ld = _capacity;
            if (k != last)
            {
                _active[k] = _active[last];
                _alpha[k] = _alpha[last];
                _mu[k] = _mu[last];
                _columns.AsSpan(last * _m, _m).CopyTo(_columns.AsSpan(k * _m, _m));
                _g.AsSpan(last * _n, _n).CopyTo(_g.AsSpan(k * _n, _n));
                for (int a = 0; a < _p; a++)
                {
                    _sigma[a + k * ld] = _sigma[a + last * ld];
                }
                for (int b = 0; b < _p; b++) _sigma[k + b * ld] = _sigma[last + b * ld];
                _sigma[k + k * ld] = _sigma[last + last * ld];
                _position[_active[k]] = k;
            }
            _position[i] = -1;
            _p--;
        }

        /// <summary>The observer's view: copies of γ, S, Q and a direct S, Q evaluated into separate buffers.</summary>
        public FastSblStep Observe(int step, FastSblAction action, int index, double gain, double actionSigma2)
        {
            double sigma2 = 1 / _beta;
            var gamma = new double[_n];
            for (int a = 0; a < _p; a++) gamma[_active[a]] = 1 / _alpha[a];
            var sigma = new double[_capacity * _capacity];
            var mu = new double[_capacity];
            var s = new double[_n];
            var q = new double[_n];
            Direct(sigma2, sigma, mu, s, q);
            return new FastSblStep(step, action, index, gain, actionSigma2, sigma2, gamma, (double[])_s.Clone(),
                (double[])_q.Clone(), s, q, NegativeLogEvidence);
        }

        /// <summary>Writes μ, γ = 1/α and diag Σ_𝒜 at full length (μ and Σ only when valid) and returns the sorted active set.</summary>
        public int[] Scatter(double[] x, double[] gamma, double[] post, bool posteriorValid)
        {
            for (int a = 0; a < _p; a++)
            {
                int i = _active[a];
                gamma[i] = 1 / _alpha[a];
                if (posteriorValid)
                {
                    x[i] = _mu[a];
                    post[i] = Math.Max(0.0, _sigma[a + a * _capacity]);
                }
            }
            int[] support = _active.AsSpan(0, _p).ToArray();
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

    [LoggerMessage(EventId = 4720, Level = LogLevel.Information,
        Message = "Fast SBL start: Φ {Rows}×{Columns}, σ² learned {Learned}, rank-one updates {RankOne}, backend {Backend}")]
    private static partial void LogStart(ILogger logger, int rows, int columns, bool learned, bool rankOne, string backend);

    [LoggerMessage(EventId = 4721, Level = LogLevel.Information,
        Message = "Fast SBL step {Step}: {Action} basis {Index}, 2ΔL = {Gain}, active {Active}, ‖y − Φμ‖ = {Residual}")]
    private static partial void LogProgress(ILogger logger, int step, FastSblAction action, int index, double gain, int active, double residual);

    [LoggerMessage(EventId = 4722, Level = LogLevel.Warning,
        Message = "Fast SBL: no basis rises above the noise (σ² = {NoiseVariance}); returning x̂ = 0")]
    private static partial void LogNoBasis(ILogger logger, double noiseVariance);

    [LoggerMessage(EventId = 4723, Level = LogLevel.Information,
        Message = "Fast SBL end: {Reason} after {Steps} steps, support size {SupportSize}, ‖y − Φx̂‖ = {TrueResidual}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int steps, int supportSize, double trueResidual, double seconds);
}
