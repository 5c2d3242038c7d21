using Solvers.Dense;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.LeastSquares;

/// <summary>A generated least-squares problem (spec sketched-regression §4).</summary>
/// <param name="Name">"incoherent", "coherent" or "ill-conditioned", with sizes.</param>
/// <param name="A">The n×d matrix (row-major).</param>
/// <param name="B">b.</param>
/// <param name="X0">The planted x₀.</param>
/// <param name="Solution">x* when it is known exactly (incoherent: x₀, since b − Ax₀ ⊥ range(A)); null otherwise (use <see cref="LeastSquaresTestProblems.DenseQrSolve"/>).</param>
/// <param name="Residual">r* when known exactly (incoherent), else null.</param>
/// <param name="Kappa">κ₂(A) (exact for incoherent; ≈ 10⁵ for coherent).</param>
/// <param name="NormA">‖A‖₂ (exact for incoherent; NaN for coherent — use <see cref="LeastSquaresTestProblems.ExactNorms"/>).</param>
/// <param name="NormPseudoinverse">‖A†‖₂ (exact for incoherent; NaN for coherent).</param>
public sealed record LeastSquaresTestProblem(string Name, DenseOperator A, double[] B, double[] X0, double[]? Solution,
    double[]? Residual, double Kappa, double NormA, double NormPseudoinverse);

/// <summary>
/// The test problems of spec sketched-regression §4 (incoherent with a known solution, coherent Blendenpik-style,
/// ill-conditioned) and the dense Householder-QR reference. All randomness comes from the purpose-6 Philox stream of
/// the seed, so a problem is a pure function of its arguments.
/// </summary>
public static class LeastSquaresTestProblems
{
    // Sub-streams (the attempt word) of the purpose-6 stream.
    private const uint StreamG1 = 0, StreamG2 = 1, StreamX0 = 2, StreamNoise = 3;

    /// <summary>
    /// §4.1: A = U·diag(s)·Vᵀ with U, V the Q factors of Gaussian matrices and s = logspace(0, −log₁₀κ, d), so ‖A‖₂ = 1
    /// and ‖A†‖₂ = κ; x₀ ~ N(0, I); r = (I − UUᵀ)z scaled to ‖r‖ = residualRatio·‖Ax₀‖; b = Ax₀ + r, so x* = x₀.
    /// </summary>
    public static LeastSquaresTestProblem Incoherent(int n, int d, double kappa, ulong seed, double residualRatio = 0.1,
        IDenseBackend? backend = null)
    {
        CheckSizes(n, d);
        if (!(kappa >= 1) || !double.IsFinite(kappa)) throw new ArgumentException($"κ must be finite and ≥ 1 (got {kappa}).", nameof(kappa));
        if (!(residualRatio >= 0) || !double.IsFinite(residualRatio)) throw new ArgumentException($"residualRatio must be finite and ≥ 0 (got {residualRatio}).", nameof(residualRatio));
        var be = backend ?? DenseBackend.Current;

        // U: n×d column-major with orthonormal columns.
        var g1 = Normals(seed, StreamG1, (long)n * d);
        var tau = new double[d];
        be.QrFactor(n, d, g1, n, tau);
        var u = new double[(long)n * d];
        for (int j = 0; j < d; j++) u[j + (long)j * n] = 1;
        be.ApplyQ(Transpose.No, n, d, d, g1, n, tau, u, n);
        g1 = null!;

        // V: d×d orthogonal.
        var g2 = Normals(seed, StreamG2, (long)d * d);
        var tau2 = new double[d];
        be.QrFactor(d, d, g2, d, tau2);
        var v = new double[d * d];
        for (int j = 0; j < d; j++) v[j + j * d] = 1;
        be.ApplyQ(Transpose.No, d, d, d, g2, d, tau2, v, d);

        var s = new double[d];
        double logKappa = Math.Log10(kappa);
        for (int i = 0; i < d; i++) s[i] = d == 1 ? 1 : Math.Pow(10, -i * logKappa / (d - 1));

        // U·diag(s) in place, then Aᵀ (d×n column-major = row-major A) = V·(U·diag(s))ᵀ.
        for (int j = 0; j < d; j++)
        {
            var col = u.AsSpan((int)((long)j * n), n);
            for (int i = 0; i < n; i++) col[i] *= s[j];
        }
        var aRowMajor = LargeArrays.AllocateAligned((long)n * d);
        be.Gemm(Transpose.No, Transpose.Yes, d, n, d, 1, v, d, u, n, 0, aRowMajor.Span, d);
        // Restore U (divide back) for the residual projection.
        for (int j = 0; j < d; j++)
        {
            var col = u.AsSpan((int)((long)j * n), n);
            double inv = 1 / s[j];
            for (int i = 0; i < n; i++) col[i] *= inv;
        }

        var a = new DenseOperator(n, d, aRowMajor);
        var x0 = Normals(seed, StreamX0, d);
        var ax = new double[n];
        a.Apply(x0, ax);

        // r = (I − UUᵀ)z, scaled.
        var z = Normals(seed, StreamNoise, n);
        var utz = new double[d];
        be.Gemv(Transpose.Yes, n, d, 1, u, n, z, 0, utz);
        be.Gemv(Transpose.No, n, d, -1, u, n, utz, 1, z);
        double target = residualRatio * Norm(ax), current = Norm(z);
        double scale = current > 0 ? target / current : 0;
        var r = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = scale * z[i];
            b[i] = ax[i] + r[i];
        }
        string name = kappa >= 1e9 ? "ill-conditioned" : "incoherent";
        return new LeastSquaresTestProblem($"{name} {n}×{d} κ={kappa:G3}", a, b, x0, x0, r, kappa, 1, kappa);
    }

    /// <summary>§4.3: the incoherent construction with κ = 10¹⁰ (judge solvers by backward error only).</summary>
    public static LeastSquaresTestProblem IllConditioned(int n, int d, ulong seed, IDenseBackend? backend = null) =>
        Incoherent(n, d, 1e10, seed, 0.1, backend);

    /// <summary>
    /// §4.2: A = [diag(linspace(1, 10⁵, d)); 0] + 10⁻⁸·(all ones), leverage 1 on the first d rows; x₀ ~ N(0, I);
    /// b = Ax₀ + g with ‖g‖ = residualRatio·‖Ax₀‖. x* ≠ x₀: use <see cref="DenseQrSolve"/>; norms from <see cref="ExactNorms"/>.
    /// </summary>
    public static LeastSquaresTestProblem Coherent(int n, int d, ulong seed, double residualRatio = 0.1)
    {
        CheckSizes(n, d);
        var memory = LargeArrays.AllocateAligned((long)n * d);
        var data = memory.Span;
        data.Fill(1e-8);
        for (int i = 0; i < d; i++)
        {
            double diag = d == 1 ? 1 : 1 + (1e5 - 1) * i / (d - 1);
            data[i * d + i] += diag;
        }
        var a = new DenseOperator(n, d, memory);
        var x0 = Normals(seed, StreamX0, d);
        var ax = new double[n];
        a.Apply(x0, ax);
        var g = Normals(seed, StreamNoise, n);
        double scale = residualRatio * Norm(ax) / Norm(g);
        var b = new double[n];
        for (int i = 0; i < n; i++) b[i] = ax[i] + scale * g[i];
        return new LeastSquaresTestProblem($"coherent {n}×{d}", a, b, x0, null, null, 1e5, double.NaN, double.NaN);
    }

    /// <summary>The dense Householder-QR least-squares solution (LAPACK gels through the backend) of a full-column-rank A.</summary>
    public static double[] DenseQrSolve(DenseOperator a, ReadOnlySpan<double> b, IDenseBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (b.Length != a.Rows) throw new ArgumentException($"b has {b.Length} entries; A has {a.Rows} rows.", nameof(b));
        var be = backend ?? DenseBackend.Current;
        int n = a.Rows, d = a.Columns;
        var cm = ToColumnMajor(a);
        var rhs = b.ToArray();
        be.LeastSquares(n, d, 1, cm, n, rhs, n);
        return rhs[..d];
    }

    /// <summary>Exact ‖A‖₂ and ‖A†‖₂ from the SVD of the R factor of a dense QR (spec §4.2, §7.17).</summary>
    public static (double NormA, double NormPseudoinverse) ExactNorms(DenseOperator a, IDenseBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        var be = backend ?? DenseBackend.Current;
        int n = a.Rows, d = a.Columns;
        var cm = ToColumnMajor(a);
        var tau = new double[d];
        be.QrFactor(n, d, cm, n, tau);
        var r = new double[d * d];
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i <= j; i++) r[i + j * d] = cm[i + (long)j * n];
        }
        var sv = new double[d];
        be.Svd(d, d, r, d, sv, new double[d * d], d, new double[d * d], d);
        return (sv[0], 1 / sv[d - 1]);
    }

    /// <summary>A column-major copy of a row-major dense operator.</summary>
    public static double[] ToColumnMajor(DenseOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        int n = a.Rows, d = a.Columns;
        var data = a.Data;
        var cm = LargeArrays.Allocate((long)n * d);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) cm[i + (long)j * n] = data[(int)((long)i * d + j)];
        }
        return cm;
    }

    private static double[] Normals(ulong seed, uint stream, long count)
    {
        var stream6 = new PhiloxStream(seed, RandomPurpose.TestProblems, stream);
        var values = new double[count];
        Parallel.For(0, (int)((count + 4095) / 4096), block =>
        {
            long start = (long)block * 4096, end = Math.Min(count, start + 4096);
            for (long i = start; i < end; i++) values[i] = stream6.Normal((ulong)i);
        });
        return values;
    }

    private static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double x in v) s += x * x;
        return Math.Sqrt(s);
    }

    private static void CheckSizes(int n, int d)
    {
        if (d < 1) throw new ArgumentException($"d must be ≥ 1 (got {d}).", nameof(d));
        if (n < d) throw new ArgumentException($"n must be ≥ d (got n = {n}, d = {d}).", nameof(n));
        if ((long)n * d > int.MaxValue) throw new ArgumentException($"n·d = {(long)n * d} is too large for one array.", nameof(n));
    }
}
