using NUnit.Framework;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>The §3.4 result record: expansion of the per-mode γ factors in C order.</summary>
[TestFixture]
public class SparseRecoveryResultTests
{
    private static SparseRecoveryResult Empty(IReadOnlyList<double[]>? factors, double[]? gamma) => new()
    {
        Summary = new SolverResult(ConvergenceReason.ConvergedRelativeTolerance, 1, 1, 0, 0, TimeSpan.Zero),
        Coefficients = [],
        Support = [],
        SignificantSupport = [],
        GammaFactors = factors,
        Gamma = gamma,
    };

    // γ₁ ⊗ γ₂ with γ₁ = (1, 2), γ₂ = (3, 5, 7): C order (last index fastest), exact products. A full-length γ is copied;
    // neither gives null; scalars default to NaN.
    [Test]
    public void ExpandGamma_IsKroneckerInCOrder()
    {
        var r = Empty([[1, 2], [3, 5, 7]], null);
        Assert.That(r.ExpandGamma(), Is.EqualTo(new double[] { 3, 5, 7, 6, 10, 14 }));
        double[] gamma = [0.5, 0.25];
        var c = Empty(null, gamma);
        var copy = c.ExpandGamma();
        Assert.That(copy, Is.EqualTo(gamma));
        Assert.That(copy, Is.Not.SameAs(gamma));
        Assert.That(Empty(null, null).ExpandGamma(), Is.Null);
        Assert.That(r.NoiseVariance, Is.NaN);
        Assert.That(r.NegativeLogEvidence, Is.NaN);
    }
}
