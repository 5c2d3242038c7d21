using NUnit.Framework;
using Solvers.Operators;
using Solvers.Preconditioners;
using Solvers.Tests.Krylov;

namespace Solvers.Tests.Preconditioners;

[TestFixture]
public class JacobiPreconditionerTests
{
    [Test]
    public void NegativeDiagonalEntry_RefusedWithRowValueAndCount()
    {
        // REL §10.8 "Jacobi refusal": Row is 0-based, so the entry −1 of diag(2, −1) is a[1,1] at row 1.
        var a = KrylovTestSupport.Diagonal(2, -1);
        var ex = Assert.Throws<PreconditionerSetupException>(() => new JacobiPreconditioner().Setup(a));
        Assert.That(ex!.Row, Is.EqualTo(1));
        Assert.That(ex.Value, Is.EqualTo(-1.0).Within(0.0));
        Assert.That(ex.Count, Is.EqualTo(1));
        Assert.That(ex.Message, Is.EqualTo(
            "Jacobi: non-positive diagonal entry a[1,1] = -1 at row 1 (1 row(s) offending); Jacobi-PCG needs a positive diagonal."));
        Assert.That(ex, Is.InstanceOf<ArgumentException>());
    }

    [Test]
    public void SeveralBadEntries_CountsRowsAndReportsTheFirst()
    {
        var a = KrylovTestSupport.Diagonal(1, 0, 3, -2, -5);
        var ex = Assert.Throws<PreconditionerSetupException>(() => new JacobiPreconditioner().Setup(a));
        Assert.That(ex!.Row, Is.EqualTo(1));
        Assert.That(ex.Value, Is.EqualTo(0.0).Within(0.0));
        Assert.That(ex.Count, Is.EqualTo(3));
    }

    [Test]
    public void NonFiniteDiagonal_RefusedEvenWithoutPositivity()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 1, 0, 0 }, { 0, -2, 0 }, { 0, 0, double.NaN } });
        var ex = Assert.Throws<PreconditionerSetupException>(() => new JacobiPreconditioner(requirePositive: false).Setup(a));
        Assert.That(ex!.Row, Is.EqualTo(2));
        Assert.That(double.IsNaN(ex.Value), Is.True);
        Assert.That(ex.Count, Is.EqualTo(1));
        Assert.That(ex.Message, Does.Contain("non-finite"));
    }

    [Test]
    public void ZeroDiagonalWithoutPositivity_Refused()
    {
        var a = KrylovTestSupport.Diagonal(-1, 0);
        var ex = Assert.Throws<PreconditionerSetupException>(() => new JacobiPreconditioner(requirePositive: false).Setup(a));
        Assert.That(ex!.Row, Is.EqualTo(1));
        Assert.That(ex.Message, Does.Contain("zero"));
    }

    [Test]
    public void NegativeDiagonalWithoutPositivity_AcceptedAndApplied()
    {
        var a = KrylovTestSupport.Diagonal(2, -4);
        var m = new JacobiPreconditioner(requirePositive: false);
        m.Setup(a);
        var z = new double[2];
        m.Apply([1.0, 1.0], z);
        Assert.That(z, Is.EqualTo(new double[] { 0.5, -0.25 }).Within(0.0), "exact quotients");
    }

    [Test]
    public void Apply_DividesByTheDiagonal()
    {
        var a = KrylovTestSupport.Laplacian2D(3); // diagonal 4
        var m = new JacobiPreconditioner();
        m.Setup(a);
        var r = Enumerable.Range(0, 9).Select(i => 0.1 * i - 0.3).ToArray();
        var z = new double[9];
        m.Apply(r, z);
        for (int i = 0; i < 9; i++) Assert.That(z[i], Is.EqualTo(r[i] / 4).Within(0.0), $"z[{i}] = r[{i}] / 4 exactly");
        Assert.That(m.Diagonal.ToArray(), Is.EqualTo(Enumerable.Repeat(4.0, 9).ToArray()));
    }

    [Test]
    public void OperatorWithoutDiagonal_ThrowsSayingSo()
    {
        var a = new OpaqueOperator(KrylovTestSupport.Laplacian1D(3));
        var ex = Assert.Throws<ArgumentException>(() => new JacobiPreconditioner().Setup(a));
        Assert.That(ex, Is.Not.InstanceOf<PreconditionerSetupException>());
        Assert.That(ex!.Message, Does.Contain("IHasDiagonal"));
    }

    [Test]
    public void ApplyBeforeSetup_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new JacobiPreconditioner().Apply(new double[2], new double[2]));
    }

    [Test]
    public void ApplyWithWrongLength_Throws()
    {
        var m = new JacobiPreconditioner();
        m.Setup(KrylovTestSupport.Laplacian1D(3));
        Assert.Throws<ArgumentException>(() => m.Apply(new double[2], new double[3]));
    }

    [Test]
    public void SetupAfterRefusal_CanSucceedOnAnotherMatrix()
    {
        var m = new JacobiPreconditioner();
        Assert.Throws<PreconditionerSetupException>(() => m.Setup(KrylovTestSupport.Diagonal(2, -1)));
        Assert.Throws<InvalidOperationException>(() => m.Apply(new double[2], new double[2]), "refused setup leaves it unusable");
        m.Setup(KrylovTestSupport.Diagonal(2, 8));
        var z = new double[2];
        m.Apply([2.0, 2.0], z);
        Assert.That(z, Is.EqualTo(new double[] { 1, 0.25 }).Within(0.0));
    }

    [Test]
    public void Apply_AllocatesNothing()
    {
        var m = new JacobiPreconditioner();
        m.Setup(KrylovTestSupport.Laplacian1D(100));
        var r = new double[100];
        var z = new double[100];
        Assert.That(Solvers.Tests.TestSupport.DenseReference.AllocatedBytes(() => m.Apply(r, z)), Is.EqualTo(0), "bytes, exact");
    }

    [Test]
    public void Setup_CompositeWithoutDiagonal_ThrowsArgumentException()
    {
        // A product of operators has no cheap diagonal even though the composite type implements IHasDiagonal.
        var a = Solvers.Operators.CsrMatrix.Identity(3);
        var product = Solvers.Operators.LinearOperator.Product(a, a);
        var ex = Assert.Throws<ArgumentException>(() => new JacobiPreconditioner().Setup(product));
        Assert.That(ex!.Message, Does.Contain("diagonal"));
        // A scaled operator does expose its diagonal.
        var scaled = Solvers.Operators.LinearOperator.Scaled(2.0, a);
        var jacobi = new JacobiPreconditioner();
        jacobi.Setup(scaled);
        Assert.That(jacobi.Diagonal.ToArray(), Is.EqualTo(new[] { 2.0, 2.0, 2.0 }));
    }
}
