using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class LinearOperatorTests
{
    private static readonly OperatorProperties Spd = OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite;

    /// <summary>Offers Apply only (no adjoint, no diagonal).</summary>
    private sealed class ApplyOnly(double[,] a) : ILinearOperator
    {
        public int Rows => a.GetLength(0);
        public int Columns => a.GetLength(1);
        public OperatorProperties Properties => OperatorProperties.None;
        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < Rows; i++)
            {
                double s = 0;
                for (int j = 0; j < Columns; j++) s += a[i, j] * x[j];
                y[i] = s;
            }
        }
    }

    private static double[,] Scale(double alpha, double[,] a)
    {
        var c = (double[,])a.Clone();
        for (int i = 0; i < c.GetLength(0); i++)
            for (int j = 0; j < c.GetLength(1); j++) c[i, j] *= alpha;
        return c;
    }

    private static double[,] MatMul(double[,] a, double[,] b)
    {
        int m = a.GetLength(0), k = a.GetLength(1), n = b.GetLength(1);
        var c = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) c[i, j] += a[i, p] * b[p, j];
        return c;
    }

    private static void AssertOperator(ILinearOperator op, double[,] expected, bool adjoint = true, bool diagonal = true)
    {
        // Tolerance for all comparisons: 1e-14 relative to max |entry|.
        DenseReference.AssertClose(OperatorChecks.ToDense(op), expected, 1e-14, "apply");
        if (adjoint)
        {
            Assert.That(LinearOperator.CanApplyAdjoint(op), Is.True);
            DenseReference.AssertClose(OperatorChecks.ToDense(new AdjointOperator(op)), DenseReference.Transpose(expected), 1e-14, "adjoint");
        }

        if (diagonal)
        {
            Assert.That(LinearOperator.HasDiagonal(op), Is.True);
            int m = Math.Min(op.Rows, op.Columns);
            var d = new double[m];
            ((IHasDiagonal)op).CopyDiagonal(d);
            DenseReference.AssertClose(d, Enumerable.Range(0, m).Select(i => expected[i, i]).ToArray(), 1e-14, "diagonal");
        }
    }

    // Tolerance: 1e-14 relative to max |entry| (see AssertOperator).
    [Test]
    public void EachComposite_MatchesDenseArithmetic()
    {
        var a = DenseReference.Random(5, 4, 1);
        var b = DenseReference.Random(5, 4, 2);
        var c = DenseReference.Random(4, 3, 3);
        var s = DenseReference.RandomSpd(4, 4);
        var ca = CsrMatrix.FromDense(a);
        AssertOperator(LinearOperator.Sum(ca, CsrMatrix.FromDense(b)), DenseReference.Add(a, b));
        AssertOperator(LinearOperator.Product(ca, new DenseOperator(c)), MatMul(a, c), diagonal: false);
        AssertOperator(LinearOperator.Scaled(-2.5, ca), Scale(-2.5, a));
        AssertOperator(LinearOperator.Shifted(new DenseOperator(s, Spd), 0.75), DenseReference.Add(s, Scale(0.75, DenseReference.Identity(4))));
        AssertOperator(LinearOperator.Adjoint(ca), DenseReference.Transpose(a));
        AssertOperator(LinearOperator.Identity(6), DenseReference.Identity(6));
        var dd = new double[] { 1, -2, 3 };
        var dm = new double[3, 3];
        for (int i = 0; i < 3; i++) dm[i, i] = dd[i];
        AssertOperator(LinearOperator.Diagonal(dd), dm);
        var kron = LinearOperator.Kronecker(ca, CsrMatrix.FromDense(c));
        DenseReference.AssertClose(OperatorChecks.ToDense(kron), DenseReference.Kron(a, c), 1e-14);
        var ks = LinearOperator.KroneckerSum(new DenseOperator(s), CsrMatrix.Identity(2));
        DenseReference.AssertClose(OperatorChecks.ToDense(ks),
            DenseReference.Add(DenseReference.Kron(s, DenseReference.Identity(2)), DenseReference.Kron(DenseReference.Identity(4), DenseReference.Identity(2))), 1e-14);
    }

    // Tolerance: 1e-14 relative; nested composites keep working through the capability queries.
    [Test]
    public void NestedComposites_MatchDenseArithmetic()
    {
        var s = DenseReference.RandomSpd(4, 5);
        var a = DenseReference.Random(4, 4, 6);
        var op = LinearOperator.Shifted(LinearOperator.Sum(LinearOperator.Scaled(2, new DenseOperator(s, Spd)), LinearOperator.Adjoint(new DenseOperator(a))), 1);
        var expected = DenseReference.Add(DenseReference.Add(Scale(2, s), DenseReference.Transpose(a)), DenseReference.Identity(4));
        AssertOperator(op, expected);
    }

    [Test]
    public void Properties_ArePropagated()
    {
        var spd = new DenseOperator(DenseReference.RandomSpd(3, 1), Spd);
        var sym = new DenseOperator(DenseReference.RandomSpd(3, 2), OperatorProperties.Symmetric);
        var gen = new DenseOperator(DenseReference.Random(3, 3, 3));
        Assert.Multiple(() =>
        {
            Assert.That(LinearOperator.Sum(spd, spd).Properties, Is.EqualTo(Spd));
            Assert.That(LinearOperator.Sum(spd, sym).Properties, Is.EqualTo(OperatorProperties.Symmetric));
            Assert.That(LinearOperator.Sum(spd, gen).Properties, Is.EqualTo(OperatorProperties.None));
            Assert.That(LinearOperator.Scaled(3, spd).Properties, Is.EqualTo(Spd));
            Assert.That(LinearOperator.Scaled(-3, spd).Properties, Is.EqualTo(OperatorProperties.Symmetric));
            Assert.That(LinearOperator.Shifted(spd, 0).Properties, Is.EqualTo(Spd));
            Assert.That(LinearOperator.Shifted(spd, -1).Properties, Is.EqualTo(OperatorProperties.Symmetric));
            Assert.That(LinearOperator.Product(spd, spd).Properties, Is.EqualTo(OperatorProperties.None));
            Assert.That(LinearOperator.Adjoint(spd).Properties, Is.EqualTo(Spd));
            Assert.That(LinearOperator.Identity(3).Properties, Is.EqualTo(Spd));
            Assert.That(LinearOperator.Diagonal([1, 2]).Properties, Is.EqualTo(Spd));
            Assert.That(LinearOperator.Diagonal([1, 0]).Properties, Is.EqualTo(OperatorProperties.Symmetric));
        });
    }

    [Test]
    public void MissingCapabilities_AreReportedAndThrowInvalidOperation()
    {
        var plain = new ApplyOnly(DenseReference.Random(3, 3, 1));
        var sum = LinearOperator.Sum(plain, CsrMatrix.Identity(3));
        Assert.Multiple(() =>
        {
            Assert.That(LinearOperator.CanApplyAdjoint(sum), Is.False);
            Assert.That(LinearOperator.HasDiagonal(sum), Is.False);
            Assert.That(() => sum.ApplyAdjoint(new double[3], new double[3]), Throws.InvalidOperationException);
            Assert.That(() => sum.CopyDiagonal(new double[3]), Throws.InvalidOperationException);
            Assert.That(() => LinearOperator.Adjoint(plain), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
            Assert.That(() => LinearOperator.Adjoint(sum), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
            Assert.That(LinearOperator.HasDiagonal(LinearOperator.Product(CsrMatrix.Identity(3), CsrMatrix.Identity(3))), Is.False);
        });
    }

    [Test]
    public void ShapeErrors_NameBothSizes()
    {
        var a = new DenseOperator(new double[2, 3]);
        var b = new DenseOperator(new double[3, 2]);
        Assert.Multiple(() =>
        {
            Assert.That(() => LinearOperator.Sum(a, b), Throws.ArgumentException.With.Message.Contains("2×3").And.Message.Contains("3×2"));
            Assert.That(() => LinearOperator.Product(a, a), Throws.ArgumentException.With.Message.Contains("2×3").And.Property("ParamName").EqualTo("b"));
            Assert.That(() => LinearOperator.Shifted(a, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
            Assert.That(() => LinearOperator.Scaled(double.NaN, a), Throws.ArgumentException.With.Property("ParamName").EqualTo("alpha"));
            Assert.That(() => LinearOperator.Identity(-1), Throws.ArgumentException.With.Property("ParamName").EqualTo("n"));
            var p = LinearOperator.Product(a, b);
            Assert.That(() => p.Apply(new double[3], new double[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x").And.Message.Contains("3"));
            Assert.That(() => p.Apply(new double[2], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
        });
    }

    // Tolerance: exact (zero bytes).
    [Test]
    public void Composites_ApplyAllocatesNothing()
    {
        var lap = Laplacian2D.UnitSquare(40);
        var csr = lap.ToCsr();
        var ops = new ILinearOperator[]
        {
            LinearOperator.Sum(lap, csr), LinearOperator.Product(lap, csr), LinearOperator.Scaled(2, lap),
            LinearOperator.Shifted(lap, 1), LinearOperator.Adjoint(csr), LinearOperator.Identity(lap.Rows),
            LinearOperator.Diagonal(Enumerable.Repeat(2.0, lap.Rows).ToArray()),
            LinearOperator.Shifted(LinearOperator.Sum(LinearOperator.Scaled(2, lap), LinearOperator.Adjoint(csr)), 1),
        };
        var x = DenseReference.RandomVector(lap.Rows, 1);
        var y = new double[lap.Rows];
        foreach (var op in ops)
        {
            Assert.That(DenseReference.AllocatedBytes(() => op.Apply(x, y)), Is.EqualTo(0), op.GetType().Name);
            var adj = (IAdjointableOperator)op;
            Assert.That(DenseReference.AllocatedBytes(() => adj.ApplyAdjoint(x, y)), Is.EqualTo(0), op.GetType().Name + " adjoint");
        }
    }
}
