using NUnit.Framework;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Preconditioners;

namespace Solvers.Tests.Docs;

/// <summary>The README's library example, verbatim apart from the output line, so the documentation cannot rot.</summary>
[TestFixture]
public class ReadmeExampleTests
{
    [Test]
    public void LibraryExample_ConvergesToRequestedTolerance()
    {
        var a = Laplacian2D.UnitSquare(256);                        // matrix-free 5-point −Δ, SPD
        var b = new double[a.Rows]; b.AsSpan().Fill(1.0);
        var pc = new JacobiPreconditioner(); pc.Setup(a);
        var (x, result) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-10 }, pc);

        // Tolerance: the recomputed true residual is within the S2 slack (×10) of rtol·‖b‖.
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        var ax = new double[a.Rows];
        a.Apply(x, ax);
        double res = Math.Sqrt(ax.Zip(b, (p, q) => (q - p) * (q - p)).Sum());
        Assert.That(res, Is.EqualTo(result.TrueResidualNorm).Within(1e-12 * Math.Sqrt(a.Rows)));
        Assert.That(res, Is.LessThanOrEqualTo(10 * 1e-10 * Math.Sqrt(a.Rows)));
    }
}
