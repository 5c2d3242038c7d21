using NUnit.Framework;
using PureHDF;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using Solvers.Pde;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Relaxation;

[TestFixture]
public class ShiftedLaplacianSequenceTests
{
    [TestCase(ShiftDistribution.High)]
    [TestCase(ShiftDistribution.Low)]
    public void Sequence_IsDeterministicForASeed_AndMatchesTheSpec(ShiftDistribution dist)
    {
        // Tolerances: exact equality for determinism; c ∈ [−0.15, 0.45]; ‖b‖ ≤ √n.
        var a = SorSequences.ShiftedLaplacianSequence(dist, 300, 11).ToList();
        var b = SorSequences.ShiftedLaplacianSequence(dist, 300, 11).ToList();
        var other = SorSequences.ShiftedLaplacianSequence(dist, 5, 12).ToList();
        Assert.That(other[0].Shift, Is.Not.EqualTo(a[0].Shift));
        for (int t = 0; t < a.Count; t++)
        {
            Assert.That(a[t].Index, Is.EqualTo(t));
            Assert.That(a[t].Shift, Is.EqualTo(b[t].Shift));
            Assert.That(a[t].B, Is.EqualTo(b[t].B));
            Assert.That(a[t].Shift, Is.InRange(-0.15, 0.45));
            Assert.That(a[t].B, Has.Length.EqualTo(100));
            Assert.That(VectorMath.Norm2(a[t].B), Is.LessThanOrEqualTo(10.0));
            Assert.That(a[t].A[0, 0], Is.EqualTo(4 + a[t].Shift));
        }

        // Mean of c is 0 (both Beta laws have mean 1/4); 300 draws: within 4 standard errors (sd ≤ 0.15).
        Assert.That(a.Average(i => i.Shift), Is.EqualTo(0).Within(4 * 0.15 / Math.Sqrt(300)));
    }

    [Test]
    public void BaseMatrix_IsDelsqNumgridS12()
    {
        // 10×10 interior, natural ordering, 4 on the diagonal, −1 for neighbours, no h²: nnz = 460 (§3.1).
        var a = SorSequences.ShiftedLaplacian(0);
        Assert.That(a.Rows, Is.EqualTo(100));
        Assert.That(a.NonZeroCount, Is.EqualTo(460));
        Assert.That(a[0, 1], Is.EqualTo(-1));
        Assert.That(a[0, 10], Is.EqualTo(-1));
        Assert.That(a[9, 10], Is.EqualTo(0)); // row end: no wrap-around
        Assert.That(a.IsSymmetric(), Is.True);
        // Young's ω* at c = 0 (§2.3), tolerance 1e−12.
        Assert.That(SorSequences.YoungOmega(0), Is.EqualTo(1.560387921274775).Within(1e-12));
        Assert.That(SorSequences.YoungOmega(-0.15), Is.EqualTo(1.853594150353638).Within(1e-12));
    }

    [TestCase(0.0)]
    [TestCase(10.0)]
    public void HeatStepMatrix_IsSymmetricPositiveDefinite(double kappa)
    {
        var a = SorSequences.HeatStepMatrix(12, kappa, 1e-3);
        Assert.That(a.Rows, Is.EqualTo(121));
        Assert.That(a.IsSymmetric(), Is.True);
        // Positive definite: a banded Cholesky succeeds and xᵀAx > 0 for a few vectors.
        var chol = new BandedCholesky(a);
        var rng = new Random(3);
        for (int k = 0; k < 5; k++)
        {
            var x = Enumerable.Range(0, a.Rows).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var y = new double[a.Rows];
            a.Apply(x, y);
            Assert.That(VectorMath.Dot(x, y), Is.GreaterThan(0));
            var back = chol.Solve(y);
            for (int i = 0; i < x.Length; i++) Assert.That(back[i], Is.EqualTo(x[i]).Within(1e-9));
        }
    }

    [Test]
    public void HeatSequence_FollowsCrankNicolson_AndWarmStartsAtThePreviousSolution()
    {
        // Tolerances: the generator advances u with CG at rtol 1e−12 → step k's X0 solves step k − 1 to 1e−11·‖b‖.
        int nx = 10;
        var steps = SorSequences.HeatSequence(nx, 800).ToList();
        var again = SorSequences.HeatSequence(nx, 800).ToList();
        Assert.That(steps[799].B, Is.EqualTo(again[799].B));
        // Initial condition: bump((0.5, 0.5), 0.25), peak 1 at the centre node (5, 5) → index 4·9 + 4.
        Assert.That(steps[0].X0[4 * 9 + 4], Is.EqualTo(1.0).Within(1e-15));
        for (int k = 1; k < steps.Count; k += 97)
        {
            var prev = steps[k - 1];
            var r = new double[prev.B.Length];
            prev.A.Apply(steps[k].X0, r);
            for (int i = 0; i < r.Length; i++) r[i] -= prev.B[i];
            Assert.That(VectorMath.Norm2(r), Is.LessThanOrEqualTo(1e-11 * VectorMath.Norm2(prev.B)));
            Assert.That(steps[k].Kappa, Is.EqualTo(SorSequences.Kappa(k * 1e-3)));
            Assert.That(steps[k].Time, Is.EqualTo(k * 1e-3).Within(1e-15));
        }

        // κ(t) ∈ [0, 10]; it peaks at t = 0.75.
        Assert.That(steps.Max(s => s.Kappa), Is.GreaterThan(9.9).And.LessThanOrEqualTo(10));
        Assert.That(steps.Min(s => s.Kappa), Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void ProblemSet_SharesThePattern_AndCarriesSequenceAttributes()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sorseq-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "s.h5");
            SorSequences.WriteShiftedLaplacian(path, ShiftDistribution.Low, 4, 9);
            var expected = SorSequences.ShiftedLaplacianSequence(ShiftDistribution.Low, 4, 9).ToList();
            using var src = ProblemSource.Open(path);
            Assert.That(src.ProblemIds, Is.EqualTo(new[] { "000000", "000001", "000002", "000003" }));
            for (int t = 0; t < 4; t++)
            {
                var p = src.ReadProblem(src.ProblemIds[t]);
                Assert.That(p.Attributes["sequence"], Is.EqualTo(SorSequences.ShiftedLaplacianName));
                Assert.That(p.Attributes["sequence_index"], Is.EqualTo(t.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.That(double.Parse(p.Meta["context"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(expected[t].Shift));
                Assert.That(p.GetRightHandSide(0), Is.EqualTo(expected[t].B));
                Assert.That(((CsrMatrix)p.A)[3, 3], Is.EqualTo(4 + expected[t].Shift));
            }

            using var f = H5File.OpenRead(path);
            var g = f.Group("problems").Group("000002").Group("A");
            Assert.That(g.Attribute("storage").Read<string>(), Is.EqualTo("pattern_from"));
            Assert.That(g.Attribute("pattern_from").Read<string>(), Is.EqualTo("/problems/000000/A"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
