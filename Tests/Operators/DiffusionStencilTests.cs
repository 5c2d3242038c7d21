using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class DiffusionStencil2DTests
{
    internal static double[] RandomCoefficient(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => Math.Exp(3 * rng.NextDouble()))];
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var bc in new[] { StencilBoundary.Dirichlet, StencilBoundary.Neumann, StencilBoundary.Periodic })
        {
            yield return new TestCaseData(7, 5, bc);
            yield return new TestCaseData(1, 9, bc);
            yield return new TestCaseData(2, 1, bc);
            yield return new TestCaseData(3, 15, bc);
        }
    }

    // Tolerance: 1e-14 relative to max |entry|; symmetry of the CSR form to 1e-14.
    [TestCaseSource(nameof(Cases))]
    public void FastKernel_MatchesStencilAndCsr(int nx, int ny, StencilBoundary bc)
    {
        var a = new DiffusionStencil2D(nx, ny, 0.2, 0.3, RandomCoefficient(nx * ny, nx + ny), bc);
        var dense = OperatorChecks.ToDense(a);
        var stencil = a.ToStencil();
        Assert.That(stencil.IsVariable, Is.True);
        DenseReference.AssertClose(dense, OperatorChecks.ToDense(stencil), 1e-14, "stencil");
        DenseReference.AssertClose(dense, a.ToCsr().ToDense(), 1e-14, "csr");
        var diag = new double[a.Rows];
        a.CopyDiagonal(diag);
        DenseReference.AssertClose(diag, Enumerable.Range(0, a.Rows).Select(i => dense[i, i]).ToArray(), 1e-14, "diagonal");
        Assert.That(a.ToCsr().IsSymmetric(1e-14), Is.True);
    }

    // Tolerance: 1e-14 relative; with a ≡ 1 the diffusion operator is the Laplacian under every boundary rule.
    [TestCase(StencilBoundary.Dirichlet)]
    [TestCase(StencilBoundary.Neumann)]
    [TestCase(StencilBoundary.Periodic)]
    public void UnitCoefficient_EqualsLaplacian(StencilBoundary bc)
    {
        var a = new DiffusionStencil2D(6, 5, 0.2, 0.3, Enumerable.Repeat(1.0, 30).ToArray(), bc);
        DenseReference.AssertClose(OperatorChecks.ToDense(a), OperatorChecks.ToDense(new Laplacian2D(6, 5, 0.2, 0.3, bc)), 1e-14);
    }

    // Tolerance: hand-computed entries to 1e-14 relative.
    [Test]
    public void Entries_UseHarmonicFacesAndOwnCoefficientAtDirichletBoundary()
    {
        double[] a = [1, 4, 2]; // 3 × 1 grid along x
        var d = OperatorChecks.ToDense(new DiffusionStencil2D(3, 1, 1, 1, a));
        double h01 = 2.0 * 1 * 4 / 5, h12 = 2.0 * 4 * 2 / 6;
        Assert.Multiple(() =>
        {
            // y direction: two Dirichlet faces with the node's own value.
            Assert.That(d[0, 0], Is.EqualTo(1 + h01 + 2 * 1).Within(1e-14 * 10));
            Assert.That(d[1, 1], Is.EqualTo(h01 + h12 + 2 * 4).Within(1e-14 * 10));
            Assert.That(d[2, 2], Is.EqualTo(h12 + 2 + 2 * 2).Within(1e-14 * 10));
            Assert.That(d[0, 1], Is.EqualTo(-h01).Within(1e-14 * 10));
            Assert.That(d[1, 2], Is.EqualTo(-h12).Within(1e-14 * 10));
        });
    }

    // Tolerance: xᵀAx > 0 for 20 random x (Dirichlet); A·1 = 0 to 1e-12·max diag (Neumann); properties exact.
    [Test]
    public void Properties_SpdForDirichletSingularForNeumann()
    {
        var coef = RandomCoefficient(35, 9);
        var a = new DiffusionStencil2D(7, 5, 0.1, 0.1, coef);
        Assert.That(a.Properties, Is.EqualTo(OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite));
        var y = new double[a.Rows];
        for (int k = 0; k < 20; k++)
        {
            var x = DenseReference.RandomVector(a.Rows, 100 + k);
            a.Apply(x, y);
            Assert.That(VectorMath.Dot(x, y), Is.GreaterThan(0));
        }

        var n = new DiffusionStencil2D(7, 5, 0.1, 0.1, coef, StencilBoundary.Neumann);
        Assert.That(n.Properties, Is.EqualTo(OperatorProperties.Symmetric));
        n.Apply(Enumerable.Repeat(1.0, n.Rows).ToArray(), y);
        var diag = new double[n.Rows];
        n.CopyDiagonal(diag);
        Assert.That(VectorMath.NormInf(y), Is.LessThanOrEqualTo(1e-12 * VectorMath.NormInf(diag)));
    }

    // Tolerance: 1e-14 relative against the general stencil; exact zero bytes.
    [Test]
    public void LargeGrid_ParallelApplyMatchesStencilAndAllocatesNothing()
    {
        int nx = 190, ny = 181;
        var a = new DiffusionStencil2D(nx, ny, 0.01, 0.01, RandomCoefficient(nx * ny, 5), StencilBoundary.Periodic);
        var x = DenseReference.RandomVector(a.Rows, 3);
        var y = new double[a.Rows];
        var ys = new double[a.Rows];
        a.Apply(x, y);
        a.ToStencil().Apply(x, ys);
        DenseReference.AssertClose(y, ys, 1e-14);
        Assert.That(DenseReference.AllocatedBytes(() => a.Apply(x, y)), Is.EqualTo(0));
    }

    [Test]
    public void BadCoefficient_ThrowsArgumentExceptionNamingTheIndex()
    {
        var c = Enumerable.Repeat(1.0, 12).ToArray();
        c[3] = -1;
        Assert.That(() => new DiffusionStencil2D(3, 4, 1, 1, c),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("coefficient").And.Message.Contains("coefficient[3]"));
        c[3] = double.PositiveInfinity;
        Assert.That(() => new DiffusionStencil2D(3, 4, 1, 1, c), Throws.ArgumentException.With.Message.Contains("coefficient[3]"));
        c[3] = 0;
        Assert.That(() => new DiffusionStencil2D(3, 4, 1, 1, c), Throws.ArgumentException.With.Message.Contains("coefficient[3]"));
        Assert.That(() => new DiffusionStencil2D(3, 5, 1, 1, c),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("coefficient").And.Message.Contains("15"));
    }
}

[TestFixture]
public class DiffusionStencil3DTests
{
    // Tolerance: 1e-14 relative to max |entry|; symmetry of the CSR form to 1e-14.
    [TestCase(4, 3, 5, StencilBoundary.Dirichlet)]
    [TestCase(4, 3, 5, StencilBoundary.Neumann)]
    [TestCase(4, 3, 5, StencilBoundary.Periodic)]
    [TestCase(1, 2, 9, StencilBoundary.Periodic)]
    [TestCase(3, 1, 1, StencilBoundary.Neumann)]
    public void FastKernel_MatchesStencilAndCsr(int nx, int ny, int nz, StencilBoundary bc)
    {
        var a = new DiffusionStencil3D(nx, ny, nz, 0.2, 0.3, 0.25, DiffusionStencil2DTests.RandomCoefficient(nx * ny * nz, 4), bc);
        var dense = OperatorChecks.ToDense(a);
        DenseReference.AssertClose(dense, OperatorChecks.ToDense(a.ToStencil()), 1e-14, "stencil");
        DenseReference.AssertClose(dense, a.ToCsr().ToDense(), 1e-14, "csr");
        var diag = new double[a.Rows];
        a.CopyDiagonal(diag);
        DenseReference.AssertClose(diag, Enumerable.Range(0, a.Rows).Select(i => dense[i, i]).ToArray(), 1e-14, "diagonal");
        Assert.That(a.ToCsr().IsSymmetric(1e-14), Is.True);
    }

    // Tolerance: 1e-14 relative; a ≡ 1 gives the 7-point Laplacian.
    [Test]
    public void UnitCoefficient_EqualsLaplacian()
    {
        var a = new DiffusionStencil3D(3, 4, 5, 0.2, 0.3, 0.4, Enumerable.Repeat(1.0, 60).ToArray());
        DenseReference.AssertClose(OperatorChecks.ToDense(a), OperatorChecks.ToDense(new Laplacian3D(3, 4, 5, 0.2, 0.3, 0.4)), 1e-14);
    }

    // Tolerance: 1e-14 relative against the general stencil; exact zero bytes.
    [Test]
    public void LargeGrid_ParallelApplyMatchesStencilAndAllocatesNothing()
    {
        var a = new DiffusionStencil3D(33, 32, 35, 0.1, 0.1, 0.1, DiffusionStencil2DTests.RandomCoefficient(33 * 32 * 35, 6));
        var x = DenseReference.RandomVector(a.Rows, 3);
        var y = new double[a.Rows];
        var ys = new double[a.Rows];
        a.Apply(x, y);
        a.ToStencil().Apply(x, ys);
        DenseReference.AssertClose(y, ys, 1e-14);
        Assert.That(DenseReference.AllocatedBytes(() => a.Apply(x, y)), Is.EqualTo(0));
    }

    [Test]
    public void BadInputs_ThrowArgumentExceptionNamingTheArgument()
    {
        var c = Enumerable.Repeat(1.0, 8).ToArray();
        c[7] = double.NaN;
        Assert.Multiple(() =>
        {
            Assert.That(() => new DiffusionStencil3D(2, 2, 2, 1, 1, 1, c), Throws.ArgumentException.With.Message.Contains("coefficient[7]"));
            Assert.That(() => new DiffusionStencil3D(2, 2, 0, 1, 1, 1, c), Throws.ArgumentException.With.Property("ParamName").EqualTo("nz"));
            Assert.That(() => new DiffusionStencil3D(2, 2, 2, 1, 1, 0, c), Throws.ArgumentException.With.Property("ParamName").EqualTo("hz"));
        });
    }
}
