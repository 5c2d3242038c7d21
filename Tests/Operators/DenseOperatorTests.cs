using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class DenseOperatorTests
{
    // Tolerance: 1e-14 relative to max |entry| / max |y|.
    [TestCase(7, 5)]
    [TestCase(300, 260)] // above the parallel threshold
    public void Apply_MatchesDenseReference(int m, int n)
    {
        var a = DenseReference.Random(m, n, m + n);
        var op = new DenseOperator(a);
        var x = DenseReference.RandomVector(n, 1);
        var y = new double[m];
        op.Apply(x, y);
        DenseReference.AssertClose(y, DenseReference.Multiply(a, x), 1e-14);
        var xt = DenseReference.RandomVector(m, 2);
        var yt = new double[n];
        op.ApplyAdjoint(xt, yt);
        DenseReference.AssertClose(yt, DenseReference.Multiply(DenseReference.Transpose(a), xt), 1e-14);
        if (m < 50)
        {
            DenseReference.AssertClose(OperatorChecks.ToDense(op), a, 1e-14);
            DenseReference.AssertClose(op.ToCsr().ToDense(), a, 1e-14);
        }
    }

    // Tolerance: exact copies.
    [Test]
    public void Accessors_ReturnTheEntries()
    {
        var a = DenseReference.Random(3, 4, 1);
        var op = new DenseOperator(a, OperatorProperties.None);
        a[0, 0] = 99; // the array constructor copies
        Assert.Multiple(() =>
        {
            Assert.That(op.ToArray()[0, 0], Is.Not.EqualTo(99));
            Assert.That(op.Matrix.RowCount, Is.EqualTo(3));
            Assert.That(op.Matrix[1, 2], Is.EqualTo(op.ToArray()[1, 2]));
            var d = new double[3];
            op.CopyDiagonal(d);
            Assert.That(d[2], Is.EqualTo(op.ToArray()[2, 2]));
        });
    }

    // Tolerance: exact (zero bytes).
    [TestCase(20)]
    [TestCase(400)]
    public void Apply_AllocatesNothing(int n)
    {
        var op = new DenseOperator(DenseReference.Random(n, n, 1));
        var x = DenseReference.RandomVector(n, 1);
        var y = new double[n];
        Assert.That(DenseReference.AllocatedBytes(() => op.Apply(x, y)), Is.EqualTo(0));
        Assert.That(DenseReference.AllocatedBytes(() => op.ApplyAdjoint(x, y)), Is.EqualTo(0));
    }

    [Test]
    public void BadInputs_ThrowArgumentExceptionNamingTheArgument()
    {
        Assert.That(() => new DenseOperator(2, 3, new double[5]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("rowMajorData").And.Message.Contains("6"));
        Assert.That(() => new DenseOperator(-1, 3, []), Throws.ArgumentException.With.Property("ParamName").EqualTo("rows"));
        var op = new DenseOperator(2, 3, new double[6]);
        Assert.That(() => op.Apply(new double[2], new double[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
    }
}
