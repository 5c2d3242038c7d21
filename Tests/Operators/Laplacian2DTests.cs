using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class Laplacian2DTests
{
    private static readonly StencilBoundary[] AllBoundaries = [StencilBoundary.Dirichlet, StencilBoundary.Neumann, StencilBoundary.Periodic];

    private static IEnumerable<TestCaseData> SmallCases()
    {
        foreach (var bc in AllBoundaries)
        {
            yield return new TestCaseData(7, 5, bc);
            yield return new TestCaseData(1, 5, bc);
            yield return new TestCaseData(5, 1, bc);
            yield return new TestCaseData(2, 3, bc);
            yield return new TestCaseData(3, 13, bc); // a y line longer than two SIMD vectors
        }
    }

    // Tolerance: 1e-14 relative to max |entry| between fast kernel, general stencil and CSR.
    [TestCaseSource(nameof(SmallCases))]
    public void FastKernel_MatchesStencilAndCsr(int nx, int ny, StencilBoundary bc)
    {
        var a = new Laplacian2D(nx, ny, 0.3, 0.7, bc);
        var dense = OperatorChecks.ToDense(a);
        DenseReference.AssertClose(dense, OperatorChecks.ToDense(a.ToStencil()), 1e-14, "stencil");
        DenseReference.AssertClose(dense, a.ToCsr().ToDense(), 1e-14, "csr");
        var diag = new double[a.Rows];
        a.CopyDiagonal(diag);
        DenseReference.AssertClose(diag, Enumerable.Range(0, a.Rows).Select(i => dense[i, i]).ToArray(), 1e-14, "diagonal");
        Assert.That(a.ToCsr().IsSymmetric(1e-14), Is.True);
    }

    // Tolerance: 1e-14 relative to 1/h² (entries are exact sums of at most two terms).
    [Test]
    public void Dirichlet_HasTheFivePointEntries()
    {
        double hx = 0.5, hy = 0.25;
        var d = OperatorChecks.ToDense(new Laplacian2D(3, 4, hx, hy));
        double cx = 1 / (hx * hx), cy = 1 / (hy * hy);
        int i = 1 * 4 + 2; // ix = 1, iy = 2
        Assert.Multiple(() =>
        {
            Assert.That(d[i, i], Is.EqualTo(2 * cx + 2 * cy).Within(1e-14 * cy));
            Assert.That(d[i, i - 4], Is.EqualTo(-cx).Within(1e-14 * cy));
            Assert.That(d[i, i + 4], Is.EqualTo(-cx).Within(1e-14 * cy));
            Assert.That(d[i, i - 1], Is.EqualTo(-cy).Within(1e-14 * cy));
            Assert.That(d[i, i + 1], Is.EqualTo(-cy).Within(1e-14 * cy));
            Assert.That(d[0, 0], Is.EqualTo(2 * cx + 2 * cy).Within(1e-14 * cy));
        });
    }

    // Tolerance: 1e-14 relative to max |y| against the general stencil; bit-identical across calls.
    [TestCase(StencilBoundary.Dirichlet)]
    [TestCase(StencilBoundary.Neumann)]
    [TestCase(StencilBoundary.Periodic)]
    public void LargeGrid_ParallelApplyMatchesStencil(StencilBoundary bc)
    {
        var a = new Laplacian2D(201, 199, 0.01, 0.02, bc);
        Assert.That(a.Rows, Is.GreaterThanOrEqualTo(StencilOperator.ParallelThreshold));
        var x = DenseReference.RandomVector(a.Rows, 3);
        var y = new double[a.Rows];
        var ys = new double[a.Rows];
        a.Apply(x, y);
        a.ToStencil().Apply(x, ys);
        DenseReference.AssertClose(y, ys, 1e-14);
        var y2 = new double[a.Rows];
        a.Apply(x, y2);
        Assert.That(y2, Is.EqualTo(y));
    }

    // Tolerance: exact (zero bytes).
    [TestCase(300)]
    [TestCase(17)]
    public void Apply_AllocatesNothing(int n)
    {
        var a = Laplacian2D.UnitSquare(n);
        var x = DenseReference.RandomVector(a.Rows, 1);
        var y = new double[a.Rows];
        Assert.That(DenseReference.AllocatedBytes(() => a.Apply(x, y)), Is.EqualTo(0));
    }

    // Tolerance: properties exact; A·1 = 0 to 1e-12·(1/h²) for the singular boundaries.
    [Test]
    public void Properties_FollowTheBoundary()
    {
        var spd = OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite;
        Assert.That(new Laplacian2D(4, 5, 1, 1).Properties, Is.EqualTo(spd));
        foreach (var bc in new[] { StencilBoundary.Neumann, StencilBoundary.Periodic })
        {
            var a = new Laplacian2D(4, 5, 0.1, 0.2, bc);
            Assert.That(a.Properties, Is.EqualTo(OperatorProperties.Symmetric));
            var y = new double[a.Rows];
            a.Apply(Enumerable.Repeat(1.0, a.Rows).ToArray(), y);
            Assert.That(VectorMath.NormInf(y), Is.LessThanOrEqualTo(1e-12 * 100), bc.ToString());
        }
    }

    [Test]
    public void UnitSquare_UsesInteriorSpacing()
    {
        var a = Laplacian2D.UnitSquare(9);
        Assert.Multiple(() =>
        {
            Assert.That(a.Nx, Is.EqualTo(9));
            Assert.That(a.Ny, Is.EqualTo(9));
            Assert.That(a.Hx, Is.EqualTo(0.1).Within(1e-15));
            Assert.That(a.Boundary, Is.EqualTo(StencilBoundary.Dirichlet));
        });
    }

    [Test]
    public void BadInputs_ThrowArgumentExceptionNamingTheArgument()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new Laplacian2D(0, 3, 1, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("nx"));
            Assert.That(() => new Laplacian2D(3, -1, 1, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("ny"));
            Assert.That(() => new Laplacian2D(3, 3, 0, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("hx"));
            Assert.That(() => new Laplacian2D(3, 3, 1, double.NaN), Throws.ArgumentException.With.Property("ParamName").EqualTo("hy"));
            Assert.That(() => new Laplacian2D(3, 3, 1, 1, (StencilBoundary)7), Throws.ArgumentException.With.Property("ParamName").EqualTo("boundary"));
            Assert.That(() => new Laplacian2D(70000, 70000, 1, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("nx"));
            Assert.That(() => Laplacian2D.UnitSquare(0), Throws.ArgumentException.With.Property("ParamName").EqualTo("n"));
            var a = new Laplacian2D(3, 3, 1, 1);
            Assert.That(() => a.Apply(new double[8], new double[9]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
            Assert.That(() => a.Apply(new double[9], new double[10]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
        });
    }
}
