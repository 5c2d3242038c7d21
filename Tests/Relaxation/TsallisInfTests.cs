using NUnit.Framework;
using Solvers.Relaxation;
using Solvers.Sampling;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Relaxation;

[TestFixture]
public class TsallisInfTests
{
    [Test]
    public void DefaultArms_AreTheCameraReadyGrid()
    {
        // Tolerance 1e-15: linspace round-off.
        var arms = new TsallisInf(new TsallisInfOptions()).Arms;
        Assert.That(arms.Length, Is.EqualTo(20));
        for (int i = 0; i < 20; i++) Assert.That(arms[i], Is.EqualTo(1 + 0.05 * i).Within(1e-15));
    }

    [Test]
    public void RoundOne_IsUniformWithNormalizerMinusSqrt20()
    {
        // Spec §4.3: t = 1, η = 2, p = 1/20, x = −√20; tolerance 1e-10 (p to 1e-15).
        var learner = new TsallisInf(new TsallisInfOptions { Seed = 1 });
        learner.SelectArm();
        Assert.That(learner.LastEta, Is.EqualTo(2));
        Assert.That(learner.LastNormalizer, Is.EqualTo(-Math.Sqrt(20)).Within(1e-10));
        foreach (double p in learner.LastProbabilities) Assert.That(p, Is.EqualTo(0.05).Within(1e-15));
    }

    [TestCase(101.0)]
    [TestCase(7.5)]
    public void RoundTwo_MatchesReferenceValues(double cost)
    {
        // Spec §4.3 round 2 (any k > 1): η = √2, x = −6.17343226106, p_played = 0.00291950107994, others
        // 0.0524779209958; tolerance 1e-10; the normaliser's residual ≤ 1e-12.
        var learner = new TsallisInf(new TsallisInfOptions { Seed = 3 });
        int played = learner.SelectArm();
        learner.Observe(cost);
        Assert.That(learner.CumulativeLosses[played], Is.EqualTo(20 * (cost - 1)).Within(1e-12 * 20 * cost));
        learner.SelectArm();
        Assert.That(learner.LastEta, Is.EqualTo(Math.Sqrt(2)).Within(1e-15));
        Assert.That(learner.LastScale, Is.EqualTo(cost - 1).Within(1e-15 * cost));
        Assert.That(learner.LastNormalizer, Is.EqualTo(-6.17343226106).Within(1e-10));
        Assert.That(Math.Abs(learner.LastNormalizerResidual), Is.LessThanOrEqualTo(1e-12));
        var p = learner.LastProbabilities;
        for (int i = 0; i < p.Length; i++)
            Assert.That(p[i], Is.EqualTo(i == played ? 0.00291950107994 : 0.0524779209958).Within(1e-10));
    }

    [Test]
    public void FirstCostOne_StaysUniformWithoutNaN()
    {
        // Spec §4.3: scale floor keeps p uniform; tolerance 1e-15.
        var learner = new TsallisInf(new TsallisInfOptions());
        learner.SelectArm();
        learner.Observe(1);
        learner.SelectArm();
        foreach (double p in learner.LastProbabilities) Assert.That(p, Is.EqualTo(0.05).Within(1e-15));
    }

    [TestCase(1)]
    [TestCase(10)]
    [TestCase(1000)]
    [TestCase(1000000)]
    public void Normalizer_SolvesItsEquationInsideTheBracket(int t)
    {
        // Random losses log-uniform in [1e-3, 1e6], η = 2/√t: |Σp − 1| ≤ 1e-12, x in [min − 2√d/η, min − 2/η],
        // p monotone non-increasing in the loss (exact comparison).
        var rng = new Xoshiro256StarStar(42);
        const int d = 20;
        var losses = new double[d];
        var p = new double[d];
        double eta = 2 / Math.Sqrt(t);
        for (int trial = 0; trial < 200; trial++)
        {
            for (int i = 0; i < d; i++) losses[i] = Math.Pow(10, -3 + 9 * rng.NextDouble());
            if (trial % 3 == 0) losses[trial % d] = 0;
            var (x, iterations, residual) = TsallisInf.SolveNormalizer(losses, eta, p, 1e-12, 100);
            double min = losses.Min();
            Assert.That(Math.Abs(residual), Is.LessThanOrEqualTo(1e-12), $"trial {trial}, {iterations} iterations");
            Assert.That(Math.Abs(p.Sum() - 1), Is.LessThanOrEqualTo(1e-12));
            Assert.That(x, Is.LessThanOrEqualTo(min - 2 / eta).And.GreaterThanOrEqualTo(min - 2 * Math.Sqrt(d) / eta));
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    if (losses[i] <= losses[j]) Assert.That(p[i], Is.GreaterThanOrEqualTo(p[j]));
        }
    }

    [TestCase(TsallisInfVariant.Anytime)]
    [TestCase(TsallisInfVariant.FixedHorizon)]
    public void Probabilities_SumToOneAndStayInUnitInterval_OverManyRounds(TsallisInfVariant variant)
    {
        // 5000 rounds with random costs in [1, 1000]: |Σp − 1| ≤ 1e-12, 0 ≤ p ≤ 1.
        var learner = new TsallisInf(new TsallisInfOptions { Variant = variant, Horizon = 5000, Seed = 9 });
        var costs = new Xoshiro256StarStar(10);
        for (int round = 0; round < 5000; round++)
        {
            learner.SelectArm();
            var p = learner.LastProbabilities;
            double sum = 0;
            foreach (double v in p)
            {
                Assert.That(v, Is.InRange(0.0, 1.0));
                sum += v;
            }

            Assert.That(Math.Abs(sum - 1), Is.LessThanOrEqualTo(1e-12), $"round {round}");
            learner.Observe(1 + 999 * costs.NextDouble());
        }

        Assert.That(learner.Round, Is.EqualTo(5000));
    }

    [Test]
    public void ConcentratesOnTheBestArm_OnAStationaryCostTable()
    {
        // Costs 10 + 200|ω − 1.6| + N(0, 1) (a range like the SOR counts'): over rounds 2001–3000 the arms within ±0.05 of 1.6 take ≥ 50% of the
        // pulls and the most-pulled arm is within one grid step of 1.6 (robust over seeds).
        var learner = new TsallisInf(new TsallisInfOptions { Seed = 5 });
        var noise = new Xoshiro256StarStar(6);
        var pulls = new int[20];
        for (int round = 0; round < 3000; round++)
        {
            int arm = learner.SelectArm();
            double omega = learner.Arms[arm];
            learner.Observe(Math.Max(1, 10 + 200 * Math.Abs(omega - 1.6) + noise.NextNormal()));
            if (round >= 2000) pulls[arm]++;
        }

        int best = Array.IndexOf(pulls, pulls.Max());
        Assert.That(Math.Abs(best - 12), Is.LessThanOrEqualTo(1), string.Join(",", pulls));
        Assert.That(pulls[11] + pulls[12] + pulls[13], Is.GreaterThanOrEqualTo(500), string.Join(",", pulls));
    }

    [Test]
    public void FixedHorizon_UsesFixedEtaUnitScaleAndScaledLosses()
    {
        // η = 1/√T, s = 1, L̂ += ((k − 1)/100)/p; tolerance 1e-12.
        var learner = new TsallisInf(new TsallisInfOptions { Variant = TsallisInfVariant.FixedHorizon, Horizon = 400, Seed = 2 });
        int arm = learner.SelectArm();
        Assert.That(learner.LastEta, Is.EqualTo(0.05).Within(1e-15));
        learner.Observe(101);
        Assert.That(learner.CumulativeLosses[arm], Is.EqualTo(20).Within(1e-12));
        learner.SelectArm();
        Assert.That(learner.LastEta, Is.EqualTo(0.05).Within(1e-15));
        Assert.That(learner.LastScale, Is.EqualTo(1));
    }

    [Test]
    public void SameSeed_ReproducesBitExactly_OtherSeedDiffers()
    {
        static (int[] Arms, double[] P) Run(ulong seed)
        {
            var learner = new TsallisInf(new TsallisInfOptions { Seed = seed });
            var costs = new Xoshiro256StarStar(77);
            var arms = new int[500];
            var last = new double[20];
            for (int i = 0; i < 500; i++)
            {
                arms[i] = learner.SelectArm();
                learner.Observe(1 + 100 * costs.NextDouble());
            }

            learner.SelectArm();
            learner.LastProbabilities.CopyTo(last);
            return (arms, last);
        }

        var a = Run(11);
        var b = Run(11);
        Assert.That(b.Arms, Is.EqualTo(a.Arms));
        Assert.That(b.P, Is.EqualTo(a.P)); // exact
        Assert.That(Run(12).Arms, Is.Not.EqualTo(a.Arms));
    }

    [Test]
    public void Misuse_Throws()
    {
        var learner = new TsallisInf(new TsallisInfOptions());
        Assert.Throws<InvalidOperationException>(() => learner.Observe(5));
        learner.SelectArm();
        Assert.Throws<InvalidOperationException>(() => learner.SelectArm());
        Assert.Throws<ArgumentException>(() => learner.Observe(double.NaN));
        Assert.Throws<ArgumentException>(() => learner.Observe(double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => learner.Observe(-1));
        learner.Observe(5);
        Assert.Throws<InvalidOperationException>(() => learner.Observe(5));
        Assert.That(learner.Round, Is.EqualTo(1));
    }

    [Test]
    public void InvalidOptions_Throw()
    {
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { Arms = [] }));
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { Arms = [1, double.NaN] }));
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { Variant = TsallisInfVariant.FixedHorizon }));
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { FixedHorizonLossScale = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { NormalizerTolerance = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { MaxNormalizerIterations = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { ScaleFloor = -1 }));
        Assert.Throws<ArgumentException>(() => _ = new TsallisInf(new TsallisInfOptions { Variant = (TsallisInfVariant)7 }));
    }

    [Test]
    public void RoundTrip_DoesNotAllocate()
    {
        // Exact: 0 bytes, smallest of 5 rounds of 10 SelectArm/Observe pairs.
        var learner = new TsallisInf(new TsallisInfOptions { Seed = 4 });
        double cost = 10;
        long bytes = DenseReference.AllocatedBytes(() =>
        {
            learner.SelectArm();
            learner.Observe(cost);
            cost = cost * 1.1 % 500 + 1;
        });
        Assert.That(bytes, Is.EqualTo(0));
    }
}
