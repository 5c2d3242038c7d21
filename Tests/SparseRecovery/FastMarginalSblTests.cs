using NUnit.Framework;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Fast marginal-likelihood SBL (spec §2.3, §3.5, §5.1 test 11).</summary>
[TestFixture]
public class FastMarginalSblTests
{
    [Test]
    public void NoiselessRecoveryIsExact()
    {
        // Known tiny σ² = 1e-10 on noiseless data; tolerance: support exact and max |x̂ − x| ≤ 1e-8.
        var phi = ClassicSblTests.Gaussian(20, 40, 41);
        var (x, y) = ClassicSblTests.Sparse(phi, [3, 17, 30], [1.0, -1.5, 2.0], 0, 0);
        var result = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 1e-10 });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(result.Support, Is.EqualTo(new[] { 3, 17, 30 }));
        for (int j = 0; j < x.Length; j++) Assert.That(result.Coefficients[j], Is.EqualTo(x[j]).Within(1e-8), $"x̂[{j}]");
    }

    [Test]
    public void EvidenceNeverDecreases()
    {
        // History entry t holds L before step t. Each step takes the action with the largest positive ΔL, so L = −2·log evidence (history) is non-increasing,
        // slack 1e-10·|L|, with σ² known.
        var phi = ClassicSblTests.Gaussian(30, 60, 61);
        var (_, y) = ClassicSblTests.Sparse(phi, [2, 20, 44], [1.0, -2.0, 0.5], 0.05, 62);
        var result = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 0.0025, RecordHistory = true });
        var h = result.History!;
        Assert.That(h, Is.Not.Empty);
        for (int t = 1; t < h.Count; t++)
            Assert.That(h[t].NegativeLogEvidence, Is.LessThanOrEqualTo(h[t - 1].NegativeLogEvidence + 1e-10 * Math.Abs(h[t - 1].NegativeLogEvidence)));
        Assert.That(result.NegativeLogEvidence, Is.LessThanOrEqualTo(h[^1].NegativeLogEvidence));
    }

    [Test]
    public void OutcomeCodes()
    {
        var phi = ClassicSblTests.Gaussian(10, 20, 81);
        // y = 0: exact.
        var zero = FastMarginalSbl.Solve(phi, new double[10]);
        Assert.That(zero.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(zero.Coefficients, Is.All.EqualTo(0.0));
        // No basis above the noise: σ² far above |φᵀy|²/‖φ‖² ⇒ ConvergedAbsoluteTolerance, empty support.
        var (_, y) = ClassicSblTests.Sparse(phi, [3, 8], [1.0, -1.0], 0.01, 82);
        var none = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 1e6 });
        Assert.That(none.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedAbsoluteTolerance));
        Assert.That(none.Support, Is.Empty);
        Assert.That(none.Coefficients, Is.All.EqualTo(0.0));
        // Step cap.
        var capped = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 1e-4, MaxIterations = 1 });
        Assert.That(capped.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(capped.Summary.Iterations, Is.EqualTo(1));
        Assert.That(capped.Support, Is.Not.Empty);
        // Bad input.
        Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, new double[9]));
        Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseUpdateEvery = -1 }));
        Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = -1 }));
        var nan = (double[])y.Clone();
        nan[4] = double.NaN;
        Assert.That(Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, nan))!.ParamName, Is.EqualTo("y"));
    }
}
