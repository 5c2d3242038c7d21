using NUnit.Framework;
using Solvers.Relaxation;
using Solvers.Sampling;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Relaxation;

[TestFixture]
public class ChebCbTests
{
    [Test]
    public void ChebyshevFeatures_MatchSpec()
    {
        // Spec §4.3: T_j(1) = 1, T_j(−1) = (−1)^j, z = 0 → (1, 0, −1, 0, 1, 0); exact.
        var phi = new double[6];
        ChebCb.ChebyshevFeatures(1, phi);
        Assert.That(phi, Is.EqualTo(new double[] { 1, 1, 1, 1, 1, 1 }));
        ChebCb.ChebyshevFeatures(-1, phi);
        Assert.That(phi, Is.EqualTo(new double[] { 1, -1, 1, -1, 1, -1 }));
        ChebCb.ChebyshevFeatures(0, phi);
        Assert.That(phi, Is.EqualTo(new double[] { 1, 0, -1, 0, 1, 0 }));
    }

    [TestCase(0.0)]
    [TestCase(0.3)]
    public void ObservedMinimum_RoundOneAndTwo_MatchSpec(double context)
    {
        // Spec §4.3 with k_1 = 101; tolerance 1e-9.
        var learner = new ChebCb(new ChebCbOptions { Seed = 1 });
        int played = learner.SelectArm(context);
        foreach (double p in learner.LastProbabilities) Assert.That(p, Is.EqualTo(0.05).Within(1e-15));
        Assert.That(learner.LastPredictions[played], Is.EqualTo(0));
        learner.Observe(101);
        Assert.That(learner.LipschitzFactor, Is.EqualTo(2));
        Assert.That(learner.Scale, Is.EqualTo(202));
        Assert.That(learner.Bound(0), Is.EqualTo(0.5));
        for (int j = 1; j < 6; j++) Assert.That(learner.Bound(j), Is.EqualTo(0));
        var theta = learner.Theta(played);
        Assert.That(theta[0], Is.EqualTo(100.0 / 202).Within(1e-9));
        for (int j = 1; j < 6; j++) Assert.That(theta[j], Is.EqualTo(0));
        Assert.That(learner.LastResnorm, Is.EqualTo(0).Within(1e-9));
        Assert.That(learner.LastAlpha, Is.EqualTo(0));
        Assert.That(learner.LastR, Is.EqualTo(0.25).Within(1e-9));
        Assert.That(learner.Eta, Is.EqualTo(17.8885438200).Within(1e-9));

        learner.SelectArm(context + 0.1);
        int best = played == 0 ? 1 : 0;
        var p2 = learner.LastProbabilities;
        Assert.That(learner.LastPredictions[played], Is.EqualTo(0.4950495).Within(1e-7));
        for (int i = 0; i < 20; i++)
        {
            double expected = i == played ? 0.0346551804 : i == best ? 0.0653448196 : 0.05;
            Assert.That(p2[i], Is.EqualTo(expected).Within(1e-9), $"arm {i}");
        }
    }

    [Test]
    public void ZeroMinimum_RoundOneAndTwo_MatchSpec()
    {
        // Spec §4.3, Zero variant, k_1 = 101, c_1 = c_2 = 0; tolerances from the spec's printed digits.
        var learner = new ChebCb(new ChebCbOptions { LipschitzMinimum = LipschitzMinimum.Zero, Seed = 2 });
        Assert.That(learner.FeatureVariable(0), Is.EqualTo(-0.625).Within(1e-15));
        int played = learner.SelectArm(0);
        learner.Observe(101);
        Assert.That(learner.LipschitzFactor, Is.EqualTo(13.1670379).Within(1e-7));
        Assert.That(learner.Scale, Is.EqualTo(1329.87083).Within(1e-5));
        Assert.That(learner.LastResnorm, Is.EqualTo(0));
        Assert.That(learner.LastAlpha, Is.EqualTo(0.0259006629).Within(1e-10));
        Assert.That(learner.LastR, Is.EqualTo(0.00576798112).Within(1e-11));
        Assert.That(learner.Eta, Is.EqualTo(106.076768).Within(1e-6));

        var phi = new double[6];
        ChebCb.ChebyshevFeatures(-0.625, phi);
        double[] expectedPhi = [1, -0.625, -0.21875, 0.8984375, -0.90429688, 0.23193359];
        for (int j = 0; j < 6; j++) Assert.That(phi[j], Is.EqualTo(expectedPhi[j]).Within(1e-8));
        double norm2 = phi.Sum(v => v * v), y = 100 / learner.Scale;
        for (int j = 0; j < 6; j++)
        {
            Assert.That(learner.Theta(played)[j], Is.EqualTo(phi[j] * y / norm2).Within(1e-7)); // ridge surrogate: round-off amplified by 1/ridge (~1e-6 relative) in the null-space directions; ŷ is checked to 1e-9 below
            Assert.That(Math.Abs(learner.Theta(played)[j]), Is.LessThanOrEqualTo(learner.Bound(j)));
        }

        learner.SelectArm(0);
        int best = played == 0 ? 1 : 0;
        Assert.That(learner.LastPredictions[played], Is.EqualTo(0.0751952732).Within(1e-9));
        var p = learner.LastProbabilities;
        for (int i = 0; i < 20; i++)
        {
            double expected = i == played ? 0.0357443218 : i == best ? 0.0642556782 : 0.05;
            Assert.That(p[i], Is.EqualTo(expected).Within(1e-9), $"arm {i}");
        }
    }

    [TestCase(LipschitzMinimum.ObservedMinimum)]
    [TestCase(LipschitzMinimum.Zero)]
    public void ManyRounds_ProbabilitiesValid_ThetaInsideBox(LipschitzMinimum variant)
    {
        // 3000 rounds, SOR-like costs: |Σp − 1| ≤ 1e-12, p in [0, 1], η finite ≥ 0, every played arm's θ inside the
        // current box (relative slack 1e-12).
        var learner = new ChebCb(new ChebCbOptions { LipschitzMinimum = variant, Seed = 3 });
        var rng = new Xoshiro256StarStar(4);
        for (int round = 0; round < 3000; round++)
        {
            double c = -0.15 + 0.6 * rng.NextBeta(0.5, 1.5);
            int arm = learner.SelectArm(c);
            var p = learner.LastProbabilities;
            Assert.That(Math.Abs(p.ToArray().Sum() - 1), Is.LessThanOrEqualTo(1e-12));
            foreach (double v in p) Assert.That(v, Is.InRange(0.0, 1.0));
            double omega = learner.Arms[arm];
            learner.Observe(Math.Round(20 + 400 * Math.Abs(omega - 1.5 - c) + 30 * rng.NextDouble()));
            Assert.That(double.IsFinite(learner.Eta) && learner.Eta >= 0, Is.True);
            for (int i = 0; i < 20; i++)
            {
                if (learner.Pulls(i) == 0) continue;
                for (int j = 0; j < 6; j++)
                    Assert.That(Math.Abs(learner.Theta(i)[j]), Is.LessThanOrEqualTo(learner.Bound(j) * (1 + 1e-12)), $"round {round} arm {i} j {j}");
            }
        }
    }

    [Test]
    public void BoxSolver_MatchesBruteForceActiveSetEnumeration()
    {
        // 100 random 6-variable problems; objective within 1e-10 of the best feasible KKT candidate over all 3^6
        // patterns (each coordinate at its lower bound, upper bound, or free).
        var rng = new Xoshiro256StarStar(5);
        const int m = 6;
        var g = new double[m * m];
        var rhs = new double[m];
        var lower = new double[m];
        var upper = new double[m];
        var theta = new double[m];
        for (int problem = 0; problem < 100; problem++)
        {
            var a = new double[10 * m];
            for (int i = 0; i < a.Length; i++) a[i] = rng.NextNormal();
            for (int r = 0; r < m; r++)
                for (int c = 0; c < m; c++)
                {
                    double s = r == c ? 0.5 : 0;
                    for (int k = 0; k < 10; k++) s += a[k * m + r] * a[k * m + c];
                    g[r * m + c] = s;
                }

            for (int j = 0; j < m; j++)
            {
                rhs[j] = 5 * rng.NextNormal();
                double half = 0.05 + rng.NextDouble();
                lower[j] = -half;
                upper[j] = half;
                theta[j] = 0;
            }

            ChebCb.SolveBox(g, rhs, lower, upper, theta, 5000, 1e-15);
            double cd = ChebCb.Quadratic(g, rhs, 0, theta);
            double brute = BruteForce(g, rhs, lower, upper);
            Assert.That(cd, Is.EqualTo(brute).Within(1e-10), $"problem {problem}");
        }
    }

    private static double BruteForce(double[] g, double[] rhs, double[] lower, double[] upper)
    {
        const int m = 6;
        double best = double.PositiveInfinity;
        var x = new double[m];
        for (int code = 0; code < 729; code++)
        {
            var free = new List<int>();
            int rest = code;
            for (int j = 0; j < m; j++)
            {
                int state = rest % 3;
                rest /= 3;
                if (state == 0) x[j] = lower[j];
                else if (state == 1) x[j] = upper[j];
                else free.Add(j);
            }

            int f = free.Count;
            var sys = new double[f, f + 1];
            for (int r = 0; r < f; r++)
            {
                double b = rhs[free[r]];
                for (int j = 0; j < m; j++)
                    if (!free.Contains(j)) b -= g[free[r] * m + j] * x[j];
                for (int c = 0; c < f; c++) sys[r, c] = g[free[r] * m + free[c]];
                sys[r, f] = b;
            }

            for (int k = 0; k < f; k++)
            {
                for (int r = k + 1; r < f; r++)
                {
                    double factor = sys[r, k] / sys[k, k];
                    for (int c = k; c <= f; c++) sys[r, c] -= factor * sys[k, c];
                }
            }

            for (int r = f - 1; r >= 0; r--)
            {
                double s = sys[r, f];
                for (int c = r + 1; c < f; c++) s -= sys[r, c] * x[free[c]];
                x[free[r]] = s / sys[r, r];
            }

            bool feasible = true;
            for (int j = 0; j < m; j++)
                if (x[j] < lower[j] - 1e-14 || x[j] > upper[j] + 1e-14) feasible = false;
            if (feasible) best = Math.Min(best, ChebCb.Quadratic(g, rhs, 0, x));
        }

        return best;
    }

    [Test]
    public void SameSeed_ReproducesBitExactly()
    {
        static (int[] Arms, double Eta) Run(ulong seed)
        {
            var learner = new ChebCb(new ChebCbOptions { Seed = seed });
            var arms = new int[400];
            for (int i = 0; i < 400; i++)
            {
                double c = -0.15 + 0.6 * (i % 13) / 12.0;
                arms[i] = learner.SelectArm(c);
                learner.Observe(5 + (arms[i] * 11 + i) % 60);
            }

            return (arms, learner.Eta);
        }

        var a = Run(31);
        var b = Run(31);
        Assert.That(b.Arms, Is.EqualTo(a.Arms));
        Assert.That(b.Eta, Is.EqualTo(a.Eta)); // exact
        Assert.That(Run(32).Arms, Is.Not.EqualTo(a.Arms));
    }

    [Test]
    public void Misuse_Throws()
    {
        var learner = new ChebCb(new ChebCbOptions());
        Assert.Throws<InvalidOperationException>(() => learner.Observe(5));
        Assert.Throws<ArgumentException>(() => learner.SelectArm(double.NaN));
        learner.SelectArm(0.1);
        Assert.Throws<InvalidOperationException>(() => learner.SelectArm(0.1));
        Assert.Throws<ArgumentException>(() => learner.Observe(double.NaN));
        Assert.Throws<ArgumentException>(() => learner.Observe(-1));
        learner.Observe(5);
        Assert.Throws<InvalidOperationException>(() => learner.Observe(5));
        Assert.Throws<ArgumentException>(() => _ = new ChebCb(new ChebCbOptions { Features = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new ChebCb(new ChebCbOptions { ContextMin = 1, ContextMax = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new ChebCb(new ChebCbOptions { MinNormRidge = -1 }));
        Assert.Throws<ArgumentException>(() => _ = new ChebCb(new ChebCbOptions { BoxSolverMaxSweeps = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new ChebCb(new ChebCbOptions { LipschitzMinimum = (LipschitzMinimum)5 }));
    }

    [Test]
    public void RoundTrip_DoesNotAllocate()
    {
        // Exact: 0 bytes; rising costs so that S changes and every played arm is refitted.
        var learner = new ChebCb(new ChebCbOptions { Seed = 4 });
        double c = -0.15, cost = 10;
        long bytes = DenseReference.AllocatedBytes(() =>
        {
            learner.SelectArm(c);
            learner.Observe(cost);
            cost += 1;
            c = c > 0.45 ? -0.15 : c + 0.037;
        });
        Assert.That(bytes, Is.EqualTo(0));
    }
}
