using NUnit.Framework;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Pde;
using Solvers.Preconditioners;
using Solvers.Relaxation;

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

    [Test]
    public void SequenceExample_LearnsOmegaAndEverySolveConverges()
    {
        var policy = new ChebCb(new ChebCbOptions { Seed = 1 });
        var solver = new BanditSor(policy, RelaxationMethod.SsorPcg,
            new SolverOptions { RelativeTolerance = 1e-8, MaxIterations = 10_000 });
        var u = new double[100];
        foreach (var inst in SorSequences.ShiftedLaplacianSequence(ShiftDistribution.High, 40, seed: 7))
        {
            Array.Clear(u);
            var step = solver.Solve(inst.A, inst.B, u, context: inst.Shift);
            // Tolerance: every instance converges to rtol 1e-8 (true residual within the S2 slack ×10 of rtol·‖b‖).
            Assert.That(step.Inner.Converged, Is.True, $"instance {inst.Index}: {step.Inner.Reason}");
            Assert.That(step.Omega, Is.InRange(1.0, 1.95));
            Assert.That(step.Inner.TrueResidualNorm, Is.LessThanOrEqualTo(10 * 1e-8 * VectorMath.Norm2(inst.B)));
        }

        var stats = solver.Statistics;
        Assert.That(stats.Rounds, Is.EqualTo(40));
        Assert.That(stats.Pulls.Sum(), Is.EqualTo(40));
    }
}
