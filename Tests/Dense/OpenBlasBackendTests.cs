using NUnit.Framework;
using Solvers.Dense;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Dense;

/// <summary>
/// The OpenBLAS backend against plain reference loops (column-major, padded leading dimensions), so that the branch is
/// verified on its own: loading, the CBLAS kernels, the Fortran LAPACK calls with their hidden length arguments, info
/// translation, pivots and the NaN policy.
/// </summary>
[TestFixture]
public class OpenBlasBackendTests
{
    private static OpenBlasBackend Backend()
    {
        var (backend, reason) = OpenBlasBackend.TryCreate();
        Assert.That(backend, Is.Not.Null, $"OpenBLAS backend unavailable: {reason}");
        return (OpenBlasBackend)backend!;
    }

    // ------------------------------------------------------------ column-major reference helpers

    /// <summary>A random r×c column-major matrix with leading dimension ld; the padding rows hold a sentinel.</summary>
    private static double[] RandomMatrix(int rows, int cols, int ld, int seed, double pad = 777.0)
    {
        var rng = new Random(seed);
        var a = new double[Math.Max(1, ld * cols)];
        Array.Fill(a, pad);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
                a[i + j * ld] = rng.NextDouble() * 2 - 1;
        return a;
    }

    private static double At(double[] a, int ld, int i, int j) => a[i + j * ld];

    /// <summary>op(X)(i, j) for a stored X with leading dimension ld.</summary>
    private static double Op(double[] x, int ld, Transpose t, int i, int j) => t == Transpose.No ? x[i + j * ld] : x[j + i * ld];

    /// <summary>Dense r×c product op(A)·op(B) into a packed (ld = r) result.</summary>
    private static double[] Product(double[] a, int lda, Transpose ta, double[] b, int ldb, Transpose tb, int m, int n, int k)
    {
        var c = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += Op(a, lda, ta, i, p) * Op(b, ldb, tb, p, j);
                c[i + j * m] = s;
            }
        return c;
    }

    /// <summary>The r×c block of a padded matrix, packed (ld = r).</summary>
    private static double[] Pack(double[] a, int rows, int cols, int ld)
    {
        var p = new double[rows * cols];
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
                p[i + j * rows] = a[i + j * ld];
        return p;
    }

    private static double[] SpdMatrix(int n, int ld, int seed)
    {
        double[] r = RandomMatrix(n, n, n, seed);
        double[] a = Product(r, n, Transpose.No, r, n, Transpose.Yes, n, n, n);
        var padded = new double[ld * n];
        Array.Fill(padded, 777.0);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                padded[i + j * ld] = a[i + j * n] + (i == j ? n : 0);
        return padded;
    }

    private static void AssertPaddingUntouched(double[] a, int rows, int cols, int ld, double pad = 777.0)
    {
        for (int j = 0; j < cols; j++)
            for (int i = rows; i < ld && i + j * ld < a.Length; i++)
                Assert.That(a[i + j * ld], Is.EqualTo(pad), $"padding ({i}, {j}) was written");
    }

    // ------------------------------------------------------------ loading, registry, threads

    [Test]
    public void TryCreate_Succeeds_AndIsRegistered()
    {
        var (backend, reason) = OpenBlasBackend.TryCreate();
        Assert.Multiple(() =>
        {
            Assert.That(reason, Is.Null);
            Assert.That(backend, Is.Not.Null);
            Assert.That(backend!.Name, Is.EqualTo("openblas"));
            Assert.That(backend.Description, Does.Contain("OpenBLAS"));
            Assert.That(DenseBackendRegistry.Factories.Select(f => f.Name), Does.Contain("openblas"));
            var (fromRegistry, _) = DenseBackendRegistry.Factories.Single(f => f.Name == "openblas").Create();
            Assert.That(fromRegistry, Is.InstanceOf<OpenBlasBackend>());
        });
    }

    // Tolerance: exact (messages).
    [Test]
    public void TryCreate_MissingLibraryOrSymbol_GivesReason_NotException()
    {
        var (none, reason) = OpenBlasBackend.TryCreate("openblas-test-missing", ["libopenblas-does-not-exist.so.0"],
            OpenBlasNative.RequiredSymbols);
        Assert.That(none, Is.Null);
        Assert.That(reason, Does.StartWith(OpenBlasBackend.NotFoundReason));
        Assert.That(OpenBlasBackend.NotFoundReason,
            Is.EqualTo("OpenBLAS not found (libopenblas.so.0); install Debian's package libopenblas0-pthread"));

        var (noSymbol, why) = OpenBlasBackend.TryCreate(OpenBlasNative.LibraryName, OpenBlasNative.Candidates,
            [.. OpenBlasNative.RequiredSymbols, "dgesdd_missing_"]);
        Assert.That(noSymbol, Is.Null);
        Assert.That(why, Does.Contain("does not export dgesdd_missing_"));
    }

    [Test]
    public void Threads_RoundTrip()
    {
        OpenBlasBackend b = Backend();
        int original = b.Threads;
        try
        {
            Assert.That(original, Is.GreaterThanOrEqualTo(1));
            b.Threads = 1;
            Assert.That(b.Threads, Is.EqualTo(1));
            b.Threads = 2;
            Assert.That(b.Threads, Is.EqualTo(2));
            Assert.That(b.Description, Does.Contain("2 thread"));
            Assert.That(() => b.Threads = 0, Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
        finally
        {
            b.Threads = original;
        }
    }

    // ------------------------------------------------------------ BLAS

    // Tolerance: 1e-13 relative to max |expected| (k ≤ 40 terms of size ≤ 1).
    [TestCase(Transpose.No, Transpose.No)]
    [TestCase(Transpose.Yes, Transpose.No)]
    [TestCase(Transpose.No, Transpose.Yes)]
    [TestCase(Transpose.Yes, Transpose.Yes)]
    public void Gemm_MatchesReference_WithTransposesAndPaddedLd(Transpose ta, Transpose tb)
    {
        OpenBlasBackend backend = Backend();
        foreach (var (m, n, k) in new[] { (5, 4, 3), (37, 29, 40) })
        {
            int aRows = ta == Transpose.No ? m : k, aCols = ta == Transpose.No ? k : m;
            int bRows = tb == Transpose.No ? k : n, bCols = tb == Transpose.No ? n : k;
            int lda = aRows + 3, ldb = bRows + 2, ldc = m + 4;
            double[] a = RandomMatrix(aRows, aCols, lda, 1), b = RandomMatrix(bRows, bCols, ldb, 2), c = RandomMatrix(m, n, ldc, 3);
            double[] c0 = (double[])c.Clone();
            const double alpha = 1.5, beta = -0.5;
            backend.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            double[] ab = Product(a, lda, ta, b, ldb, tb, m, n, k);
            var expected = new double[m * n];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++)
                    expected[i + j * m] = alpha * ab[i + j * m] + beta * c0[i + j * ldc];
            DenseReference.AssertClose(Pack(c, m, n, ldc), expected, 1e-13, $"gemm {ta}/{tb} {m}×{n}×{k}");
            AssertPaddingUntouched(c, m, n, ldc);
        }
    }

    // Tolerance: exact (k = 0 is β·C computed without OpenBLAS; zero sizes touch nothing).
    [Test]
    public void Gemm_ZeroSizes()
    {
        OpenBlasBackend backend = Backend();
        double[] c = [1, 2, 3, 4];
        backend.Gemm(Transpose.No, Transpose.No, 2, 2, 0, 1.0, [], 2, new double[1], 1, 3.0, c, 2); // B is 0×2: ldb·(2 − 1) elements
        Assert.That(c, Is.EqualTo(new double[] { 3, 6, 9, 12 }));
        c = [double.NaN, 1, 2, 3];
        backend.Gemm(Transpose.No, Transpose.No, 2, 2, 0, 1.0, [], 2, new double[1], 1, 0.0, c, 2);
        Assert.That(c, Is.EqualTo(new double[] { 0, 0, 0, 0 }), "β = 0 overwrites without reading");
        backend.Gemm(Transpose.No, Transpose.No, 0, 3, 2, 1.0, new double[1], 1, new double[6], 2, 0.0, new double[2], 1);
        double[] y = [1, 2];
        backend.Gemv(Transpose.No, 2, 0, 1.0, [], 2, [], 2.0, y);
        Assert.That(y, Is.EqualTo(new double[] { 1, 2 }), "reference dgemv returns at once for n = 0: y is not scaled");
    }

    // Tolerance: 1e-13 relative.
    [TestCase(Transpose.No)]
    [TestCase(Transpose.Yes)]
    public void Gemv_MatchesReference(Transpose t)
    {
        OpenBlasBackend backend = Backend();
        const int m = 13, n = 9, lda = 16;
        double[] a = RandomMatrix(m, n, lda, 4);
        int xLen = t == Transpose.No ? n : m, yLen = t == Transpose.No ? m : n;
        double[] x = DenseReference.RandomVector(xLen, 5), y = DenseReference.RandomVector(yLen, 6);
        double[] y0 = (double[])y.Clone();
        backend.Gemv(t, m, n, 2.0, a, lda, x, 0.25, y);
        var expected = new double[yLen];
        for (int i = 0; i < yLen; i++)
        {
            double s = 0;
            for (int p = 0; p < xLen; p++) s += Op(a, lda, t, i, p) * x[p];
            expected[i] = 2.0 * s + 0.25 * y0[i];
        }
        DenseReference.AssertClose(y, expected, 1e-13, $"gemv {t}");
    }

    // Tolerance: 1e-13 relative; the other triangle is untouched exactly.
    [TestCase(Triangle.Lower, Transpose.No)]
    [TestCase(Triangle.Upper, Transpose.No)]
    [TestCase(Triangle.Lower, Transpose.Yes)]
    [TestCase(Triangle.Upper, Transpose.Yes)]
    public void Syrk_MatchesReference_OnItsTriangle(Triangle tri, Transpose t)
    {
        OpenBlasBackend backend = Backend();
        const int n = 11, k = 7, ldc = 13;
        int aRows = t == Transpose.No ? n : k, aCols = t == Transpose.No ? k : n, lda = aRows + 1;
        double[] a = RandomMatrix(aRows, aCols, lda, 7), c = RandomMatrix(n, n, ldc, 8), c0 = (double[])c.Clone();
        backend.Syrk(tri, t, n, k, -1.0, a, lda, 2.0, c, ldc);
        Transpose other = t == Transpose.No ? Transpose.Yes : Transpose.No;
        double[] aat = Product(a, lda, t, a, lda, other, n, n, k);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                bool inTriangle = tri == Triangle.Lower ? i >= j : i <= j;
                double expected = inTriangle ? -aat[i + j * n] + 2.0 * c0[i + j * ldc] : c0[i + j * ldc];
                Assert.That(c[i + j * ldc], Is.EqualTo(expected).Within(1e-13 * 10), $"syrk ({i}, {j})");
            }
    }

    // Tolerance: residual of op(A)·X − α·B (or X·op(A) − α·B) ≤ 1e-12 relative; A is well conditioned (dominant diagonal).
    [TestCase(Side.Left, Triangle.Lower, Transpose.No, Diagonal.NonUnit)]
    [TestCase(Side.Left, Triangle.Upper, Transpose.Yes, Diagonal.NonUnit)]
    [TestCase(Side.Right, Triangle.Lower, Transpose.Yes, Diagonal.Unit)]
    [TestCase(Side.Right, Triangle.Upper, Transpose.No, Diagonal.NonUnit)]
    public void TriangularSolve_SolvesTheSystem(Side side, Triangle tri, Transpose t, Diagonal diag)
    {
        OpenBlasBackend backend = Backend();
        const int m = 8, n = 5, ldb = 10;
        int order = side == Side.Left ? m : n, lda = order + 2;
        double[] a = RandomMatrix(order, order, lda, 9);
        for (int i = 0; i < order; i++) a[i + i * lda] = diag == Diagonal.Unit ? 1e6 : 4 + i; // Unit: never read
        double[] b = RandomMatrix(m, n, ldb, 10), b0 = (double[])b.Clone();
        backend.TriangularSolve(side, tri, t, diag, m, n, 0.5, a, lda, b, ldb);
        // The triangle as a full packed matrix, with the unit diagonal made explicit.
        var tr = new double[order * order];
        for (int j = 0; j < order; j++)
            for (int i = 0; i < order; i++)
                tr[i + j * order] = i == j ? (diag == Diagonal.Unit ? 1 : a[i + j * lda])
                    : (tri == Triangle.Lower ? i > j : i < j) ? a[i + j * lda] : 0;
        double[] x = Pack(b, m, n, ldb);
        double[] lhs = side == Side.Left
            ? Product(tr, order, t, x, m, Transpose.No, m, n, m)
            : Product(x, m, Transpose.No, tr, order, t, m, n, n);
        var rhs = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                rhs[i + j * m] = 0.5 * b0[i + j * ldb];
        DenseReference.AssertClose(lhs, rhs, 1e-12, "trsm residual");
    }

    // ------------------------------------------------------------ Cholesky

    // Tolerance: 1e-12 relative on L·Lᵀ = A and on A·X = B (A = RRᵀ + nI, condition ≈ 10).
    [TestCase(Triangle.Lower)]
    [TestCase(Triangle.Upper)]
    public void Cholesky_FactorAndSolve(Triangle tri)
    {
        OpenBlasBackend backend = Backend();
        const int n = 9, lda = 12, nrhs = 3, ldb = 11;
        double[] a = SpdMatrix(n, lda, 11), a0 = (double[])a.Clone();
        // The other triangle must be left alone and is not read: poison it.
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if (tri == Triangle.Lower ? i < j : i > j) a[i + j * lda] = double.NaN;
        backend.CholeskyFactor(tri, n, a, lda);
        var f = new double[n * n]; // the factor as a full packed lower (L) or upper (U) matrix
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                bool inTriangle = tri == Triangle.Lower ? i >= j : i <= j;
                f[i + j * n] = inTriangle ? a[i + j * lda] : 0;
                if (!inTriangle) Assert.That(a[i + j * lda], Is.NaN, "other triangle untouched");
            }
        double[] product = tri == Triangle.Lower
            ? Product(f, n, Transpose.No, f, n, Transpose.Yes, n, n, n)
            : Product(f, n, Transpose.Yes, f, n, Transpose.No, n, n, n);
        DenseReference.AssertClose(product, Pack(a0, n, n, lda), 1e-12, "factor product");

        double[] b = RandomMatrix(n, nrhs, ldb, 12), b0 = (double[])b.Clone();
        backend.CholeskySolve(tri, n, nrhs, a, lda, b, ldb);
        double[] ax = Product(a0, lda, Transpose.No, b, ldb, Transpose.No, n, nrhs, n);
        DenseReference.AssertClose(ax, Pack(b0, n, nrhs, ldb), 1e-12, "A·X = B");
        AssertPaddingUntouched(b, n, nrhs, ldb);
    }

    // Tolerance: exact pivot index; the reported value is the updated pivot 1 − 2·2 = −3.
    [TestCase(Triangle.Lower)]
    [TestCase(Triangle.Upper)]
    public void Cholesky_NotPositiveDefinite_ReportsPivotAndValue(Triangle tri)
    {
        OpenBlasBackend backend = Backend();
        // Leading minors: 4 > 0, 4·5 − 4 = 16 > 0, then the third pivot 1 − (1 + 4) … < 0.
        double[] a =
        [
            4, 2, 2,
            2, 5, 4,
            2, 4, 1,
        ];
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => backend.CholeskyFactor(tri, 3, a, 3))!;
        // L = [2; 1 2; 1 1.5 ·]: third pivot 1 − 1 − 2.25 = −2.25.
        Assert.That(ex.Pivot, Is.EqualTo(2));
        Assert.That(ex.Value, Is.EqualTo(-2.25).Within(1e-14));

        double[] b = [1, 2, 2, 1];
        var ex2 = Assert.Throws<NotPositiveDefiniteException>(() => backend.CholeskyFactor(tri, 2, b, 2))!;
        Assert.That(ex2.Pivot, Is.EqualTo(1));
        Assert.That(ex2.Value, Is.EqualTo(-3).Within(1e-14));
    }

    // ------------------------------------------------------------ LU

    // Tolerance: 1e-12 relative on P·A = L·U and on op(A)·X = B (random 10×10, condition ≈ 1e2).
    [Test]
    public void Lu_FactorAndSolve_PivotsAreZeroBased()
    {
        OpenBlasBackend backend = Backend();
        const int n = 10, lda = 13, nrhs = 2, ldb = 12;
        double[] a = RandomMatrix(n, n, lda, 13);
        for (int i = 0; i < n; i++) a[i + i * lda] += 2; // keep it comfortably nonsingular
        double[] a0 = (double[])a.Clone();
        var pivots = new int[n];
        backend.LuFactor(n, n, a, lda, pivots);
        for (int i = 0; i < n; i++)
            Assert.That(pivots[i], Is.InRange(i, n - 1), $"pivot {i} is 0-based");
        AssertPaddingUntouched(a, n, n, lda);

        // P·A: apply the interchanges to A's rows in order.
        double[] pa = Pack(a0, n, n, lda);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                (pa[i + j * n], pa[pivots[i] + j * n]) = (pa[pivots[i] + j * n], pa[i + j * n]);
        var l = new double[n * n];
        var u = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                if (i > j) l[i + j * n] = a[i + j * lda];
                else u[i + j * n] = a[i + j * lda];
                if (i == j) l[i + j * n] = 1;
            }
        DenseReference.AssertClose(Product(l, n, Transpose.No, u, n, Transpose.No, n, n, n), pa, 1e-12, "P·A = L·U");

        foreach (Transpose t in new[] { Transpose.No, Transpose.Yes })
        {
            double[] b = RandomMatrix(n, nrhs, ldb, 14), b0 = (double[])b.Clone();
            backend.LuSolve(t, n, nrhs, a, lda, pivots, b, ldb);
            double[] ax = Product(a0, lda, t, b, ldb, Transpose.No, n, nrhs, n);
            DenseReference.AssertClose(ax, Pack(b0, n, nrhs, ldb), 1e-12, $"op(A)·X = B ({t})");
        }
    }

    // Tolerance: exact pivot of the singular U and exact 0-based pivots (the factorization completes).
    [Test]
    public void Lu_Singular_ThrowsWithPivot_AfterConvertingPivots()
    {
        OpenBlasBackend backend = Backend();
        // Column 1 = 2 · column 0, so U(1, 1) is exactly zero.
        double[] a = [1, 2, 4, 2, 4, 8, 0, 1, 5]; // multipliers 1/4 and 1/2: the zero is exact
        var pivots = new int[3];
        var ex = Assert.Throws<SingularMatrixException>(() => backend.LuFactor(3, 3, a, 3, pivots))!;
        Assert.That(ex.Pivot, Is.EqualTo(1));
        Assert.That(pivots[0], Is.EqualTo(2), "largest entry of column 0 is in row 2 (0-based)");
        Assert.That(pivots, Has.All.InRange(0, 2));
    }

    // Tolerance: 1e-12 relative on P·A = L·U for a wide and a tall matrix.
    [TestCase(4, 7)]
    [TestCase(7, 4)]
    public void Lu_Rectangular(int m, int n)
    {
        OpenBlasBackend backend = Backend();
        int lda = m + 1, p = Math.Min(m, n);
        double[] a = RandomMatrix(m, n, lda, 15), a0 = (double[])a.Clone();
        var pivots = new int[p + 2];
        pivots[p] = pivots[p + 1] = -99;
        backend.LuFactor(m, n, a, lda, pivots);
        Assert.That(pivots[p], Is.EqualTo(-99), "only min(m, n) pivots are written");
        double[] pa = Pack(a0, m, n, lda);
        for (int i = 0; i < p; i++)
            for (int j = 0; j < n; j++)
                (pa[i + j * m], pa[pivots[i] + j * m]) = (pa[pivots[i] + j * m], pa[i + j * m]);
        var l = new double[m * p];
        var u = new double[p * n];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < m; i++)
                l[i + j * m] = i == j ? 1 : i > j ? a[i + j * lda] : 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < p; i++)
                u[i + j * p] = i <= j ? a[i + j * lda] : 0;
        DenseReference.AssertClose(Product(l, m, Transpose.No, u, p, Transpose.No, m, n, p), pa, 1e-12, "P·A = L·U");
    }

    // ------------------------------------------------------------ QR, least squares

    // Tolerance: 1e-13 relative on Q·R = A, QᵀQ = I and Qᵀ·A = R.
    [Test]
    public void Qr_FactorAndApplyQ_Reconstructs()
    {
        OpenBlasBackend backend = Backend();
        const int m = 9, n = 5, lda = 11;
        double[] a = RandomMatrix(m, n, lda, 16), a0 = (double[])a.Clone();
        var tau = new double[n];
        backend.QrFactor(m, n, a, lda, tau);
        double[] factorBefore = (double[])a.Clone();

        // Q (m×m) = Q·I.
        const int ldq = m + 2;
        var q = new double[ldq * m];
        for (int i = 0; i < m; i++) q[i + i * ldq] = 1;
        backend.ApplyQ(Transpose.No, m, m, n, a, lda, tau, q, ldq);
        Assert.That(a, Is.EqualTo(factorBefore), "ApplyQ leaves the factor alone");
        DenseReference.AssertClose(Product(q, ldq, Transpose.Yes, q, ldq, Transpose.No, m, m, m),
            Pack(IdentityPadded(m), m, m, m), 1e-13, "QᵀQ = I");

        var r = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++)
                r[i + j * m] = a[i + j * lda];
        DenseReference.AssertClose(Product(q, ldq, Transpose.No, r, m, Transpose.No, m, n, m), Pack(a0, m, n, lda), 1e-13, "Q·R = A");

        double[] c = (double[])a0.Clone();
        backend.ApplyQ(Transpose.Yes, m, n, n, a, lda, tau, c, lda);
        DenseReference.AssertClose(Pack(c, m, n, lda), r, 1e-13, "Qᵀ·A = R");
    }

    private static double[] IdentityPadded(int n)
    {
        var e = new double[n * n];
        for (int i = 0; i < n; i++) e[i + i * n] = 1;
        return e;
    }

    // Tolerance: 1e-12 relative on X for a consistent overdetermined system (random 12×4, condition ≈ 5).
    [Test]
    public void LeastSquares_RecoversExactSolution()
    {
        OpenBlasBackend backend = Backend();
        const int m = 12, n = 4, nrhs = 2, lda = 14, ldb = 13;
        double[] a = RandomMatrix(m, n, lda, 17);
        double[] x = RandomMatrix(n, nrhs, n, 18);
        double[] ax = Product(a, lda, Transpose.No, x, n, Transpose.No, m, nrhs, n);
        var b = new double[ldb * nrhs];
        for (int j = 0; j < nrhs; j++)
            for (int i = 0; i < m; i++)
                b[i + j * ldb] = ax[i + j * m];
        backend.LeastSquares(m, n, nrhs, a, lda, b, ldb);
        DenseReference.AssertClose(Pack(b, n, nrhs, ldb), x, 1e-12, "X");
    }

    // Tolerance: exact (a zero column gives an exact zero on R's diagonal; B is refused before it is touched).
    [Test]
    public void LeastSquares_RankDeficient_ThrowsSingular()
    {
        OpenBlasBackend backend = Backend();
        const int m = 6, n = 3, nrhs = 2;
        double[] a = RandomMatrix(m, n, m, 19);
        for (int i = 0; i < m; i++) a[i + 1 * m] = 0;
        double[] b = RandomMatrix(m, nrhs, m, 26), b0 = (double[])b.Clone();
        var ex = Assert.Throws<SingularMatrixException>(() => backend.LeastSquares(m, n, nrhs, a, m, b, m))!;
        Assert.That(ex.Pivot, Is.EqualTo(1));
        Assert.That(b, Is.EqualTo(b0), "B untouched");

        // nrhs = 0 is a zero-sized call: nothing is done, A included.
        double[] a2 = RandomMatrix(m, n, m, 27), a20 = (double[])a2.Clone();
        backend.LeastSquares(m, n, 0, a2, m, [], m);
        Assert.That(a2, Is.EqualTo(a20));
    }

    // ------------------------------------------------------------ SVD, symmetric eigen

    /// <summary>The Householder reflection I − 2vvᵀ/(vᵀv), packed n×n.</summary>
    private static double[] Reflection(double[] v)
    {
        int n = v.Length;
        double vv = v.Sum(x => x * x);
        var h = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                h[i + j * n] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
        return h;
    }

    // Tolerance: 1e-13 relative on the singular values (known exactly: A = H₁·diag(5, 3, 1)·H₂ᵀ) and on U·S·Vᵀ = A.
    [TestCase(5, 3)]
    [TestCase(3, 5)]
    public void Svd_KnownSingularValues(int m, int n)
    {
        OpenBlasBackend backend = Backend();
        double[] sigma = [5, 3, 1];
        int p = Math.Min(m, n);
        double[] h1 = Reflection(new double[] { 1, -2, 0.5, 3, 1 }[..m]), h2 = Reflection(new double[] { 2, 1, -1, 0.5, 4 }[..n]);
        var d = new double[m * n];
        for (int i = 0; i < p; i++) d[i + i * m] = sigma[i];
        double[] hd = Product(h1, m, Transpose.No, d, m, Transpose.No, m, n, m);
        double[] a0 = Product(hd, m, Transpose.No, h2, n, Transpose.Yes, m, n, n);
        int lda = m + 1, ldu = m + 2, ldvt = p + 1;
        var a = new double[lda * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                a[i + j * lda] = a0[i + j * m];
        var s = new double[p];
        var u = new double[ldu * p];
        var vt = new double[ldvt * n];
        backend.Svd(m, n, a, lda, s, u, ldu, vt, ldvt);
        DenseReference.AssertClose(s, sigma, 1e-13, "singular values");
        var us = new double[m * p];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < m; i++)
                us[i + j * m] = u[i + j * ldu] * s[j];
        DenseReference.AssertClose(Product(us, m, Transpose.No, vt, ldvt, Transpose.No, m, n, p), a0, 1e-13, "U·S·Vᵀ = A");
    }

    // Tolerance: 1e-13 absolute on the eigenvalues 2 − 2cos(kπ/(n + 1)) of tridiag(−1, 2, −1) and on A·V = V·Λ.
    [TestCase(Triangle.Lower)]
    [TestCase(Triangle.Upper)]
    public void SymmetricEigen_KnownTridiagonal(Triangle tri)
    {
        OpenBlasBackend backend = Backend();
        const int n = 12, lda = 14;
        var a = new double[lda * n];
        for (int i = 0; i < n; i++)
        {
            a[i + i * lda] = 2;
            if (i + 1 < n)
            {
                // Only the given triangle is referenced: poison the other.
                a[i + 1 + i * lda] = tri == Triangle.Lower ? -1 : double.NaN;
                a[i + (i + 1) * lda] = tri == Triangle.Upper ? -1 : double.NaN;
            }
        }
        var w = new double[n];
        backend.SymmetricEigen(tri, n, a, lda, w);
        var expected = Enumerable.Range(1, n).Select(k => 2 - 2 * Math.Cos(k * Math.PI / (n + 1))).ToArray();
        DenseReference.AssertClose(w, expected, 1e-13, "eigenvalues");
        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                double av = 2 * a[i + k * lda] - (i > 0 ? a[i - 1 + k * lda] : 0) - (i + 1 < n ? a[i + 1 + k * lda] : 0);
                Assert.That(av, Is.EqualTo(w[k] * a[i + k * lda]).Within(1e-13), $"A·v = λv, vector {k}, row {i}");
            }
        }
    }

    // ------------------------------------------------------------ NaN policy, argument checks

    // Tolerance: exact pivot; the NaN never reaches dpotrf (only the leading block before the pivot is factored).
    [TestCase(Triangle.Lower, 9, 6, 9)]
    [TestCase(Triangle.Lower, 4, 4, 4)]
    [TestCase(Triangle.Upper, 6, 9, 9)]
    [TestCase(Triangle.Upper, 0, 0, 0)]
    public void Cholesky_NaN_IsNotPositiveDefinite_AtTheFirstPivotItReaches(Triangle tri, int i, int j, int pivot)
    {
        OpenBlasBackend backend = Backend();
        const int n = 11, lda = 13;
        double[] a = SpdMatrix(n, lda, 20), clean = (double[])a.Clone();
        a[i + j * lda] = double.NaN;
        a[10 + 10 * lda] = double.NaN; // a later NaN does not change the answer
        // A NaN in the other triangle is never read.
        if (tri == Triangle.Lower) a[0 + 5 * lda] = double.NaN; else a[5 + 0 * lda] = double.NaN;
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => backend.CholeskyFactor(tri, n, a, lda))!;
        Assert.That(ex.Pivot, Is.EqualTo(pivot));
        Assert.That(ex.Value, Is.NaN);
        if (pivot > 0)
        {
            // The leading block before the pivot is the Cholesky factor of the clean matrix's leading block.
            backend.CholeskyFactor(tri, n, clean, lda);
            Assert.That(a[(pivot - 1) + (pivot - 1) * lda], Is.EqualTo(clean[(pivot - 1) + (pivot - 1) * lda]).Within(1e-12));
        }
    }

    // Tolerance: exact pivots; a genuine non-positive pivot before the NaN is reported first, and ±∞ making a NaN
    // pivot inside dpotrf (∞ − ∞, which OpenBLAS lets through) is still reported.
    [Test]
    public void Cholesky_NonFinite_EdgeCases()
    {
        OpenBlasBackend backend = Backend();
        double[] a = [1, 2, 0, 2, 1, 0, 0, 0, double.NaN]; // pivot 1 is 1 − 4 = −3, before the NaN at pivot 2
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => backend.CholeskyFactor(Triangle.Lower, 3, a, 3))!;
        Assert.That(ex.Pivot, Is.EqualTo(1));
        Assert.That(ex.Value, Is.EqualTo(-3));

        // L(0,0) = 1, L(1,0) = ∞, so pivot 1 is ∞ − ∞ = NaN, which OpenBLAS's potf2 (ajj ≤ 0 test) would let through.
        double[] inf = [1, double.PositiveInfinity, 0, double.PositiveInfinity];
        var ex2 = Assert.Throws<NotPositiveDefiniteException>(() => backend.CholeskyFactor(Triangle.Lower, 2, inf, 2))!;
        Assert.That(ex2.Pivot, Is.EqualTo(1));
        Assert.That(ex2.Value, Is.NaN);
    }

    // Tolerance: exact (no exception; NaN reaches the outputs).
    [Test]
    public void Lu_And_Qr_NaN_Propagate()
    {
        OpenBlasBackend backend = Backend();
        const int n = 40;
        foreach (double bad in new[] { double.NaN, double.PositiveInfinity })
        {
            double[] a = RandomMatrix(n, n, n, 28);
            a[17 + 3 * n] = bad;
            var pivots = new int[n];
            Assert.DoesNotThrow(() => backend.LuFactor(n, n, a, n, pivots));
            Assert.That(a.Any(double.IsNaN) || a.Any(double.IsInfinity), Is.True);
            Assert.That(pivots, Has.All.InRange(0, n - 1), "pivots stay in range");

            double[] q = RandomMatrix(n, n, n, 29);
            q[17 + 3 * n] = bad;
            var tau = new double[n];
            Assert.DoesNotThrow(() => backend.QrFactor(n, n, q, n, tau));
            Assert.That(q.Any(double.IsNaN) || tau.Any(double.IsNaN), Is.True);
        }
        double[] all = Enumerable.Repeat(double.NaN, 16).ToArray();
        var piv = new int[4];
        Assert.DoesNotThrow(() => backend.LuFactor(4, 4, all, 4, piv), "an all-NaN matrix");
        Assert.That(piv, Has.All.InRange(0, 3));
    }

    // Tolerance: exact (NaN outputs; dgesdd/dsyevd are never called on non-finite input).
    [TestCase(double.NaN)]
    [TestCase(double.NegativeInfinity)]
    public void Svd_And_Eigen_NonFinite_GiveNaNOutputs(double bad)
    {
        OpenBlasBackend backend = Backend();
        const int m = 7, n = 5;
        double[] a = RandomMatrix(m, n, m, 30);
        a[3 + 2 * m] = bad;
        var s = new double[n];
        var u = new double[m * n];
        var vt = new double[n * n];
        backend.Svd(m, n, a, m, s, u, m, vt, n);
        Assert.That(s, Has.All.NaN);
        Assert.That(u, Has.All.NaN);
        Assert.That(vt, Has.All.NaN);

        double[] sym = SpdMatrix(n, n, 31);
        sym[4 + 1 * n] = bad; // lower triangle
        var w = new double[n];
        backend.SymmetricEigen(Triangle.Lower, n, sym, n, w);
        Assert.That(w, Has.All.NaN);
        Assert.That(sym, Has.All.NaN);

        double[] other = SpdMatrix(n, n, 31);
        other[1 + 4 * n] = bad; // upper triangle, not referenced for Lower
        backend.SymmetricEigen(Triangle.Lower, n, other, n, w);
        Assert.That(w, Has.All.Not.NaN);
    }

    // Tolerance: exact (a factor with an exact zero on its diagonal is refused before B is touched).
    [Test]
    public void Solves_WithZeroOnTheDiagonal_AreRefused()
    {
        OpenBlasBackend backend = Backend();
        double[] f = [2, 1, 0, 0, 0, 5, 0, 0, 3]; // diagonal 2, 0, 3
        double[] b = [1, 2, 3], b0 = (double[])b.Clone();
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<SingularMatrixException>(() => backend.CholeskySolve(Triangle.Lower, 3, 1, f, 3, b, 3))!.Pivot, Is.EqualTo(1));
            Assert.That(Assert.Throws<SingularMatrixException>(() => backend.LuSolve(Transpose.Yes, 3, 1, f, 3, [0, 1, 2], b, 3))!.Pivot, Is.EqualTo(1));
            Assert.That(Assert.Throws<SingularMatrixException>(() =>
                backend.TriangularSolve(Side.Left, Triangle.Lower, Transpose.No, Diagonal.NonUnit, 3, 1, 1, f, 3, b, 3))!.Pivot, Is.EqualTo(1));
            Assert.That(b, Is.EqualTo(b0));
            Assert.DoesNotThrow(() => backend.TriangularSolve(Side.Left, Triangle.Lower, Transpose.No, Diagonal.Unit, 3, 1, 1, f, 3, b, 3));
        });
    }

    // Tolerance: exact (NaN propagates through the BLAS kernels per IEEE, no exception).
    [Test]
    public void BlasKernels_PropagateNaN()
    {
        OpenBlasBackend backend = Backend();
        double[] a = [1, double.NaN, 3, 4];
        double[] b = [1, 0, 0, 1];
        var c = new double[4];
        backend.Gemm(Transpose.No, Transpose.No, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
        Assert.That(c[1], Is.NaN);
        Assert.That(c[0], Is.EqualTo(1));
        var y = new double[2];
        backend.Gemv(Transpose.No, 2, 2, 1.0, a, 2, [1.0, 0.0], 0.0, y);
        Assert.That(y[1], Is.NaN);
    }

    // Tolerance: exact (checks only).
    [Test]
    public void WrongSizes_ThrowArgumentException_BeforeNativeCall()
    {
        OpenBlasBackend backend = Backend();
        Assert.Multiple(() =>
        {
            Assert.That(() => backend.Gemm(Transpose.No, Transpose.No, 3, 3, 3, 1, new double[8], 3, new double[9], 3, 0, new double[9], 3),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
            Assert.That(() => backend.Gemm(Transpose.No, Transpose.No, 3, 3, 3, 1, new double[9], 2, new double[9], 3, 0, new double[9], 3),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("lda"));
            Assert.That(() => backend.CholeskyFactor(Triangle.Lower, 3, new double[8], 3),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
            Assert.That(() => backend.LuSolve(Transpose.No, 2, 1, new double[4], 2, [5, 1], new double[2], 2),
                Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("pivots"));
            Assert.That(() => backend.Svd(3, 2, new double[6], 3, new double[2], new double[6], 3, new double[3], 1),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("ldvt"));
        });
    }

    // Tolerance: exact (zero sizes return without a native call and touch nothing).
    [Test]
    public void ZeroSizes_DoNothing()
    {
        OpenBlasBackend backend = Backend();
        Assert.DoesNotThrow(() =>
        {
            backend.CholeskyFactor(Triangle.Lower, 0, [], 1);
            backend.CholeskySolve(Triangle.Upper, 0, 3, [], 1, new double[2], 1); // a 0×3 B with ldb 1 spans 2 elements
            backend.LuFactor(4, 0, [], 4, []);
            backend.LuSolve(Transpose.No, 3, 0, [1, 0, 0, 0, 1, 0, 0, 0, 1], 3, [0, 1, 2], [], 3);
            backend.QrFactor(5, 0, [], 5, []);
            backend.ApplyQ(Transpose.Yes, 4, 2, 0, [], 4, [], new double[8], 4);
            backend.LeastSquares(3, 0, 1, [], 3, new double[3], 3);
            backend.Svd(3, 0, [], 3, [], [], 3, [], 1);
            backend.SymmetricEigen(Triangle.Lower, 0, [], 1, []);
            backend.TriangularSolve(Side.Right, Triangle.Lower, Transpose.No, Diagonal.NonUnit, 3, 0, 1, [], 1, [], 3);
            backend.Syrk(Triangle.Lower, Transpose.Yes, 0, 2, 1, [], 2, 0, [], 1);
        });
    }

    // Tolerance: 1e-12 relative to the serial result (OpenBLAS may split the work differently while another call holds its threads).
    [Test]
    public void ConcurrentCalls_OnDistinctBuffers_MatchSerial()
    {
        OpenBlasBackend backend = Backend();
        const int n = 96, tasks = 8;
        double[] a = RandomMatrix(n, n, n, 23), b = RandomMatrix(n, n, n, 24), spd = SpdMatrix(n, n, 25);
        double[] Run()
        {
            var c = new double[n * n];
            backend.Gemm(Transpose.No, Transpose.Yes, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
            double[] f = (double[])spd.Clone();
            backend.CholeskyFactor(Triangle.Lower, n, f, n);
            double[] x = (double[])c.Clone();
            backend.CholeskySolve(Triangle.Lower, n, n, f, n, x, n);
            return x;
        }
        double[] serial = Run();
        var results = new double[tasks][];
        Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = tasks }, t => results[t] = Run());
        for (int t = 0; t < tasks; t++)
            DenseReference.AssertClose(results[t], serial, 1e-12, $"task {t}");
    }

    // Tolerance: 1e-12 relative; large enough for OpenBLAS's blocked, threaded paths (n = 300 > dgeqrf's and dpotrf's block size).
    [Test]
    public void LargeFactorizations_WithThreads()
    {
        OpenBlasBackend backend = Backend();
        const int n = 300;
        double[] a = SpdMatrix(n, n, 21), a0 = (double[])a.Clone();
        backend.CholeskyFactor(Triangle.Upper, n, a, n);
        double[] x = DenseReference.RandomVector(n, 22);
        var b = new double[n];
        backend.Gemv(Transpose.No, n, n, 1.0, a0, n, x, 0.0, b);
        backend.CholeskySolve(Triangle.Upper, n, 1, a, n, b, n);
        DenseReference.AssertClose(b, x, 1e-10, "Cholesky solve n = 300");

        double[] q = (double[])a0.Clone();
        var tau = new double[n];
        backend.QrFactor(n, n, q, n, tau);
        double[] c = (double[])a0.Clone();
        backend.ApplyQ(Transpose.Yes, n, n, n, q, n, tau, c, n);
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++)
                Assert.That(Math.Abs(c[i + j * n]), Is.LessThan(1e-10), "Qᵀ·A is upper triangular");
    }
}
