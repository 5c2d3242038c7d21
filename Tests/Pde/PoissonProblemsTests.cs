using NUnit.Framework;
using Solvers.IO;
using Solvers.Operators;
using Solvers.Pde;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Pde;

[TestFixture]
public class PoissonProblemsTests
{
    /// <summary>Max-norm nodal error of a direct (banded Cholesky) solve of the problem's CSR form.</summary>
    private static double NodalError(LinearProblem p)
    {
        var csr = p.A as CsrMatrix ?? throw new AssertionException($"{p.Id}: expected a CSR operator.");
        var x = new BandedCholesky(csr).Solve(p.GetRightHandSide(0));
        var exact = p.GetExactSolution(0)!;
        double e = 0;
        for (int i = 0; i < x.Length; i++) e = Math.Max(e, Math.Abs(x[i] - exact[i]));
        return e;
    }

    private static double[] Errors(Func<int, LinearProblem> make, int[] sizes) => [.. sizes.Select(n => NodalError(make(n)))];

    // Tolerance: observed order log2(e_h / e_{h/2}) of the max-norm nodal error within 2 ± 0.1 for n = 31 → 63.
    [Test]
    public void Poisson2D_ConvergesAtSecondOrder()
    {
        var e = Errors(n => PoissonProblems.Poisson2D(n, matrixFree: false), [15, 31, 63]);
        double order = Math.Log2(e[1] / e[2]);
        TestContext.Out.WriteLine($"Poisson2D errors {string.Join(", ", e)}; order {order:F3}");
        Assert.That(order, Is.EqualTo(2).Within(0.1));
        Assert.That(e[0], Is.GreaterThan(e[1]));
    }

    // Tolerance: observed order within 2 ± 0.1 for n = 31 → 63 with contrast 10.
    [TestCase(1)]
    [TestCase(8)]
    public void Diffusion2D_ConvergesAtSecondOrder(int seed)
    {
        var e = Errors(n => PoissonProblems.Diffusion2D(n, 10, seed, matrixFree: false), [15, 31, 63]);
        double order = Math.Log2(e[1] / e[2]);
        TestContext.Out.WriteLine($"Diffusion2D errors {string.Join(", ", e)}; order {order:F3}");
        Assert.That(order, Is.EqualTo(2).Within(0.1));
        Assert.That(e[0], Is.GreaterThan(e[1]));
    }

    // Tolerance: observed order within 2 ± 0.2 for n = 7 → 15 (coarser grids, so a wider band).
    [Test]
    public void Poisson3D_ConvergesAtSecondOrder()
    {
        var e = Errors(n => PoissonProblems.Poisson3D(n, matrixFree: false), [7, 15]);
        double order = Math.Log2(e[0] / e[1]);
        TestContext.Out.WriteLine($"Poisson3D errors {string.Join(", ", e)}; order {order:F3}");
        Assert.That(order, Is.EqualTo(2).Within(0.2));
    }

    // Tolerance: matrix-free and CSR applications agree to 1e-14 relative to max |y|.
    [Test]
    public void MatrixFreeAndCsrForms_AreTheSameOperator()
    {
        foreach (var (mf, csr) in new[]
        {
            (PoissonProblems.Poisson2D(9), PoissonProblems.Poisson2D(9, false)),
            (PoissonProblems.Poisson3D(5), PoissonProblems.Poisson3D(5, false)),
            (PoissonProblems.Diffusion2D(9, 100, 3), PoissonProblems.Diffusion2D(9, 100, 3, false)),
        })
        {
            Assert.That(mf.A, Is.Not.InstanceOf<CsrMatrix>());
            Assert.That(csr.A, Is.InstanceOf<CsrMatrix>());
            var x = DenseReference.RandomVector(mf.A.Columns, 1);
            var y1 = new double[mf.A.Rows];
            var y2 = new double[mf.A.Rows];
            mf.A.Apply(x, y1);
            csr.A.Apply(x, y2);
            DenseReference.AssertClose(y1, y2, 1e-14, mf.Id);
            Assert.That(mf.A.Properties, Is.EqualTo(OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite));
            Assert.That(csr.A.Properties, Is.EqualTo(mf.A.Properties));
            Assert.That(csr.GetRightHandSide(0), Is.EqualTo(mf.GetRightHandSide(0)));
        }
    }

    // Tolerance: exact equality for determinism; the coefficient range check is exact ([1, contrast]).
    [Test]
    public void Diffusion2D_IsDeterministicPerSeedAndCoefficientInRange()
    {
        var p1 = PoissonProblems.Diffusion2D(12, 10, 5);
        var p2 = PoissonProblems.Diffusion2D(12, 10, 5);
        var p3 = PoissonProblems.Diffusion2D(12, 10, 6);
        Assert.That(p2.GetRightHandSide(0), Is.EqualTo(p1.GetRightHandSide(0)));
        Assert.That(p3.Fields["a"], Is.Not.EqualTo(p1.Fields["a"]));
        Assert.That(p1.Fields["a"], Has.All.InRange(1.0, 10.0));
        Assert.That(p1.Fields["a"].Max() - p1.Fields["a"].Min(), Is.GreaterThan(4), "the coefficient really varies");
    }

    [Test]
    public void Metadata_DescribesTheProblem()
    {
        var p = PoissonProblems.Poisson2D(4);
        Assert.Multiple(() =>
        {
            Assert.That(p.Kind, Is.EqualTo(ProblemKind.LinearSystem));
            Assert.That(p.Grid!.Axes, Is.EqualTo(new[] { "x", "y" }));
            Assert.That(p.Grid.Shape, Is.EqualTo(new[] { 4, 4 }));
            Assert.That(p.Grid.Coordinates[0][0], Is.EqualTo(0.2).Within(1e-15));
            Assert.That(p.Attributes["symmetric"], Is.EqualTo("1"));
            Assert.That(p.Attributes["spd"], Is.EqualTo("1"));
            Assert.That(p.Attributes["name"], Is.EqualTo(p.Name));
            Assert.That(p.Attributes["source"], Does.Contain("Poisson2D"));
            Assert.That(p.B.GetLength(0), Is.EqualTo(1));
            Assert.That(p.B.GetLength(1), Is.EqualTo(16));
            Assert.That(PoissonProblems.Poisson3D(3).Grid!.Axes, Is.EqualTo(new[] { "x", "y", "z" }));
        });
    }

    [Test]
    public void BadInputs_ThrowArgumentExceptionNamingTheArgument()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => PoissonProblems.Poisson2D(0), Throws.ArgumentException.With.Property("ParamName").EqualTo("n"));
            Assert.That(() => PoissonProblems.Poisson3D(-2), Throws.ArgumentException.With.Property("ParamName").EqualTo("n"));
            Assert.That(() => PoissonProblems.Diffusion2D(5, 0.5, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("contrast"));
            Assert.That(() => PoissonProblems.Diffusion2D(5, double.NaN, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("contrast"));
        });
    }
}
