using NUnit.Framework;
using Solvers.Operators;
using Solvers.Preconditioners;
using Solvers.Tests.Krylov;

namespace Solvers.Tests.Preconditioners;

[TestFixture]
public class CholeskyFactorPreconditionerTests
{
    [Test]
    public void Apply_SolvesWithTheFactorAndItsTranspose()
    {
        var a = KrylovTestSupport.Laplacian2D(5);
        var dense = a.ToDense();
        var lDense = KrylovTestSupport.CholeskyLower(dense);
        var m = new CholeskyFactorPreconditioner(CsrMatrix.FromDense(lDense));
        m.Setup(a);
        var rng = new Random(9);
        var r = Enumerable.Range(0, 25).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var z = new double[25];
        m.Apply(r, z);
        var reference = KrylovTestSupport.CholeskySolve(lDense, r);
        for (int i = 0; i < 25; i++) Assert.That(z[i], Is.EqualTo(reference[i]).Within(1e-14), $"z[{i}], absolute 1e-14");
        var az = KrylovTestSupport.Multiply(a, z);
        for (int i = 0; i < 25; i++) Assert.That(az[i], Is.EqualTo(r[i]).Within(1e-13), $"(A z)[{i}] = r[{i}], absolute 1e-13");
    }

    [Test]
    public void UpperTriangularEntry_Refused()
    {
        var l = CsrMatrix.FromDense(new double[,] { { 1, 0, 0 }, { 0.5, 1, 0.25 }, { 0, 0, 1 } });
        var ex = Assert.Throws<PreconditionerSetupException>(() => new CholeskyFactorPreconditioner(l).Setup(CsrMatrix.Identity(3)));
        Assert.That(ex!.Row, Is.EqualTo(1));
        Assert.That(ex.Value, Is.EqualTo(0.25).Within(0.0));
        Assert.That(ex.Count, Is.EqualTo(1));
        Assert.That(ex.Message, Does.Contain("lower triangular"));
    }

    [Test]
    public void NonPositiveOrMissingDiagonal_Refused()
    {
        var l = CsrMatrix.FromDense(new double[,] { { 1, 0, 0 }, { 0.5, -2, 0 }, { 1, 0, 0 } });
        var ex = Assert.Throws<PreconditionerSetupException>(() => new CholeskyFactorPreconditioner(l).Setup(CsrMatrix.Identity(3)));
        Assert.That(ex!.Row, Is.EqualTo(1));
        Assert.That(ex.Value, Is.EqualTo(-2.0).Within(0.0));
        Assert.That(ex.Count, Is.EqualTo(2), "row 1 (−2) and row 2 (no stored diagonal)");
    }

    [Test]
    public void NonFiniteEntry_Refused()
    {
        var l = CsrMatrix.FromDense(new double[,] { { 1, 0 }, { double.PositiveInfinity, 1 } });
        var ex = Assert.Throws<PreconditionerSetupException>(() => new CholeskyFactorPreconditioner(l).Setup(CsrMatrix.Identity(2)));
        Assert.That(ex!.Row, Is.EqualTo(1));
        Assert.That(ex.Value, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void SizeMismatch_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CholeskyFactorPreconditioner(CsrMatrix.Identity(3)).Setup(CsrMatrix.Identity(4)));
        Assert.That(ex, Is.Not.InstanceOf<PreconditionerSetupException>());
        Assert.That(ex!.Message, Does.Contain("3×3").And.Contain("4×4"));
    }

    [Test]
    public void ApplyBeforeSetup_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new CholeskyFactorPreconditioner(CsrMatrix.Identity(2)).Apply(new double[2], new double[2]));
    }
}
