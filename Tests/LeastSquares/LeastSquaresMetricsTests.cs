using NUnit.Framework;
using Solvers.LeastSquares;
using Solvers.Operators;

namespace Solvers.Tests.LeastSquares;

/// <summary>The §4.5 metrics of spec sketched-regression on tiny hand-computed cases.</summary>
[TestFixture]
public class LeastSquaresMetricsTests
{
    // x* = (1, 2), x = (1.5, 1): e = (0.5, −1), ‖e‖∞ = 1, ‖e‖₂ = √1.25, ‖x*‖∞ = 2, ‖x*‖₂ = √5.
    private static readonly double[] Reference = [1, 2];
    private static readonly double[] X = [1.5, 1];

    /// <summary>A = [I₂; 0] (3×2): ‖A‖₂ = ‖A†‖ = 1.</summary>
    private static DenseOperator Tall() => new(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 0 } });

    [Test]
    public void RelativeErrors_HandComputed()
    {
        // ‖e‖∞/‖x*‖∞ = 1/2; ‖e‖₂/‖x*‖₂ = √1.25/√5 = 1/2. Tolerance 1e-15 relative (a few roundings).
        Assert.That(LeastSquaresMetrics.RelativeInfinityError(X, Reference), Is.EqualTo(0.5).Within(1e-15));
        Assert.That(LeastSquaresMetrics.RelativeL2Error(X, Reference), Is.EqualTo(0.5).Within(1e-15));
        Assert.That(LeastSquaresMetrics.ErrorInfinityNorm(X, Reference), Is.EqualTo(1.0).Within(0.0));
        Assert.That(LeastSquaresMetrics.ErrorL2Norm(X, Reference), Is.EqualTo(Math.Sqrt(1.25)).Within(1e-15));
    }

    [Test]
    public void NormalisedErrors_HandComputed()
    {
        // ‖r*‖ = 2, ‖A†‖ = 4: ε∞ = √2·1/8, ε₂ = √1.25/8. Tolerance 1e-15 relative.
        double eInf = LeastSquaresMetrics.NormalisedInfinityError(X, Reference, 2, 4);
        double e2 = LeastSquaresMetrics.NormalisedL2Error(X, Reference, 2, 4);
        Assert.That(eInf, Is.EqualTo(Math.Sqrt(2) / 8).Within(1e-15 * eInf));
        Assert.That(e2, Is.EqualTo(Math.Sqrt(1.25) / 8).Within(1e-15 * e2));
        // ε∞ = √d·ε₂ exactly when the error sits in one coordinate.
        double[] single = [1, 2.5];
        Assert.That(LeastSquaresMetrics.NormalisedInfinityError(single, Reference, 1, 1),
            Is.EqualTo(Math.Sqrt(2) * LeastSquaresMetrics.NormalisedL2Error(single, Reference, 1, 1)).Within(1e-15));
    }

    [Test]
    public void Spread_RandomDirectionVersusOneCoordinate()
    {
        // (0.5, −1): 1·√2/√1.25; one coordinate: √d; equal magnitudes: 1.
        Assert.That(LeastSquaresMetrics.Spread(X, Reference), Is.EqualTo(Math.Sqrt(2 / 1.25)).Within(1e-15));
        Assert.That(LeastSquaresMetrics.Spread([0, 0, 0, 3], [0, 0, 0, 0]), Is.EqualTo(2.0).Within(1e-15), "√4");
        Assert.That(LeastSquaresMetrics.Spread([1, -1, 1, -1], [0, 0, 0, 0]), Is.EqualTo(1.0).Within(1e-15));
        Assert.That(LeastSquaresMetrics.Spread(Reference, Reference), Is.NaN, "e = 0");
    }

    [Test]
    public void ResidualRatioAndBackwardError_HandComputed()
    {
        var a = Tall();
        double[] b = [1, 1, 1];
        // x* = (1, 1): r* = (0, 0, 1), Aᵀr* = 0 → η = 0 exactly, ratio 1.
        Assert.That(LeastSquaresMetrics.ResidualNorm(a, b, [1, 1]), Is.EqualTo(1.0).Within(0.0));
        Assert.That(LeastSquaresMetrics.BackwardError(a, b, [1, 1], 1), Is.EqualTo(0.0).Within(0.0));
        Assert.That(LeastSquaresMetrics.ResidualRatio(a, b, [1, 1], 1), Is.EqualTo(1.0).Within(0.0));
        // x = (0, 1): r = (1, 0, 1), ‖r‖ = √2, Aᵀr = (1, 0) → η = 1/(‖A‖₂·√2).
        Assert.That(LeastSquaresMetrics.ResidualRatio(a, b, [0, 1], 1), Is.EqualTo(Math.Sqrt(2)).Within(1e-15));
        Assert.That(LeastSquaresMetrics.BackwardError(a, b, [0, 1], 1), Is.EqualTo(1 / Math.Sqrt(2)).Within(1e-15));
        Assert.That(LeastSquaresMetrics.BackwardError(a, b, [0, 1], 2), Is.EqualTo(1 / (2 * Math.Sqrt(2))).Within(1e-15));
        // Consistent and solved exactly: r = 0 → η = 0 (not NaN).
        Assert.That(LeastSquaresMetrics.BackwardError(a, [1, 1, 0], [1, 1], 1), Is.EqualTo(0.0).Within(0.0));
    }

    [Test]
    public void StandardisedErrorsAndCoverage_HandComputed()
    {
        // |e| = (0.5, 1), se = (0.25, 0.5) → z = (2, 2) exactly.
        double[] se = [0.25, 0.5];
        Assert.That(LeastSquaresMetrics.StandardisedErrors(X, Reference, se), Is.EqualTo(new double[] { 2, 2 }).Within(0.0));
        Assert.That(LeastSquaresMetrics.Covers(X, Reference, se, 2.0), Is.True);
        Assert.That(LeastSquaresMetrics.Covers(X, Reference, se, 1.9), Is.False);
        Assert.That(LeastSquaresMetrics.StandardisedErrors(Reference, Reference, [0, 1]), Is.EqualTo(new double[] { 0, 0 }).Within(0.0), "0/0 counts as 0");
        Assert.That(LeastSquaresMetrics.Coverage([1, 3, 2, 5], 2.5), Is.EqualTo(0.5).Within(0.0));
        Assert.That(LeastSquaresMetrics.Coverage([], 2.5), Is.NaN);
        Assert.That(LeastSquaresMetrics.Median([3, 1, 2]), Is.EqualTo(2.0).Within(0.0));
        Assert.That(LeastSquaresMetrics.Median([4, 1, 3, 2]), Is.EqualTo(2.5).Within(0.0));
    }

    [Test]
    public void BadArguments_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => LeastSquaresMetrics.RelativeL2Error([1, 2, 3], Reference));
        Assert.Throws<ArgumentException>(() => LeastSquaresMetrics.NormalisedInfinityError(X, Reference, 0, 1));
        Assert.Throws<ArgumentException>(() => LeastSquaresMetrics.NormalisedL2Error(X, Reference, 1, double.NaN));
        Assert.Throws<ArgumentException>(() => LeastSquaresMetrics.BackwardError(Tall(), [1, 1], [1, 1], 1));
        Assert.Throws<ArgumentException>(() => LeastSquaresMetrics.BackwardError(Tall(), [1, 1, 1], [1, 1], -1));
        Assert.Throws<ArgumentException>(() => LeastSquaresMetrics.StandardisedErrors(X, Reference, [1]));
    }
}
