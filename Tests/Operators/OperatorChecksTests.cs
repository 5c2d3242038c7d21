using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class OperatorChecksTests
{
    [Test]
    public void IsSymmetricRandomized_SeparatesSymmetricFromUnsymmetric()
    {
        // Tolerance: the default 1e-10 of REL §7.4.
        Assert.That(OperatorChecks.IsSymmetricRandomized(new DenseOperator(DenseReference.RandomSpd(6, 1))), Is.True);
        var a = DenseReference.RandomSpd(6, 1);
        a[0, 5] += 1e-3;
        Assert.That(OperatorChecks.IsSymmetricRandomized(new DenseOperator(a)), Is.False);
        Assert.That(OperatorChecks.IsSymmetricRandomized(new DenseOperator(new double[2, 3])), Is.False);
    }

    [Test]
    public void ToDenseColumns_IsColumnMajor()
    {
        // Tolerance: exact (unit-vector applications of a dense matrix).
        var a = new double[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        Assert.That(OperatorChecks.ToDenseColumns(new DenseOperator(a)), Is.EqualTo(new double[] { 1, 4, 2, 5, 3, 6 }));
        Assert.That(OperatorChecks.ToDense(new DenseOperator(a)), Is.EqualTo(a));
    }
}
