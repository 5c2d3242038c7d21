using NUnit.Framework;
using Solvers.Relaxation;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Relaxation;

[TestFixture]
public class BinnedTsallisInfTests
{
    [Test]
    public void BinCentres_MatchSpec()
    {
        // Spec §4.3: −0.07, 0.09, 0.25, 0.41, 0.57; tolerance 1e-15.
        var learner = new BinnedTsallisInf(new BinnedTsallisInfOptions());
        double[] expected = [-0.07, 0.09, 0.25, 0.41, 0.57];
        for (int i = 0; i < 5; i++) Assert.That(learner.BinCentres[i], Is.EqualTo(expected[i]).Within(1e-15));
    }

    [Test]
    public void Routing_NearestCentre_TiesLow_OutOfRangeToEndBins()
    {
        var learner = new BinnedTsallisInf(new BinnedTsallisInfOptions());
        Assert.That(learner.BinOf(-0.07), Is.EqualTo(0));
        Assert.That(learner.BinOf(0.0), Is.EqualTo(0));
        Assert.That(learner.BinOf(0.02), Is.EqualTo(1));
        Assert.That(learner.BinOf(0.25), Is.EqualTo(2));
        Assert.That(learner.BinOf(0.45), Is.EqualTo(3));
        Assert.That(learner.BinOf(-5), Is.EqualTo(0));
        Assert.That(learner.BinOf(double.NegativeInfinity), Is.EqualTo(0));
        Assert.That(learner.BinOf(0.7), Is.EqualTo(4));
        Assert.That(learner.BinOf(99), Is.EqualTo(4));
        Assert.Throws<ArgumentException>(() => learner.BinOf(double.NaN));

        // Exactly representable ties: centres 0.5, 1.5, 2.5, 3.5 on [0, 4].
        var ties = new BinnedTsallisInf(new BinnedTsallisInfOptions { Bins = 4, ContextMin = 0, ContextMax = 4 });
        Assert.That(ties.BinOf(1.0), Is.EqualTo(0));
        Assert.That(ties.BinOf(2.0), Is.EqualTo(1));
        Assert.That(ties.BinOf(3.0), Is.EqualTo(2));
        Assert.That(ties.BinOf(3.0000001), Is.EqualTo(3));
    }

    [Test]
    public void SelectArm_RoutesToTheContextsBin()
    {
        var learner = new BinnedTsallisInf(new BinnedTsallisInfOptions { Seed = 3 });
        learner.SelectArm(0.26);
        Assert.That(learner.LastBin, Is.EqualTo(2));
        learner.Observe(50);
        Assert.That(learner.Bin(2).Round, Is.EqualTo(1));
        learner.SelectArm(-0.2);
        Assert.That(learner.LastBin, Is.EqualTo(0));
        Assert.That(learner.LastEta, Is.EqualTo(2)); // bin 0's first round
        learner.Observe(50);
        learner.SelectArm(0.26);
        Assert.That(learner.LastEta, Is.EqualTo(Math.Sqrt(2)).Within(1e-15)); // bin 2's second round
        Assert.That(learner.Round, Is.EqualTo(2));
    }

    [Test]
    public void Bins_AreIndependent()
    {
        // Updating bin 2 leaves every other bin's losses, rounds and mean bit-identical (exact).
        var learner = new BinnedTsallisInf(new BinnedTsallisInfOptions { Seed = 8 });
        for (int i = 0; i < 50; i++)
        {
            learner.SelectArm(-0.1 + 0.01 * (i % 50));
            learner.Observe(10 + i);
        }

        var before = Enumerable.Range(0, 5).Select(b => (learner.Bin(b).CumulativeLosses.ToArray(), learner.Bin(b).Round, learner.Bin(b).MeanCost)).ToArray();
        for (int i = 0; i < 30; i++)
        {
            learner.SelectArm(0.25);
            learner.Observe(100 + i);
        }

        for (int b = 0; b < 5; b++)
        {
            if (b == 2) continue;
            Assert.That(learner.Bin(b).CumulativeLosses.ToArray(), Is.EqualTo(before[b].Item1));
            Assert.That(learner.Bin(b).Round, Is.EqualTo(before[b].Round));
            Assert.That(learner.Bin(b).MeanCost, Is.EqualTo(before[b].MeanCost).Or.NaN);
        }

        Assert.That(learner.Bin(2).Round, Is.EqualTo(before[2].Round + 30));
    }

    [Test]
    public void SameSeed_ReproducesBitExactly()
    {
        static int[] Run(ulong seed)
        {
            var learner = new BinnedTsallisInf(new BinnedTsallisInfOptions { Seed = seed });
            var arms = new int[300];
            for (int i = 0; i < 300; i++)
            {
                arms[i] = learner.SelectArm(-0.15 + 0.6 * (i % 17) / 16.0);
                learner.Observe(1 + (arms[i] * 7 + i) % 40);
            }

            return arms;
        }

        Assert.That(Run(21), Is.EqualTo(Run(21)));
        Assert.That(Run(22), Is.Not.EqualTo(Run(21)));
    }

    [Test]
    public void Misuse_Throws()
    {
        var learner = new BinnedTsallisInf(new BinnedTsallisInfOptions());
        Assert.Throws<InvalidOperationException>(() => learner.Observe(5));
        learner.SelectArm(0.1);
        Assert.Throws<InvalidOperationException>(() => learner.SelectArm(0.1));
        Assert.Throws<ArgumentException>(() => learner.Observe(-2));
        learner.Observe(5);
        Assert.Throws<InvalidOperationException>(() => learner.Observe(5));
        Assert.Throws<ArgumentException>(() => _ = new BinnedTsallisInf(new BinnedTsallisInfOptions { Bins = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new BinnedTsallisInf(new BinnedTsallisInfOptions { ContextMin = 1, ContextMax = 1 }));
    }

    [Test]
    public void RoundTrip_DoesNotAllocate()
    {
        // Exact: 0 bytes.
        var learner = new BinnedTsallisInf(new BinnedTsallisInfOptions { Seed = 4 });
        double c = -0.15;
        long bytes = DenseReference.AllocatedBytes(() =>
        {
            learner.SelectArm(c);
            learner.Observe(3 + 20 * (c + 0.15));
            c = c > 0.45 ? -0.15 : c + 0.037;
        });
        Assert.That(bytes, Is.EqualTo(0));
    }
}
