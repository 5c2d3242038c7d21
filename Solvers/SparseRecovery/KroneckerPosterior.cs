using System.Globalization;
using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>Outcome of one <see cref="KroneckerPosterior.Update"/>.</summary>
/// <remarks>Numerical outcomes never throw (DESIGN §4); a solver maps them to its convergence reasons (spec §3.5).</remarks>
public enum KroneckerPosteriorStatus
{
    /// <summary>Every quantity is finite and σ² + λ_l &gt; 0 for all l; the results are valid.</summary>
    Success,

    /// <summary>Some σ² + λ_l ≤ 0, so Σ_y is not positive definite (maps to <c>DivergedIndefiniteOperator</c>). The results are not valid.</summary>
    IndefiniteOperator,

    /// <summary>A non-finite eigenvalue, d, μ, diag Σ_x or L (maps to <c>DivergedNaN</c>). The results are not valid.</summary>
    NonFinite,
}

/// <summary>
/// The Kronecker SBL E-step of spec sparse-bayesian §2.6: for y = (A₁ ⊗ … ⊗ A_K)x + n, n ~ N(0, σ²I), and the prior
/// x ~ N(0, diag(γ₁ ⊗ … ⊗ γ_K)), it computes the posterior mean μ, diag Σ_x, the cost L(γ, σ²), ‖y − Aμ‖₂ and Σ_j ω_j
/// from per-mode symmetric eigendecompositions, without forming A, Σ_y or Σ_x.
/// </summary>
/// <remarks>
/// <para><b>Index order</b> (spec §2.1): C order, last index fastest, exactly that of <see cref="KroneckerOperator"/>:
/// x_j with j = (…(j₁N₂ + j₂)…)N_K + j_K, and factor 0 (A₁) acts on the slowest index.</para>
/// <para><b>Procedure</b> per <see cref="Update"/>: per mode G_k = A_k diag(γ_k) A_kᵀ (gemm), G_k = U_kΛ_kU_kᵀ
/// (<see cref="IDenseBackend.SymmetricEigen"/>), W_k = diag(γ_k)A_kᵀU_k (gemm) and W_k ∘ W_k; then z = (⊗U_kᵀ)y,
/// λ = ⊗diag(Λ_k), d = 1/(σ² + λ), μ = (⊗W_k)(d ∘ z) and diag Σ_x = γ − (⊗(W_k ∘ W_k))d by mode products
/// (<see cref="ApplyModeProducts"/>).</para>
/// <para><b>Allocation:</b> every buffer is allocated in the constructor; <see cref="Update"/> allocates nothing itself. Whether
/// the backend calls allocate depends on the backend (the native ones do not; <see cref="ManagedBackend"/> packs into
/// temporary arrays).</para>
/// <para>An instance is not safe for concurrent use. The factors are copied at construction; y and γ are never modified.</para>
/// </remarks>
public sealed class KroneckerPosterior
{
    private readonly IDenseBackend _backend;
    private readonly int[] _rows;          // M_k
    private readonly int[] _cols;          // N_k
    private readonly double[][] _aT;        // A_kᵀ, column-major N_k×M_k (= A_k row-major)
    private readonly double[][] _scaled;    // diag(γ_k)A_kᵀ, column-major N_k×M_k
    private readonly double[][] _u;         // G_k, then U_k, column-major M_k×M_k
    private readonly double[][] _eig;       // Λ_k ascending, length M_k
    private readonly double[][] _w;         // W_k, column-major N_k×M_k
    private readonly double[][] _w2;        // W_k ∘ W_k
    private readonly double[] _gamma;       // ⊗γ_k, length N
    private readonly double[] _z;           // z, length M
    private readonly double[] _lambda;      // λ, length M
    private readonly double[] _d;           // d, length M
    private readonly double[] _dz;          // d ∘ z, length M
    private readonly double[] _mean;        // μ, length N
    private readonly double[] _variance;    // diag Σ_x, length N
    private readonly double[] _work;        // mode-product ping-pong buffers
    private readonly int _uTWork, _wWork;

    /// <summary>Creates the E-step for the dense factors A₁, …, A_K (row-major <see cref="DenseOperator"/>s, K ≥ 1).</summary>
    /// <param name="factors">A_k of size M_k×N_k, A₁ first (slowest index).</param>
    /// <param name="backend">The dense backend; <see cref="DenseBackend.Current"/> when null.</param>
    /// <exception cref="ArgumentException">No factors, a null factor, or ΠM_k or ΠN_k beyond int.</exception>
    public KroneckerPosterior(IReadOnlyList<DenseOperator> factors, IDenseBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count == 0) throw new ArgumentException("At least one Kronecker factor is needed; the list is empty.", nameof(factors));
        int k = factors.Count;
        _backend = backend ?? DenseBackend.Current;
        _rows = new int[k];
        _cols = new int[k];
        _aT = new double[k][];
        _scaled = new double[k][];
        _u = new double[k][];
        _eig = new double[k][];
        _w = new double[k][];
        _w2 = new double[k][];
        long m = 1, n = 1;
        for (int t = 0; t < k; t++)
        {
            var f = factors[t] ?? throw new ArgumentException($"Kronecker factor {t} is null.", nameof(factors));
            int mk = f.Rows, nk = f.Columns;
            if (mk < 1 || nk < 1)
                throw new ArgumentException($"Kronecker factor {t} is {mk}×{nk}; every factor needs at least one row and one column.", nameof(factors));
            _rows[t] = mk;
            _cols[t] = nk;
            _aT[t] = f.Data.ToArray();
            _scaled[t] = new double[nk * mk];
            _u[t] = new double[mk * mk];
            _eig[t] = new double[mk];
            _w[t] = new double[nk * mk];
            _w2[t] = new double[nk * mk];
            m *= mk;
            n *= nk;
            if (m > int.MaxValue || n > int.MaxValue)
                throw new ArgumentException($"The Kronecker product of the first {t + 1} factors is {m}×{n}, beyond int.", nameof(factors));
        }

        Rows = (int)m;
        Columns = (int)n;
        _gamma = new double[n];
        _z = new double[m];
        _lambda = new double[m];
        _d = new double[m];
        _dz = new double[m];
        _mean = new double[n];
        _variance = new double[n];
        _uTWork = ModeProductWorkspaceLength(_rows, _rows, Transpose.Yes);
        _wWork = ModeProductWorkspaceLength(_cols, _rows, Transpose.No);
        _work = new double[Math.Max(_uTWork, _wWork)];
        Status = KroneckerPosteriorStatus.NonFinite;
    }

    /// <summary>Creates the E-step from a Kronecker product whose factors are all <see cref="DenseOperator"/>s; its index order is kept.</summary>
    /// <param name="operator">A = F₀ ⊗ … ⊗ F_{K−1} built by <see cref="KroneckerOperator.Product"/>.</param>
    /// <param name="backend">The dense backend; <see cref="DenseBackend.Current"/> when null.</param>
    /// <exception cref="ArgumentException">A Kronecker sum, or a factor that is not a <see cref="DenseOperator"/>.</exception>
    public KroneckerPosterior(KroneckerOperator @operator, IDenseBackend? backend = null)
        : this(DenseFactors(@operator), backend)
    {
    }

    private static DenseOperator[] DenseFactors(KroneckerOperator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (op.Combine != KroneckerCombine.Product)
            throw new ArgumentException($"The operator is a Kronecker {op.Combine}; the Kronecker posterior needs a Kronecker product.", nameof(op));
        var result = new DenseOperator[op.Factors.Count];
        for (int t = 0; t < result.Length; t++)
        {
            result[t] = op.Factors[t] as DenseOperator
                ?? throw new ArgumentException(
                    $"Kronecker factor {t} is a {op.Factors[t].GetType().Name}; the Kronecker posterior needs DenseOperator factors.", nameof(op));
        }

        return result;
    }

    /// <summary>K, the number of factors.</summary>
    public int FactorCount => _rows.Length;

    /// <summary>M = ΠM_k, the length of y.</summary>
    public int Rows { get; }

    /// <summary>N = ΠN_k, the length of x.</summary>
    public int Columns { get; }

    /// <summary>M_k, the rows of factor k.</summary>
    public int FactorRows(int k) => _rows[k];

    /// <summary>N_k, the columns of factor k.</summary>
    public int FactorColumns(int k) => _cols[k];

    /// <summary>The backend used for gemm and the symmetric eigendecompositions.</summary>
    public IDenseBackend Backend => _backend;

    /// <summary>The outcome of the last <see cref="Update"/> (<see cref="KroneckerPosteriorStatus.NonFinite"/> before the first).</summary>
    public KroneckerPosteriorStatus Status { get; private set; }

    /// <summary>σ² of the last <see cref="Update"/>.</summary>
    public double NoiseVariance { get; private set; }

    /// <summary>μ, the posterior mean (length N, C order); 0 wherever γ_j = 0.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>diag Σ_x (length N), clamped to ≥ 0 (spec §3.8); 0 wherever γ_j = 0.</summary>
    public ReadOnlySpan<double> PosteriorVarianceDiagonal => _variance;

    /// <summary>γ = γ₁ ⊗ … ⊗ γ_K of the last <see cref="Update"/> (length N).</summary>
    public ReadOnlySpan<double> Gamma => _gamma;

    /// <summary>λ = ⊗diag(Λ_k) (length M), the eigenvalues of AΓAᵀ in the order of z.</summary>
    public ReadOnlySpan<double> Eigenvalues => _lambda;

    /// <summary>z = (⊗U_kᵀ)y (length M).</summary>
    public ReadOnlySpan<double> RotatedData => _z;

    /// <summary>d = 1/(σ² + λ) (length M), the eigenvalues of Σ_y⁻¹.</summary>
    public ReadOnlySpan<double> InverseEigenvalues => _d;

    /// <summary>Λ_k, the eigenvalues of G_k = A_k diag(γ_k) A_kᵀ, ascending (length M_k).</summary>
    public ReadOnlySpan<double> ModeEigenvalues(int k) => _eig[k];

    /// <summary>U_k, the orthonormal eigenvectors of G_k, column-major M_k×M_k (column l belongs to <see cref="ModeEigenvalues"/>[l]).</summary>
    public ReadOnlySpan<double> ModeEigenvectors(int k) => _u[k];

    /// <summary>W_k = diag(γ_k)A_kᵀU_k, column-major N_k×M_k.</summary>
    public ReadOnlySpan<double> ModeW(int k) => _w[k];

    /// <summary>
    /// L(γ, σ²) = log|Σ_y| + yᵀΣ_y⁻¹y = Σ_l log(σ² + λ_l) + Σ_l d_l z_l², with Σ_y = σ²I + AΓAᵀ: spec §2.1/§2.2's cost,
    /// i.e. twice the negative log evidence with the constant M·log(2π) dropped.
    /// </summary>
    public double NegativeLogEvidence { get; private set; }

    /// <summary>‖y − Aμ‖₂ = σ²‖d ∘ z‖₂ (spec §2.6).</summary>
    public double ResidualNorm { get; private set; }

    /// <summary>
    /// Σ_j ω_j over the j with γ_j &gt; 0, where ω_j = 1 − (Σ_x)_jj/γ_j = [(⊗(W_k ∘ W_k))d]_j/γ_j, each clamped to [0, 1]
    /// (spec §3.8); pruned coefficients (γ_j = 0) contribute 0.
    /// </summary>
    public double OmegaSum { get; private set; }

    /// <summary>Runs the E-step for the given γ factors, noise variance and data.</summary>
    /// <param name="gammaFactors">γ_k ≥ 0 of length N_k, one per factor.</param>
    /// <param name="noiseVariance">σ² &gt; 0 and finite.</param>
    /// <param name="y">The data, length M = ΠM_k, in C order.</param>
    /// <returns>
    /// <see cref="KroneckerPosteriorStatus.Success"/>, or the numerical failure (never thrown). After a failure the
    /// results are not valid.
    /// </returns>
    /// <exception cref="ArgumentException">Wrong number or lengths of γ factors, a negative or NaN γ entry, σ² ≤ 0 or
    /// non-finite, or y of the wrong length.</exception>
    public KroneckerPosteriorStatus Update(IReadOnlyList<double[]> gammaFactors, double noiseVariance, ReadOnlySpan<double> y)
    {
        CheckArguments(gammaFactors, noiseVariance, y);
        NoiseVariance = noiseVariance;
        int k = _rows.Length;

        // Per mode: G_k, its eigendecomposition, W_k and W_k ∘ W_k.
        for (int t = 0; t < k; t++)
        {
            int mk = _rows[t], nk = _cols[t];
            double[] g = gammaFactors[t], at = _aT[t], s = _scaled[t], u = _u[t], w = _w[t], w2 = _w2[t];
            for (int i = 0; i < mk; i++)
            {
                int o = i * nk;
                for (int j = 0; j < nk; j++) s[o + j] = g[j] * at[o + j];
            }

            // G_k = A_k·(diag(γ_k)A_kᵀ): (A_kᵀ)ᵀ·S with both stored N_k×M_k.
            _backend.Gemm(Transpose.Yes, Transpose.No, mk, mk, nk, 1.0, at, nk, s, nk, 0.0, u, mk);
            _backend.SymmetricEigen(Triangle.Lower, mk, u, mk, _eig[t]);
            double top = 0;
            foreach (double v in _eig[t])
            {
                if (!double.IsFinite(v)) return Fail(KroneckerPosteriorStatus.NonFinite);
                top = Math.Max(top, Math.Abs(v));
            }

            // G_k = A_kΓ_kA_kᵀ is positive semidefinite by construction: eigenvalues of rounding size below zero (rank-
            // deficient G_k, e.g. after pruning N_k < M_k) are clamped to 0, so a small σ² does not turn them into a
            // spurious σ² + λ ≤ 0. A clearly negative eigenvalue (below −M_k·10⁻¹³·max|Λ_k|) is left to fail below.
            double roundoff = mk * 1e-13 * top;
            var eig = _eig[t];
            for (int l = 0; l < eig.Length; l++)
            {
                if (eig[l] < 0 && eig[l] >= -roundoff) eig[l] = 0;
            }

            // W_k = S·U_k (N_k×M_k).
            _backend.Gemm(Transpose.No, Transpose.No, nk, mk, mk, 1.0, s, nk, u, mk, 0.0, w, nk);
            for (int i = 0; i < w.Length; i++) w2[i] = w[i] * w[i];
        }

        // λ = ⊗diag(Λ_k) and γ = ⊗γ_k, outer products in C order.
        OuterProduct(_eig, _rows, _lambda);
        OuterProduct(gammaFactors, _cols, _gamma);

        // z = (⊗U_kᵀ)y.
        ApplyModeProducts(_backend, _u, _rows, _rows, Transpose.Yes, y, _z, _work);

        double logDet = 0, quad = 0, residual2 = 0;
        for (int l = 0; l < _z.Length; l++)
        {
            double e = noiseVariance + _lambda[l];
            if (!double.IsFinite(e)) return Fail(KroneckerPosteriorStatus.NonFinite);
            if (e <= 0) return Fail(KroneckerPosteriorStatus.IndefiniteOperator);
            double dl = 1.0 / e;
            double dzl = dl * _z[l];
            _d[l] = dl;
            _dz[l] = dzl;
            logDet += Math.Log(e);
            quad += dzl * _z[l];
            residual2 += dzl * dzl;
        }

        NegativeLogEvidence = logDet + quad;
        ResidualNorm = noiseVariance * Math.Sqrt(residual2);

        // μ = (⊗W_k)(d ∘ z); diag Σ_x = γ − (⊗(W_k ∘ W_k))d, with ω_j = [(⊗(W_k ∘ W_k))d]_j/γ_j.
        ApplyModeProducts(_backend, _w, _cols, _rows, Transpose.No, _dz, _mean, _work);
        ApplyModeProducts(_backend, _w2, _cols, _rows, Transpose.No, _d, _variance, _work);
        double omegaSum = 0;
        bool finite = double.IsFinite(NegativeLogEvidence);
        for (int j = 0; j < _variance.Length; j++)
        {
            double gj = _gamma[j], q = _variance[j];
            finite &= double.IsFinite(q) && double.IsFinite(_mean[j]);
            if (gj > 0)
            {
                omegaSum += Math.Clamp(q / gj, 0.0, 1.0);
                _variance[j] = Math.Max(gj - q, 0.0);
            }
            else
            {
                _variance[j] = 0.0;
                _mean[j] = 0.0;
            }
        }

        OmegaSum = omegaSum;
        Status = finite ? KroneckerPosteriorStatus.Success : KroneckerPosteriorStatus.NonFinite;
        return Status;
    }

    private KroneckerPosteriorStatus Fail(KroneckerPosteriorStatus status)
    {
        Status = status;
        NegativeLogEvidence = double.NaN;
        ResidualNorm = double.NaN;
        OmegaSum = double.NaN;
        return status;
    }

    private void CheckArguments(IReadOnlyList<double[]> gammaFactors, double noiseVariance, ReadOnlySpan<double> y)
    {
        ArgumentNullException.ThrowIfNull(gammaFactors);
        if (gammaFactors.Count != _rows.Length)
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{gammaFactors.Count} γ factors were given for {_rows.Length} Kronecker factors."),
                nameof(gammaFactors));
        for (int t = 0; t < _rows.Length; t++)
        {
            var g = gammaFactors[t];
            if (g is null || g.Length != _cols[t])
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"γ factor {t} has length {(g is null ? "null" : g.Length.ToString(CultureInfo.InvariantCulture))}, but factor {t} has {_cols[t]} columns."),
                    nameof(gammaFactors));
            for (int j = 0; j < g.Length; j++)
            {
                if (!(g[j] >= 0) || double.IsPositiveInfinity(g[j]))
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"γ factor {t} has entry {j} = {g[j]:G17}; γ must be finite and ≥ 0."),
                        nameof(gammaFactors));
            }
        }

        if (!(noiseVariance > 0) || !double.IsFinite(noiseVariance))
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The noise variance σ² = {noiseVariance:G17} must be finite and > 0 (spec §3.8)."),
                nameof(noiseVariance));
        if (y.Length != Rows)
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"y has length {y.Length}, but the Kronecker dictionary has {Rows} = Π M_k rows."),
                nameof(y));
    }

    /// <summary>v = v₁ ⊗ … ⊗ v_K in C order (last index fastest); <paramref name="lengths"/>[k] entries of vectors[k] are used.</summary>
    private static void OuterProduct(IReadOnlyList<double[]> vectors, int[] lengths, double[] result)
    {
        result[0] = 1.0;
        int size = 1;
        for (int t = 0; t < lengths.Length; t++)
        {
            double[] v = vectors[t];
            int n = lengths[t];
            // Expand in place from the back so that entries are read before they are overwritten.
            for (int i = size - 1; i >= 0; i--)
            {
                double a = result[i];
                int o = i * n;
                for (int j = n - 1; j >= 0; j--) result[o + j] = a * v[j];
            }

            size *= n;
        }
    }

    /// <summary>
    /// The workspace length <see cref="ApplyModeProducts"/> needs: twice the largest intermediate tensor.
    /// </summary>
    /// <param name="rows">Stored rows of each factor B_k.</param>
    /// <param name="columns">Stored columns of each factor B_k.</param>
    /// <param name="transpose">Whether op(B_k) = B_kᵀ.</param>
    /// <exception cref="ArgumentException">The two size lists differ in length or are empty, or a size is &lt; 1.</exception>
    public static int ModeProductWorkspaceLength(ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, Transpose transpose)
    {
        CheckSizes(rows, columns);
        int k = rows.Length;
        long largest = 0;
        // After processing modes K−1, …, t the tensor holds Π_{s<t} in_s · Π_{s≥t} out_s entries (the last step writes the output).
        for (int t = k - 1; t >= 1; t--)
        {
            long size = 1;
            for (int s = 0; s < k; s++)
            {
                int output = transpose == Transpose.No ? rows[s] : columns[s];
                int input = transpose == Transpose.No ? columns[s] : rows[s];
                size *= s < t ? input : output;
            }

            largest = Math.Max(largest, size);
        }

        if (2 * largest > int.MaxValue)
            throw new ArgumentException($"The intermediate tensors of these mode products have {largest} entries, beyond the int range.", nameof(rows));
        return (int)(2 * largest);
    }

    /// <summary>
    /// y = (op(B₁) ⊗ … ⊗ op(B_K))x by K mode products, never forming the Kronecker matrix (spec §2.1).
    /// </summary>
    /// <remarks>
    /// <para><b>Ordering:</b> C order, last index fastest, B₁ (factors[0]) on the slowest index: the same as
    /// <see cref="KroneckerOperator"/>, so the result equals the Kronecker product of the op(B_k) in that order applied to x.</para>
    /// <para><b>Storage:</b> factor k is column-major (the <see cref="IDenseBackend"/> convention), <paramref name="rows"/>[k]×<paramref name="columns"/>[k]
    /// with leading dimension rows[k]; op(B_k) = B_k for <see cref="Transpose.No"/> and B_kᵀ for <see cref="Transpose.Yes"/>.
    /// A row-major M×N matrix is therefore passed as a column-major N×M one with the opposite transpose flag.</para>
    /// <para><b>Method:</b> the rotating vec trick of <see cref="KroneckerOperator"/>: the current tensor is viewed as (R, p) with
    /// the mode being applied last, and one gemm writes the (q, R) result, so after K steps the modes are back in order. Modes are
    /// applied K, K−1, …, 1. x and y must not overlap; <paramref name="work"/> needs <see cref="ModeProductWorkspaceLength"/> entries.
    /// Allocates nothing beyond what the backend's gemm does.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">Size lists that do not match the factors, a factor too short, or x, y or work of the wrong length.</exception>
    public static void ApplyModeProducts(IDenseBackend backend, IReadOnlyList<double[]> factors, ReadOnlySpan<int> rows,
        ReadOnlySpan<int> columns, Transpose transpose, ReadOnlySpan<double> x, Span<double> y, Span<double> work)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(factors);
        CheckSizes(rows, columns);
        int k = rows.Length;
        if (factors.Count != k)
            throw new ArgumentException($"{factors.Count} factors were given with {k} sizes.", nameof(factors));
        long inLength = 1, outLength = 1;
        for (int t = 0; t < k; t++)
        {
            if (factors[t] is null || factors[t].Length < (long)rows[t] * columns[t])
                throw new ArgumentException(
                    $"Factor {t} has {(factors[t] is null ? 0 : factors[t].Length)} entries, fewer than its {rows[t]}×{columns[t]} size needs.", nameof(factors));
            inLength *= transpose == Transpose.No ? columns[t] : rows[t];
            outLength *= transpose == Transpose.No ? rows[t] : columns[t];
        }

        if (x.Length != inLength)
            throw new ArgumentException($"x has length {x.Length}, but the Kronecker product of the factors needs {inLength}.", nameof(x));
        if (y.Length != outLength)
            throw new ArgumentException($"y has length {y.Length}, but the Kronecker product of the factors gives {outLength}.", nameof(y));
        int needed = ModeProductWorkspaceLength(rows, columns, transpose);
        if (work.Length < needed)
            throw new ArgumentException($"work has length {work.Length}, but these mode products need {needed}.", nameof(work));

        int half = needed / 2;
        Span<double> bufferA = work[..half], bufferB = work.Slice(half, half);
        ReadOnlySpan<double> current = x;
        int length = x.Length;
        for (int t = k - 1; t >= 0; t--)
        {
            int p = transpose == Transpose.No ? columns[t] : rows[t];
            int q = transpose == Transpose.No ? rows[t] : columns[t];
            int r = length / p;
            Span<double> dest = t == 0 ? y : ((k - 1 - t) % 2 == 0 ? bufferA : bufferB)[..(r * q)];
            // current: row-major R×p = column-major p×R. dest: row-major q×R = column-major R×q = currentᵀ·op(B)ᵀ.
            var opBt = transpose == Transpose.No ? Transpose.Yes : Transpose.No;
            backend.Gemm(Transpose.Yes, opBt, r, q, p, 1.0, current, p, factors[t], rows[t], 0.0, dest, r);
            current = dest;
            length = r * q;
        }
    }

    private static void CheckSizes(ReadOnlySpan<int> rows, ReadOnlySpan<int> columns)
    {
        if (rows.Length == 0 || rows.Length != columns.Length)
            throw new ArgumentException($"{rows.Length} row sizes and {columns.Length} column sizes were given; they must match and be nonzero.", nameof(rows));
        for (int t = 0; t < rows.Length; t++)
        {
            if (rows[t] < 1 || columns[t] < 1)
                throw new ArgumentException($"Factor {t} is {rows[t]}×{columns[t]}; every factor needs at least one row and one column.", nameof(rows));
        }
    }
}
