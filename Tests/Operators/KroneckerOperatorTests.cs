using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class KroneckerOperatorTests
{
    /// <summary>A dense operator that deliberately offers only Apply (no adjoint, no CSR).</summary>
    private sealed class ApplyOnly(double[,] a, OperatorProperties properties = OperatorProperties.None) : ILinearOperator
    {
        public int Rows => a.GetLength(0);
        public int Columns => a.GetLength(1);
        public OperatorProperties Properties => properties;
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

    private static double[,] KronAll(double[][,] f)
    {
        var k = f[0];
        for (int i = 1; i < f.Length; i++) k = DenseReference.Kron(k, f[i]);
        return k;
    }

    private static double[,] KronSumAll(double[][,] f)
    {
        int n = f.Aggregate(1, (p, m) => p * m.GetLength(0));
        var sum = new double[n, n];
        for (int t = 0; t < f.Length; t++)
        {
            var term = t == 0 ? f[0] : DenseReference.Identity(f[0].GetLength(0));
            for (int i = 1; i < f.Length; i++) term = DenseReference.Kron(term, i == t ? f[i] : DenseReference.Identity(f[i].GetLength(0)));
            sum = DenseReference.Add(sum, term);
        }

        return sum;
    }

    // Tolerance: 1e-14 relative to max |entry| of the explicit Kronecker matrix.
    [TestCase(new[] { 3, 2 }, new[] { 4, 5 })]
    [TestCase(new[] { 2, 4, 3 }, new[] { 3, 2, 3 })]
    [TestCase(new[] { 1, 3, 2 }, new[] { 2, 1, 2 })]
    public void Product_MatchesExplicitKronecker(int[] rows, int[] cols)
    {
        var dense = rows.Select((m, i) => DenseReference.Random(m, cols[i], 10 + i)).ToArray();
        var a = KroneckerOperator.Product([.. dense.Select((d, i) => i % 2 == 0 ? (ILinearOperator)CsrMatrix.FromDense(d) : new ApplyOnly(d))]);
        var expected = KronAll(dense);
        Assert.That(a.Rows, Is.EqualTo(expected.GetLength(0)));
        Assert.That(a.Columns, Is.EqualTo(expected.GetLength(1)));
        DenseReference.AssertClose(OperatorChecks.ToDense(a), expected, 1e-14, "apply");
        DenseReference.AssertClose(a.ToCsr().ToDense(), expected, 1e-14, "csr");
        Assert.That(a.Combine, Is.EqualTo(KroneckerCombine.Product));
        Assert.That(a.Factors, Has.Count.EqualTo(rows.Length));
    }

    // Tolerance: 1e-14 relative to max |entry| of the explicit transpose.
    [TestCase(new[] { 3, 2 }, new[] { 4, 5 })]
    [TestCase(new[] { 2, 4, 3 }, new[] { 3, 2, 3 })]
    public void ProductAdjoint_MatchesExplicitTranspose(int[] rows, int[] cols)
    {
        var dense = rows.Select((m, i) => DenseReference.Random(m, cols[i], 20 + i)).ToArray();
        var a = KroneckerOperator.Product([.. dense.Select(d => (ILinearOperator)CsrMatrix.FromDense(d))]);
        var expected = DenseReference.Transpose(KronAll(dense));
        var x = DenseReference.RandomVector(a.Rows, 5);
        var y = new double[a.Columns];
        a.ApplyAdjoint(x, y);
        DenseReference.AssertClose(y, DenseReference.Multiply(expected, x), 1e-14);
    }

    // Tolerance: 1e-14 relative to max |entry| of the explicit Kronecker sum.
    [TestCase(new[] { 3, 4 })]
    [TestCase(new[] { 2, 3, 4 })]
    [TestCase(new[] { 5, 1, 2 })]
    public void Sum_MatchesExplicitKroneckerSum(int[] sizes)
    {
        var dense = sizes.Select((n, i) => DenseReference.Random(n, n, 30 + i)).ToArray();
        var a = KroneckerOperator.Sum([.. dense.Select((d, i) => i == 1 ? (ILinearOperator)new ApplyOnly(d) : CsrMatrix.FromDense(d))]);
        var expected = KronSumAll(dense);
        DenseReference.AssertClose(OperatorChecks.ToDense(a), expected, 1e-14, "apply");
        DenseReference.AssertClose(a.ToCsr().ToDense(), expected, 1e-14, "csr");
    }

    // Tolerance: 1e-14 relative to max |entry| of the explicit transpose.
    [Test]
    public void SumAdjoint_MatchesExplicitTranspose()
    {
        var dense = new[] { DenseReference.Random(3, 3, 1), DenseReference.Random(4, 4, 2), DenseReference.Random(2, 2, 3) };
        var a = KroneckerOperator.Sum([.. dense.Select(d => (ILinearOperator)CsrMatrix.FromDense(d))]);
        var x = DenseReference.RandomVector(a.Rows, 6);
        var y = new double[a.Columns];
        a.ApplyAdjoint(x, y);
        DenseReference.AssertClose(y, DenseReference.Multiply(DenseReference.Transpose(KronSumAll(dense)), x), 1e-14);
    }

    // Tolerance: 1e-14 relative to max |entry|.
    [Test]
    public void NestedKroneckerFactor_MatchesExplicitKronecker()
    {
        var f = new[] { DenseReference.Random(2, 3, 1), DenseReference.Random(3, 2, 2), DenseReference.Random(2, 2, 3) };
        var inner = KroneckerOperator.Product(CsrMatrix.FromDense(f[1]), CsrMatrix.FromDense(f[2]));
        var a = KroneckerOperator.Product(CsrMatrix.FromDense(f[0]), inner);
        DenseReference.AssertClose(OperatorChecks.ToDense(a), KronAll(f), 1e-14);
        DenseReference.AssertClose(a.ToCsr().ToDense(), KronAll(f), 1e-14);
    }

    [Test]
    public void SpdFactors_GiveSpdProductAndSum_AndSymmetryCheckPasses()
    {
        var spd = OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite;
        var f0 = CsrMatrix.FromDense(DenseReference.RandomSpd(4, 1), spd);
        var f1 = CsrMatrix.FromDense(DenseReference.RandomSpd(3, 2), spd);
        var general = CsrMatrix.FromDense(DenseReference.Random(3, 3, 3));
        var symmetricOnly = CsrMatrix.FromDense(DenseReference.RandomSpd(3, 2), OperatorProperties.Symmetric);
        Assert.Multiple(() =>
        {
            Assert.That(KroneckerOperator.Product(f0, f1).Properties, Is.EqualTo(spd));
            Assert.That(KroneckerOperator.Sum(f0, f1).Properties, Is.EqualTo(spd));
            Assert.That(KroneckerOperator.Product(f0, symmetricOnly).Properties, Is.EqualTo(OperatorProperties.Symmetric));
            Assert.That(KroneckerOperator.Sum(f0, general).Properties, Is.EqualTo(OperatorProperties.None));
            // REL §7.4 randomized test at 1e-10.
            Assert.That(OperatorChecks.IsSymmetricRandomized(KroneckerOperator.Product(f0, f1)), Is.True);
            Assert.That(OperatorChecks.IsSymmetricRandomized(KroneckerOperator.Sum(f0, general)), Is.False);
        });
    }

    // Tolerance: 1e-14 relative; the adjoint of a symmetric, apply-only factor is its apply.
    [Test]
    public void ApplyAdjoint_UsesApplyForSymmetricFactorsAndThrowsOtherwise()
    {
        var s = DenseReference.RandomSpd(3, 4);
        var g = DenseReference.Random(2, 3, 5);
        var ok = KroneckerOperator.Product(new ApplyOnly(s, OperatorProperties.Symmetric), CsrMatrix.FromDense(g));
        Assert.That(ok.CanApplyAdjoint, Is.True);
        var x = DenseReference.RandomVector(ok.Rows, 1);
        var y = new double[ok.Columns];
        ok.ApplyAdjoint(x, y);
        DenseReference.AssertClose(y, DenseReference.Multiply(DenseReference.Transpose(DenseReference.Kron(s, g)), x), 1e-14);

        var bad = KroneckerOperator.Product(new ApplyOnly(g), CsrMatrix.FromDense(g));
        Assert.That(bad.CanApplyAdjoint, Is.False);
        Assert.That(() => bad.ApplyAdjoint(new double[bad.Rows], new double[bad.Columns]),
            Throws.InvalidOperationException.With.Message.Contains("IAdjointableOperator"));
    }

    // Tolerance: exact (zero bytes).
    [TestCase(KroneckerCombine.Product)]
    [TestCase(KroneckerCombine.Sum)]
    public void ApplyAndAdjoint_AllocateNothing(KroneckerCombine combine)
    {
        var f = new ILinearOperator[] { CsrMatrix.FromDense(DenseReference.Random(20, 20, 1)),
            CsrMatrix.FromDense(DenseReference.Random(30, 30, 2)), CsrMatrix.FromDense(DenseReference.Random(10, 10, 3)) };
        var a = combine == KroneckerCombine.Product ? KroneckerOperator.Product(f) : KroneckerOperator.Sum(f);
        var x = DenseReference.RandomVector(a.Rows, 1);
        var y = new double[a.Rows];
        Assert.That(DenseReference.AllocatedBytes(() => a.Apply(x, y)), Is.EqualTo(0));
        Assert.That(DenseReference.AllocatedBytes(() => a.ApplyAdjoint(x, y)), Is.EqualTo(0));
    }

    [Test]
    public void BadInputs_ThrowArgumentExceptionNamingTheArgument()
    {
        var sq = CsrMatrix.Identity(2);
        var rect = CsrMatrix.FromDense(new double[2, 3] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Multiple(() =>
        {
            Assert.That(() => KroneckerOperator.Product(sq), Throws.ArgumentException.With.Property("ParamName").EqualTo("factors"));
            Assert.That(() => KroneckerOperator.Product([.. Enumerable.Repeat<ILinearOperator>(sq, 9)]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("factors"));
            Assert.That(() => KroneckerOperator.Sum(sq, rect),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("factors").And.Message.Contains("2×3"));
            Assert.That(() => KroneckerOperator.Product(sq, null!), Throws.ArgumentException.With.Property("ParamName").EqualTo("factors"));
            var big = CsrMatrix.Identity(70000);
            Assert.That(() => KroneckerOperator.Product(big, big), Throws.ArgumentException.With.Property("ParamName").EqualTo("factors"));
            var a = KroneckerOperator.Product(sq, rect);
            Assert.That(() => a.Apply(new double[5], new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
            Assert.That(() => a.Apply(new double[6], new double[5]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
        });
    }
}
