using NUnit.Framework;
using Solvers.LeastSquares;

namespace Solvers.Tests.LeastSquares;

[TestFixture]
public class LeastSquaresTestProblemsTests
{
    private static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double x in v) s += x * x;
        return Math.Sqrt(s);
    }

    // Tolerances: ‖A‖₂ = 1 and ‖A†‖₂ = κ to 1e−10 relative (SVD of R); Aᵀr* = 0 to 1e−13·‖r‖; ‖r‖ = 0.1‖Ax₀‖ to 1e−12;
    // dense QR reproduces x₀ to within the perturbation bound κu + κ²u‖r‖/(‖A‖‖x‖) ≈ 1e−10 at κ = 10³.
    [TestCase(2000, 20, 1e3)]
    [TestCase(500, 50, 1e4)]
    public void Incoherent_HasItsSpectrumAndKnownSolution(int n, int d, double kappa)
    {
        var p = LeastSquaresTestProblems.Incoherent(n, d, kappa, seed: 11);
        var (normA, normPinv) = LeastSquaresTestProblems.ExactNorms(p.A);
        Assert.That(normA, Is.EqualTo(1).Within(1e-10).Percent.Or.EqualTo(1).Within(1e-10));
        Assert.That(normPinv / kappa, Is.EqualTo(1).Within(1e-8));
        Assert.That(p.Solution, Is.SameAs(p.X0));
        var atr = new double[d];
        p.A.ApplyAdjoint(p.Residual!, atr);
        Assert.That(Norm(atr), Is.LessThan(1e-13 * Norm(p.Residual!)));
        var ax = new double[n];
        p.A.Apply(p.X0, ax);
        Assert.That(Norm(p.Residual!) / Norm(ax), Is.EqualTo(0.1).Within(1e-12));
        for (int i = 0; i < n; i++) Assert.That(p.B[i], Is.EqualTo(ax[i] + p.Residual![i]).Within(1e-14 * (1 + Math.Abs(ax[i]))));
        var x = LeastSquaresTestProblems.DenseQrSolve(p.A, p.B);
        double err = 0, scale = 0;
        for (int i = 0; i < d; i++)
        {
            err = Math.Max(err, Math.Abs(x[i] - p.X0[i]));
            scale = Math.Max(scale, Math.Abs(p.X0[i]));
        }
        Assert.That(err / scale, Is.LessThan(1e-9 * kappa / 1e3));
    }

    // Tolerance: bitwise with the managed backend (the generators are pure functions of their arguments: Philox streams,
    // fixed partitions); a native BLAS may differ in the last bits from run to run (MKL without its CNR mode).
    [Test]
    public void Generators_AreDeterministic_AndSeedDependent()
    {
        var managed = new Solvers.Dense.ManagedBackend();
        var a = LeastSquaresTestProblems.Incoherent(300, 10, 100, seed: 5, backend: managed);
        var b = LeastSquaresTestProblems.Incoherent(300, 10, 100, seed: 5, backend: managed);
        var c = LeastSquaresTestProblems.Incoherent(300, 10, 100, seed: 6, backend: managed);
        Assert.That(a.A.Data.ToArray(), Is.EqualTo(b.A.Data.ToArray()));
        Assert.That(a.B, Is.EqualTo(b.B));
        Assert.That(a.B, Is.Not.EqualTo(c.B));
        var k1 = LeastSquaresTestProblems.Coherent(300, 10, seed: 5);
        var k2 = LeastSquaresTestProblems.Coherent(300, 10, seed: 5);
        Assert.That(k1.B, Is.EqualTo(k2.B));
    }

    // Tolerances: structure exact; ‖A‖₂ = 10⁵ and σ_min ≈ 1 to 1e−6 relative (the 10⁻⁸ background moves them slightly).
    [Test]
    public void Coherent_HasHeavyLeadingRows()
    {
        int n = 1000, d = 8;
        var p = LeastSquaresTestProblems.Coherent(n, d, seed: 2);
        var data = p.A.Data;
        Assert.That(data[0], Is.EqualTo(1 + 1e-8));
        Assert.That(data[(d - 1) * d + d - 1], Is.EqualTo(1e5 + 1e-8));
        Assert.That(data[d * d + 3], Is.EqualTo(1e-8));
        var (normA, normPinv) = LeastSquaresTestProblems.ExactNorms(p.A);
        Assert.That(normA / 1e5, Is.EqualTo(1).Within(1e-6));
        Assert.That(normPinv, Is.EqualTo(1).Within(1e-6));
        Assert.That(p.Solution, Is.Null);
    }

    // Misuse: n < d, d < 1, κ < 1 → ArgumentException.
    [Test]
    public void BadSizes_Throw()
    {
        Assert.Throws<ArgumentException>(() => LeastSquaresTestProblems.Incoherent(5, 10, 10, 1));
        Assert.Throws<ArgumentException>(() => LeastSquaresTestProblems.Incoherent(5, 0, 10, 1));
        Assert.Throws<ArgumentException>(() => LeastSquaresTestProblems.Incoherent(50, 10, 0.5, 1));
        Assert.Throws<ArgumentException>(() => LeastSquaresTestProblems.Coherent(5, 10, 1));
    }
}
