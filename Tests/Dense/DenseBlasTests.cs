using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

/// <summary>gemm, gemv, syrk and the triangular solve against plain loops and against the managed backend.</summary>
[TestFixtureSource(typeof(DenseBackendSource), nameof(DenseBackendSource.Backends))]
public sealed class DenseBlasTests(string backendName) : DenseBackendFixture(backendName)
{
    private const Transpose N = Transpose.No;
    private const Transpose Y = Transpose.Yes;

    private static IEnumerable<TestCaseData> GemmCases()
    {
        int pad = 0;
        foreach (var (ta, tb) in new[] { (N, N), (N, Y), (Y, N), (Y, Y) })
            foreach (var (m, n, k) in new[] { (7, 5, 3), (3, 9, 6), (40, 40, 40) })
                yield return new TestCaseData(ta, tb, m, n, k, 1.5, -0.5, pad++ % 3);
        yield return new TestCaseData(N, N, 200, 150, 170, 1.0, 0.0, 3);
        yield return new TestCaseData(Y, Y, 120, 200, 90, -1.0, 1.0, 0);
        yield return new TestCaseData(N, Y, 6, 4, 5, 0.0, 0.5, 1).SetName("{m}_alpha0");
        yield return new TestCaseData(N, N, 6, 4, 5, 2.0, 1.0, 0).SetName("{m}_beta1");
        yield return new TestCaseData(N, N, 3, 4, 0, 1.0, 3.0, 2).SetName("{m}_k0");
        yield return new TestCaseData(N, N, 1, 1, 1, 2.0, 0.5, 0).SetName("{m}_1x1");
        yield return new TestCaseData(N, N, 0, 0, 0, 1.0, 1.0, 0).SetName("{m}_0x0");
        yield return new TestCaseData(N, N, 5, 0, 3, 1.0, 2.0, 0).SetName("{m}_mx0");
        yield return new TestCaseData(Y, N, 0, 4, 3, 1.0, 2.0, 1).SetName("{m}_0xn");
    }

    [TestCaseSource(nameof(GemmCases))]
    public void Gemm(Transpose ta, Transpose tb, int m, int n, int k, double alpha, double beta, int pad)
    {
        var a = ta == N ? CM.Random(m, k, 1, pad) : CM.Random(k, m, 1, pad);
        var b = tb == N ? CM.Random(k, n, 2, pad) : CM.Random(n, k, 2, pad);
        var c = CM.Random(m, n, 3, pad);
        var c0 = c.ToArray();
        var cm = c.Clone();
        Backend.Gemm(ta, tb, m, n, k, alpha, a.Data, a.Ld, b.Data, b.Ld, beta, c.Data, c.Ld);
        Managed.Gemm(ta, tb, m, n, k, alpha, a.Data, a.Ld, b.Data, b.Ld, beta, cm.Data, cm.Ld);

        var ab = Ref.Mul(Ref.Op(a, ta == Y), Ref.Op(b, tb == Y));
        var expected = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) expected[i, j] = alpha * ab[i, j] + (beta == 0 ? 0 : beta * c0[i, j]);
        Ref.AssertClose(c.ToArray(), expected, Ref.Tol, "gemm against the triple loop");
        Ref.AssertSameAsManaged(c, cm, "gemm");
    }

    [Test]
    public void Gemm_BetaZero_DoesNotReadC()
    {
        var a = CM.Random(5, 4, 1);
        var b = CM.Random(4, 3, 2);
        var c = new CM(5, 3, 2);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 5; i++) c[i, j] = double.NaN;
        Backend.Gemm(N, N, 5, 3, 4, 1.0, a.Data, a.Ld, b.Data, b.Ld, 0.0, c.Data, c.Ld);
        Ref.AssertClose(c.ToArray(), Ref.Mul(a.ToArray(), b.ToArray()), Ref.Tol, "gemm with β = 0 over a NaN C");
    }

    [Test]
    public void Gemm_NaNInA_PropagatesToItsRowOnly()
    {
        var a = CM.Random(6, 4, 1);
        a[2, 1] = double.NaN;
        var b = CM.Random(4, 3, 2);
        var c = new CM(6, 3);
        Backend.Gemm(N, N, 6, 3, 4, 1.0, a.Data, a.Ld, b.Data, b.Ld, 0.0, c.Data, c.Ld);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 3; j++)
                Assert.That(double.IsNaN(c[i, j]), Is.EqualTo(i == 2), $"C({i}, {j}) = {c[i, j]}");
    }

    private static IEnumerable<TestCaseData> GemvCases()
    {
        foreach (Transpose t in new[] { N, Y })
        {
            yield return new TestCaseData(t, 7, 5, 1.5, -0.5, 2);
            yield return new TestCaseData(t, 5, 7, 1.0, 0.0, 0);
            yield return new TestCaseData(t, 200, 130, -2.0, 1.0, 3);
            yield return new TestCaseData(t, 6, 6, 0.0, 2.0, 1);
            yield return new TestCaseData(t, 1, 1, 3.0, 0.5, 0);
            yield return new TestCaseData(t, 0, 0, 1.0, 1.0, 0);
            yield return new TestCaseData(t, 4, 0, 1.0, 2.0, 0);
            yield return new TestCaseData(t, 0, 4, 1.0, 2.0, 0);
        }
    }

    [TestCaseSource(nameof(GemvCases))]
    public void Gemv(Transpose t, int m, int n, double alpha, double beta, int pad)
    {
        var a = CM.Random(m, n, 4, pad);
        int lx = t == N ? n : m, ly = t == N ? m : n;
        var x = CM.Random(lx, 1, 5).Data;
        var y = CM.Random(ly, 1, 6).Data;
        var y0 = (double[])y.Clone();
        var ym = (double[])y.Clone();
        Backend.Gemv(t, m, n, alpha, a.Data, a.Ld, x, beta, y);
        Managed.Gemv(t, m, n, alpha, a.Data, a.Ld, x, beta, ym);

        var expected = (double[])y0.Clone();
        if (m > 0 && n > 0)
        {
            // Reference dgemv returns at once when m or n is 0: y is left as it is.
            var op = Ref.Op(a, t == Y);
            for (int i = 0; i < ly; i++)
            {
                double s = 0;
                for (int j = 0; j < lx; j++) s += op[i, j] * x[j];
                expected[i] = alpha * s + (beta == 0 ? 0 : beta * y0[i]);
            }
        }

        Ref.AssertClose(y, expected, Ref.Tol, "gemv against the loop");
        Ref.AssertClose(y, ym, Ref.Tol, "gemv against managed");
    }

    [Test]
    public void Gemv_BetaZero_DoesNotReadY_AndNaNInXPropagates()
    {
        var a = CM.Random(4, 3, 1);
        var x = new[] { 1.0, -2.0, 0.5 };
        var y = new[] { double.NaN, double.NaN, double.NaN, double.NaN };
        Backend.Gemv(N, 4, 3, 1.0, a.Data, a.Ld, x, 0.0, y);
        Assert.That(y.All(double.IsFinite), Is.True, "β = 0 must not read y");
        x[1] = double.NaN;
        Backend.Gemv(N, 4, 3, 1.0, a.Data, a.Ld, x, 0.0, y);
        Assert.That(y.All(double.IsNaN), Is.True, "a NaN in x propagates to every y_i");
    }

    private static IEnumerable<TestCaseData> SyrkCases()
    {
        foreach (Triangle tri in new[] { Triangle.Lower, Triangle.Upper })
            foreach (Transpose t in new[] { N, Y })
            {
                yield return new TestCaseData(tri, t, 7, 4, 1.5, -0.5, 2);
                yield return new TestCaseData(tri, t, 5, 9, 1.0, 0.0, 0);
                yield return new TestCaseData(tri, t, 150, 120, -1.0, 1.0, 1);
                yield return new TestCaseData(tri, t, 1, 1, 2.0, 0.5, 0);
                yield return new TestCaseData(tri, t, 0, 3, 1.0, 1.0, 0);
                yield return new TestCaseData(tri, t, 4, 0, 1.0, 3.0, 1);
                yield return new TestCaseData(tri, t, 4, 3, 0.0, 2.0, 0);
            }
    }

    [TestCaseSource(nameof(SyrkCases))]
    public void Syrk(Triangle tri, Transpose t, int n, int k, double alpha, double beta, int pad)
    {
        var a = t == N ? CM.Random(n, k, 7, pad) : CM.Random(k, n, 7, pad);
        var c = CM.Random(n, n, 8, pad);
        var c0 = c.ToArray();
        var cm = c.Clone();
        Backend.Syrk(tri, t, n, k, alpha, a.Data, a.Ld, beta, c.Data, c.Ld);
        Managed.Syrk(tri, t, n, k, alpha, a.Data, a.Ld, beta, cm.Data, cm.Ld);

        var op = Ref.Op(a, t == Y);
        var aat = Ref.Mul(op, Ref.T(op));
        var expected = (double[,])c0.Clone();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (tri == Triangle.Lower ? i >= j : i <= j)
                    expected[i, j] = alpha * aat[i, j] + (beta == 0 ? 0 : beta * c0[i, j]);
        Ref.AssertClose(c.ToArray(), expected, Ref.Tol, "syrk against the loop (the other triangle untouched)");
        Ref.AssertSameAsManaged(c, cm, "syrk");
    }

    private static IEnumerable<TestCaseData> TrsmCases()
    {
        int pad = 0;
        foreach (Side side in new[] { Side.Left, Side.Right })
            foreach (Triangle tri in new[] { Triangle.Lower, Triangle.Upper })
                foreach (Transpose t in new[] { N, Y })
                    foreach (Diagonal d in new[] { Diagonal.NonUnit, Diagonal.Unit })
                        yield return new TestCaseData(side, tri, t, d, 7, 5, 1.5, pad++ % 3);
        yield return new TestCaseData(Side.Left, Triangle.Lower, N, Diagonal.NonUnit, 200, 30, 1.0, 2);
        yield return new TestCaseData(Side.Right, Triangle.Upper, Y, Diagonal.NonUnit, 30, 200, -1.0, 0);
        yield return new TestCaseData(Side.Left, Triangle.Upper, Y, Diagonal.NonUnit, 1, 1, 2.0, 0);
        yield return new TestCaseData(Side.Right, Triangle.Lower, N, Diagonal.Unit, 1, 1, 1.0, 0);
        yield return new TestCaseData(Side.Left, Triangle.Lower, N, Diagonal.NonUnit, 0, 3, 1.0, 0);
        yield return new TestCaseData(Side.Left, Triangle.Lower, N, Diagonal.NonUnit, 3, 0, 1.0, 0);
        yield return new TestCaseData(Side.Right, Triangle.Upper, N, Diagonal.NonUnit, 0, 0, 1.0, 0);
        yield return new TestCaseData(Side.Left, Triangle.Upper, N, Diagonal.NonUnit, 6, 4, 0.0, 1).SetName("{m}_alpha0");
    }

    /// <summary>A well-conditioned triangular matrix: diagonal in [1, 2], off-diagonal entries of size 1/order; NaN where a backend must not read (other triangle; the diagonal for Unit).</summary>
    internal static CM RandomTriangular(int order, Triangle tri, Diagonal diag, int seed, int pad)
    {
        var r = CM.Random(order, order, seed, pad);
        for (int j = 0; j < order; j++)
            for (int i = 0; i < order; i++)
            {
                bool stored = tri == Triangle.Lower ? i > j : i < j;
                if (i == j) r[i, j] = diag == Diagonal.Unit ? double.NaN : 1.5 + 0.5 * r[i, j];
                else r[i, j] = stored ? r[i, j] / order : double.NaN;
            }

        return r;
    }

    /// <summary>The triangular matrix as the backend sees it (NaN replaced by zero, unit diagonal made explicit).</summary>
    internal static double[,] Effective(CM a, Diagonal diag)
    {
        var e = a.ToArray();
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < a.Cols; j++)
                if (i == j && diag == Diagonal.Unit) e[i, j] = 1;
                else if (double.IsNaN(e[i, j])) e[i, j] = 0;
        return e;
    }

    [TestCaseSource(nameof(TrsmCases))]
    public void TriangularSolve(Side side, Triangle tri, Transpose t, Diagonal d, int m, int n, double alpha, int pad)
    {
        int order = side == Side.Left ? m : n;
        var a = RandomTriangular(order, tri, d, 9, pad);
        var b = CM.Random(m, n, 10, pad);
        var b0 = b.ToArray();
        var bm = b.Clone();
        Backend.TriangularSolve(side, tri, t, d, m, n, alpha, a.Data, a.Ld, b.Data, b.Ld);
        Managed.TriangularSolve(side, tri, t, d, m, n, alpha, a.Data, a.Ld, bm.Data, bm.Ld);

        var op = Effective(a, d);
        if (t == Y) op = Ref.T(op);
        var x = b.ToArray();
        var lhs = side == Side.Left ? Ref.Mul(op, x) : Ref.Mul(x, op);
        var rhs = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) rhs[i, j] = alpha * b0[i, j];
        Ref.AssertClose(lhs, rhs, Ref.Tol, "op(A)·X = α·B residual", Ref.MaxAbs(b0));
        Ref.AssertSameAsManaged(b, bm, "triangular solve");
    }
}
