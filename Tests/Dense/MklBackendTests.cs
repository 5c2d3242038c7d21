using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

/// <summary>
/// MKL-specific checks (loading, failure reasons, threads, info/NaN mapping) plus a few comparisons with plain loops, so
/// the MKL backend is verified on its own; the parameterized dense suite covers the full contract per backend.
/// </summary>
[TestFixture]
public class MklBackendTests
{
    private static readonly string[] LibraryDirectories = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/opt/intel/mkl/lib/intel64"];

    private static bool MklInstalled =>
        LibraryDirectories.Any(d => MklBackend.LibraryCandidates.Any(c => File.Exists(Path.Combine(d, c))));

    private static MklBackend Backend()
    {
        (IDenseBackend? backend, string? reason) = MklBackend.TryCreate();
        if (backend is null)
        {
            if (MklInstalled) Assert.Fail($"MKL is installed but TryCreate failed: {reason}");
            Assert.Ignore($"MKL unavailable: {reason}");
        }
        return (MklBackend)backend!;
    }

    private static double[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = rng.NextDouble() * 2 - 1;
        return v;
    }

    /// <summary>A random SPD n×n matrix (column-major, ld = n): M·Mᵀ + n·I.</summary>
    private static double[] Spd(int n, int seed)
    {
        double[] m = Random(n * n, seed);
        var a = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++) s += m[i + k * n] * m[j + k * n];
                a[i + j * n] = s;
            }
        return a;
    }

    // ------------------------------------------------------------------ loading

    [Test]
    public void TryCreate_SucceedsWhereMklIsInstalled()
    {
        (IDenseBackend? backend, string? reason) = MklBackend.TryCreate();
        if (!MklInstalled) Assert.Ignore($"no libmkl_rt on this machine: {reason}");
        Assert.That(backend, Is.Not.Null, reason);
        Assert.That(reason, Is.Null);
        Assert.That(backend!.Name, Is.EqualTo("mkl"));
        Assert.That(backend.Description, Does.Contain("Intel MKL").And.Contain("threads"));
        TestContext.Out.WriteLine(backend.Description);
        Assert.That(MklBackend.TryCreate().Backend, Is.SameAs(backend), "one process-wide instance");
    }

    [Test]
    public void Registry_ListsMkl()
    {
        Assert.That(DenseBackendRegistry.Factories.Select(f => f.Name), Does.Contain("mkl"));
    }

    [Test]
    public void MissingLibrary_GivesReasonWithoutThrowing()
    {
        (MklBackend? backend, string? reason) = (null, null);
        Assert.DoesNotThrow(() => (backend, reason) = MklBackend.TryCreateFrom(
            "mkl_rt_missing_for_test", ["libmkl_rt_does_not_exist.so.9"], MklBackend.OpenMpCandidates));
        Assert.That(backend, Is.Null);
        Assert.That(reason, Does.StartWith(
            "MKL not found (libmkl_rt.so); install Debian's non-free package libmkl-rt (with Recommends, for libiomp5)"));
        Assert.That(reason, Does.Contain("libmkl_rt_does_not_exist.so.9"));
    }

    [Test]
    public void NativeLibraries_TryLoad_BogusNameFailsCleanly()
    {
        bool ok = NativeLibraries.TryLoad("bogus_for_test", ["libbogus_for_test_xyz.so", ""], out IntPtr handle, out string? error);
        Assert.That(ok, Is.False);
        Assert.That(handle, Is.EqualTo(IntPtr.Zero));
        Assert.That(error, Does.Contain("libbogus_for_test_xyz.so"));
        Assert.That(NativeLibraries.IsLoaded("bogus_for_test", out _), Is.False);
    }

    [Test]
    public void MissingOpenMp_IsReportedWithItsPackage()
    {
        string? previous = Environment.GetEnvironmentVariable("MKL_THREADING_LAYER");
        Environment.SetEnvironmentVariable("MKL_THREADING_LAYER", null);
        try
        {
            string? reason = MklBackend.CheckDependencies("iomp5_missing_for_test", ["libiomp5_does_not_exist.so"]);
            if (reason is not null && reason.Contains("libmkl_core", StringComparison.Ordinal)) Assert.Ignore(reason);
            Assert.That(reason, Does.Contain("libiomp5.so").And.Contain("libomp-dev"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MKL_THREADING_LAYER", previous);
        }
    }

    [Test]
    public void Threads_RoundTrip()
    {
        MklBackend mkl = Backend();
        int original = mkl.Threads;
        Assert.That(original, Is.EqualTo(Environment.ProcessorCount), "default");
        try
        {
            mkl.Threads = 1;
            Assert.That(mkl.Threads, Is.EqualTo(1));
            mkl.Threads = 2;
            Assert.That(mkl.Threads, Is.EqualTo(2));
            Assert.That(mkl.Description, Does.Contain("2 threads"));
            Assert.Throws<ArgumentOutOfRangeException>(() => mkl.Threads = 0);
        }
        finally
        {
            mkl.Threads = original;
        }
    }

    // ------------------------------------------------------------------ comparisons with plain loops

    [TestCase(Transpose.No, Transpose.No, 5, 4, 3)]
    [TestCase(Transpose.Yes, Transpose.No, 6, 2, 7)]
    [TestCase(Transpose.No, Transpose.Yes, 3, 8, 4)]
    [TestCase(Transpose.Yes, Transpose.Yes, 70, 65, 90)]
    public void Gemm_MatchesLoops(Transpose ta, Transpose tb, int m, int n, int k)
    {
        MklBackend mkl = Backend();
        int aRows = ta == Transpose.No ? m : k, aCols = ta == Transpose.No ? k : m;
        int bRows = tb == Transpose.No ? k : n, bCols = tb == Transpose.No ? n : k;
        int lda = aRows + 2, ldb = bRows + 1, ldc = m + 3;
        double[] a = Random(lda * aCols, 1), b = Random(ldb * bCols, 2), c = Random(ldc * n, 3);
        double[] expected = (double[])c.Clone();
        const double alpha = 1.5, beta = -0.5;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    double aip = ta == Transpose.No ? a[i + p * lda] : a[p + i * lda];
                    double bpj = tb == Transpose.No ? b[p + j * ldb] : b[j + p * ldb];
                    s += aip * bpj;
                }
                expected[i + j * ldc] = alpha * s + beta * c[i + j * ldc];
            }
        mkl.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        for (int i = 0; i < c.Length; i++)
            Assert.That(c[i], Is.EqualTo(expected[i]).Within(1e-12 * (1 + Math.Abs(expected[i]))), $"c[{i}]");
    }

    [Test]
    public void Gemm_InnerDimensionZero_ScalesC()
    {
        MklBackend mkl = Backend();
        double[] c = [1, 2, 3, 4];
        mkl.Gemm(Transpose.No, Transpose.No, 2, 2, 0, 1.0, [], 2, new double[1], 1, 3.0, c, 2); // B is 0×2: ldb·(2 − 1) elements
        Assert.That(c, Is.EqualTo(new double[] { 3, 6, 9, 12 }));
        c = [double.NaN, 1, 1, 1];
        mkl.Gemm(Transpose.No, Transpose.No, 2, 2, 0, 1.0, [], 2, new double[1], 1, 0.0, c, 2);
        Assert.That(c, Is.EqualTo(new double[] { 0, 0, 0, 0 }), "β = 0 overwrites, as in BLAS");
    }

    [TestCase(Triangle.Lower, 6)]
    [TestCase(Triangle.Upper, 40)]
    [TestCase(Triangle.Lower, 300)]
    public void CholeskyFactorAndSolve_SolvesSpdSystem(Triangle triangle, int n)
    {
        MklBackend mkl = Backend();
        double[] a = Spd(n, 4);
        double[] factor = (double[])a.Clone();
        const int nrhs = 3;
        double[] x = Random(n * nrhs, 5);
        double[] b = new double[n * nrhs];
        for (int r = 0; r < nrhs; r++)
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) s += a[i + j * n] * x[j + r * n];
                b[i + r * n] = s;
            }
        mkl.CholeskyFactor(triangle, n, factor, n);
        // The other triangle is untouched.
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if (triangle == Triangle.Lower ? i < j : i > j)
                    Assert.That(factor[i + j * n], Is.EqualTo(a[i + j * n]));
        mkl.CholeskySolve(triangle, n, nrhs, factor, n, b, n);
        for (int i = 0; i < b.Length; i++)
            Assert.That(b[i], Is.EqualTo(x[i]).Within(1e-10), $"x[{i}]");
    }

    [TestCase(Triangle.Lower, 2, 1)]
    [TestCase(Triangle.Upper, 5, 3)]
    [TestCase(Triangle.Lower, 200, 150)]
    public void CholeskyFactor_NotPositiveDefinite_NamesPivotAndValue(Triangle triangle, int n, int pivot)
    {
        MklBackend mkl = Backend();
        double[] a = Spd(n, 6);
        // Lower the pivot's diagonal so that its Schur complement is exactly −1: first factor a copy to learn it.
        double[] f = (double[])a.Clone();
        mkl.CholeskyFactor(Triangle.Lower, n, f, n);
        double lpp = f[pivot + pivot * n];
        a[pivot + pivot * n] -= lpp * lpp + 1.0;
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => mkl.CholeskyFactor(triangle, n, a, n));
        Assert.That(ex!.Pivot, Is.EqualTo(pivot));
        Assert.That(ex.Value, Is.EqualTo(-1.0).Within(1e-8 * n));
    }

    [TestCase(4, 4)]
    [TestCase(50, 50)]
    [TestCase(300, 300)]
    public void LuFactorAndSolve_SolvesSystem(int n, int seed)
    {
        MklBackend mkl = Backend();
        double[] a = Random(n * n, seed);
        double[] lu = (double[])a.Clone();
        var pivots = new int[n];
        mkl.LuFactor(n, n, lu, n, pivots);
        for (int i = 0; i < n; i++)
            Assert.That(pivots[i], Is.InRange(i, n - 1), "0-based interchanges");
        foreach (Transpose t in new[] { Transpose.No, Transpose.Yes })
        {
            double[] x = Random(n, seed + 1);
            var b = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    b[i] += (t == Transpose.No ? a[i + j * n] : a[j + i * n]) * x[j];
            mkl.LuSolve(t, n, 1, lu, n, pivots, b, n);
            for (int i = 0; i < n; i++)
                Assert.That(b[i], Is.EqualTo(x[i]).Within(1e-8), $"{t} x[{i}]");
        }
    }

    [Test]
    public void LuFactor_Singular_NamesZeroPivot_AndStillConvertsPivots()
    {
        MklBackend mkl = Backend();
        // Column 2 is zero: U[2,2] = 0 exactly.
        double[] a = [2, 1, 0, 1, 3, 0, 0, 0, 0];
        var pivots = new int[3];
        var ex = Assert.Throws<SingularMatrixException>(() => mkl.LuFactor(3, 3, a, 3, pivots));
        Assert.That(ex!.Pivot, Is.EqualTo(2));
        Assert.That(pivots, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [TestCase(6, 4)]
    [TestCase(120, 80)]
    public void QrFactor_RDiagonalMatchesGramSchmidt(int m, int n)
    {
        MklBackend mkl = Backend();
        double[] a = Random(m * n, 7);
        // Modified Gram-Schmidt: |R_jj| is the norm of column j after removing its components along q_0…q_{j−1}.
        double[] q = (double[])a.Clone();
        var rdiag = new double[n];
        for (int j = 0; j < n; j++)
        {
            double norm = 0;
            for (int i = 0; i < m; i++) norm += q[i + j * m] * q[i + j * m];
            norm = Math.Sqrt(norm);
            rdiag[j] = norm;
            for (int i = 0; i < m; i++) q[i + j * m] /= norm;
            for (int l = j + 1; l < n; l++)
            {
                double d = 0;
                for (int i = 0; i < m; i++) d += q[i + j * m] * q[i + l * m];
                for (int i = 0; i < m; i++) q[i + l * m] -= d * q[i + j * m];
            }
        }
        var tau = new double[n];
        mkl.QrFactor(m, n, a, m, tau);
        for (int j = 0; j < n; j++)
            Assert.That(Math.Abs(a[j + j * m]), Is.EqualTo(rdiag[j]).Within(1e-10 * (1 + rdiag[j])), $"|R[{j},{j}]|");

        // Qᵀ applied to the original A gives R (zeros below the diagonal).
        double[] original = Random(m * n, 7);
        mkl.ApplyQ(Transpose.Yes, m, n, n, a, m, tau, original, m);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                Assert.That(original[i + j * m], Is.EqualTo(i <= j ? a[i + j * m] : 0.0).Within(1e-10), $"(QᵀA)[{i},{j}]");
    }

    [Test]
    public void LeastSquares_RankDeficient_IsSingular()
    {
        MklBackend mkl = Backend();
        double[] a = [1, 2, 3, 0, 0, 0]; // 3×2 with a zero column
        double[] b = [1, 1, 1];
        Assert.Throws<SingularMatrixException>(() => mkl.LeastSquares(3, 2, 1, a, 3, b, 3));
    }

    [Test]
    public void LeastSquares_FitsLine()
    {
        MklBackend mkl = Backend();
        // y = 2 + 3t at t = 0…4, exactly.
        double[] a = [1, 1, 1, 1, 1, 0, 1, 2, 3, 4];
        double[] b = [2, 5, 8, 11, 14];
        mkl.LeastSquares(5, 2, 1, a, 5, b, 5);
        Assert.That(b[0], Is.EqualTo(2).Within(1e-12));
        Assert.That(b[1], Is.EqualTo(3).Within(1e-12));
    }

    [Test]
    public void TriangularSolve_ZeroDiagonal_IsSingular()
    {
        MklBackend mkl = Backend();
        double[] a = [1, 0, 0, 2, 0, 0, 3, 4, 5]; // upper, A[1,1] = 0
        double[] b = [1, 1, 1];
        var ex = Assert.Throws<SingularMatrixException>(() =>
            mkl.TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, 3, 1, 1.0, a, 3, b, 3));
        Assert.That(ex!.Pivot, Is.EqualTo(1));
    }

    [TestCase(3, 3)]
    [TestCase(5, 3)]
    [TestCase(3, 5)]
    public void Svd_OfDiagonalMatrix_GivesSortedAbsoluteDiagonal(int m, int n)
    {
        MklBackend mkl = Backend();
        double[] diag = [3, -5, 1];
        var a = new double[m * n];
        for (int i = 0; i < 3; i++) a[i + i * m] = diag[i];
        int p = Math.Min(m, n);
        var s = new double[p];
        var u = new double[m * p];
        var vt = new double[p * n];
        mkl.Svd(m, n, a, m, s, u, m, vt, p);
        Assert.That(s, Is.EqualTo(new double[] { 5, 3, 1 }).Within(1e-14));
        // U·diag(s)·Vᵀ reproduces the diagonal matrix.
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double v = 0;
                for (int l = 0; l < p; l++) v += u[i + l * m] * s[l] * vt[l + j * p];
                double expected = i == j && i < 3 ? diag[i] : 0;
                Assert.That(v, Is.EqualTo(expected).Within(1e-13), $"({i},{j})");
            }
    }

    [TestCase(Triangle.Lower)]
    [TestCase(Triangle.Upper)]
    public void SymmetricEigen_KnownSpectrum(Triangle triangle)
    {
        MklBackend mkl = Backend();
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3, ascending.
        double[] a = [2, 1, 1, 2];
        var w = new double[2];
        mkl.SymmetricEigen(triangle, 2, a, 2, w);
        Assert.That(w[0], Is.EqualTo(1).Within(1e-14));
        Assert.That(w[1], Is.EqualTo(3).Within(1e-14));
        double r = Math.Sqrt(0.5);
        Assert.That(Math.Abs(a[0]), Is.EqualTo(r).Within(1e-14));
        Assert.That(a[0] * a[1], Is.EqualTo(-0.5).Within(1e-14), "first eigenvector ∝ (1, −1)");
    }

    // ------------------------------------------------------------------ argument and NaN mapping

    [Test]
    public void NaNInput_FollowsTheContract_NeverTheNaNCheck()
    {
        MklBackend mkl = Backend();
        // Cholesky: dpotrf's own disnan check names the pivot, with the NaN value.
        double[] a = [4, double.NaN, double.NaN, 4];
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => mkl.CholeskyFactor(Triangle.Lower, 2, a, 2));
        Assert.That(ex!.Pivot, Is.EqualTo(1));
        Assert.That(double.IsNaN(ex.Value), Is.True);

        // LU and QR propagate (the high-level LAPACKE functions would have refused with info −4).
        double[] lu = [1, double.NaN, 0, 1];
        Assert.DoesNotThrow(() => mkl.LuFactor(2, 2, lu, 2, new int[2]));
        Assert.That(lu.Any(double.IsNaN), Is.True);
        double[] b = [double.NaN, 1];
        Assert.DoesNotThrow(() => mkl.LuSolve(Transpose.No, 2, 1, [2, 1, 0, 2], 2, [0, 1], b, 2));
        Assert.That(double.IsNaN(b[0]), Is.True);

        // SVD: all-NaN outputs, MKL not called.
        var s = new double[2];
        var u = new double[4];
        var vt = new double[4];
        mkl.Svd(2, 2, [1, 0, 0, double.PositiveInfinity], 2, s, u, 2, vt, 2);
        Assert.That(s.Concat(u).Concat(vt).All(double.IsNaN), Is.True);
    }

    [Test]
    public void NaNCheckInfo_MapsToArgumentException_OtherNegativeInfoToInvalidOperation()
    {
        Exception nan = MklBackend.NegativeInfo("LAPACKE_dgesdd", -5, (5, "a"));
        Assert.That(nan, Is.TypeOf<ArgumentException>());
        Assert.That(((ArgumentException)nan).ParamName, Is.EqualTo("a"));
        Assert.That(nan.Message, Does.Contain("a contains NaN").And.Contain("LAPACKE_dgesdd"));
        Exception bug = MklBackend.NegativeInfo("LAPACKE_dgesdd", -6, (5, "a"));
        Assert.That(bug, Is.TypeOf<InvalidOperationException>());
        Assert.That(bug.Message, Does.Contain("LAPACKE_dgesdd").And.Contain("argument 6"));
    }

    [Test]
    public void NaNInNonReferencedTriangle_IsIgnored()
    {
        MklBackend mkl = Backend();
        double[] a = [4, 2, double.NaN, 5]; // upper entry is not referenced by a lower factorization
        mkl.CholeskyFactor(Triangle.Lower, 2, a, 2);
        Assert.That(a[0], Is.EqualTo(2));
        Assert.That(a[1], Is.EqualTo(1));
        Assert.That(a[3], Is.EqualTo(2));
    }

    [Test]
    public void WrongSizes_ThrowBeforeNativeCall()
    {
        MklBackend mkl = Backend();
        Assert.Throws<ArgumentException>(() => mkl.CholeskyFactor(Triangle.Lower, 3, new double[8], 3));
        Assert.Throws<ArgumentException>(() => mkl.Gemm(Transpose.No, Transpose.No, 2, 2, 2, 1, new double[4], 1, new double[4], 2, 0, new double[4], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => mkl.LuSolve(Transpose.No, 2, 1, new double[4], 2, [0, 5], new double[2], 2));
    }

    [Test]
    public void ZeroSizes_DoNothing()
    {
        MklBackend mkl = Backend();
        Assert.DoesNotThrow(() =>
        {
            mkl.CholeskyFactor(Triangle.Lower, 0, [], 1);
            mkl.LuFactor(0, 3, new double[2], 1, []); // 0×3 with lda = 1: lda·(3 − 1) elements
            mkl.QrFactor(3, 0, [], 3, []);
            mkl.Svd(0, 0, [], 1, [], [], 1, [], 1);
            mkl.SymmetricEigen(Triangle.Upper, 0, [], 1, []);
            mkl.LuSolve(Transpose.No, 0, 0, [], 1, [], [], 1);
            mkl.Gemm(Transpose.No, Transpose.No, 0, 0, 0, 1, [], 1, [], 1, 0, [], 1);
        });
    }
}
