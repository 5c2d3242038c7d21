using NUnit.Framework;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Operators;

[TestFixture]
public class StencilOperatorTests
{
    /// <summary>An independent dense assembly of the PS §4.7 semantics.</summary>
    private static double[,] ReferenceDense(int[] shape, int[] offsets, double[] coef, StencilBoundary[] bc)
    {
        int d = shape.Length, s = offsets.Length / d;
        int n = shape.Aggregate(1, (a, b) => a * b);
        bool variable = coef.Length != s;
        var m = new double[n, n];
        var idx = new int[d];
        for (int i = 0; i < n; i++)
        {
            int rest = i;
            for (int a = d - 1; a >= 0; a--) { idx[a] = rest % shape[a]; rest /= shape[a]; }
            for (int k = 0; k < s; k++)
            {
                int col = 0;
                bool dropped = false;
                for (int a = 0; a < d; a++)
                {
                    int c = idx[a] + offsets[k * d + a];
                    if (c < 0 || c >= shape[a])
                    {
                        switch (bc[a])
                        {
                            case StencilBoundary.Dirichlet: dropped = true; break;
                            case StencilBoundary.Periodic: c = ((c % shape[a]) + shape[a]) % shape[a]; break;
                            default: c = Math.Clamp(c, 0, shape[a] - 1); break;
                        }
                    }

                    col = col * shape[a] + c;
                }

                if (!dropped) m[i, col] += variable ? coef[k * n + i] : coef[k];
            }
        }

        return m;
    }

    private static (int[] Offsets, double[] Coef) RandomStencil(int[] shape, int s, bool variable, int seed)
    {
        var rng = new Random(seed);
        int d = shape.Length, n = shape.Aggregate(1, (a, b) => a * b);
        var rows = new List<int[]>();
        while (rows.Count < s)
        {
            var o = new int[d];
            for (int a = 0; a < d; a++)
            {
                int r = Math.Min(2, shape[a] - 1);
                o[a] = rng.Next(-r, r + 1);
            }

            if (!rows.Any(x => x.SequenceEqual(o))) rows.Add(o);
        }

        var coef = new double[variable ? s * n : s];
        for (int i = 0; i < coef.Length; i++) coef[i] = 2 * rng.NextDouble() - 1;
        return ([.. rows.SelectMany(x => x)], coef);
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var bc in new[] { StencilBoundary.Dirichlet, StencilBoundary.Neumann, StencilBoundary.Periodic })
        {
            foreach (bool variable in new[] { false, true })
            {
                yield return new TestCaseData(new[] { 9 }, 4, bc, variable);
                yield return new TestCaseData(new[] { 7, 5 }, 7, bc, variable);
                yield return new TestCaseData(new[] { 5, 3, 6 }, 9, bc, variable);
            }
        }

        yield return new TestCaseData(new[] { 1, 7 }, 3, StencilBoundary.Neumann, true);
    }

    // Tolerance: entries equal to 1e-14 relative to the largest entry (sums of at most a few terms).
    [TestCaseSource(nameof(Cases))]
    public void Apply_MatchesIndependentDenseAssembly(int[] shape, int s, StencilBoundary bc, bool variable)
    {
        var (off, coef) = RandomStencil(shape, s, variable, shape.Sum() + s);
        var bcs = Enumerable.Repeat(bc, shape.Length).ToArray();
        var a = new StencilOperator(shape, off, coef, bcs);
        var reference = ReferenceDense(shape, off, coef, bcs);
        DenseReference.AssertClose(OperatorChecks.ToDense(a), reference, 1e-14, "apply");
        DenseReference.AssertClose(a.ToCsr().ToDense(), reference, 1e-14, "csr");
        var diag = new double[a.Rows];
        a.CopyDiagonal(diag);
        var refDiag = Enumerable.Range(0, a.Rows).Select(i => reference[i, i]).ToArray();
        DenseReference.AssertClose(diag, refDiag, 1e-14, "diagonal");
    }

    // Tolerance: 1e-14 relative to max |entry| of the dense reference.
    [Test]
    public void MixedBoundaries_MatchIndependentDenseAssembly()
    {
        int[] shape = [6, 5, 4];
        var (off, coef) = RandomStencil(shape, 11, variable: true, seed: 7);
        StencilBoundary[] bcs = [StencilBoundary.Periodic, StencilBoundary.Dirichlet, StencilBoundary.Neumann];
        var a = new StencilOperator(shape, off, coef, bcs);
        DenseReference.AssertClose(OperatorChecks.ToDense(a), ReferenceDense(shape, off, coef, bcs), 1e-14);
    }

    // Tolerance: 1e-14 relative to max |y| between the parallel matrix-free path and CSR SpMV.
    [TestCase(false)]
    [TestCase(true)]
    public void LargeGrid_ParallelApplyMatchesCsr(bool variable)
    {
        int[] shape = [37, 29, 41]; // 43 993 unknowns: above the parallel threshold
        var (off, coef) = RandomStencil(shape, 13, variable, 3);
        var a = new StencilOperator(shape, off, coef, [StencilBoundary.Neumann, StencilBoundary.Periodic, StencilBoundary.Dirichlet]);
        Assert.That(a.Rows, Is.GreaterThanOrEqualTo(StencilOperator.ParallelThreshold));
        var x = DenseReference.RandomVector(a.Rows, 4);
        var y = new double[a.Rows];
        var yc = new double[a.Rows];
        a.Apply(x, y);
        a.ToCsr().Apply(x, yc);
        DenseReference.AssertClose(y, yc, 1e-14);
        var y2 = new double[a.Rows];
        a.Apply(x, y2);
        Assert.That(y2, Is.EqualTo(y), "bit-identical from call to call");
    }

    // Tolerance: exact (zero bytes).
    [TestCase(300, 300)]
    [TestCase(20, 30)]
    public void Apply_AllocatesNothing(int nx, int ny)
    {
        var a = new StencilOperator([nx, ny], [-1, 0, 0, -1, 0, 0, 0, 1, 1, 0], [-1, -1, 4, -1, -1],
            [StencilBoundary.Dirichlet, StencilBoundary.Neumann]);
        var x = DenseReference.RandomVector(a.Rows, 1);
        var y = new double[a.Rows];
        Assert.That(DenseReference.AllocatedBytes(() => a.Apply(x, y)), Is.EqualTo(0));
    }

    // Tolerance: the REL §7.4 randomized test at 1e-10.
    [TestCase(StencilBoundary.Dirichlet)]
    [TestCase(StencilBoundary.Neumann)]
    [TestCase(StencilBoundary.Periodic)]
    public void SymmetricUnitStencil_IsSymmetricUnderEveryBoundary(StencilBoundary bc)
    {
        var a = new StencilOperator([8, 7], [-1, 0, 0, -1, 0, 0, 0, 1, 1, 0], [-2, -1, 6, -1, -2], [bc, bc]);
        Assert.That(OperatorChecks.IsSymmetricRandomized(a), Is.True);
        Assert.That(a.ToCsr().IsSymmetric(), Is.True);
    }

    // Tolerance: the REL §7.4 randomized test at 1e-10.
    [Test]
    public void UpwindStencil_IsNotSymmetric()
    {
        var a = new StencilOperator([10], [-1, 0], [-1, 1], [StencilBoundary.Dirichlet]);
        Assert.That(OperatorChecks.IsSymmetricRandomized(a), Is.False);
    }

    [Test]
    public void Accessors_ReturnConstructionData()
    {
        var a = new StencilOperator([4, 3], [0, 0, 0, 1], [2, -1], [StencilBoundary.Periodic, StencilBoundary.Neumann]);
        Assert.Multiple(() =>
        {
            Assert.That(a.GridShape, Is.EqualTo(new[] { 4, 3 }));
            Assert.That(a.Offsets, Is.EqualTo(new[] { 0, 0, 0, 1 }));
            Assert.That(a.Coefficients.ToArray(), Is.EqualTo(new[] { 2.0, -1.0 }));
            Assert.That(a.Boundary, Is.EqualTo(new[] { StencilBoundary.Periodic, StencilBoundary.Neumann }));
            Assert.That(a.IsVariable, Is.False);
            Assert.That(a.Rows, Is.EqualTo(12));
        });
    }

    [Test]
    public void BadInputs_ThrowArgumentExceptionNamingTheArgument()
    {
        var dir = StencilBoundary.Dirichlet;
        Assert.Multiple(() =>
        {
            Assert.That(() => new StencilOperator([2, 2, 2, 2], [0, 0, 0, 0], [1], [dir, dir, dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("gridShape"));
            Assert.That(() => new StencilOperator([0, 3], [0, 0], [1], [dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("gridShape"));
            Assert.That(() => new StencilOperator([5, 5], [0, 1, 0, 1], [1, 2], [dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("offsets").And.Message.Contains("unique"));
            Assert.That(() => new StencilOperator([5, 3], [0, 3], [1], [dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("offsets").And.Message.Contains("3"));
            Assert.That(() => new StencilOperator([5, 3], [0, 1, 0], [1], [dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("offsets"));
            Assert.That(() => new StencilOperator([5, 3], [0, 1], [1, 2], [dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("coefficients").And.Message.Contains("15"));
            Assert.That(() => new StencilOperator([5, 3], [0, 1], [1], [dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("boundary"));
            var big = Enumerable.Range(0, 344).SelectMany(i => new[] { i % 20 - 10, i / 20 - 9 }).ToArray();
            Assert.That(() => new StencilOperator([30, 30], big, new double[344], [dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("offsets").And.Message.Contains("343"));
            Assert.That(() => new StencilOperator([70000, 70000], [0, 0], [1], [dir, dir]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("gridShape"));
            var a = new StencilOperator([5], [0], [1], [dir]);
            Assert.That(() => a.Apply(new double[4], new double[5]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
            Assert.That(() => a.Apply(new double[5], new double[6]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
        });
    }
}
