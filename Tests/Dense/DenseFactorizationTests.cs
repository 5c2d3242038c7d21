using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

/// <summary>Cholesky, LU, Householder QR and least squares: reconstruction from plain loops, and entry-by-entry agreement with the managed backend.</summary>
[TestFixtureSource(typeof(DenseBackendSource), nameof(DenseBackendSource.Backends))]
public sealed class DenseFactorizationTests(string backendName) : DenseBackendFixture(backendName)
{
    private static readonly int[] Orders = [0, 1, 2, 5, 60, 200];

    private static IEnumerable<TestCaseData> CholeskyCases()
    {
        int pad = 0;
        foreach (Triangle tri in new[] { Triangle.Lower, Triangle.Upper })
            foreach (int n in Orders)
                yield return new TestCaseData(tri, n, pad++ % 3);
    }

    /// <summary>The factor of the given triangle as a full matrix (zeros elsewhere): L for Lower, U for Upper.</summary>
    private static double[,] TriangleOf(CM a, bool lower, bool unitDiagonal = false)
    {
        var r = new double[a.Rows, a.Cols];
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < a.Cols; j++)
                if (i == j) r[i, j] = unitDiagonal ? 1 : a[i, j];
                else if (lower ? i > j : i < j) r[i, j] = a[i, j];
        return r;
    }

    [TestCaseSource(nameof(CholeskyCases))]
    public void CholeskyFactor(Triangle tri, int n, int pad)
    {
        bool lower = tri == Triangle.Lower;
        var a0 = Ref.RandomSpd(n, 11 + n);
        var a = Ref.Triangle(a0, lower, pad);
        var am = a.Clone();
        Backend.CholeskyFactor(tri, n, a.Data, a.Ld);
        Managed.CholeskyFactor(tri, n, am.Data, am.Ld);

        var f = TriangleOf(a, lower);
        var product = lower ? Ref.Mul(f, Ref.T(f)) : Ref.Mul(Ref.T(f), f);
        Ref.AssertClose(product, a0, Ref.Tol, lower ? "A − L·Lᵀ" : "A − Uᵀ·U");
        for (int i = 0; i < n; i++)
        {
            Assert.That(a[i, i], Is.GreaterThan(0), "positive diagonal");
            for (int j = 0; j < n; j++)
                if (lower ? i < j : i > j)
                    Assert.That(double.IsNaN(a[i, j]), Is.True, $"the other triangle ({i}, {j}) must be neither read nor written");
        }

        Ref.AssertClose(TriangleOf(a, lower), TriangleOf(am, lower), Ref.Tol, "Cholesky factor against managed");
        a.AssertPaddingUntouched("Cholesky");
    }

    private static IEnumerable<TestCaseData> CholeskySolveCases()
    {
        foreach (Triangle tri in new[] { Triangle.Lower, Triangle.Upper })
        {
            yield return new TestCaseData(tri, 0, 2, 0);
            yield return new TestCaseData(tri, 3, 0, 0);
            yield return new TestCaseData(tri, 1, 1, 0);
            yield return new TestCaseData(tri, 6, 3, 2);
            yield return new TestCaseData(tri, 120, 4, 1);
        }
    }

    [TestCaseSource(nameof(CholeskySolveCases))]
    public void CholeskySolve(Triangle tri, int n, int nrhs, int pad)
    {
        bool lower = tri == Triangle.Lower;
        var a0 = Ref.RandomSpd(n, 13 + n);
        var f = Ref.Triangle(a0, lower, pad);
        var fm = f.Clone();
        Backend.CholeskyFactor(tri, n, f.Data, f.Ld);
        Managed.CholeskyFactor(tri, n, fm.Data, fm.Ld);
        var b = CM.Random(n, nrhs, 14, pad);
        var b0 = b.ToArray();
        var bm = b.Clone();
        Backend.CholeskySolve(tri, n, nrhs, f.Data, f.Ld, b.Data, b.Ld);
        Managed.CholeskySolve(tri, n, nrhs, fm.Data, fm.Ld, bm.Data, bm.Ld);

        Ref.AssertClose(Ref.Mul(a0, b.ToArray()), b0, Ref.Tol, "A·X − B");
        Ref.AssertSameAsManaged(b, bm, "Cholesky solve");
    }

    private static IEnumerable<TestCaseData> CholeskyInverseCases()
    {
        int pad = 0;
        foreach (Triangle tri in new[] { Triangle.Lower, Triangle.Upper })
            foreach (int n in new[] { 1, 2, 7, 50, 200 })
                yield return new TestCaseData(tri, n, pad++ % 3);
    }

    /// <summary>A NaN with a payload unique to (i, j), so that an entry read into the result or rewritten is seen bit for bit.</summary>
    private static double TaggedNaN(int i, int j) => BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000L | (((long)i << 20) + j + 1));

    [TestCaseSource(nameof(CholeskyInverseCases))]
    public void CholeskyInverse(Triangle tri, int n, int pad)
    {
        bool lower = tri == Triangle.Lower;
        bool Stored(int i, int j) => lower ? i >= j : i <= j;
        var a0 = Ref.RandomSpd(n, 17 + n);
        var f = Ref.Triangle(a0, lower, pad);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if (!Stored(i, j)) f[i, j] = TaggedNaN(i, j);
        Backend.CholeskyFactor(tri, n, f.Data, f.Ld);
        var fm = f.Clone();
        var fr = f.Clone();
        Backend.CholeskyInverse(tri, n, f.Data, f.Ld);
        Managed.CholeskyInverse(tri, n, fm.Data, fm.Ld);
        new ReferenceDenseBackend().CholeskyInverse(tri, n, fr.Data, fr.Ld);

        var inv = new double[n, n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                if (Stored(i, j))
                {
                    inv[i, j] = inv[j, i] = f[i, j];
                }
                else if (BitConverter.DoubleToInt64Bits(f[i, j]) != BitConverter.DoubleToInt64Bits(TaggedNaN(i, j)))
                {
                    Assert.Fail($"the other triangle ({i}, {j}) was written ({f[i, j]:G17})");
                }
            }

        // cond(A) < 5 and ‖A‖ < 5 or so: A⁻¹·A − I is a few n·ε.
        Ref.AssertClose(Ref.Mul(inv, a0), Ref.Identity(n), 1e-10, "A⁻¹·A − I", 1);
        Ref.AssertClose(Ref.Mul(a0, inv), Ref.Identity(n), 1e-10, "A·A⁻¹ − I", 1);
        for (int i = 0; i < n; i++) Assert.That(inv[i, i], Is.GreaterThan(0), "positive diagonal of A⁻¹");
        Ref.AssertClose(TriangleOf(f, lower), TriangleOf(fm, lower), Ref.Tol, "A⁻¹ against managed");
        Ref.AssertClose(TriangleOf(f, lower), TriangleOf(fr, lower), Ref.Tol, "A⁻¹ against the plain reference");
        f.AssertPaddingUntouched("CholeskyInverse");
    }

    private static readonly (int M, int N)[] Shapes =
        [(0, 0), (1, 1), (1, 4), (4, 1), (3, 0), (0, 3), (5, 5), (9, 4), (4, 9), (60, 60), (200, 200), (200, 120), (120, 200)];

    private static IEnumerable<TestCaseData> ShapeCases()
    {
        int pad = 0;
        foreach (var (m, n) in Shapes) yield return new TestCaseData(m, n, pad++ % 3);
    }

    [TestCaseSource(nameof(ShapeCases))]
    public void LuFactor(int m, int n, int pad)
    {
        int p = Math.Min(m, n);
        var a = CM.Random(m, n, 15 + m + n, pad);
        var a0 = a.ToArray();
        var am = a.Clone();
        var piv = new int[p];
        var pivm = new int[p];
        Backend.LuFactor(m, n, a.Data, a.Ld, piv);
        Managed.LuFactor(m, n, am.Data, am.Ld, pivm);

        Assert.That(piv, Is.EqualTo(pivm), "pivots (0-based, first largest |a|) against managed");
        for (int i = 0; i < p; i++) Assert.That(piv[i], Is.InRange(i, m - 1), "pivot range");

        // P·A: apply the interchanges in order to the rows of A.
        var pa = (double[,])a0.Clone();
        for (int i = 0; i < p; i++)
            for (int j = 0; j < n; j++) (pa[i, j], pa[piv[i], j]) = (pa[piv[i], j], pa[i, j]);
        var l = new double[m, p];
        var u = new double[p, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < p; j++) l[i, j] = i == j ? 1 : i > j ? a[i, j] : 0;
        for (int i = 0; i < p; i++)
            for (int j = 0; j < n; j++) u[i, j] = i <= j ? a[i, j] : 0;
        Ref.AssertClose(Ref.Mul(l, u), pa, Ref.Tol, "P·A − L·U");
        for (int i = 0; i < m; i++)
            for (int j = 0; j < p; j++)
                if (i > j) Assert.That(Math.Abs(l[i, j]), Is.LessThanOrEqualTo(1.0), "partial pivoting bounds |L| by 1");
        Ref.AssertSameAsManaged(a, am, "LU factor");
    }

    private static IEnumerable<TestCaseData> LuSolveCases()
    {
        foreach (Transpose t in new[] { Transpose.No, Transpose.Yes })
        {
            yield return new TestCaseData(t, 0, 1, 0);
            yield return new TestCaseData(t, 4, 0, 0);
            yield return new TestCaseData(t, 1, 1, 1);
            yield return new TestCaseData(t, 5, 3, 2);
            yield return new TestCaseData(t, 100, 2, 1);
        }
    }

    [TestCaseSource(nameof(LuSolveCases))]
    public void LuSolve(Transpose t, int n, int nrhs, int pad)
    {
        // Well conditioned (σ_min ≥ 1.8) yet pivoting: 3 on the anti-diagonal plus random entries of size 1/√n.
        var a = CM.Random(n, n, 17 + n, pad);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) a[i, j] = a[i, j] / Math.Sqrt(n) + (i + j == n - 1 ? 3 : 0);
        var a0 = a.ToArray();
        var am = a.Clone();
        var piv = new int[n];
        var pivm = new int[n];
        Backend.LuFactor(n, n, a.Data, a.Ld, piv);
        Managed.LuFactor(n, n, am.Data, am.Ld, pivm);
        var b = CM.Random(n, nrhs, 18, pad);
        var b0 = b.ToArray();
        var bm = b.Clone();
        Backend.LuSolve(t, n, nrhs, a.Data, a.Ld, piv, b.Data, b.Ld);
        Managed.LuSolve(t, n, nrhs, am.Data, am.Ld, pivm, bm.Data, bm.Ld);

        var op = t == Transpose.Yes ? Ref.T(a0) : a0;
        Ref.AssertClose(Ref.Mul(op, b.ToArray()), b0, Ref.Tol, "op(A)·X − B");
        Ref.AssertSameAsManaged(b, bm, "LU solve");
    }

    /// <summary>A·Qᵀ-free checks of a QR factor: Q·R = A, QᵀQ = I, τ ∈ {0} ∪ [1, 2] (dlarfg).</summary>
    private static void AssertQr(CM f, double[] tau, double[,] a0, string what)
    {
        int m = f.Rows, n = f.Cols, p = Math.Min(m, n);
        var q = Ref.ExplicitQ(f, tau, p);
        var r = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) r[i, j] = i <= j ? f[i, j] : 0;
        Ref.AssertClose(Ref.Mul(q, r), a0, Ref.Tol, what + ": A − Q·R");
        Ref.AssertClose(Ref.Mul(Ref.T(q), q), Ref.Identity(m), Ref.Tol, what + ": QᵀQ − I");
        for (int i = 0; i < p; i++)
            Assert.That(tau[i] == 0 || (tau[i] >= 1 - 1e-15 && tau[i] <= 2 + 1e-15), Is.True, $"{what}: tau[{i}] = {tau[i]} (LAPACK: 0 or in [1, 2])");
    }

    [TestCaseSource(nameof(ShapeCases))]
    public void QrFactor(int m, int n, int pad)
    {
        int p = Math.Min(m, n);
        var a = CM.Random(m, n, 19 + m + n, pad);
        var a0 = a.ToArray();
        var am = a.Clone();
        var tau = new double[p];
        var taum = new double[p];
        Backend.QrFactor(m, n, a.Data, a.Ld, tau);
        Managed.QrFactor(m, n, am.Data, am.Ld, taum);

        AssertQr(a, tau, a0, "QR");
        Ref.AssertSameAsManaged(a, am, "QR factor (R and reflectors)");
        Ref.AssertClose(tau, taum, Ref.Tol, "tau against managed");
        if (m >= 1 && m <= n) Assert.That(tau[m - 1], Is.Zero, "the last row's reflector is the identity (dlarfg with n = 1)");
    }

    [Test]
    public void QrFactor_ExactZeroColumns_GiveZeroTauAndZeroDiagonal()
    {
        var a = CM.Random(8, 6, 21, 2);
        for (int i = 0; i < 8; i++) { a[i, 1] = 0; a[i, 4] = 0; }
        var a0 = a.ToArray();
        var am = a.Clone();
        var tau = new double[6];
        var taum = new double[6];
        Backend.QrFactor(8, 6, a.Data, a.Ld, tau);
        Managed.QrFactor(8, 6, am.Data, am.Ld, taum);

        Assert.That(tau[1], Is.Zero);
        Assert.That(tau[4], Is.Zero);
        Assert.That(a[1, 1], Is.Zero);
        Assert.That(a[4, 4], Is.Zero);
        AssertQr(a, tau, a0, "rank-deficient QR");
        Ref.AssertSameAsManaged(a, am, "rank-deficient QR factor");
        Ref.AssertClose(tau, taum, Ref.Tol, "tau against managed");
    }

    [TestCase(30, 12, 3)]
    [TestCase(12, 30, 3)]
    [TestCase(40, 40, 7)]
    public void QrFactor_LowRank(int m, int n, int rank)
    {
        var x = CM.Random(m, rank, 22).ToArray();
        var y = CM.Random(rank, n, 23).ToArray();
        var a = CM.From(Ref.Mul(x, y), 1);
        var a0 = a.ToArray();
        var am = a.Clone();
        int p = Math.Min(m, n);
        var tau = new double[p];
        var taum = new double[p];
        Backend.QrFactor(m, n, a.Data, a.Ld, tau);
        Managed.QrFactor(m, n, am.Data, am.Ld, taum);

        AssertQr(a, tau, a0, "low-rank QR");
        double scale = Ref.MaxAbs(a0);
        for (int i = rank; i < p; i++)
            for (int j = i; j < n; j++)
                Assert.That(Math.Abs(a[i, j]), Is.LessThanOrEqualTo(1e-12 * scale), $"R({i}, {j}) beyond the rank");

        // Only the leading `rank` reflectors and rows of R are determined; the rest is rounding noise.
        var lead = new double[m, rank];
        var leadm = new double[m, rank];
        var rows = new double[rank, n];
        var rowsm = new double[rank, n];
        for (int j = 0; j < rank; j++)
            for (int i = 0; i < m; i++) { lead[i, j] = a[i, j]; leadm[i, j] = am[i, j]; }
        for (int i = 0; i < rank; i++)
            for (int j = 0; j < n; j++) { rows[i, j] = a[i, j]; rowsm[i, j] = am[i, j]; }
        Ref.AssertClose(lead, leadm, Ref.Tol, "leading reflectors against managed");
        Ref.AssertClose(rows, rowsm, Ref.Tol, "leading rows of R against managed");
        Ref.AssertClose(tau.AsSpan(0, rank), taum.AsSpan(0, rank), Ref.Tol, "leading tau against managed");
    }

    private static IEnumerable<TestCaseData> ApplyQCases()
    {
        int pad = 0;
        foreach (Transpose t in new[] { Transpose.No, Transpose.Yes })
            foreach (var (m, n, k) in new[] { (0, 0, 0), (3, 2, 0), (1, 1, 1), (5, 3, 5), (8, 4, 3), (60, 7, 20), (200, 10, 150), (4, 0, 2) })
                yield return new TestCaseData(t, m, n, k, pad++ % 3);
    }

    [TestCaseSource(nameof(ApplyQCases))]
    public void ApplyQ(Transpose t, int m, int n, int k, int pad)
    {
        var f = CM.Random(m, k, 24 + m, pad);
        var tau = new double[k];
        Managed.QrFactor(m, k, f.Data, f.Ld, tau);
        var c = CM.Random(m, n, 25, pad);
        var c0 = c.ToArray();
        var cm = c.Clone();
        Backend.ApplyQ(t, m, n, k, f.Data, f.Ld, tau, c.Data, c.Ld);
        Managed.ApplyQ(t, m, n, k, f.Data, f.Ld, tau, cm.Data, cm.Ld);

        var q = Ref.ExplicitQ(f, tau, k);
        var expected = Ref.Mul(t == Transpose.Yes ? Ref.T(q) : q, c0);
        Ref.AssertClose(c.ToArray(), expected, Ref.Tol, "op(Q)·C against the explicit Q");
        Ref.AssertSameAsManaged(c, cm, "ApplyQ");
    }

    private static IEnumerable<TestCaseData> LeastSquaresCases()
    {
        yield return new TestCaseData(1, 1, 1, 0);
        yield return new TestCaseData(5, 5, 2, 1);
        yield return new TestCaseData(9, 4, 1, 2);
        yield return new TestCaseData(9, 4, 3, 0);
        yield return new TestCaseData(200, 50, 4, 1);
        yield return new TestCaseData(150, 150, 1, 0);
        yield return new TestCaseData(7, 1, 2, 0);
    }

    [TestCaseSource(nameof(LeastSquaresCases))]
    public void LeastSquares(int m, int n, int nrhs, int pad)
    {
        var a = CM.Random(m, n, 26 + m, pad);
        if (m == n)
            for (int i = 0; i < n; i++) a[i, i] += 3; // square: keep it well conditioned
        var a0 = a.ToArray();
        var am = a.Clone();
        var b = CM.Random(m, nrhs, 27, pad);
        var b0 = b.ToArray();
        var bm = b.Clone();
        Backend.LeastSquares(m, n, nrhs, a.Data, a.Ld, b.Data, b.Ld);
        Managed.LeastSquares(m, n, nrhs, am.Data, am.Ld, bm.Data, bm.Ld);

        var x = new double[n, nrhs];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < nrhs; j++) x[i, j] = b[i, j];
        // Optimality: the residual is orthogonal to the columns of A.
        var r = Ref.Sub(Ref.Mul(a0, x), b0);
        var atr = Ref.Mul(Ref.T(a0), r);
        double scale = m * Ref.MaxAbs(a0) * (n * Ref.MaxAbs(a0) * Ref.MaxAbs(x) + Ref.MaxAbs(b0));
        Ref.AssertClose(atr, new double[n, nrhs], Ref.Tol, "Aᵀ(A·X − B)", scale);
        Ref.AssertSameAsManaged(b, bm, "least squares (X and the Qᵀb tail)");
        Ref.AssertSameAsManaged(a, am, "least squares QR factor");
    }

    [Test]
    public void ZeroSized_DoNothing()
    {
        var b = CM.Random(3, 2, 28);
        var b0 = (double[])b.Data.Clone();
        var a = new CM(3, 0);
        Backend.LeastSquares(3, 0, 2, a.Data, a.Ld, b.Data, b.Ld);
        Assert.That(b.Data, Is.EqualTo(b0), "n = 0: B untouched");

        var a2 = CM.Random(4, 3, 29);
        var a20 = (double[])a2.Data.Clone();
        var b2 = new CM(4, 0);
        Backend.LeastSquares(4, 3, 0, a2.Data, a2.Ld, b2.Data, b2.Ld);
        Assert.That(a2.Data, Is.EqualTo(a20), "nrhs = 0: A untouched");

        Backend.CholeskyFactor(Triangle.Lower, 0, [], 1);
        Backend.LuFactor(0, 0, [], 1, []);
        Backend.QrFactor(0, 0, [], 1, []);
        Backend.SymmetricEigen(Triangle.Upper, 0, [], 1, []);
        Backend.Svd(0, 0, [], 1, [], [], 1, [], 1);
        Backend.Gemm(Transpose.No, Transpose.No, 0, 0, 0, 1, [], 1, [], 1, 0, [], 1);
    }
}
