using NUnit.Framework;
using Solvers.IO;
using Solvers.Operators;
using Solvers.Preconditioners;

namespace Solvers.Tests.Preconditioners;

[TestFixture]
public class PreconditionerFactoryTests
{
    [TestCase("none", typeof(IdentityPreconditioner))]
    [TestCase("jacobi", typeof(JacobiPreconditioner))]
    [TestCase(" Jacobi ", typeof(JacobiPreconditioner))]
    public void KnownName_CreatesThatPreconditioner(string name, Type expected)
    {
        Assert.That(PreconditionerFactory.Create(name), Is.InstanceOf(expected));
    }

    [Test]
    public void FactoryJacobi_RequiresPositiveDiagonal()
    {
        var m = (JacobiPreconditioner)PreconditionerFactory.Create("jacobi");
        Assert.That(m.RequirePositive, Is.True);
    }

    [Test]
    public void UnknownName_ThrowsListingValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => PreconditionerFactory.Create("ilu"));
        Assert.That(ex!.Message, Does.Contain("'ilu'").And.Contain("none").And.Contain("jacobi"));
    }

    [Test]
    public void StoredData_MapsToTheMatchingPreconditioner()
    {
        var m = CsrMatrix.Identity(2);
        Assert.That(PreconditionerFactory.FromData(new PreconditionerData(m, PreconditionerForm.Inverse, null)),
            Is.InstanceOf<OperatorPreconditioner>());
        Assert.That(PreconditionerFactory.FromData(new PreconditionerData(m, PreconditionerForm.CholeskyLower, "IC(0)")),
            Is.InstanceOf<CholeskyFactorPreconditioner>());
    }
}

[TestFixture]
public class OperatorPreconditionerTests
{
    [Test]
    public void Apply_MultipliesByTheStoredOperator()
    {
        var m = new OperatorPreconditioner(CsrMatrix.FromDense(new double[,] { { 2, 1 }, { 1, 3 } }));
        m.Setup(CsrMatrix.Identity(2));
        var z = new double[2];
        m.Apply([1.0, 2.0], z);
        Assert.That(z, Is.EqualTo(new double[] { 4, 7 }).Within(0.0), "exact");
    }

    [Test]
    public void SizeMismatch_Throws()
    {
        var m = new OperatorPreconditioner(CsrMatrix.Identity(3));
        var ex = Assert.Throws<ArgumentException>(() => m.Setup(CsrMatrix.Identity(2)));
        Assert.That(ex!.Message, Does.Contain("3×3").And.Contain("2×2"));
    }
}

[TestFixture]
public class IdentityPreconditionerTests
{
    [Test]
    public void Apply_CopiesTheResidual()
    {
        var m = new IdentityPreconditioner();
        m.Setup(CsrMatrix.Identity(3));
        var z = new double[3];
        m.Apply([1.5, -2.0, 3.25], z);
        Assert.That(z, Is.EqualTo(new double[] { 1.5, -2.0, 3.25 }).Within(0.0), "exact copy");
    }
}
