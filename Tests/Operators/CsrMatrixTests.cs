using NUnit.Framework;
using Solvers.Operators;

namespace Solvers.Tests.Operators;

[TestFixture]
public class CsrMatrixTests
{
    private static CsrMatrix RandomSparse(int m, int n, double density, int seed)
    {
        var rng = new Random(seed);
        var dense = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (rng.NextDouble() < density) dense[i, j] = rng.NextDouble() * 2 - 1;
        return CsrMatrix.FromDense(dense);
    }

    [TestCase(7, 5, 0.4)]
    [TestCase(300, 300, 0.5)] // above the parallel threshold: exercises the worker pool
    public void Apply_MatchesDenseProduct(int m, int n, double density)
    {
        var a = RandomSparse(m, n, density, 1);
        var d = a.ToDense();
        var rng = new Random(2);
        var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var y = new double[m];
        a.Apply(x, y);
        for (int i = 0; i < m; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += d[i, j] * x[j];
            Assert.That(y[i], Is.EqualTo(s).Within(1e-12 * (1 + Math.Abs(s))), $"row {i}");
        }
    }

    [Test]
    public void Apply_IsBitIdenticalAcrossCalls()
    {
        var a = RandomSparse(400, 400, 0.4, 3);
        var x = Enumerable.Range(0, 400).Select(i => Math.Sin(i)).ToArray();
        var y1 = new double[400];
        var y2 = new double[400];
        a.Apply(x, y1);
        for (int k = 0; k < 20; k++) a.Apply(x, y2);
        Assert.That(y2, Is.EqualTo(y1));
    }

    [Test]
    public void ApplyAdjoint_MatchesTransposeApply()
    {
        var a = RandomSparse(9, 6, 0.5, 4);
        var t = a.Transpose();
        var x = Enumerable.Range(0, 9).Select(i => 1.0 + i).ToArray();
        var y1 = new double[6];
        var y2 = new double[6];
        a.ApplyAdjoint(x, y1);
        t.Apply(x, y2);
        Assert.That(y1, Is.EqualTo(y2).Within(1e-13));
    }

    [Test]
    public void Constructor_RejectsOutOfRangeColumn()
    {
        // The SciPy example of REL §1: column 5 in a 3-column matrix, non-monotone indptr.
        var ex = Assert.Throws<ArgumentException>(() => _ = new CsrMatrix(3, 3, [0, 3, 2, 4], [0, 5, 1, 2], [1, 1, 1, 1]));
        Assert.That(ex!.Message, Does.Contain("row"));
    }

    [Test]
    public void Constructor_RejectsUnsortedAndDuplicateColumns()
    {
        Assert.Throws<ArgumentException>(() => _ = new CsrMatrix(1, 3, [0, 2], [2, 1], [1, 1]));
        Assert.Throws<ArgumentException>(() => _ = new CsrMatrix(1, 3, [0, 2], [1, 1], [1, 1]));
    }

    [Test]
    public void FromCoordinates_SumsDuplicatesWhenAsked()
    {
        var a = CsrMatrix.FromCoordinates(2, 2, [1, 0, 1, 1], [1, 0, 1, 0], [2.0, 1.0, 3.0, 4.0], sumDuplicates: true, out int dups);
        Assert.That(dups, Is.EqualTo(1));
        Assert.That(a[1, 1], Is.EqualTo(5.0));
        Assert.That(a[1, 0], Is.EqualTo(4.0));
        Assert.That(a.NonZeroCount, Is.EqualTo(3));
        Assert.Throws<ArgumentException>(() => CsrMatrix.FromCoordinates(2, 2, [1, 1], [1, 1], [1.0, 1.0], sumDuplicates: false, out _));
    }

    [Test]
    public void IsSymmetric_DetectsAsymmetry()
    {
        var s = CsrMatrix.FromDense(new double[,] { { 2, -1 }, { -1, 2 } });
        var u = CsrMatrix.FromDense(new double[,] { { 2, -1 }, { 0, 2 } });
        Assert.That(s.IsSymmetric(), Is.True);
        Assert.That(u.IsSymmetric(), Is.False);
    }

    // Tolerance: exact (zero bytes) on the parallel SpMV path after warm-up.
    [Test]
    public void ApplyLargeParallel_AllocatesNothing()
    {
        var a = Solvers.Operators.Laplacian2D.UnitSquare(200).ToCsr();
        Assert.That(a.NonZeroCount, Is.GreaterThanOrEqualTo(CsrMatrix.ParallelThreshold));
        var x = Enumerable.Range(0, a.Columns).Select(i => Math.Sin(i)).ToArray();
        var y = new double[a.Rows];
        Assert.That(Solvers.Tests.TestSupport.DenseReference.AllocatedBytes(() => a.Apply(x, y)), Is.EqualTo(0), "bytes, exact");
    }
}
