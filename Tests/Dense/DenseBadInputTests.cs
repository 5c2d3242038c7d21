using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

/// <summary>
/// Bad input: wrong sizes (ArgumentException naming the argument, before any work), numerical failures
/// (NotPositiveDefiniteException / SingularMatrixException with the pivot), and the documented NaN behaviour of each operation.
/// </summary>
[TestFixtureSource(typeof(DenseBackendSource), nameof(DenseBackendSource.Backends))]
public sealed class DenseBadInputTests(string backendName) : DenseBackendFixture(backendName)
{
    private const Transpose N = Transpose.No;
    private const Transpose Y = Transpose.Yes;
    private const Triangle L = Triangle.Lower;
    private const Triangle U = Triangle.Upper;

    /// <summary>One wrong call: the buffers it may touch, and the argument the exception must name.</summary>
    public sealed class BadCall(string label, string param, double[][] buffers, Action<IDenseBackend> call)
    {
        public string Param { get; } = param;
        public double[][] Buffers { get; } = buffers;
        public Action<IDenseBackend> Call { get; } = call;
        public override string ToString() => label;
    }

    private static double[] Buf(int length, int seed = 1)
    {
        var r = new Random(seed);
        var d = new double[length];
        for (int i = 0; i < length; i++) d[i] = 2 * r.NextDouble() - 1;
        return d;
    }

    private static double[] Spd3(int lda)
    {
        var a = new double[lda * 2 + 3];
        for (int i = 0; i < 3; i++) a[i + i * lda] = 4;
        return a;
    }

    private static TestCaseData Case(string label, string param, double[][] buffers, Action<IDenseBackend> call) =>
        new TestCaseData(new BadCall(label, param, buffers, call)).SetArgDisplayNames(label);

    /// <summary>Every method with a short buffer, a short leading dimension, and its other size errors.</summary>
    private static IEnumerable<TestCaseData> BadCalls()
    {
        // gemm: m = 4, n = 3, k = 2; minimum lengths a 4·1+4 = 8, b 2·2+2 = 6, c 4·2+4 = 12.
        {
            double[] a = Buf(8), b = Buf(6), c = Buf(12), s7 = Buf(7), s5 = Buf(5), s11 = Buf(11);
            yield return Case("Gemm a short", "a", [c], be => be.Gemm(N, N, 4, 3, 2, 1, s7, 4, b, 2, 0, c, 4));
            yield return Case("Gemm lda < m", "lda", [c], be => be.Gemm(N, N, 4, 3, 2, 1, a, 3, b, 2, 0, c, 4));
            yield return Case("Gemm b short", "b", [c], be => be.Gemm(N, N, 4, 3, 2, 1, a, 4, s5, 2, 0, c, 4));
            yield return Case("Gemm ldb < k", "ldb", [c], be => be.Gemm(N, N, 4, 3, 2, 1, a, 4, b, 1, 0, c, 4));
            yield return Case("Gemm c short", "c", [s11], be => be.Gemm(N, N, 4, 3, 2, 1, a, 4, b, 2, 0, s11, 4));
            yield return Case("Gemm ldc < m", "ldc", [c], be => be.Gemm(N, N, 4, 3, 2, 1, a, 4, b, 2, 0, c, 3));
            yield return Case("Gemm transA: lda < k", "lda", [c], be => be.Gemm(Y, N, 4, 3, 2, 1, a, 1, b, 2, 0, c, 4));
            yield return Case("Gemm transA: a short (k×m)", "a", [c], be => be.Gemm(Y, N, 4, 3, 2, 1, s7, 2, b, 2, 0, c, 4));
            yield return Case("Gemm transB: ldb < n", "ldb", [c], be => be.Gemm(N, Y, 4, 3, 2, 1, a, 4, b, 2, 0, c, 4));
            yield return Case("Gemm m < 0", "m", [c], be => be.Gemm(N, N, -1, 3, 2, 1, a, 4, b, 2, 0, c, 4));
            yield return Case("Gemm k < 0", "k", [c], be => be.Gemm(N, N, 4, 3, -2, 1, a, 4, b, 2, 0, c, 4));
            yield return Case("Gemm ld = 0 for 0 rows", "lda", [c], be => be.Gemm(N, N, 0, 3, 0, 1, [], 0, [], 1, 0, c, 1));
            yield return Case("Gemm transA not a Transpose", "transA", [c], be => be.Gemm((Transpose)7, N, 4, 3, 2, 1, a, 4, b, 2, 0, c, 4));
        }

        // gemv: A 4×3 (length 12).
        {
            double[] a = Buf(12), x3 = Buf(3), x4 = Buf(4), y4 = Buf(4), y3 = Buf(3), s11 = Buf(11), s2 = Buf(2);
            yield return Case("Gemv a short", "a", [y4], be => be.Gemv(N, 4, 3, 1, s11, 4, x3, 0, y4));
            yield return Case("Gemv lda < m", "lda", [y4], be => be.Gemv(N, 4, 3, 1, a, 3, x3, 0, y4));
            yield return Case("Gemv x short", "x", [y4], be => be.Gemv(N, 4, 3, 1, a, 4, s2, 0, y4));
            yield return Case("Gemv y short", "y", [y3], be => be.Gemv(N, 4, 3, 1, a, 4, x3, 0, y3));
            yield return Case("Gemv transposed: x needs m", "x", [y3], be => be.Gemv(Y, 4, 3, 1, a, 4, x3, 0, y3));
            yield return Case("Gemv transposed: y needs n", "y", [s2], be => be.Gemv(Y, 4, 3, 1, a, 4, x4, 0, s2));
            yield return Case("Gemv n < 0", "n", [y4], be => be.Gemv(N, 4, -3, 1, a, 4, x3, 0, y4));
        }

        // syrk: n = 4, k = 3; A 4×3 (12), Aᵀ stored 3×4 (12), C 4×4 (16).
        {
            double[] a = Buf(12), c = Buf(16), s11 = Buf(11), s15 = Buf(15);
            yield return Case("Syrk a short", "a", [c], be => be.Syrk(L, N, 4, 3, 1, s11, 4, 0, c, 4));
            yield return Case("Syrk lda < n", "lda", [c], be => be.Syrk(L, N, 4, 3, 1, a, 3, 0, c, 4));
            yield return Case("Syrk transposed: lda < k", "lda", [c], be => be.Syrk(U, Y, 4, 3, 1, a, 2, 0, c, 4));
            yield return Case("Syrk c short", "c", [s15], be => be.Syrk(U, N, 4, 3, 1, a, 4, 0, s15, 4));
            yield return Case("Syrk ldc < n", "ldc", [c], be => be.Syrk(U, N, 4, 3, 1, a, 4, 0, c, 3));
            yield return Case("Syrk triangle not a Triangle", "triangle", [c], be => be.Syrk((Triangle)9, N, 4, 3, 1, a, 4, 0, c, 4));
        }

        // triangular solve: m = 4, n = 3; left A 4×4 (16), right A 3×3 (9), B 4×3 (12).
        {
            double[] b = Buf(12), s15 = Buf(15), s11 = Buf(11);
            var a16 = new double[16];
            for (int i = 0; i < 4; i++) a16[i * 5] = 2;
            var a9 = new double[9];
            for (int i = 0; i < 3; i++) a9[i * 4] = 2;
            yield return Case("TriangularSolve left: a short", "a", [b], be => be.TriangularSolve(Side.Left, L, N, Diagonal.NonUnit, 4, 3, 1, s15, 4, b, 4));
            yield return Case("TriangularSolve left: lda < m", "lda", [b], be => be.TriangularSolve(Side.Left, L, N, Diagonal.NonUnit, 4, 3, 1, a16, 3, b, 4));
            yield return Case("TriangularSolve right: lda < n", "lda", [b], be => be.TriangularSolve(Side.Right, U, N, Diagonal.NonUnit, 4, 3, 1, a9, 2, b, 4));
            yield return Case("TriangularSolve b short", "b", [s11], be => be.TriangularSolve(Side.Left, U, Y, Diagonal.Unit, 4, 3, 1, a16, 4, s11, 4));
            yield return Case("TriangularSolve ldb < m", "ldb", [b], be => be.TriangularSolve(Side.Right, L, Y, Diagonal.NonUnit, 4, 3, 1, a9, 3, b, 3));
            yield return Case("TriangularSolve side not a Side", "side", [b], be => be.TriangularSolve((Side)5, L, N, Diagonal.NonUnit, 4, 3, 1, a16, 4, b, 4));
            yield return Case("TriangularSolve diagonal not a Diagonal", "diagonal", [b], be => be.TriangularSolve(Side.Left, L, N, (Diagonal)5, 4, 3, 1, a16, 4, b, 4));
        }

        // Cholesky: n = 3 (lda 4 → 11).
        {
            double[] a = Spd3(4), f = Spd3(3), b = Buf(6), s10 = Spd3(4)[..10], s5 = Buf(5), s8 = Spd3(3)[..8];
            yield return Case("CholeskyFactor a short", "a", [s10], be => be.CholeskyFactor(L, 3, s10, 4));
            yield return Case("CholeskyFactor lda < n", "lda", [a], be => be.CholeskyFactor(U, 3, a, 2));
            yield return Case("CholeskyFactor n < 0", "n", [a], be => be.CholeskyFactor(L, -3, a, 4));
            yield return Case("CholeskyFactor triangle not a Triangle", "triangle", [a], be => be.CholeskyFactor((Triangle)2, 3, a, 4));
            yield return Case("CholeskySolve factor short", "factor", [b], be => be.CholeskySolve(L, 3, 2, s8, 3, b, 3));
            yield return Case("CholeskySolve lda < n", "lda", [b], be => be.CholeskySolve(L, 3, 2, f, 2, b, 3));
            yield return Case("CholeskySolve b short", "b", [s5], be => be.CholeskySolve(U, 3, 2, f, 3, s5, 3));
            yield return Case("CholeskySolve ldb < n", "ldb", [b], be => be.CholeskySolve(U, 3, 2, f, 3, b, 2));
            yield return Case("CholeskySolve nrhs < 0", "nrhs", [b], be => be.CholeskySolve(U, 3, -1, f, 3, b, 3));
            yield return Case("CholeskyInverse factor short", "factor", [s8], be => be.CholeskyInverse(L, 3, s8, 3));
            yield return Case("CholeskyInverse lda < n", "lda", [f], be => be.CholeskyInverse(U, 3, f, 2));
            yield return Case("CholeskyInverse lda = 0 for n = 0", "lda", [f], be => be.CholeskyInverse(L, 0, [], 0));
            yield return Case("CholeskyInverse n < 0", "n", [f], be => be.CholeskyInverse(L, -3, f, 3));
            yield return Case("CholeskyInverse triangle not a Triangle", "triangle", [f], be => be.CholeskyInverse((Triangle)2, 3, f, 3));
        }

        // LU: A 4×3 (12), pivots 3; solve n = 3 (9), B 3×2 (6).
        {
            double[] a = Buf(12), s11 = Buf(11), f = Spd3(3), s8 = Spd3(3)[..8], b = Buf(6), s5 = Buf(5);
            yield return Case("LuFactor a short", "a", [s11], be => be.LuFactor(4, 3, s11, 4, new int[3]));
            yield return Case("LuFactor lda < m", "lda", [a], be => be.LuFactor(4, 3, a, 3, new int[3]));
            yield return Case("LuFactor pivots short", "pivots", [a], be => be.LuFactor(4, 3, a, 4, new int[2]));
            yield return Case("LuFactor m < 0", "m", [a], be => be.LuFactor(-4, 3, a, 4, new int[3]));
            yield return Case("LuSolve factor short", "factor", [b], be => be.LuSolve(N, 3, 2, s8, 3, [0, 1, 2], b, 3));
            yield return Case("LuSolve lda < n", "lda", [b], be => be.LuSolve(N, 3, 2, f, 2, [0, 1, 2], b, 3));
            yield return Case("LuSolve pivots short", "pivots", [b], be => be.LuSolve(Y, 3, 2, f, 3, [0, 1], b, 3));
            yield return Case("LuSolve pivot beyond n", "pivots", [b], be => be.LuSolve(N, 3, 2, f, 3, [0, 7, 2], b, 3));
            yield return Case("LuSolve negative pivot", "pivots", [b], be => be.LuSolve(N, 3, 2, f, 3, [-1, 1, 2], b, 3));
            yield return Case("LuSolve b short", "b", [s5], be => be.LuSolve(N, 3, 2, f, 3, [0, 1, 2], s5, 3));
            yield return Case("LuSolve ldb < n", "ldb", [b], be => be.LuSolve(N, 3, 2, f, 3, [0, 1, 2], b, 2));
            yield return Case("LuSolve trans not a Transpose", "trans", [b], be => be.LuSolve((Transpose)3, 3, 2, f, 3, [0, 1, 2], b, 3));
        }

        // QR: A 4×3 (12), tau 3; ApplyQ m = 4, n = 2, k = 3: C 4×2 (8).
        {
            double[] a = Buf(12), s11 = Buf(11), tau = [1.5, 1.2, 1.1], c = Buf(8), s7 = Buf(7);
            yield return Case("QrFactor a short", "a", [s11, tau], be => be.QrFactor(4, 3, s11, 4, tau));
            yield return Case("QrFactor lda < m", "lda", [a, tau], be => be.QrFactor(4, 3, a, 3, tau));
            yield return Case("QrFactor tau short", "tau", [a], be => be.QrFactor(4, 3, a, 4, new double[2]));
            yield return Case("ApplyQ factor short", "factor", [c], be => be.ApplyQ(N, 4, 2, 3, s11, 4, tau, c, 4));
            yield return Case("ApplyQ lda < m", "lda", [c], be => be.ApplyQ(Y, 4, 2, 3, a, 3, tau, c, 4));
            yield return Case("ApplyQ tau short", "tau", [c], be => be.ApplyQ(Y, 4, 2, 3, a, 4, tau.AsSpan(0, 2), c, 4));
            yield return Case("ApplyQ c short", "c", [s7], be => be.ApplyQ(N, 4, 2, 3, a, 4, tau, s7, 4));
            yield return Case("ApplyQ ldc < m", "ldc", [c], be => be.ApplyQ(N, 4, 2, 3, a, 4, tau, c, 3));
            yield return Case("ApplyQ k > m", "k", [c], be => be.ApplyQ(N, 2, 2, 3, a, 4, tau, c, 2));
        }

        // least squares: m = 4, n = 3, nrhs = 2: A 12, B 4×2 (8).
        {
            double[] a = Buf(12), s11 = Buf(11), b = Buf(8), s7 = Buf(7);
            yield return Case("LeastSquares m < n", "m", [a, b], be => be.LeastSquares(3, 4, 2, a, 4, b, 4));
            yield return Case("LeastSquares a short", "a", [s11, b], be => be.LeastSquares(4, 3, 2, s11, 4, b, 4));
            yield return Case("LeastSquares lda < m", "lda", [a, b], be => be.LeastSquares(4, 3, 2, a, 3, b, 4));
            yield return Case("LeastSquares b short", "b", [a, s7], be => be.LeastSquares(4, 3, 2, a, 4, s7, 4));
            yield return Case("LeastSquares ldb < m (ldb = n)", "ldb", [a, b], be => be.LeastSquares(4, 3, 2, a, 4, b, 3));
        }

        // SVD: A 4×3 (12): s 3, U 4×3 (12), Vᵀ 3×3 (9).
        {
            double[] a = Buf(12), s11 = Buf(11), s = new double[3], u = new double[12], vt = new double[9];
            yield return Case("Svd a short", "a", [s, u, vt], be => be.Svd(4, 3, s11, 4, s, u, 4, vt, 3));
            yield return Case("Svd lda < m", "lda", [a, s, u, vt], be => be.Svd(4, 3, a, 3, s, u, 4, vt, 3));
            yield return Case("Svd s short", "s", [a, u, vt], be => be.Svd(4, 3, a, 4, new double[2], u, 4, vt, 3));
            yield return Case("Svd u short", "u", [a, s, vt], be => be.Svd(4, 3, a, 4, s, new double[11], 4, vt, 3));
            yield return Case("Svd ldu < m", "ldu", [a, s, u, vt], be => be.Svd(4, 3, a, 4, s, u, 3, vt, 3));
            yield return Case("Svd vt short", "vt", [a, s, u], be => be.Svd(4, 3, a, 4, s, u, 4, new double[8], 3));
            yield return Case("Svd ldvt < min(m, n)", "ldvt", [a, s, u, vt], be => be.Svd(4, 3, a, 4, s, u, 4, vt, 2));
            yield return Case("Svd wide: u is m×m", "u", [s, vt], be => be.Svd(3, 4, a, 3, s, new double[8], 3, new double[12], 3));
        }

        // symmetric eigen: n = 3 (lda 4 → 11), w 3.
        {
            double[] a = Spd3(4), s10 = Spd3(4)[..10], w = new double[3];
            yield return Case("SymmetricEigen a short", "a", [s10, w], be => be.SymmetricEigen(L, 3, s10, 4, w));
            yield return Case("SymmetricEigen lda < n", "lda", [a, w], be => be.SymmetricEigen(U, 3, a, 2, w));
            yield return Case("SymmetricEigen w short", "w", [a], be => be.SymmetricEigen(L, 3, a, 4, new double[2]));
            yield return Case("SymmetricEigen triangle not a Triangle", "triangle", [a, w], be => be.SymmetricEigen((Triangle)(-1), 3, a, 4, w));
        }
    }

    [TestCaseSource(nameof(BadCalls))]
    public void WrongSizes_ThrowArgumentException_BeforeAnyWork(BadCall bad)
    {
        var before = bad.Buffers.Select(b => (double[])b.Clone()).ToArray();
        var e = Assert.Catch<ArgumentException>(() => bad.Call(Backend));
        Assert.That(e!.ParamName, Is.EqualTo(bad.Param), e.Message);
        for (int i = 0; i < before.Length; i++)
            Assert.That(bad.Buffers[i], Is.EqualTo(before[i]).AsCollection, $"buffer {i} was written before the check");
    }

    [TestCase(L)]
    [TestCase(U)]
    public void Cholesky_NotPositiveDefinite_NamesThePivot(Triangle tri)
    {
        var a = new CM(4, 4, 1);
        double[] d = [4, 9, -1, 16];
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 4; i++) a[i, j] = i == j ? d[i] : 0;
        var e = Assert.Throws<NotPositiveDefiniteException>(() => Backend.CholeskyFactor(tri, 4, a.Data, a.Ld));
        Assert.That(e!.Pivot, Is.EqualTo(2));
        Assert.That(e.Value, Is.EqualTo(-1.0));
        Assert.That(e.Message, Does.Contain("pivot 2"));

        var b = CM.From(new double[,] { { 1, 2 }, { 2, 1 } });
        var e2 = Assert.Throws<NotPositiveDefiniteException>(() => Backend.CholeskyFactor(tri, 2, b.Data, b.Ld));
        Assert.That(e2!.Pivot, Is.EqualTo(1));
        Assert.That(e2.Value, Is.EqualTo(-3.0).Within(1e-15));
    }

    /// <summary>Documented: a NaN reaching a Cholesky pivot is refused as not positive definite, at the first pivot it reaches (dpotrf's disnan check).</summary>
    [TestCase(L, 2, 1, 2)]
    [TestCase(U, 1, 2, 2)]
    [TestCase(L, 0, 0, 0)]
    [TestCase(U, 3, 3, 3)]
    public void Cholesky_NaN_IsNotPositiveDefinite(Triangle tri, int i, int j, int pivot)
    {
        var a = CM.From(Ref.RandomSpd(5, 41));
        a[i, j] = double.NaN;
        var e = Assert.Throws<NotPositiveDefiniteException>(() => Backend.CholeskyFactor(tri, 5, a.Data, a.Ld));
        Assert.That(e!.Pivot, Is.EqualTo(pivot));
        Assert.That(double.IsNaN(e.Value), Is.True);
    }

    [Test]
    public void Lu_ZeroColumn_IsSingular_AtThatPivot_AfterACompleteFactorization()
    {
        var a = CM.Random(5, 5, 42, 1);
        for (int i = 0; i < 5; i++) a[i, 2] = 0;
        var a0 = a.ToArray();
        var piv = new int[5];
        var e = Assert.Throws<SingularMatrixException>(() => Backend.LuFactor(5, 5, a.Data, a.Ld, piv));
        Assert.That(e!.Pivot, Is.EqualTo(2));

        var pa = (double[,])a0.Clone();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++) (pa[i, j], pa[piv[i], j]) = (pa[piv[i], j], pa[i, j]);
        var l = new double[5, 5];
        var u = new double[5, 5];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                if (i > j) l[i, j] = a[i, j];
                else u[i, j] = a[i, j];
                if (i == j) l[i, j] = 1;
            }

        Ref.AssertClose(Ref.Mul(l, u), pa, Ref.Tol, "P·A − L·U of the singular matrix");
    }

    [Test]
    public void Lu_ExactlySingular2x2_NamesPivot1()
    {
        var a = CM.From(new double[,] { { 1, 2 }, { 2, 4 } });
        var piv = new int[2];
        var e = Assert.Throws<SingularMatrixException>(() => Backend.LuFactor(2, 2, a.Data, a.Ld, piv));
        Assert.That(e!.Pivot, Is.EqualTo(1));
        Assert.That(piv, Is.EqualTo(new[] { 1, 1 }));
    }

    /// <summary>Documented: NaN in an LU input propagates into the factor (no exception: NaN is not an exact zero pivot).</summary>
    [Test]
    public void Lu_NaN_Propagates()
    {
        var a = CM.Random(6, 6, 43);
        a[3, 1] = double.NaN;
        Assert.DoesNotThrow(() => Backend.LuFactor(6, 6, a.Data, a.Ld, new int[6]));
        Assert.That(a.Data.Any(double.IsNaN), Is.True);
    }

    [Test]
    public void LuSolve_SingularFactor_IsRefused_BeforeTouchingB()
    {
        var f = CM.From(new double[,] { { 2, 1, 0 }, { 0.5, 0, 1 }, { 0.5, 0.5, 3 } });
        var b = CM.Random(3, 2, 44);
        var b0 = (double[])b.Data.Clone();
        var e = Assert.Throws<SingularMatrixException>(() => Backend.LuSolve(N, 3, 2, f.Data, f.Ld, [0, 1, 2], b.Data, b.Ld));
        Assert.That(e!.Pivot, Is.EqualTo(1));
        Assert.That(b.Data, Is.EqualTo(b0));
    }

    [TestCase(Diagonal.NonUnit, true)]
    [TestCase(Diagonal.Unit, false)]
    public void TriangularSolve_ZeroDiagonal(Diagonal diag, bool singular)
    {
        var a = CM.From(new double[,] { { 2, 0, 0 }, { 1, 3, 0 }, { 1, 1, 0 } });
        var b = CM.Random(3, 2, 45);
        var b0 = (double[])b.Data.Clone();
        void Solve() => Backend.TriangularSolve(Side.Left, L, N, diag, 3, 2, 1, a.Data, a.Ld, b.Data, b.Ld);
        if (singular)
        {
            var e = Assert.Throws<SingularMatrixException>(Solve);
            Assert.That(e!.Pivot, Is.EqualTo(2));
            Assert.That(b.Data, Is.EqualTo(b0), "B untouched");
        }
        else
        {
            Assert.DoesNotThrow(Solve);
        }
    }

    [Test]
    public void CholeskySolve_ZeroDiagonal_IsSingular()
    {
        var f = CM.From(new double[,] { { 2, 0 }, { 1, 0 } });
        var b = CM.Random(2, 1, 46);
        var e = Assert.Throws<SingularMatrixException>(() => Backend.CholeskySolve(L, 2, 1, f.Data, f.Ld, b.Data, b.Ld));
        Assert.That(e!.Pivot, Is.EqualTo(1));
    }

    [TestCase(L, 1)]
    [TestCase(U, 1)]
    [TestCase(L, 0)]
    [TestCase(U, 2)]
    public void CholeskyInverse_ZeroDiagonal_IsSingular_BeforeTouchingTheFactor(Triangle tri, int zero)
    {
        var f = new CM(3, 3, 1);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++)
                f[i, j] = i == j ? (i == zero ? 0 : 2) : ((tri == L ? i > j : i < j) ? 0.5 : double.NaN);
        var before = (double[])f.Data.Clone();
        var e = Assert.Throws<SingularMatrixException>(() => Backend.CholeskyInverse(tri, 3, f.Data, f.Ld));
        Assert.That(e!.Pivot, Is.EqualTo(zero));
        Assert.That(f.Data, Is.EqualTo(before).AsCollection, "the factor is untouched");
    }

    [Test]
    public void CholeskyInverse_OrderZero_DoesNothing()
    {
        double[] one = [3.5];
        Assert.DoesNotThrow(() => Backend.CholeskyInverse(L, 0, [], 1));
        Assert.DoesNotThrow(() => Backend.CholeskyInverse(U, 0, one, 1));
        Assert.That(one[0], Is.EqualTo(3.5));
    }

    [Test]
    public void LeastSquares_RankDeficient_IsSingular()
    {
        var a = CM.Random(7, 4, 47, 1);
        for (int i = 0; i < 7; i++) a[i, 1] = 0;
        var b = CM.Random(7, 2, 48);
        var e = Assert.Throws<SingularMatrixException>(() => Backend.LeastSquares(7, 4, 2, a.Data, a.Ld, b.Data, b.Ld));
        Assert.That(e!.Pivot, Is.EqualTo(1));

        var zero = new CM(5, 3);
        Array.Clear(zero.Data);
        var b2 = CM.Random(5, 1, 49);
        var e2 = Assert.Throws<SingularMatrixException>(() => Backend.LeastSquares(5, 3, 1, zero.Data, zero.Ld, b2.Data, b2.Ld));
        Assert.That(e2!.Pivot, Is.EqualTo(0), "an all-zero A is rank deficient (LAPACK dgels would silently return X = 0)");
    }

    /// <summary>Documented: NaN propagates through QR and least squares (no exception).</summary>
    [Test]
    public void Qr_And_LeastSquares_NaN_Propagate()
    {
        var a = CM.Random(6, 4, 50);
        a[2, 2] = double.NaN;
        var tau = new double[4];
        Assert.DoesNotThrow(() => Backend.QrFactor(6, 4, a.Data, a.Ld, tau));
        Assert.That(a.Data.Any(double.IsNaN) || tau.Any(double.IsNaN), Is.True);

        var a2 = CM.Random(6, 4, 51);
        var b = CM.Random(6, 2, 52);
        b[3, 1] = double.NaN;
        Backend.LeastSquares(6, 4, 2, a2.Data, a2.Ld, b.Data, b.Ld);
        for (int i = 0; i < 4; i++)
        {
            Assert.That(double.IsFinite(b[i, 0]), Is.True, "the clean column stays finite");
            Assert.That(double.IsNaN(b[i, 1]), Is.True, "the NaN column propagates");
        }
    }

    /// <summary>Documented: the SVD and the symmetric eigen-decomposition return all-NaN outputs for non-finite input (never a hang or a crash).</summary>
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Svd_NonFinite_GivesNaNOutputs(double bad)
    {
        var a = CM.Random(5, 3, 53);
        a[1, 2] = bad;
        var s = new double[3];
        var u = new CM(5, 3);
        var vt = new CM(3, 3);
        Backend.Svd(5, 3, a.Data, a.Ld, s, u.Data, u.Ld, vt.Data, vt.Ld);
        Assert.That(s.All(double.IsNaN), Is.True, "s");
        Assert.That(u.Data.All(double.IsNaN), Is.True, "U");
        Assert.That(vt.Data.All(double.IsNaN), Is.True, "Vᵀ");
    }

    [TestCase(L, double.NaN)]
    [TestCase(U, double.NegativeInfinity)]
    public void SymmetricEigen_NonFinite_GivesNaNOutputs(Triangle tri, double bad)
    {
        var a = Ref.Triangle(Ref.RandomSymmetric(4, 54), tri == L, 0);
        if (tri == L) a[3, 1] = bad;
        else a[1, 3] = bad;
        var w = new double[4];
        Backend.SymmetricEigen(tri, 4, a.Data, a.Ld, w);
        Assert.That(w.All(double.IsNaN), Is.True, "w");
        Assert.That(a.Data.All(double.IsNaN), Is.True, "eigenvectors");
    }

    [Test]
    public void SymmetricEigen_NaNInTheOtherTriangle_IsNotRead()
    {
        var a = Ref.Triangle(Ref.RandomSymmetric(4, 55), lower: true, 0);
        var w = new double[4];
        Backend.SymmetricEigen(L, 4, a.Data, a.Ld, w);
        Assert.That(w.All(double.IsFinite), Is.True);
    }
}
