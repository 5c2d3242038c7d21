using NUnit.Framework;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Spec §5.1 test 13: NMSE and SRR (§4.2) on hand-computed vectors, including the 10⁻³·max threshold edge.</summary>
[TestFixture]
public class SparseRecoveryMetricsTests
{
    // ‖x̂ − x‖² = 0² + 1² + 0.5² + 0² = 1.25, ‖x‖² = 9, so NMSE = 1.25/9. Tolerance 1e-15 relative (a handful of roundings).
    [Test]
    public void Nmse_HandComputed()
    {
        double[] x = [1, 2, 0, -2];
        double[] xHat = [1, 1, 0.5, -2];
        Assert.That(SparseRecoveryMetrics.Nmse(xHat, x), Is.EqualTo(1.25 / 9).Within(1e-15).Percent);
        Assert.That(SparseRecoveryMetrics.NmseDb(xHat, x), Is.EqualTo(10 * Math.Log10(1.25 / 9)).Within(1e-13));
        Assert.That(SparseRecoveryMetrics.NmseDb(x, x), Is.EqualTo(double.NegativeInfinity));
    }

    // Mean of (0.01, 0.1, 1) is 0.37; the median is 0.1 = −10 dB; an even count averages the middle two. Tolerance 1e-12 dB.
    [Test]
    public void MeanAndMedianDb_HandComputed()
    {
        double[] trials = [1, 0.01, 0.1];
        Assert.That(SparseRecoveryMetrics.MeanNmseDb(trials), Is.EqualTo(10 * Math.Log10(0.37)).Within(1e-12));
        Assert.That(SparseRecoveryMetrics.MedianNmseDb(trials), Is.EqualTo(-10).Within(1e-12));
        Assert.That(SparseRecoveryMetrics.MedianNmseDb([10, 0.01, 1, 0.1]), Is.EqualTo(10 * Math.Log10(0.55)).Within(1e-12));
    }

    // Failure = NMSE > −10 dB (ratio > 0.1); exactly 0.1 is not a failure. Exact count.
    [Test]
    public void FailureCount_ThresholdIsStrict()
    {
        Assert.That(SparseRecoveryMetrics.FailureCount([0.05, 0.1, 0.1000001, 2]), Is.EqualTo(2));
        Assert.Throws<ArgumentException>(() => SparseRecoveryMetrics.FailureCount([0.1, -1]));
    }

    // max|x̂| = 2, threshold 0.002: the entry exactly at 0.002 is excluded, 0.0021 is kept. Ŝ = {0, 2, 4}, S = {0, 1, 4}:
    // |∩| = 2, |∪| = 4, SRR = 0.5 exactly.
    [Test]
    public void Srr_ThresholdEdge_Excluded()
    {
        double[] xHat = [2, 0.002, 0.0021, 0, -1];
        double[] x = [1, 1, 0, 0, -1];
        Assert.That(SparseRecoveryMetrics.SignificantSupport(xHat), Is.EqualTo(new[] { 0, 2, 4 }));
        Assert.That(SparseRecoveryMetrics.TrueSupport(x), Is.EqualTo(new[] { 0, 1, 4 }));
        Assert.That(SparseRecoveryMetrics.SupportRecoveryRate(xHat, x), Is.EqualTo(0.5));
        Assert.That(SparseRecoveryMetrics.SupportRecoveryRate(x, x), Is.EqualTo(1.0));
    }

    // Degenerate cases (exact): x̂ = 0 has an empty significant support; both supports empty gives SRR = 1 (project choice).
    [Test]
    public void Srr_EmptySets()
    {
        double[] zero = [0, 0, 0];
        Assert.That(SparseRecoveryMetrics.SignificantSupport(zero), Is.Empty);
        Assert.That(SparseRecoveryMetrics.SupportRecoveryRate(zero, zero), Is.EqualTo(1.0));
        Assert.That(SparseRecoveryMetrics.SupportRecoveryRate(zero, [0, 3, 0]), Is.EqualTo(0.0));
    }

    // Misuse: lengths differ, zero truth for NMSE, no trials, negative NMSE.
    [Test]
    public void BadInput_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => SparseRecoveryMetrics.Nmse([1, 2], [1, 2, 3]));
        Assert.That(e!.Message, Does.Contain("2").And.Contain("3"));
        Assert.Throws<ArgumentException>(() => SparseRecoveryMetrics.Nmse([1, 2], [0, 0]));
        Assert.Throws<ArgumentException>(() => SparseRecoveryMetrics.SupportRecoveryRate([1], [1, 2]));
        Assert.Throws<ArgumentException>(() => SparseRecoveryMetrics.MeanNmseDb([]));
        Assert.Throws<ArgumentException>(() => SparseRecoveryMetrics.MedianNmseDb([0.1, double.NaN]));
    }
}
