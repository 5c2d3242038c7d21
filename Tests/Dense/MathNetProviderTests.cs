using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;
using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

// Tolerance: 1e-12 relative (max-norm of the difference over the max-norm of the managed result) for products, solves,
// singular values and eigenvalues; singular and eigen vectors are compared up to the sign of each vector.
// The inputs are well conditioned (diagonally dominant or Gram-plus-shift), so forward errors stay near 1e-14.
[TestFixture]
[NonParallelizable] // installs a process-wide MathNet provider
public class MathNetProviderTests
{
    private const double Tol = 1e-12;

    /// <summary>Every registered backend that is available, plus the test reference backend (so that the suite runs on any branch).</summary>
    public static IEnumerable<TestCaseData> Backends()
    {
        yield return new TestCaseData("reference").SetArgDisplayNames("reference");
        foreach (var (name, a) in DenseBackend.Available)
            if (a.IsAvailable) yield return new TestCaseData(name).SetArgDisplayNames(name);
    }

    private static IDenseBackend Backend(string name) =>
        name == "reference" ? new ReferenceDenseBackend() : DenseBackend.Available[name].Backend!;

    [TearDown]
    public void RestoreManaged() => LinearAlgebraControl.UseManaged();

    /// <summary>Computes <paramref name="f"/> under the managed provider, then under the adapter over the backend.</summary>
    private static (T Managed, T Adapted) Both<T>(string backend, Func<T> f)
    {
        LinearAlgebraControl.UseManaged();
        var managed = f();
        DenseBackendLinearAlgebraProvider.UseForMathNet(Backend(backend));
        Assert.That(LinearAlgebraControl.Provider, Is.InstanceOf<DenseBackendLinearAlgebraProvider>());
        try
        {
            return (managed, f());
        }
        finally
        {
            LinearAlgebraControl.UseManaged();
        }
    }

    private static Matrix<double> Random(int m, int n, int seed) => Matrix<double>.Build.Random(m, n, new MathNet.Numerics.Distributions.ContinuousUniform(-1, 1, new Random(seed)));

    private static Matrix<double> Dominant(int n, int seed) => Random(n, n, seed) + Matrix<double>.Build.DenseIdentity(n) * n;

    private static Matrix<double> Spd(int n, int seed)
    {
        var b = Random(n, n, seed);
        return b.TransposeThisAndMultiply(b) + Matrix<double>.Build.DenseIdentity(n) * n;
    }

    private static void AssertClose(Matrix<double> expected, Matrix<double> actual, string what)
    {
        Assert.That(actual.RowCount, Is.EqualTo(expected.RowCount), what);
        Assert.That(actual.ColumnCount, Is.EqualTo(expected.ColumnCount), what);
        double scale = Math.Max(expected.Enumerate().Max(Math.Abs), double.Epsilon);
        double diff = (expected - actual).Enumerate().Max(Math.Abs);
        Assert.That(diff / scale, Is.LessThanOrEqualTo(Tol), what);
    }

    private static void AssertClose(Vector<double> expected, Vector<double> actual, string what) =>
        AssertClose(expected.ToColumnMatrix(), actual.ToColumnMatrix(), what);

    /// <summary>Flips each column of <paramref name="actual"/> to the sign of the matching column of <paramref name="expected"/>.</summary>
    private static Matrix<double> AlignColumns(Matrix<double> expected, Matrix<double> actual)
    {
        var r = actual.Clone();
        for (int j = 0; j < r.ColumnCount; j++)
            if (expected.Column(j).DotProduct(actual.Column(j)) < 0) r.SetColumn(j, -actual.Column(j));
        return r;
    }

    [TestCaseSource(nameof(Backends))]
    public void Multiply_AgreesWithManaged(string backend)
    {
        var a = Random(61, 43, 1);
        var b = Random(43, 37, 2);
        var c = Random(61, 37, 3);
        var x = Vector<double>.Build.Random(43, 4);
        var (m, d) = Both(backend, () => (a * b, a.TransposeThisAndMultiply(c), b.TransposeAndMultiply(c), a * x, a.Transpose() * c));
        AssertClose(m.Item1, d.Item1, "A·B");
        AssertClose(m.Item2, d.Item2, "Aᵀ·C");
        AssertClose(m.Item3, d.Item3, "B·Cᵀ");
        AssertClose(m.Item4, d.Item4, "A·x");
        AssertClose(m.Item5, d.Item5, "Aᵀ·C (explicit transpose)");
    }

    [TestCaseSource(nameof(Backends))]
    public void Multiply_InPlaceAndEmpty(string backend)
    {
        var a = Dominant(20, 5);
        var (m, d) = Both(backend, () =>
        {
            var r = a.Clone();
            r.Multiply(r, r); // result aliases both operands
            var empty = Matrix<double>.Build.Dense(3, 0) * Matrix<double>.Build.Dense(0, 4);
            return (r, empty);
        });
        AssertClose(m.r, d.r, "A·A in place");
        Assert.That(d.empty.Enumerate().All(v => v == 0), Is.True);
    }

    [TestCaseSource(nameof(Backends))]
    public void Cholesky_AgreesWithManaged(string backend)
    {
        var a = Spd(50, 6);
        var b = Random(50, 3, 7);
        var (m, d) = Both(backend, () =>
        {
            var ch = a.Cholesky();
            return (ch.Factor, ch.Solve(b), ch.Determinant);
        });
        AssertClose(m.Factor, d.Factor, "L (upper triangle zero)");
        AssertClose(m.Item2, d.Item2, "X");
        Assert.That(Math.Abs(d.Determinant / m.Determinant - 1), Is.LessThanOrEqualTo(Tol));
    }

    [TestCaseSource(nameof(Backends))]
    public void Cholesky_NotPositiveDefinite_ThrowsArgumentException(string backend)
    {
        var a = Spd(10, 8);
        a[4, 4] = -100;
        DenseBackendLinearAlgebraProvider.UseForMathNet(Backend(backend));
        Assert.Throws<ArgumentException>(() => a.Cholesky());
    }

    [TestCaseSource(nameof(Backends))]
    public void Lu_AgreesWithManaged(string backend)
    {
        var a = Dominant(40, 9);
        var b = Random(40, 2, 10);
        var (m, d) = Both(backend, () =>
        {
            var lu = a.LU();
            return (lu.Solve(b), lu.Determinant, lu.Inverse(), a.Solve(b));
        });
        AssertClose(m.Item1, d.Item1, "X");
        Assert.That(Math.Abs(d.Determinant / m.Determinant - 1), Is.LessThanOrEqualTo(Tol));
        AssertClose(m.Item3, d.Item3, "A⁻¹");
        AssertClose(m.Item4, d.Item4, "A.Solve(B)");
    }

    [TestCaseSource(nameof(Backends))]
    public void Qr_AgreesWithManaged(string backend)
    {
        var a = Random(60, 20, 11);
        var b = Random(60, 3, 12);
        var sq = Dominant(25, 13);
        var bs = Random(25, 2, 14);
        var (m, d) = Both(backend, () =>
        {
            var full = a.QR(QRMethod.Full);
            var thin = a.QR(QRMethod.Thin);
            return (full.Solve(b), thin.Solve(b), sq.QR().Solve(bs), full, thin);
        });
        AssertClose(m.Item1, d.Item1, "full QR least squares");
        AssertClose(m.Item2, d.Item2, "thin QR least squares");
        AssertClose(m.Item3, d.Item3, "square QR solve");
        // The factors themselves: Q orthogonal, R upper triangular, Q·R = A, and |R| equal to the managed one (signs may differ).
        foreach (var (qr, what) in new[] { (d.full, "full"), (d.thin, "thin") })
        {
            AssertClose(a, qr.Q * qr.R, what + " Q·R = A");
            AssertClose(Matrix<double>.Build.DenseIdentity(qr.Q.ColumnCount), qr.Q.TransposeThisAndMultiply(qr.Q), what + " QᵀQ = I");
            AssertClose(qr.R.UpperTriangle(), qr.R, what + " R upper triangular");
        }

        AssertClose(m.full.R.PointwiseAbs(), d.full.R.PointwiseAbs(), "|R|");
    }

    [TestCaseSource(nameof(Backends))]
    public void QrFactor_FromOneProvider_SolvesWithTheOther(string backend)
    {
        var a = Random(30, 12, 15);
        var b = Random(30, 2, 16);
        LinearAlgebraControl.UseManaged();
        var managedQr = a.QR();
        var expected = managedQr.Solve(b);
        DenseBackendLinearAlgebraProvider.UseForMathNet(Backend(backend));
        AssertClose(expected, managedQr.Solve(b), "managed factor, adapted solve");
        var adaptedQr = a.QR();
        LinearAlgebraControl.UseManaged();
        AssertClose(expected, adaptedQr.Solve(b), "adapted factor, managed solve");
    }

    [TestCaseSource(nameof(Backends))]
    public void Svd_AgreesWithManaged(string backend)
    {
        var sq = Random(30, 30, 17);
        var tall = Random(40, 25, 18);
        var (m, d) = Both(backend, () => (sq.Svd(true), tall.Svd(true), tall.Svd(false).S));
        AssertClose(m.Item1.S, d.Item1.S, "square singular values");
        AssertClose(m.Item1.U, AlignColumns(m.Item1.U, d.Item1.U), "square U (up to sign)");
        AssertClose(m.Item1.VT.Transpose(), AlignColumns(m.Item1.VT.Transpose(), d.Item1.VT.Transpose()), "square V (up to sign)");
        AssertClose(sq, d.Item1.U * d.Item1.W * d.Item1.VT, "U·Σ·Vᵀ = A");
        AssertClose(m.Item2.S, d.Item2.S, "tall singular values (delegated)");
        AssertClose(tall, d.Item2.U * d.Item2.W * d.Item2.VT, "tall U·Σ·Vᵀ = A");
        AssertClose(m.Item3, d.Item3, "singular values only");
    }

    [TestCaseSource(nameof(Backends))]
    public void Evd_AgreesWithManaged(string backend)
    {
        var g = Random(30, 30, 19);
        var sym = g + g.Transpose();
        var general = Random(12, 12, 20);
        var (m, d) = Both(backend, () => (sym.Evd(Symmetricity.Symmetric), general.Evd(Symmetricity.Asymmetric)));
        AssertClose(m.Item1.EigenValues.Real(), d.Item1.EigenValues.Real(), "eigenvalues");
        Assert.That(d.Item1.EigenValues.Imaginary().Enumerate().All(v => v == 0), Is.True);
        AssertClose(m.Item1.EigenVectors, AlignColumns(m.Item1.EigenVectors, d.Item1.EigenVectors), "eigenvectors (up to sign)");
        AssertClose(m.Item1.D, d.Item1.D, "D");
        AssertClose(sym * d.Item1.EigenVectors, d.Item1.EigenVectors * d.Item1.D, "A·V = V·D");
        AssertClose(m.Item2.EigenValues.Real(), d.Item2.EigenValues.Real(), "general eigenvalues (delegated)");
    }

    [TestCaseSource(nameof(Backends))]
    public void OtherTypes_AreDelegatedToManaged(string backend)
    {
        var f = Matrix<float>.Build.Random(8, 8, 21);
        var z = Matrix<System.Numerics.Complex>.Build.Random(6, 6, 22);
        var (m, d) = Both(backend, () => ((f * f).ToArray(), (z * z).ToArray(), Random(5, 5, 23).L2Norm()));
        Assert.That(d.Item1, Is.EqualTo(m.Item1));
        Assert.That(d.Item2, Is.EqualTo(m.Item2));
        Assert.That(d.Item3, Is.EqualTo(m.Item3).Within(1e-10).Percent);
    }

    [Test]
    public void UseForMathNet_RefusesABackendFailingTheSelfTest()
    {
        Assert.Throws<NotSupportedException>(() => DenseBackendLinearAlgebraProvider.UseForMathNet(new BrokenGemmBackend("broken")));
        Assert.That(LinearAlgebraControl.Provider, Is.Not.InstanceOf<DenseBackendLinearAlgebraProvider>());
    }
}
