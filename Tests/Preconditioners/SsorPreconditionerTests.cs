using NUnit.Framework;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Preconditioners;
using Solvers.Tests.Relaxation;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Preconditioners;

[TestFixture]
public class SsorPreconditionerTests
{
    /// <summary>A small SPD test matrix: the 4×4-grid Laplacian plus a varying diagonal (so D ≠ const·I).</summary>
    private static CsrMatrix SmallSpd()
    {
        var lap = new Laplacian2D(4, 4, 1, 1).ToCsr().ToDense();
        for (int i = 0; i < 16; i++) lap[i, i] += 0.1 * (i % 5);
        return CsrMatrix.FromDense(lap, OperatorProperties.Symmetric);
    }

    /// <summary>The operator z = Apply(r) as a dense matrix, built from unit vectors.</summary>
    private static double[,] ApplyAsDense(SsorPreconditioner m, int n)
    {
        var result = new double[n, n];
        var e = new double[n];
        var z = new double[n];
        for (int j = 0; j < n; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            m.Apply(e, z);
            for (int i = 0; i < n; i++) result[i, j] = z[i];
        }

        return result;
    }

    /// <summary>M_ω = (D + ωU) D⁻¹ (D + ωL) / (ω(2 − ω)) as a dense matrix (sor-bandit §2.2).</summary>
    private static double[,] SplittingMatrix(double[,] a, double omega)
    {
        int n = a.GetLength(0);
        var upper = new double[n, n];
        var lower = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j) upper[i, j] = lower[i, j] = a[i, i];
                else if (j > i) upper[i, j] = omega * a[i, j];
                else lower[i, j] = omega * a[i, j];
            }

        var result = new double[n, n];
        double factor = omega * (2 - omega);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += upper[i, k] / a[k, k] * lower[k, j];
                result[i, j] = s / factor;
            }

        return result;
    }

    /// <summary>Dense Cholesky; returns false at the first non-positive pivot.</summary>
    private static bool CholeskySucceeds(double[,] m)
    {
        int n = m.GetLength(0);
        var l = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double pivot = m[j, j];
            for (int k = 0; k < j; k++) pivot -= l[j, k] * l[j, k];
            if (!(pivot > 0)) return false;
            l[j, j] = Math.Sqrt(pivot);
            for (int i = j + 1; i < n; i++)
            {
                double s = m[i, j];
                for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                l[i, j] = s / l[j, j];
            }
        }

        return true;
    }

    [TestCase(0.2)]
    [TestCase(0.5)]
    [TestCase(1.0)]
    [TestCase(1.5)]
    [TestCase(1.95)]
    public void Apply_SolvesTheSplittingSystem(double omega)
    {
        // §5.1 (3): M_ω · Apply(r) = r to 1e−12 (relative to ‖r‖∞), i.e. Apply(r) is the solution of M_ω z = r.
        var a = SmallSpd();
        var m = new SsorPreconditioner(omega);
        m.Setup(a);
        var r = DenseReference.RandomVector(16, 5);
        var z = new double[16];
        m.Apply(r, z);
        var back = DenseReference.Multiply(SplittingMatrix(a.ToDense(), omega), z);
        DenseReference.AssertClose(back, r, 1e-12, "M_ω z vs r");
    }

    [TestCase(0.2)]
    [TestCase(0.5)]
    [TestCase(1.0)]
    [TestCase(1.5)]
    [TestCase(1.9)]
    [TestCase(1.95)]
    public void Apply_IsSymmetricPositiveDefinite(double omega)
    {
        var a = SmallSpd();
        var m = new SsorPreconditioner(omega);
        m.Setup(a);
        var dense = ApplyAsDense(m, 16);
        double max = DenseReference.MaxAbs(dense);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < i; j++)
                Assert.That(Math.Abs(dense[i, j] - dense[j, i]), Is.LessThanOrEqualTo(1e-12 * max), "|M − Mᵀ| ≤ 1e-12·max|M|");
        Assert.That(CholeskySucceeds(dense), Is.True, "dense Cholesky of M_ω⁻¹: all pivots > 0");
        Assert.That(CholeskySucceeds(SplittingMatrix(a.ToDense(), omega)), Is.True, "dense Cholesky of M_ω: all pivots > 0");
    }

    [Test]
    public void OmegaChange_NeedsNoNewSetup()
    {
        // The same instance, set up once, gives for ω = 1.5 exactly what a fresh ω = 1.5 preconditioner gives (tolerance 0).
        var a = SmallSpd();
        var m = new SsorPreconditioner(1.0);
        m.Setup(a);
        m.Omega = 1.5;
        var fresh = new SsorPreconditioner(1.5);
        fresh.Setup(a);
        var r = DenseReference.RandomVector(16, 9);
        var z1 = new double[16];
        var z2 = new double[16];
        m.Apply(r, z1);
        fresh.Apply(r, z2);
        Assert.That(z1, Is.EqualTo(z2).Within(0.0), "tolerance 0");
    }

    [TestCase(0.2)]
    [TestCase(0.5)]
    [TestCase(1.0)]
    [TestCase(1.5)]
    [TestCase(1.9)]
    public void SsorPcg_Converges(double omega)
    {
        var a = SuccessiveOverRelaxationTests.ShiftedLaplacian(-0.15);
        var b = SuccessiveOverRelaxationTests.Ones(100);
        var m = new SsorPreconditioner(omega);
        m.Setup(a);
        var options = new SolverOptions { RelativeTolerance = 1e-8, MaxIterations = 10_000 };
        var (x, result) = ConjugateGradient.Solve(a, b, options, m);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance), $"ω = {omega}");
        Assert.That(result.TrueResidualNorm, Is.LessThanOrEqualTo(1e-7 * 10), "true residual ≤ slack 10 × 1e-8·‖b‖ (‖b‖ = 10)");
        Assert.That(x.All(double.IsFinite), Is.True);
    }

    [Test]
    public void SsorPcg_NeedsFewerIterationsThanCg()
    {
        var a = SuccessiveOverRelaxationTests.ShiftedLaplacian(0);
        var b = SuccessiveOverRelaxationTests.Ones(100);
        var options = new SolverOptions { RelativeTolerance = 1e-8, MaxIterations = 10_000 };
        var m = new SsorPreconditioner(1.5);
        m.Setup(a);
        var (_, plain) = ConjugateGradient.Solve(a, b, options);
        var (_, ssor) = ConjugateGradient.Solve(a, b, options, m);
        Assert.That(ssor.Iterations, Is.LessThan(plain.Iterations), "SSOR(1.5)-PCG vs CG iteration counts");
    }

    [Test]
    public void ConvertibleOperator_IsAccepted()
    {
        var stencil = new Laplacian2D(4, 4, 1, 1);
        var fromStencil = new SsorPreconditioner(1.3);
        fromStencil.Setup(stencil);
        var fromCsr = new SsorPreconditioner(1.3);
        fromCsr.Setup(stencil.ToCsr());
        var r = DenseReference.RandomVector(16, 2);
        var z1 = new double[16];
        var z2 = new double[16];
        fromStencil.Apply(r, z1);
        fromCsr.Apply(r, z2);
        Assert.That(z1, Is.EqualTo(z2).Within(0.0), "tolerance 0");
    }

    [TestCase(0.0)]
    [TestCase(2.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    public void OmegaOutsideOpenInterval_Throws(double omega)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SsorPreconditioner(omega));
        var m = new SsorPreconditioner(0.7);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Omega = omega);
        Assert.That(m.Omega, Is.EqualTo(0.7).Within(0.0), "unchanged after a refused value");
    }

    [Test]
    public void NonPositiveDiagonal_RefusedWithRowValueAndCount()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 2, 1, 0 }, { 1, -1, 0 }, { 0, 0, 0 } });
        var ex = Assert.Throws<PreconditionerSetupException>(() => new SsorPreconditioner().Setup(a));
        Assert.That(ex!.Row, Is.EqualTo(1));
        Assert.That(ex.Value, Is.EqualTo(-1.0).Within(0.0), "tolerance 0");
        Assert.That(ex.Count, Is.EqualTo(2), "rows 1 (−1) and 2 (missing diagonal = 0)");
        Assert.That(ex.Message, Does.Contain("a[1,1] = -1 at row 1"));
    }

    [Test]
    public void NonSquare_AndUnsupportedOperator_Throw()
    {
        var rect = CsrMatrix.FromDense(new double[,] { { 1, 0, 0 }, { 0, 1, 0 } });
        Assert.Throws<ArgumentException>(() => new SsorPreconditioner().Setup(rect));
        Assert.Throws<InvalidOperationException>(() => new SsorPreconditioner().Apply(new double[2], new double[2]));
    }

    [Test]
    public void Apply_DoesNotAllocate()
    {
        var a = SuccessiveOverRelaxationTests.ShiftedLaplacian(0);
        var m = new SsorPreconditioner(1.4);
        m.Setup(a);
        var r = DenseReference.RandomVector(100, 1);
        var z = new double[100];
        long bytes = DenseReference.AllocatedBytes(() => m.Apply(r, z));
        Assert.That(bytes, Is.EqualTo(0), "bytes allocated by 10 applies (smallest of 5 rounds), tolerance 0");
    }

    [Test]
    public void Factory_CreatesSsorWithOmegaOne()
    {
        Assert.That(PreconditionerFactory.ValidNames, Does.Contain("ssor"));
        var m = PreconditionerFactory.Create("SSOR");
        Assert.That(m, Is.InstanceOf<SsorPreconditioner>());
        Assert.That(((SsorPreconditioner)m).Omega, Is.EqualTo(1.0).Within(0.0), "default ω = 1");
    }
}
