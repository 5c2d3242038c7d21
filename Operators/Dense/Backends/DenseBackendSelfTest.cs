using System.Globalization;
using System.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Solvers.Dense;

/// <summary>The outcome of <see cref="DenseBackendSelfTest.Run"/>.</summary>
/// <param name="BackendName">The backend that was tested.</param>
/// <param name="Failures">One line per failed check; empty when every check passed.</param>
public sealed record DenseSelfTestResult(string BackendName, IReadOnlyList<string> Failures)
{
    /// <summary>Whether every check passed.</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>"passed", or the failures joined by "; ".</summary>
    public override string ToString() => Passed ? "passed" : string.Join("; ", Failures);
}

/// <summary>
/// A small numerical self-test run before a backend is switched in (DESIGN §5): gemm, gemv, triangular solve, Cholesky,
/// LU, QR (factor, Qᵀ application, least squares), SVD and the symmetric eigen-decomposition on fixed 8×8 and 12×5
/// matrices, against exact integer results or MathNet's managed provider, to 1e-12 relative. It takes a millisecond.
/// </summary>
public static class DenseBackendSelfTest
{
    /// <summary>The relative tolerance of every check.</summary>
    public const double Tolerance = 1e-12;

    /// <summary>Runs every check; never throws (an exception from the backend is a failure).</summary>
    public static DenseSelfTestResult Run(IDenseBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var failures = new List<string>();
        (string Name, Action<IDenseBackend, List<string>> Check)[] checks =
        [
            ("gemm", CheckGemm), ("gemv", CheckGemv), ("trsm", CheckTriangularSolve), ("cholesky", CheckCholesky),
            ("lu", CheckLu), ("qr", CheckQr), ("svd", CheckSvd), ("eigen", CheckEigen),
        ];
        foreach (var (name, check) in checks)
        {
            try
            {
                check(backend, failures);
            }
#pragma warning disable CA1031 // Any exception from a backend under test means it failed the test; none may escape.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        return new DenseSelfTestResult(backend.Name, failures);
    }

    // ---- fixed inputs ---------------------------------------------------------------------------------------------

    /// <summary>A small integer in [-5, 5] from a fixed formula: products and sums of these are exact in double.</summary>
    private static double Int(int i, int j, int salt) => ((3 * i + 7 * j + 5 * salt + i * j) % 11) - 5;

    /// <summary>A column-major m×n integer matrix with leading dimension ld (padding filled with NaN to catch misuse).</summary>
    private static double[] IntMatrix(int m, int n, int ld, int salt)
    {
        var a = new double[ld * n];
        Array.Fill(a, double.NaN);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) a[i + j * ld] = Int(i, j, salt);
        return a;
    }

    /// <summary>An n×n integer matrix made strictly diagonally dominant (non-singular, well conditioned).</summary>
    private static double[] DominantMatrix(int n, int salt)
    {
        var a = IntMatrix(n, n, n, salt);
        for (int i = 0; i < n; i++) a[i + i * n] = 6.0 * n + i;
        return a;
    }

    /// <summary>A lower-triangular integer L (diagonal 4..7, off-diagonal entries in [-2, 2]): A = L·Lᵀ is an exact, well-conditioned integer SPD matrix.</summary>
    private static double[] LowerFactor(int n)
    {
        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            l[j + j * n] = 4 + j % 4;
            for (int i = j + 1; i < n; i++) l[i + j * n] = Int(i, j, 2) % 3;
        }

        return l;
    }

    private static double At(ReadOnlySpan<double> a, int ld, Transpose t, int i, int j) => t == Transpose.No ? a[i + j * ld] : a[j + i * ld];

    /// <summary>C ← α·op(A)·op(B) + β·C by the definition (exact for small integers).</summary>
    private static void NaiveGemm(Transpose ta, Transpose tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb,
        double beta, double[] c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += At(a, lda, ta, i, p) * At(b, ldb, tb, p, j);
                c[i + j * ldc] = alpha * s + beta * c[i + j * ldc];
            }
    }

    private static double MaxAbs(ReadOnlySpan<double> x)
    {
        double m = 0;
        foreach (var v in x) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>Compares the m×n blocks of two column-major arrays, relative to the largest entry of the expected one.</summary>
    private static void Compare(List<string> failures, string what, int m, int n, ReadOnlySpan<double> expected, int lde, ReadOnlySpan<double> actual, int lda,
        double scale = 0)
    {
        double worst = 0, reference = scale;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) reference = Math.Max(reference, Math.Abs(expected[i + j * lde]));
        reference = Math.Max(reference, double.Epsilon);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double d = Math.Abs(expected[i + j * lde] - actual[i + j * lda]);
                if (!(d <= worst)) worst = double.IsNaN(d) ? double.PositiveInfinity : d;
            }

        if (!(worst <= Tolerance * reference))
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: relative difference {worst / reference:G3} > {Tolerance:G1}"));
    }

    // ---- checks ---------------------------------------------------------------------------------------------------

    private static void CheckGemm(IDenseBackend be, List<string> failures)
    {
        foreach (var (ta, tb) in new[] { (Transpose.No, Transpose.No), (Transpose.Yes, Transpose.No), (Transpose.No, Transpose.Yes), (Transpose.Yes, Transpose.Yes) })
        {
            const int m = 8, n = 7, k = 6;
            int ar = ta == Transpose.No ? m : k, ac = ta == Transpose.No ? k : m;
            int br = tb == Transpose.No ? k : n, bc = tb == Transpose.No ? n : k;
            int lda = ar + 2, ldb = br + 1, ldc = m + 3;
            var a = IntMatrix(ar, ac, lda, 1);
            var b = IntMatrix(br, bc, ldb, 3);
            var c = IntMatrix(m, n, ldc, 4);
            var expected = (double[])c.Clone();
            NaiveGemm(ta, tb, m, n, k, 2.0, a, lda, b, ldb, -1.0, expected, ldc);
            be.Gemm(ta, tb, m, n, k, 2.0, a, lda, b, ldb, -1.0, c, ldc);
            Compare(failures, $"gemm {ta}/{tb}", m, n, expected, ldc, c, ldc);
        }

        // β = 0 must not read C (NaN there must not propagate).
        var a2 = IntMatrix(8, 8, 8, 5);
        var c2 = new double[64];
        Array.Fill(c2, double.NaN);
        var e2 = new double[64];
        NaiveGemm(Transpose.No, Transpose.No, 8, 8, 8, 1.0, a2, 8, a2, 8, 0.0, e2, 8);
        be.Gemm(Transpose.No, Transpose.No, 8, 8, 8, 1.0, a2, 8, a2, 8, 0.0, c2, 8);
        Compare(failures, "gemm beta=0", 8, 8, e2, 8, c2, 8);
    }

    private static void CheckGemv(IDenseBackend be, List<string> failures)
    {
        foreach (var t in new[] { Transpose.No, Transpose.Yes })
        {
            const int m = 12, n = 5;
            var a = IntMatrix(m, n, m + 1, 6);
            int xl = t == Transpose.No ? n : m, yl = t == Transpose.No ? m : n;
            var x = new double[xl];
            for (int i = 0; i < xl; i++) x[i] = i - 2;
            var y = new double[yl];
            for (int i = 0; i < yl; i++) y[i] = 1 + i % 3;
            var expected = (double[])y.Clone();
            NaiveGemm(t, Transpose.No, yl, 1, xl, 3.0, a, m + 1, x, xl, 0.5, expected, yl);
            be.Gemv(t, m, n, 3.0, a, m + 1, x, 0.5, y);
            Compare(failures, $"gemv {t}", yl, 1, expected, yl, y, yl);
        }
    }

    private static void CheckTriangularSolve(IDenseBackend be, List<string> failures)
    {
        const int n = 8, nrhs = 3;
        var l = LowerFactor(n);
        var x = IntMatrix(n, nrhs, n, 7);
        foreach (var t in new[] { Transpose.No, Transpose.Yes })
        {
            var b = new double[n * nrhs];
            NaiveGemm(t, Transpose.No, n, nrhs, n, 1.0, l, n, x, n, 0.0, b, n);
            be.TriangularSolve(Side.Left, Triangle.Lower, t, Diagonal.NonUnit, n, nrhs, 1.0, l, n, b, n);
            Compare(failures, $"trsm lower {t}", n, nrhs, x, n, b, n);
        }
    }

    private static void CheckCholesky(IDenseBackend be, List<string> failures)
    {
        const int n = 8, nrhs = 2;
        var l = LowerFactor(n);
        var a = new double[n * n];
        NaiveGemm(Transpose.No, Transpose.Yes, n, n, n, 1.0, l, n, l, n, 0.0, a, n);
        var x = IntMatrix(n, nrhs, n, 8);
        var b = new double[n * nrhs];
        NaiveGemm(Transpose.No, Transpose.No, n, nrhs, n, 1.0, a, n, x, n, 0.0, b, n);

        var lower = (double[])a.Clone();
        be.CholeskyFactor(Triangle.Lower, n, lower, n);
        var lowerOnly = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++) lowerOnly[i + j * n] = lower[i + j * n];
        Compare(failures, "cholesky lower factor", n, n, l, n, lowerOnly, n);
        for (int j = 1; j < n; j++)
            for (int i = 0; i < j; i++)
                if (lower[i + j * n] != a[i + j * n]) { failures.Add("cholesky lower: the upper triangle was modified"); j = n; break; }
        var xb = (double[])b.Clone();
        be.CholeskySolve(Triangle.Lower, n, nrhs, lower, n, xb, n);
        Compare(failures, "cholesky lower solve", n, nrhs, x, n, xb, n);

        var upper = (double[])a.Clone();
        be.CholeskyFactor(Triangle.Upper, n, upper, n);
        xb = (double[])b.Clone();
        be.CholeskySolve(Triangle.Upper, n, nrhs, upper, n, xb, n);
        Compare(failures, "cholesky upper solve", n, nrhs, x, n, xb, n);

        var indefinite = (double[])a.Clone();
        indefinite[3 + 3 * n] = -1;
        try
        {
            be.CholeskyFactor(Triangle.Lower, n, indefinite, n);
            failures.Add("cholesky: an indefinite matrix was not refused");
        }
        catch (NotPositiveDefiniteException e) when (e.Pivot == 3)
        {
        }
    }

    private static void CheckLu(IDenseBackend be, List<string> failures)
    {
        const int n = 8, nrhs = 2;
        var a = DominantMatrix(n, 9);
        // Swap rows so that partial pivoting has work to do.
        for (int j = 0; j < n; j++) (a[0 + j * n], a[5 + j * n]) = (a[5 + j * n], a[0 + j * n]);
        var x = IntMatrix(n, nrhs, n, 10);
        var f = (double[])a.Clone();
        var piv = new int[n];
        be.LuFactor(n, n, f, n, piv);
        foreach (var t in new[] { Transpose.No, Transpose.Yes })
        {
            var b = new double[n * nrhs];
            NaiveGemm(t, Transpose.No, n, nrhs, n, 1.0, a, n, x, n, 0.0, b, n);
            be.LuSolve(t, n, nrhs, f, n, piv, b, n);
            Compare(failures, $"lu solve {t}", n, nrhs, x, n, b, n);
        }

        if (piv[0] != 5) failures.Add(string.Create(CultureInfo.InvariantCulture, $"lu: first pivot is {piv[0]}, expected row 5 (0-based)"));
    }

    private static void CheckQr(IDenseBackend be, List<string> failures)
    {
        const int m = 12, n = 5, nrhs = 2;
        var a = IntMatrix(m, n, m, 11);
        for (int i = 0; i < n; i++) a[i + i * m] += 9; // full column rank
        var managed = ManagedLinearAlgebraProvider.Instance;

        // Factor, then Qᵀ·A must be R (upper part) with zeros below.
        var f = (double[])a.Clone();
        var tau = new double[n];
        be.QrFactor(m, n, f, m, tau);
        var qta = (double[])a.Clone();
        be.ApplyQ(Transpose.Yes, m, n, n, f, m, tau, qta, m);
        var r = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++) r[i + j * m] = f[i + j * m];
        Compare(failures, "qr: Qᵀ·A = R", m, n, r, m, qta, m, MaxAbs(a));
        var back = (double[])r.Clone();
        be.ApplyQ(Transpose.No, m, n, n, f, m, tau, back, m);
        Compare(failures, "qr: Q·R = A", m, n, a, m, back, m);

        // Least squares: a consistent right-hand side (exact answer) and a general one (against the managed provider).
        var x = IntMatrix(n, 1, n, 12);
        var b = new double[m * nrhs];
        NaiveGemm(Transpose.No, Transpose.No, m, 1, n, 1.0, a, m, x, n, 0.0, b, m);
        for (int i = 0; i < m; i++) b[i + m] = Int(i, 3, 13);
        var expected = new double[n * nrhs];
        managed.QRSolve((double[])a.Clone(), m, n, (double[])b.Clone(), nrhs, expected, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Full);
        Compare(failures, "least squares vs exact", n, 1, x, n, expected, n); // guards the reference itself
        var fa = (double[])a.Clone();
        be.LeastSquares(m, n, nrhs, fa, m, b, m);
        Compare(failures, "least squares (consistent)", n, 1, x, n, b, m);
        Compare(failures, "least squares (general)", n, 1, expected.AsSpan(n), n, b.AsSpan(m), m);
    }

    private static void CheckSvd(IDenseBackend be, List<string> failures)
    {
        var managed = ManagedLinearAlgebraProvider.Instance;
        foreach (var (m, n) in new[] { (12, 5), (8, 8), (5, 9) })
        {
            var a = IntMatrix(m, n, m, 14 + m);
            int k = Math.Min(m, n);
            var s = new double[k];
            var u = new double[m * k];
            var vt = new double[k * n];
            be.Svd(m, n, (double[])a.Clone(), m, s, u, m, vt, k);

            var sRef = new double[k];
            managed.SingularValueDecomposition(false, (double[])a.Clone(), m, n, sRef, new double[m * m], new double[n * n]);
            Compare(failures, $"svd {m}×{n} singular values", k, 1, sRef, k, s, k);

            // U·diag(s)·Vᵀ = A, UᵀU = I, VᵀV = I.
            var us = new double[m * k];
            for (int j = 0; j < k; j++)
                for (int i = 0; i < m; i++) us[i + j * m] = u[i + j * m] * s[j];
            var rebuilt = new double[m * n];
            NaiveGemm(Transpose.No, Transpose.No, m, n, k, 1.0, us, m, vt, k, 0.0, rebuilt, m);
            Compare(failures, $"svd {m}×{n} U·S·Vᵀ = A", m, n, a, m, rebuilt, m);
            CheckOrthonormal(failures, $"svd {m}×{n} U", m, k, u, m, Transpose.No);
            CheckOrthonormal(failures, $"svd {m}×{n} V", k, n, vt, k, Transpose.Yes);
        }
    }

    private static void CheckEigen(IDenseBackend be, List<string> failures)
    {
        const int n = 8;
        var g = IntMatrix(n, n, n, 20);
        var a = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) a[i + j * n] = g[i + j * n] + g[j + i * n];

        var v = (double[])a.Clone();
        var w = new double[n];
        be.SymmetricEigen(Triangle.Lower, n, v, n, w);

        var managed = ManagedLinearAlgebraProvider.Instance;
        var lambda = new Complex[n];
        managed.EigenDecomp(true, n, (double[])a.Clone(), new double[n * n], lambda, new double[n * n]);
        var wRef = lambda.Select(z => z.Real).Order().ToArray();
        Compare(failures, "eigen values", n, 1, wRef, n, w, n);

        var av = new double[n * n];
        NaiveGemm(Transpose.No, Transpose.No, n, n, n, 1.0, a, n, v, n, 0.0, av, n);
        var vl = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) vl[i + j * n] = v[i + j * n] * w[j];
        Compare(failures, "eigen A·V = V·Λ", n, n, av, n, vl, n, MaxAbs(a));
        CheckOrthonormal(failures, "eigen V", n, n, v, n, Transpose.No);
    }

    /// <summary>Checks QᵀQ = I for the columns (No) or Q·Qᵀ = I for the rows (Yes) of the r×c matrix.</summary>
    private static void CheckOrthonormal(List<string> failures, string what, int r, int c, double[] q, int ld, Transpose rows)
    {
        int k = rows == Transpose.No ? c : r;
        var g = new double[k * k];
        if (rows == Transpose.No) NaiveGemm(Transpose.Yes, Transpose.No, k, k, r, 1.0, q, ld, q, ld, 0.0, g, k);
        else NaiveGemm(Transpose.No, Transpose.Yes, k, k, c, 1.0, q, ld, q, ld, 0.0, g, k);
        var eye = new double[k * k];
        for (int i = 0; i < k; i++) eye[i + i * k] = 1;
        Compare(failures, what + " orthonormal", k, k, eye, k, g, k);
    }
}
