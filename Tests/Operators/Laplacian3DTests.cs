using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class Laplacian3DTests
{
    private static IEnumerable<TestCaseData> SmallCases()
    {
        foreach (var bc in new[] { StencilBoundary.Dirichlet, StencilBoundary.Neumann, StencilBoundary.Periodic })
        {
            yield return new TestCaseData(5, 3, 7, bc);
            yield return new TestCaseData(1, 3, 4, bc);
            yield return new TestCaseData(3, 1, 1, bc);
            yield return new TestCaseData(2, 2, 11, bc);
        }
    }

    // Tolerance: 1e-14 relative to max |entry| between fast kernel, general stencil and CSR.
    [TestCaseSource(nameof(SmallCases))]
    public void FastKernel_MatchesStencilAndCsr(int nx, int ny, int nz, StencilBoundary bc)
    {
        var a = new Laplacian3D(nx, ny, nz, 0.3, 0.7, 0.45, bc);
        var dense = OperatorChecks.ToDense(a);
        DenseReference.AssertClose(dense, OperatorChecks.ToDense(a.ToStencil()), 1e-14, "stencil");
        DenseReference.AssertClose(dense, a.ToCsr().ToDense(), 1e-14, "csr");
        var diag = new double[a.Rows];
        a.CopyDiagonal(diag);
        DenseReference.AssertClose(diag, Enumerable.Range(0, a.Rows).Select(i => dense[i, i]).ToArray(), 1e-14, "diagonal");
        Assert.That(a.ToCsr().IsSymmetric(1e-14), Is.True);
    }

    // Tolerance: 1e-14 relative to max |y| against the general stencil.
    [TestCase(StencilBoundary.Dirichlet)]
    [TestCase(StencilBoundary.Periodic)]
    public void LargeGrid_ParallelApplyMatchesStencil(StencilBoundary bc)
    {
        var a = new Laplacian3D(33, 35, 31, 0.1, 0.2, 0.3, bc);
        Assert.That(a.Rows, Is.GreaterThanOrEqualTo(StencilOperator.ParallelThreshold));
        var x = DenseReference.RandomVector(a.Rows, 3);
        var y = new double[a.Rows];
        var ys = new double[a.Rows];
        a.Apply(x, y);
        a.ToStencil().Apply(x, ys);
        DenseReference.AssertClose(y, ys, 1e-14);
    }

    // Tolerance: exact (zero bytes).
    [Test]
    public void Apply_AllocatesNothing()
    {
        var a = Laplacian3D.UnitCube(40);
        var x = DenseReference.RandomVector(a.Rows, 1);
        var y = new double[a.Rows];
        Assert.That(DenseReference.AllocatedBytes(() => a.Apply(x, y)), Is.EqualTo(0));
    }

    // Tolerance: properties exact; the randomized symmetry test at 1e-10.
    [Test]
    public void Properties_FollowTheBoundary()
    {
        var a = Laplacian3D.UnitCube(5);
        Assert.That(a.Properties, Is.EqualTo(OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite));
        Assert.That(a.Hz, Is.EqualTo(1.0 / 6).Within(1e-15));
        var n = new Laplacian3D(3, 4, 5, 1, 1, 1, StencilBoundary.Neumann);
        Assert.That(n.Properties, Is.EqualTo(OperatorProperties.Symmetric));
        Assert.That(OperatorChecks.IsSymmetricRandomized(n), Is.True);
    }

    [Test]
    public void BadInputs_ThrowArgumentExceptionNamingTheArgument()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new Laplacian3D(3, 3, 0, 1, 1, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("nz"));
            Assert.That(() => new Laplacian3D(3, 3, 3, 1, 1, -1), Throws.ArgumentException.With.Property("ParamName").EqualTo("hz"));
            Assert.That(() => new Laplacian3D(2000, 2000, 2000, 1, 1, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("nx"));
            Assert.That(() => Laplacian3D.UnitCube(0), Throws.ArgumentException.With.Property("ParamName").EqualTo("n"));
        });
    }
}
