using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>Options of <see cref="KroneckerOmp"/> (spec §3.3).</summary>
public sealed record KroneckerOmpOptions
{
    /// <summary>The reference's s_k = 10 indices per mode.</summary>
    public const int DefaultMaxIndicesPerMode = 10;

    /// <summary>The default options.</summary>
    public static KroneckerOmpOptions Default { get; } = new();

    /// <summary>s_k, the most indices kept in each mode (each ≥ 1; a value above N_k acts as N_k); null ⇒ 10 per mode [ref].</summary>
    public IReadOnlyList<int>? MaxIndicesPerMode { get; init; }

    /// <summary>
    /// ε: stop when ‖R‖/‖y‖ ≤ ε. Default 10⁻² [ref]; with a known σ² prefer <see cref="NoiseLevelTolerance"/> (spec §6, pitfall 12).
    /// </summary>
    public double RelativeResidualTolerance { get; init; } = 1e-2;

    /// <summary>Wall-clock limit of the solve, checked once per pass; none when null.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Record one <see cref="SparseRecoveryHistoryEntry"/> per pass.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>Log a progress line every this many passes; 0 = never.</summary>
    public int LogEvery { get; init; }

    /// <summary>The noise-level stop √(Mσ²)/‖y‖ for a known σ² (spec §3.3).</summary>
    /// <param name="y">The data.</param>
    /// <param name="noiseVariance">σ² (≥ 0, finite).</param>
    /// <returns>The relative tolerance.</returns>
    /// <exception cref="ArgumentException">σ² is negative or not finite, or y is zero.</exception>
    public static double NoiseLevelTolerance(ReadOnlySpan<double> y, double noiseVariance)
    {
        if (!(noiseVariance >= 0) || double.IsPositiveInfinity(noiseVariance))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"σ² = {noiseVariance} must be finite and nonnegative."), nameof(noiseVariance));
        double norm = VectorMath.Norm2(y);
        if (!(norm > 0)) throw new ArgumentException("‖y‖ = 0: the noise-level tolerance is undefined.", nameof(y));
        return Math.Sqrt(y.Length * noiseVariance) / norm;
    }
}

/// <summary>
/// Kronecker (N-way) orthogonal matching pursuit (Caiafa &amp; Cichocki 2013; spec §2.10) for
/// y = (A₁ ⊗ … ⊗ A_K)x with Kronecker-supported x, and the oracle least-squares fit on a given Cartesian support.
/// </summary>
/// <remarks>
/// <para><b>Pass.</b> Correlate Ξ = R ×₁ A₁ᵀ ×₂ … ×_K A_Kᵀ (columns not normalised) and take the multi-index of the largest
/// |Ξ| (the first in C order on ties); append each a_k to I_k when new and |I_k| &lt; s_k; fit z = (⊗A_k[:, I_k])⁺y by mode
/// products with the per-mode pseudo-inverses (which equals the pseudo-inverse of the explicit sub-dictionary, also when
/// it is rank deficient, e.g. |I_k| &gt; M_k); R = y − (⊗A_k[:, I_k])z.</para>
/// <para><b>Stopping</b> (checked in this order before each pass): ‖R‖/‖y‖ ≤ ε ⇒ <see cref="ConvergenceReason.ConvergedRelativeTolerance"/>;
/// every |I_k| = s_k ⇒ <see cref="ConvergenceReason.DivergedMaxIterations"/>; no index added in the previous pass ⇒
/// <see cref="ConvergenceReason.Stagnated"/>; then cancellation and the time limit. In every case x̂ is the LS fit on the
/// chosen support. y = 0 gives <see cref="ConvergenceReason.ConvergedZeroRightHandSide"/> with x̂ = 0 after 0 passes.</para>
/// <para><b>Pseudo-inverses</b> come from the thin SVD of the dense backend (<see cref="DenseBackend.Current"/>), with the
/// singular-value cut-off max(M_k, |I_k|)·ε_mach·s_max (MATLAB's pinv default). Neither A nor any M×N matrix is formed.</para>
/// <para><b>Result.</b> <see cref="SolverResult.Iterations"/> = passes; FinalResidualNorm = ‖R‖ of the last fit;
/// TrueResidualNorm = ‖y − Ax̂‖ recomputed by mode products with the full factors.</para>
/// </remarks>
public static partial class KroneckerOmp
{
    /// <summary>Runs KOMP on y with the dense factors A_k (row-major M_k×N_k).</summary>
    /// <param name="factors">A₁ … A_K (at least one).</param>
    /// <param name="y">The data, length ΠM_k; never modified.</param>
    /// <param name="options">s_k and ε; <see cref="KroneckerOmpOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress (pass 0 and once per pass), cancellation (once per pass) and, when
    /// <see cref="KroneckerOmpOptions.RecordHistory"/> is set, the residual history ‖R‖ per pass.</param>
    /// <returns>The recovery; numerical outcomes are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException">A null list or factor.</exception>
    /// <exception cref="ArgumentException">An empty factor list, y of length ≠ ΠM_k, a non-finite y entry, s_k &lt; 1 or a
    /// count of s_k ≠ K, or a negative or NaN ε.</exception>
    public static SparseRecoveryResult Solve(IReadOnlyList<DenseOperator> factors, ReadOnlySpan<double> y,
        KroneckerOmpOptions? options = null, SolverHooks hooks = default)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(factors);
        options ??= KroneckerOmpOptions.Default;
        var a = CheckFactors(factors, y, nameof(factors));
        var s = new int[a.Length];
        if (options.MaxIndicesPerMode is null) Array.Fill(s, KroneckerOmpOptions.DefaultMaxIndicesPerMode);
        else
        {
            if (options.MaxIndicesPerMode.Count != a.Length)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"MaxIndicesPerMode has {options.MaxIndicesPerMode.Count} entries but there are {a.Length} factors."), nameof(options));
            for (int k = 0; k < a.Length; k++)
            {
                s[k] = options.MaxIndicesPerMode[k];
                if (s[k] < 1)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"MaxIndicesPerMode[{k}] = {s[k]}; every s_k must be at least 1."), nameof(options));
            }
        }
        for (int k = 0; k < a.Length; k++) s[k] = Math.Min(s[k], a[k].Columns); // a mode with N_k < s_k is full at N_k
        CheckCommonOptions(options.RelativeResidualTolerance, options.LogEvery, options.TimeLimit, nameof(options));
        return Run("KOMP", a, s, y, options.RelativeResidualTolerance, options.TimeLimit, options.RecordHistory,
            options.LogEvery, hooks, start, reportModes: true);
    }

    /// <summary>Runs KOMP with the dense factors of a Kronecker product operator.</summary>
    /// <param name="a">A₁ ⊗ … ⊗ A_K as a <see cref="KroneckerCombine.Product"/> of <see cref="DenseOperator"/> factors.</param>
    /// <param name="y">The data, length a.Rows; never modified.</param>
    /// <param name="options">s_k and ε; <see cref="KroneckerOmpOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress and cancellation.</param>
    /// <returns>The recovery.</returns>
    /// <exception cref="ArgumentException">The operator is a Kronecker sum or has a non-dense factor; otherwise as the list form.</exception>
    public static SparseRecoveryResult Solve(KroneckerOperator a, ReadOnlySpan<double> y,
        KroneckerOmpOptions? options = null, SolverHooks hooks = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Solve(DenseFactors(a, nameof(a)), y, options, hooks);
    }

    /// <summary>
    /// Oracle least squares on a given Cartesian support S = S₁ × … × S_K: x̂_S = (⊗A_k[:, S_k])⁺y by per-mode pseudo-inverses,
    /// zero elsewhere (spec §2.10).
    /// </summary>
    /// <param name="factors">A₁ … A_K.</param>
    /// <param name="y">The data, length ΠM_k.</param>
    /// <param name="modeSupports">S_k per mode: distinct indices in [0, N_k), at least one per mode.</param>
    /// <returns>x̂ of length ΠN_k.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Solve(IReadOnlyList{DenseOperator}, ReadOnlySpan{double}, KroneckerOmpOptions?, SolverHooks)"/>,
    /// or a support that is empty, out of range or repeats an index.</exception>
    public static double[] OracleLeastSquares(IReadOnlyList<DenseOperator> factors, ReadOnlySpan<double> y,
        IReadOnlyList<IReadOnlyList<int>> modeSupports)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(modeSupports);
        var a = CheckFactors(factors, y, nameof(factors));
        if (modeSupports.Count != a.Length)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{modeSupports.Count} mode supports for {a.Length} factors."), nameof(modeSupports));
        var sets = new List<int>[a.Length];
        for (int k = 0; k < a.Length; k++)
        {
            var sk = modeSupports[k] ?? throw new ArgumentNullException(nameof(modeSupports));
            if (sk.Count == 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The support of mode {k} is empty."), nameof(modeSupports));
            var seen = new HashSet<int>();
            foreach (int j in sk)
                if (j < 0 || j >= a[k].Columns || !seen.Add(j))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Mode {k}: index {j} is out of range [0, {a[k].Columns}) or repeated."), nameof(modeSupports));
            sets[k] = [.. sk];
        }
        var fit = new CartesianFit(a);
        for (int k = 0; k < a.Length; k++) fit.SetSupport(k, sets[k]);
        fit.Fit(y);
        var x = new double[Product(a, columns: true)];
        fit.Scatter(x);
        return x;
    }

    /// <summary>Checks the factors and y (spec §3.2) and returns them as an array.</summary>
    internal static DenseOperator[] CheckFactors(IReadOnlyList<DenseOperator> factors, ReadOnlySpan<double> y, string paramName)
    {
        if (factors.Count == 0) throw new ArgumentException("The list of factors is empty; at least one factor is needed.", paramName);
        var a = new DenseOperator[factors.Count];
        long m = 1, n = 1;
        for (int k = 0; k < a.Length; k++)
        {
            a[k] = factors[k] ?? throw new ArgumentNullException(paramName);
            if (a[k].Rows < 1 || a[k].Columns < 1)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Factor {k} is {a[k].Rows}×{a[k].Columns}; every factor needs at least one row and one column."), paramName);
            SparseRecoveryChecks.RequireFiniteNonzeroColumns(a[k], string.Create(CultureInfo.InvariantCulture, $"factor {k}"), paramName);
            m *= a[k].Rows;
            n *= a[k].Columns;
            if (m > Array.MaxLength || n > Array.MaxLength)
                throw new ArgumentException("ΠM_k or ΠN_k exceeds the largest array length.", paramName);
        }
        if (y.Length != m)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"y has length {y.Length} but the factors give ΠM_k = {m}."), nameof(y));
        VectorChecks.RequireFinite(y, nameof(y));
        return a;
    }

    /// <summary>Checks ε, LogEvery and the time limit.</summary>
    internal static void CheckCommonOptions(double tolerance, int logEvery, TimeSpan? timeLimit, string paramName)
    {
        if (!(tolerance >= 0) || double.IsPositiveInfinity(tolerance))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"RelativeResidualTolerance = {tolerance} must be finite and nonnegative."), paramName);
        if (logEvery < 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"LogEvery = {logEvery} must be ≥ 0."), paramName);
        if (timeLimit is { } t && t <= TimeSpan.Zero)
            throw new ArgumentException("TimeLimit must be positive.", paramName);
    }

    /// <summary>The greedy loop shared by KOMP and OMP (one factor).</summary>
    internal static SparseRecoveryResult Run(string method, DenseOperator[] a, int[] s, ReadOnlySpan<double> y,
        double tolerance, TimeSpan? timeLimit, bool recordHistory, int logEvery, SolverHooks hooks, long start,
        bool reportModes)
    {
        int modes = a.Length;
        int n = Product(a, columns: true);
        ILogger? logger = hooks.Logger;
        IProgress<IterationInfo>? progress = hooks.Progress;
        var history = recordHistory ? new List<SparseRecoveryHistoryEntry>() : null;
        ConvergenceHistory? residualHistory = recordHistory ? hooks.History : null;
        residualHistory?.Clear();
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
        {
            string shapes = Shapes(a), limits = string.Join(",", s), backend = DenseBackend.Current.Name;
            LogStart(logger, method, shapes, limits, tolerance, backend);
        }

        var x = new double[n];
        double yNorm = VectorMath.Norm2(y);
        var fit = new CartesianFit(a);
        if (yNorm == 0)
        {
            progress?.Report(new IterationInfo(0, 0, 0, Stopwatch.GetElapsedTime(start)));
            return Finish(method, ConvergenceReason.ConvergedZeroRightHandSide, 0, 0, 0, a, y, x, fit, history, start,
                logger, reportModes);
        }

        var residual = y.ToArray();
        double rNorm = yNorm;
        progress?.Report(new IterationInfo(0, rNorm, 1, Stopwatch.GetElapsedTime(start)));
        residualHistory?.Record(0, rNorm);
        var chosen = new List<int>[modes];
        for (int k = 0; k < modes; k++) chosen[k] = [];
        var correlation = new TensorBuffers(a);
        var multi = new int[modes];
        bool added = true;
        int passes = 0;
        ConvergenceReason reason;
        while (true)
        {
            if (rNorm <= tolerance * yNorm) { reason = ConvergenceReason.ConvergedRelativeTolerance; break; }
            bool full = true;
            for (int k = 0; k < modes; k++) full &= chosen[k].Count == s[k];
            if (full) { reason = ConvergenceReason.DivergedMaxIterations; break; }
            if (!added) { reason = ConvergenceReason.Stagnated; break; }
            if (hooks.CancellationToken.IsCancellationRequested) { reason = ConvergenceReason.Cancelled; break; }
            if (timeLimit is { } limit && Stopwatch.GetElapsedTime(start) > limit) { reason = ConvergenceReason.TimeLimit; break; }

            passes++;
            var xi = correlation.Correlate(residual);
            int best = 0;
            double bestValue = -1;
            for (int j = 0; j < xi.Length; j++)
            {
                double v = Math.Abs(xi[j]);
                if (v > bestValue) { bestValue = v; best = j; }
            }
            for (int k = modes - 1; k >= 0; k--)
            {
                multi[k] = best % a[k].Columns;
                best /= a[k].Columns;
            }
            added = false;
            for (int k = 0; k < modes; k++)
            {
                if (chosen[k].Count < s[k] && !chosen[k].Contains(multi[k]))
                {
                    chosen[k].Add(multi[k]);
                    fit.SetSupport(k, chosen[k]);
                    added = true;
                }
            }
            if (added)
            {
                fit.Fit(y);
                rNorm = fit.Residual(y, residual);
            }
            if (!double.IsFinite(rNorm)) { reason = ConvergenceReason.DivergedNaN; break; }
            var elapsed = Stopwatch.GetElapsedTime(start);
            progress?.Report(new IterationInfo(passes, rNorm, rNorm / yNorm, elapsed));
            residualHistory?.Record(passes, rNorm, elapsed.TotalSeconds);
            if (history is not null)
            {
                var sizes = new int[modes];
                for (int k = 0; k < modes; k++) sizes[k] = chosen[k].Count;
                history.Add(new SparseRecoveryHistoryEntry(passes, double.NaN, double.NaN, double.NaN, sizes, rNorm, 0, elapsed));
            }
            if (logger is not null && logEvery > 0 && passes % logEvery == 0 && logger.IsEnabled(LogLevel.Information))
            {
                string sizes = SizesText(chosen);
                LogProgress(logger, method, passes, rNorm / yNorm, sizes);
            }
        }
        return Finish(method, reason, passes, yNorm, rNorm, a, y, x, fit, history, start, logger, reportModes);
    }

    private static SparseRecoveryResult Finish(string method, ConvergenceReason reason, int passes, double yNorm,
        double rNorm, DenseOperator[] a, ReadOnlySpan<double> y, double[] x, CartesianFit fit,
        List<SparseRecoveryHistoryEntry>? history, long start, ILogger? logger, bool reportModes)
    {
        if (fit.HasSupport) fit.Scatter(x);
        var full = new TensorBuffers(a);
        var ax = full.Apply(x);
        double trueResidual = 0;
        for (int i = 0; i < ax.Length; i++)
        {
            double d = y[i] - ax[i];
            trueResidual += d * d;
        }
        trueResidual = Math.Sqrt(trueResidual);
        var modeSupports = new int[a.Length][];
        for (int k = 0; k < a.Length; k++)
        {
            modeSupports[k] = fit.HasSupport ? [.. fit.Support(k)] : [];
            Array.Sort(modeSupports[k]);
        }
        int[] support = fit.HasSupport ? CartesianIndices(a, modeSupports) : [];
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
            LogEnd(logger, method, reason, passes, support.Length, trueResidual, elapsed.TotalSeconds);
        return new SparseRecoveryResult
        {
            Summary = new SolverResult(reason, passes, yNorm, rNorm, trueResidual, elapsed),
            Coefficients = x,
            Support = support,
            SignificantSupport = SparseRecoveryMetrics.SignificantSupport(x),
            ModeSupports = reportModes ? modeSupports : null,
            History = history,
        };
    }

    /// <summary>The sorted C-order indices of S₁ × … × S_K (each S_k sorted).</summary>
    private static int[] CartesianIndices(DenseOperator[] a, int[][] sets)
    {
        int[] indices = [0];
        for (int k = 0; k < a.Length; k++)
        {
            var next = new int[indices.Length * sets[k].Length];
            int c = 0;
            foreach (int i in indices)
                foreach (int j in sets[k])
                    next[c++] = i * a[k].Columns + j;
            indices = next;
        }
        return indices;
    }

    private static DenseOperator[] DenseFactors(KroneckerOperator a, string paramName)
    {
        if (a.Combine != KroneckerCombine.Product)
            throw new ArgumentException("KOMP needs a Kronecker product, not a Kronecker sum.", paramName);
        var factors = new DenseOperator[a.Factors.Count];
        for (int k = 0; k < factors.Length; k++)
            factors[k] = a.Factors[k] as DenseOperator ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Factor {k} is a {a.Factors[k].GetType().Name}; KOMP needs dense factors."), paramName);
        return factors;
    }

    internal static int Product(DenseOperator[] a, bool columns)
    {
        int p = 1;
        foreach (var f in a) p *= columns ? f.Columns : f.Rows;
        return p;
    }

    private static string Shapes(DenseOperator[] a)
    {
        var parts = new string[a.Length];
        for (int k = 0; k < a.Length; k++) parts[k] = string.Create(CultureInfo.InvariantCulture, $"{a[k].Rows}×{a[k].Columns}");
        return string.Join(" ⊗ ", parts);
    }

    private static string SizesText(List<int>[] chosen)
    {
        var parts = new string[chosen.Length];
        for (int k = 0; k < chosen.Length; k++) parts[k] = chosen[k].Count.ToString(CultureInfo.InvariantCulture);
        return string.Join(",", parts);
    }

    /// <summary>
    /// out = in ×_mode B on a C-order tensor with the given dims, where B(r, j) = b[r·rowStride + j·colStride] has
    /// <paramref name="outRows"/> rows and dims[mode] columns.
    /// </summary>
    internal static void ModeProduct(ReadOnlySpan<double> input, int[] dims, int mode, ReadOnlySpan<double> b,
        int rowStride, int colStride, int outRows, Span<double> output)
    {
        int outer = 1, inner = 1;
        for (int k = 0; k < mode; k++) outer *= dims[k];
        for (int k = mode + 1; k < dims.Length; k++) inner *= dims[k];
        int d = dims[mode];
        output[..(outer * outRows * inner)].Clear();
        for (int o = 0; o < outer; o++)
        {
            for (int r = 0; r < outRows; r++)
            {
                var dst = output.Slice((o * outRows + r) * inner, inner);
                for (int j = 0; j < d; j++)
                {
                    double coefficient = b[r * rowStride + j * colStride];
                    if (coefficient == 0) continue;
                    var src = input.Slice((o * d + j) * inner, inner);
                    for (int i = 0; i < inner; i++) dst[i] += coefficient * src[i];
                }
            }
        }
    }

    /// <summary>Mode products with the full factors: Aᵀr (correlation) and Ax (true residual).</summary>
    private sealed class TensorBuffers(DenseOperator[] a)
    {
        public double[] Correlate(ReadOnlySpan<double> r)
        {
            var dims = new int[a.Length];
            for (int k = 0; k < a.Length; k++) dims[k] = a[k].Rows;
            double[] current = r.ToArray();
            for (int k = 0; k < a.Length; k++)
            {
                int size = current.Length / dims[k] * a[k].Columns;
                var next = new double[size];
                ModeProduct(current, dims, k, a[k].Data, 1, a[k].Columns, a[k].Columns, next);
                dims[k] = a[k].Columns;
                current = next;
            }
            return current;
        }

        public double[] Apply(ReadOnlySpan<double> x)
        {
            var dims = new int[a.Length];
            for (int k = 0; k < a.Length; k++) dims[k] = a[k].Columns;
            double[] current = x.ToArray();
            for (int k = 0; k < a.Length; k++)
            {
                int size = current.Length / dims[k] * a[k].Rows;
                var next = new double[size];
                ModeProduct(current, dims, k, a[k].Data, a[k].Columns, 1, a[k].Rows, next);
                dims[k] = a[k].Rows;
                current = next;
            }
            return current;
        }
    }

    /// <summary>The least-squares fit z = (⊗B_k)⁺y on a Cartesian support, B_k = A_k[:, I_k], by per-mode pseudo-inverses.</summary>
    private sealed class CartesianFit
    {
        private readonly DenseOperator[] _a;
        private readonly List<int>[] _support;
        private readonly double[][] _sub;    // B_k, row-major M_k×p_k
        private readonly double[][] _pinv;   // B_k⁺, row-major p_k×M_k
        private double[] _z = [];

        public CartesianFit(DenseOperator[] a)
        {
            _a = a;
            _support = new List<int>[a.Length];
            _sub = new double[a.Length][];
            _pinv = new double[a.Length][];
            for (int k = 0; k < a.Length; k++) _support[k] = [];
        }

        public bool HasSupport
        {
            get
            {
                foreach (var sk in _support) if (sk.Count == 0) return false;
                return _z.Length > 0;
            }
        }

        public List<int> Support(int k) => _support[k];

        public void SetSupport(int k, List<int> indices)
        {
            _support[k] = [.. indices];
            int m = _a[k].Rows, nk = _a[k].Columns, p = indices.Count;
            var data = _a[k].Data;
            var sub = new double[m * p];
            for (int i = 0; i < m; i++)
                for (int c = 0; c < p; c++)
                    sub[i * p + c] = data[i * nk + indices[c]];
            _sub[k] = sub;
            _pinv[k] = PseudoInverse(sub, m, p);
        }

        /// <summary>z = Y ×₁ B₁⁺ ×₂ … ×_K B_K⁺.</summary>
        public void Fit(ReadOnlySpan<double> y)
        {
            foreach (var sk in _support) if (sk.Count == 0) return;
            var dims = new int[_a.Length];
            for (int k = 0; k < _a.Length; k++) dims[k] = _a[k].Rows;
            double[] current = y.ToArray();
            for (int k = 0; k < _a.Length; k++)
            {
                int p = _support[k].Count;
                var next = new double[current.Length / dims[k] * p];
                ModeProduct(current, dims, k, _pinv[k], _a[k].Rows, 1, p, next);
                dims[k] = p;
                current = next;
            }
            _z = current;
        }

        /// <summary>residual = y − z ×₁ B₁ … ×_K B_K; returns its norm.</summary>
        public double Residual(ReadOnlySpan<double> y, Span<double> residual)
        {
            var dims = new int[_a.Length];
            for (int k = 0; k < _a.Length; k++) dims[k] = _support[k].Count;
            double[] current = _z;
            for (int k = 0; k < _a.Length; k++)
            {
                int m = _a[k].Rows;
                var next = new double[current.Length / dims[k] * m];
                ModeProduct(current, dims, k, _sub[k], _support[k].Count, 1, m, next);
                dims[k] = m;
                current = next;
            }
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                residual[i] = y[i] - current[i];
                sum += residual[i] * residual[i];
            }
            return Math.Sqrt(sum);
        }

        /// <summary>Places z on I₁ × … × I_K of x (C order).</summary>
        public void Scatter(Span<double> x)
        {
            x.Clear();
            int modes = _a.Length;
            var counter = new int[modes];
            for (int flat = 0; flat < _z.Length; flat++)
            {
                int index = 0;
                for (int k = 0; k < modes; k++) index = index * _a[k].Columns + _support[k][counter[k]];
                x[index] = _z[flat];
                for (int k = modes - 1; k >= 0; k--)
                {
                    if (++counter[k] < _support[k].Count) break;
                    counter[k] = 0;
                }
            }
        }

        /// <summary>B⁺ (row-major p×m) of the row-major m×p B by the backend's thin SVD, cut-off max(m, p)·ε·s_max.</summary>
        private static double[] PseudoInverse(double[] b, int m, int p)
        {
            int r = Math.Min(m, p);
            var colMajor = new double[m * p];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < p; j++)
                    colMajor[i + j * m] = b[i * p + j];
            var sv = new double[r];
            var u = new double[m * r];
            var vt = new double[r * p];
            DenseBackend.Current.Svd(m, p, colMajor, m, sv, u, m, vt, r);
            double cut = Math.Max(m, p) * 2.220446049250313e-16 * (r == 0 ? 0 : sv[0]);
            var pinv = new double[p * m];
            for (int l = 0; l < r; l++)
            {
                if (!(sv[l] > cut)) continue;
                double inv = 1 / sv[l];
                for (int j = 0; j < p; j++)
                {
                    double v = vt[l + j * r] * inv;
                    if (v == 0) continue;
                    for (int i = 0; i < m; i++) pinv[j * m + i] += v * u[i + l * m];
                }
            }
            return pinv;
        }
    }

    [LoggerMessage(EventId = 4700, Level = LogLevel.Information,
        Message = "{Method} start: factors {Shapes}, s = ({MaxIndices}), ε = {Tolerance}, backend {Backend}")]
    private static partial void LogStart(ILogger logger, string method, string shapes, string maxIndices, double tolerance, string backend);

    [LoggerMessage(EventId = 4701, Level = LogLevel.Information,
        Message = "{Method} pass {Pass}: ‖R‖/‖y‖ = {RelativeResidual}, |I_k| = ({Sizes})")]
    private static partial void LogProgress(ILogger logger, string method, int pass, double relativeResidual, string sizes);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Information,
        Message = "{Method} end: {Reason} after {Passes} passes, support size {SupportSize}, true residual ‖y − Ax̂‖ = {TrueResidual}, {Seconds} s")]
    private static partial void LogEnd(ILogger logger, string method, ConvergenceReason reason, int passes, int supportSize, double trueResidual, double seconds);
}
