using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using Solvers.Tests.TestSupport;
using Solvers.Krylov;
using Solvers.Operators;

namespace Solvers.Tests.Krylov;

[TestFixture]
public class LsqrTests
{
    private const int M = 300;
    private const int N = 20;

    private static DenseOperator RandomOperator(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var data = new double[m * n];
        for (int i = 0; i < data.Length; i++) data[i] = 2 * rng.NextDouble() - 1;
        return new DenseOperator(m, n, data);
    }

    private static double[] RandomVector(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 2 * rng.NextDouble() - 1;
        return v;
    }

    private static double Norm(ReadOnlySpan<double> x) => VectorMath.Norm2(x);

    private static double RelativeDifference(double[] x, double[] reference)
    {
        var d = new double[x.Length];
        VectorMath.Subtract(x, reference, d);
        return Norm(d) / Norm(reference);
    }

    /// <summary>‖Aᵀ(c − Ay)‖ recomputed.</summary>
    private static double NormalResidual(DenseOperator a, double[] c, double[] y)
    {
        var r = new double[a.Rows];
        a.Apply(y, r);
        VectorMath.Subtract(c, r, r);
        var g = new double[a.Columns];
        a.ApplyAdjoint(r, g);
        return Norm(g);
    }

    private static LsqrOptions Tight => new() { NormalEquationTolerance = 1e-14, ResidualTolerance = 1e-14 };

    [Test]
    public void InconsistentSystem_MatchesDenseQr_ByTestTwo()
    {
        var a = RandomOperator(M, N, 1);
        double[] c = RandomVector(M, 2);
        var y = new double[N];
        var result = Lsqr.Solve(a, c, y, Tight);
        double[] reference = a.Matrix.QR().Solve(Vector<double>.Build.DenseOfArray(c)).ToArray();

        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations), "test (2) on an inconsistent system");
        Assert.That(RelativeDifference(y, reference), Is.LessThanOrEqualTo(1e-11), "‖y − y_QR‖/‖y_QR‖ ≤ 1e-11");
        Assert.That(result.Summary.Iterations, Is.InRange(1, 200));
        Assert.That(result.Summary.TrueResidualNorm, Is.EqualTo(result.Summary.FinalResidualNorm), "TrueResidualNorm is the estimate φ̄");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ConsistentSystem_ConvergesByTestOne(bool fused)
    {
        var a = RandomOperator(M, N, 3);
        double[] x = RandomVector(N, 4);
        var c = new double[M];
        a.Apply(x, c);
        var y = new double[N];
        var result = Lsqr.Solve(a, c, y, Tight with { UseFusedNormalPass = fused });

        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance), "test (1) on b = A·x");
        Assert.That(RelativeDifference(y, x), Is.LessThanOrEqualTo(1e-11), "‖y − x‖/‖x‖ ≤ 1e-11");
        double residual = VectorMath.ResidualNorm(a, y, c, new double[M]);
        Assert.That(residual, Is.LessThanOrEqualTo(1e-12 * Norm(c)), "true ‖c − Ay‖ ≤ 1e-12‖c‖");
    }

    [TestCase(5)]
    [TestCase(12)]
    public void NormalResidualEstimate_AgreesWithRecomputed_AtCapExit(int maxIterations)
    {
        // Exit while ‖Aᵀr‖ is still far above rounding level, so the comparison measures the estimate, not noise.
        var a = RandomOperator(M, N, 5);
        double[] c = RandomVector(M, 6);
        var y = new double[N];
        var result = Lsqr.Solve(a, c, y, Tight with { MaxIterations = maxIterations });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        double recomputed = NormalResidual(a, c, y);
        Assert.That(result.NormalResidualEstimate, Is.EqualTo(recomputed).Within(1e-6 * recomputed), "relative 1e-6");
        double rTrue = VectorMath.ResidualNorm(a, y, c, new double[M]);
        Assert.That(result.Summary.FinalResidualNorm, Is.EqualTo(rTrue).Within(1e-6 * rTrue), "‖r‖ estimate φ̄, relative 1e-6");
    }

    [Test]
    public void NormalResidualEstimate_AgreesWithRecomputed_AtTestTwoExit()
    {
        // atol = 1e-6: at exit ‖Aᵀr‖ ≈ 1e-6·N_A‖r‖, far above the rounding level of the recomputation (~1e-15·N_A‖r‖).
        var a = RandomOperator(M, N, 7);
        double[] c = RandomVector(M, 8);
        var y = new double[N];
        var result = Lsqr.Solve(a, c, y, new LsqrOptions { NormalEquationTolerance = 1e-6, ResidualTolerance = 1e-6 });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations));
        double recomputed = NormalResidual(a, c, y);
        Assert.That(result.NormalResidualEstimate, Is.EqualTo(recomputed).Within(1e-6 * recomputed), "relative 1e-6");
        Assert.That(result.NormalResidualEstimate, Is.LessThanOrEqualTo(1e-6 * result.OperatorNormEstimate * result.Summary.FinalResidualNorm));
    }

    // 300×20 is below DenseOperator.ParallelThreshold (serial kernels); 20 000×30 runs the fused row-block kernel.
    [TestCase(300, 20, false)]
    [TestCase(300, 20, true)]
    [TestCase(20_000, 30, true)]
    public void SecondSolveWithWorkspace_AllocatesNothing(int m, int n, bool fused)
    {
        var a = RandomOperator(m, n, 9);
        double[] c = RandomVector(m, 10);
        var y = new double[n];
        var ws = new LsqrWorkspace(m, n);
        var options = Tight with { SolutionOffset = new double[n], ReferenceRightHandSideNorm = 1.0, UseFusedNormalPass = fused };
        var first = Lsqr.Solve(a, c, y, options, default, ws);
        var second = Lsqr.Solve(a, c, y, options, default, ws);
        // Smallest of five rounds (DenseReference.AllocatedBytes): the runtime's own tiering/type-load bookkeeping on this
        // thread shows in one round at most; an allocation in the solve shows in every round.
        long allocated = DenseReference.AllocatedBytes(() => Lsqr.Solve(a, c, y, options, default, ws));
        Assert.That(allocated, Is.Zero, "exact: 0 bytes");
        Assert.That(second.Summary.Iterations, Is.EqualTo(first.Summary.Iterations));
        Assert.That(second.Summary.Iterations, Is.GreaterThan(5));
    }

    [Test]
    public void ZeroRightHandSide_ReturnsZeroWithoutIterating()
    {
        var a = RandomOperator(M, N, 11);
        var y = new double[N];
        y.AsSpan().Fill(3);
        var result = Lsqr.Solve(a, new double[M], y);
        // Exact.
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(result.Summary.Iterations, Is.Zero);
        Assert.That(y, Is.All.EqualTo(0.0));
        Assert.That(result.Summary.TrueResidualNorm, Is.Zero);
    }

    [Test]
    public void PreCancelledToken_ReturnsCancelledAfterNoIterations()
    {
        var a = RandomOperator(M, N, 12);
        double[] c = RandomVector(M, 13);
        var y = new double[N];
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = Lsqr.Solve(a, c, y, null, new SolverHooks(CancellationToken: cts.Token));
        // Exact.
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(result.Summary.Iterations, Is.Zero);
        Assert.That(y, Is.All.EqualTo(0.0));
        Assert.That(result.Summary.FinalResidualNorm, Is.EqualTo(Norm(c)).Within(1e-15 * Norm(c)), "‖r₀‖ = ‖c‖, relative 1e-15");
    }

    // A time limit shorter than one iteration stops the solve with TimeLimit after at most one iteration; the iterate
    // stays finite and the residual estimate is reported (exact reason, iterations ≤ 1).
    [Test]
    public void TinyTimeLimit_ReportsTimeLimit()
    {
        var a = new SlowOperator(RandomOperator(M, N, 14), TimeSpan.FromMilliseconds(5));
        double[] c = RandomVector(M, 15);
        var y = new double[N];
        var result = Lsqr.Solve(a, c, y, Tight with { MaxIterations = 500, TimeLimit = TimeSpan.FromMilliseconds(1) });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.TimeLimit));
        Assert.That(result.Summary.Iterations, Is.LessThanOrEqualTo(1));
        Assert.That(y.All(double.IsFinite), Is.True);
        Assert.That(double.IsFinite(result.Summary.FinalResidualNorm), Is.True);
    }

    /// <summary>An operator whose applications take at least the given time (for time-limit tests).</summary>
    private sealed class SlowOperator(DenseOperator inner, TimeSpan delay) : IAdjointableOperator
    {
        public int Rows => inner.Rows;

        public int Columns => inner.Columns;

        public OperatorProperties Properties => OperatorProperties.None;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            Thread.Sleep(delay);
            inner.Apply(x, y);
        }

        public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
        {
            Thread.Sleep(delay);
            inner.ApplyAdjoint(x, y);
        }
    }

    [Test]
    public void MaxIterationsTwo_DivergedMaxIterations_AndProgressIsCumulative()
    {
        var a = RandomOperator(M, N, 14);
        double[] c = RandomVector(M, 15);
        var y = new double[N];
        var progress = new Recorder();
        var result = Lsqr.Solve(a, c, y, Tight with { MaxIterations = 2, IterationOffset = 100 }, new SolverHooks(Progress: progress));
        // Exact counts.
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(result.Summary.Iterations, Is.EqualTo(2));
        Assert.That(progress.Iterations, Is.EqualTo(new[] { 101, 102 }));
        Assert.That(progress.Residuals[1], Is.EqualTo(result.Summary.FinalResidualNorm));
    }

    [Test]
    public void OperatorReturningNaN_DivergedNaN_KeepsLastFiniteIterate()
    {
        var dense = RandomOperator(M, N, 16);
        double[] c = RandomVector(M, 17);
        var reference = new double[N];
        var capped = Lsqr.Solve(dense, c, reference, Tight with { MaxIterations = 3 });
        Assert.That(capped.Summary.Iterations, Is.EqualTo(3));

        var a = new NaNAfter(dense, 4); // the 4th Apply (iteration 4) returns NaN
        var y = new double[N];
        LsqrResult result = default;
        Assert.That(() => result = Lsqr.Solve(a, c, y, Tight), Throws.Nothing);
        // Exact: y is y₃, bit for bit.
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedNaN));
        Assert.That(result.Summary.Iterations, Is.EqualTo(3));
        Assert.That(result.Summary.BreakdownIteration, Is.EqualTo(4));
        Assert.That(y, Is.EqualTo(reference).Within(0.0));
    }

    [Test]
    public void ReferenceRightHandSideNorm_LoosensTestOne()
    {
        var a = RandomOperator(M, N, 18);
        double[] x = RandomVector(N, 19);
        var c = new double[M];
        a.Apply(x, c);
        double cNorm = Norm(c);
        var y = new double[N];
        var plain = Lsqr.Solve(a, c, y, new LsqrOptions { ResidualTolerance = 1e-8, NormalEquationTolerance = 0 });

        // btol·‖c_ref‖ = 1e-8 · 1e5‖c‖ = 1e-3‖c‖: test (1) fires earlier, at the looser threshold (exact inequality).
        var loose = Lsqr.Solve(a, c, y, new LsqrOptions { ResidualTolerance = 1e-8, NormalEquationTolerance = 0, ReferenceRightHandSideNorm = 1e5 * cNorm });
        Assert.That(plain.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(loose.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(loose.Summary.Iterations, Is.LessThan(plain.Summary.Iterations));
        Assert.That(loose.Summary.FinalResidualNorm, Is.LessThanOrEqualTo(1e-3 * cNorm));
        Assert.That(plain.Summary.FinalResidualNorm, Is.LessThanOrEqualTo(1e-8 * cNorm));

        // ‖c‖ ≤ btol·‖c_ref‖ already: y = 0 after 0 iterations (documented).
        var none = Lsqr.Solve(a, c, y, new LsqrOptions { ResidualTolerance = 1e-8, ReferenceRightHandSideNorm = 1e9 * cNorm });
        Assert.That(none.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(none.Summary.Iterations, Is.Zero);
        Assert.That(y, Is.All.EqualTo(0.0));
    }

    [Test]
    public void SolutionOffset_EntersTestOneThroughYRef()
    {
        var a = RandomOperator(M, N, 20);
        double[] x = RandomVector(N, 21);
        var c = new double[M];
        a.Apply(x, c);
        var y = new double[N];
        var plain = Lsqr.Solve(a, c, y, new LsqrOptions { ResidualTolerance = 0, NormalEquationTolerance = 1e-14 });

        // y_ref = offset + y with ‖offset‖ ≈ 1e10‖x‖: atol·N_A·‖y_ref‖ ≈ 1e-4·N_A‖x‖, so test (1) fires much earlier.
        var offset = new double[N];
        for (int i = 0; i < N; i++) offset[i] = 1e10 * x[i];
        var withOffset = Lsqr.Solve(a, c, y, new LsqrOptions { ResidualTolerance = 0, NormalEquationTolerance = 1e-14, SolutionOffset = offset });
        Assert.That(plain.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(withOffset.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(withOffset.Summary.Iterations, Is.LessThan(plain.Summary.Iterations));
        var yRef = new double[N];
        VectorMath.Add(offset, y, yRef);
        // The documented inequality, exact up to the N_A estimate reported with the result.
        Assert.That(withOffset.Summary.FinalResidualNorm, Is.LessThanOrEqualTo(1e-14 * withOffset.OperatorNormEstimate * Norm(yRef) * (1 + 1e-12)));
    }

    [Test]
    public void BadArguments_Throw()
    {
        var a = RandomOperator(M, N, 22);
        double[] c = RandomVector(M, 23);
        var y = new double[N];
        Assert.That(() => Lsqr.Solve(null!, c, y), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, new double[M - 1], y), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, c, new double[N + 1]), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, c, y, new LsqrOptions { MaxIterations = 0 }), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, c, y, new LsqrOptions { NormalEquationTolerance = -1e-10 }), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, c, y, new LsqrOptions { ResidualTolerance = -1e-10 }), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, c, y, new LsqrOptions { ResidualTolerance = double.NaN }), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, c, y, new LsqrOptions { SolutionOffset = new double[N - 1] }), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => Lsqr.Solve(a, c, y, null, default, new LsqrWorkspace(M, N - 1)), Throws.InstanceOf<ArgumentException>());
        var bad = (double[])c.Clone();
        bad[7] = double.NaN;
        Assert.That(() => Lsqr.Solve(a, bad, y), Throws.InstanceOf<ArgumentException>());
        bad[7] = double.PositiveInfinity;
        Assert.That(() => Lsqr.Solve(a, bad, y), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void DenseApplyAdjoint_Parallel_IsDeterministicAccurateAndAllocationFree()
    {
        const int m = 4096, n = 40; // 163 840 entries: above DenseOperator.ParallelThreshold, so the row-block path runs
        var a = RandomOperator(m, n, 24);
        double[] x = RandomVector(m, 25);
        var y1 = new double[n];
        var y2 = new double[n];
        a.ApplyAdjoint(x, y1);
        a.ApplyAdjoint(x, y2);
        long allocated = DenseReference.AllocatedBytes(() => a.ApplyAdjoint(x, y2));
        Assert.That(allocated, Is.Zero, "exact: 0 bytes (smallest of five rounds)");
        Assert.That(y2, Is.EqualTo(y1).Within(0.0), "bit-identical run to run");

        // Against a plain serial sum: relative 1e-13 per entry, scaled by Σ|x_i a_ij|.
        var data = a.Data;
        for (int j = 0; j < n; j++)
        {
            double sum = 0, scale = 0;
            for (int i = 0; i < m; i++)
            {
                sum += x[i] * data[i * n + j];
                scale += Math.Abs(x[i] * data[i * n + j]);
            }

            Assert.That(y1[j], Is.EqualTo(sum).Within(1e-13 * scale), $"column {j}, 1e-13·Σ|x_i a_ij|");
        }
    }

    // ------------------------------------------------------------------ fused pass (spec sketched-regression §3.8)

    [TestCase(300, 20, false)]
    [TestCase(20_000, 30, true)]
    public void DenseApplyWithNormal_MatchesApplyThenAdjoint_DeterministicAndAllocationFree(int m, int n, bool parallel)
    {
        var a = RandomOperator(m, n, 30);
        Assert.That(m * n >= DenseOperator.ParallelThreshold, Is.EqualTo(parallel), "the intended (serial / row-block) path");
        double[] x = RandomVector(n, 31);
        var y = new double[m];
        var normal = new double[n];
        for (int k = 0; k < 3; k++) a.ApplyWithNormal(x, y, normal); // warm-up: first-call JIT and type loading on this thread
        var y2 = new double[m];
        var normal2 = new double[n];
        long allocated = DenseReference.AllocatedBytes(() => a.ApplyWithNormal(x, y2, normal2));
        Assert.That(allocated, Is.Zero, "exact: 0 bytes (smallest of five rounds of ten calls)");
        Assert.That(y2, Is.EqualTo(y).Within(0.0), "y bit-identical run to run");
        Assert.That(normal2, Is.EqualTo(normal).Within(0.0), "AᵀAx bit-identical run to run");

        var yApply = new double[m];
        a.Apply(x, yApply);
        Assert.That(y, Is.EqualTo(yApply).Within(0.0), "y bit-identical to Apply");
        var reference = new double[n];
        a.ApplyAdjoint(yApply, reference);
        Assert.That(RelativeDifference(normal, reference), Is.LessThanOrEqualTo(1e-13), "AᵀAx vs ApplyAdjoint(Apply(x)), 1e-13 relative");
    }

    [TestCase(300, 20, false)]
    [TestCase(20_000, 30, true)]
    public void DenseResidualWithAdjoint_MatchesApplyThenAdjoint_DeterministicAndAllocationFree(int m, int n, bool parallel)
    {
        var a = RandomOperator(m, n, 34);
        Assert.That(m * n >= DenseOperator.ParallelThreshold, Is.EqualTo(parallel), "the intended (serial / row-block) path");
        double[] x = RandomVector(n, 35), b = RandomVector(m, 36);
        b[3] = 0;
        var r = new double[m];
        var g = new double[n];
        for (int k = 0; k < 3; k++) a.ResidualWithAdjoint(x, b, r, g); // warm-up
        var r2 = new double[m];
        var g2 = new double[n];
        long allocated = DenseReference.AllocatedBytes(() => a.ResidualWithAdjoint(x, b, r2, g2));
        Assert.That(allocated, Is.Zero, "exact: 0 bytes");
        Assert.That(r2, Is.EqualTo(r).Within(0.0), "r bit-identical run to run");
        Assert.That(g2, Is.EqualTo(g).Within(0.0), "Aᵀr bit-identical run to run");

        var ax = new double[m];
        a.Apply(x, ax);
        for (int i = 0; i < m; i++) Assert.That(r[i], Is.EqualTo(b[i] - ax[i]).Within(0.0), $"r[{i}] bit-identical to b − Apply(x)");
        var reference = new double[n];
        a.ApplyAdjoint(r, reference);
        Assert.That(RelativeDifference(g, reference), Is.LessThanOrEqualTo(1e-13), "Aᵀr vs ApplyAdjoint(r), 1e-13 relative");

        // The interface's default (two passes) gives the same r and, up to rounding, the same Aᵀr.
        IFusedNormalOperator plain = new PlainFused(a);
        var r3 = new double[m];
        var g3 = new double[n];
        plain.ResidualWithAdjoint(x, b, r3, g3);
        Assert.That(r3, Is.EqualTo(r).Within(0.0), "default implementation: same r");
        Assert.That(RelativeDifference(g3, g), Is.LessThanOrEqualTo(1e-13), "default implementation: Aᵀr to 1e-13 relative");

        Assert.Throws<ArgumentException>(() => a.ResidualWithAdjoint(x, new double[m + 1], r, g), "b of the wrong length");
        Assert.Throws<ArgumentException>(() => a.ResidualWithAdjoint(x, b, r, new double[n + 1]), "adjoint of the wrong length");
        Assert.Throws<ArgumentException>(() => plain.ResidualWithAdjoint(x, new double[m - 1], r, g), "default: b of the wrong length");
    }

    /// <summary>An <see cref="IFusedNormalOperator"/> that keeps the interface's default ResidualWithAdjoint.</summary>
    private sealed class PlainFused(DenseOperator inner) : IFusedNormalOperator
    {
        public int Rows => inner.Rows;

        public int Columns => inner.Columns;

        public OperatorProperties Properties => OperatorProperties.None;

        public void Apply(ReadOnlySpan<double> x, Span<double> y) => inner.Apply(x, y);

        public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y) => inner.ApplyAdjoint(x, y);

        public void ApplyWithNormal(ReadOnlySpan<double> x, Span<double> y, Span<double> normal) => inner.ApplyWithNormal(x, y, normal);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void InitialAdjoint_GivesTheSameSolveWithoutTheFirstAdjointProduct(bool fused)
    {
        var a = RandomOperator(400, 25, 37);
        double[] c = RandomVector(400, 38);
        var atc = new double[25];
        a.ApplyAdjoint(c, atc);
        var counting = new CountingOperator(a);
        var y1 = new double[25];
        var y2 = new double[25];
        var plain = Lsqr.Solve(counting, c, y1, Tight with { UseFusedNormalPass = fused });
        int adjointsPlain = counting.Adjoints;
        counting.Adjoints = 0;
        var given = Lsqr.Solve(counting, c, y2, Tight with { UseFusedNormalPass = fused, InitialAdjoint = atc });

        Assert.That(adjointsPlain - counting.Adjoints, Is.EqualTo(1), "exactly the initial product Āᵀu₁ is saved");
        Assert.That(given.Summary.Reason, Is.EqualTo(plain.Summary.Reason));
        Assert.That(Math.Abs(given.Summary.Iterations - plain.Summary.Iterations), Is.LessThanOrEqualTo(1), "same iteration count ± 1 (rounding of Āᵀc/β vs Āᵀ(c/β))");
        Assert.That(RelativeDifference(y2, y1), Is.LessThanOrEqualTo(1e-12), "same solution to 1e-12 relative");
        Assert.Throws<ArgumentException>(() => Lsqr.Solve(a, c, y2, Tight with { InitialAdjoint = new double[24] }), "wrong length");
        var nan = (double[])atc.Clone();
        nan[2] = double.NaN;
        Assert.That(Lsqr.Solve(a, c, y2, Tight with { InitialAdjoint = nan }).Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedNaN),
            "a non-finite Āᵀc is a numerical outcome, as a computed one would be");
    }

    /// <summary>Counts products with Aᵀ (ApplyAdjoint) and forwards everything, the fused pass included.</summary>
    private sealed class CountingOperator(DenseOperator inner) : IFusedNormalOperator
    {
        public int Adjoints { get; set; }

        public int Rows => inner.Rows;

        public int Columns => inner.Columns;

        public OperatorProperties Properties => OperatorProperties.None;

        public void Apply(ReadOnlySpan<double> x, Span<double> y) => inner.Apply(x, y);

        public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
        {
            Adjoints++;
            inner.ApplyAdjoint(x, y);
        }

        public void ApplyWithNormal(ReadOnlySpan<double> x, Span<double> y, Span<double> normal) => inner.ApplyWithNormal(x, y, normal);
    }

    [TestCase(300, 20)]
    [TestCase(20_000, 30)]
    public void FusedPass_MatchesUnfusedAndDenseQr(int m, int n)
    {
        var a = RandomOperator(m, n, 32);
        double[] c = RandomVector(m, 33);
        var yPlain = new double[n];
        var yFused = new double[n];
        var plain = Lsqr.Solve(a, c, yPlain, Tight);
        var fused = Lsqr.Solve(a, c, yFused, Tight with { UseFusedNormalPass = true });
        double[] reference = a.Matrix.QR().Solve(Vector<double>.Build.DenseOfArray(c)).ToArray();
        TestContext.Out.WriteLine($"iterations: plain {plain.Summary.Iterations}, fused {fused.Summary.Iterations}");

        Assert.That(fused.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations), "test (2) on an inconsistent system");
        Assert.That(RelativeDifference(yFused, yPlain), Is.LessThanOrEqualTo(1e-10), "fused vs unfused, 1e-10 relative");
        Assert.That(RelativeDifference(yFused, reference), Is.LessThanOrEqualTo(1e-10), "fused vs dense QR, 1e-10 relative");
        Assert.That(NormalResidual(a, c, yFused), Is.LessThanOrEqualTo(1e-10 * fused.OperatorNormEstimate * fused.Summary.FinalResidualNorm),
            "recomputed ‖Aᵀr‖ small");
        Assert.That(Math.Abs(fused.Summary.Iterations - plain.Summary.Iterations), Is.LessThanOrEqualTo(2));
    }

    private sealed class Recorder : IProgress<IterationInfo>
    {
        public List<int> Iterations { get; } = [];

        public List<double> Residuals { get; } = [];

        public void Report(IterationInfo value)
        {
            Iterations.Add(value.Iteration);
            Residuals.Add(value.ResidualNorm);
        }
    }

    /// <summary>Forwards to a dense operator, but from the given Apply call on returns NaN.</summary>
    private sealed class NaNAfter(DenseOperator inner, int failingCall) : IAdjointableOperator
    {
        private int _calls;

        public int Rows => inner.Rows;

        public int Columns => inner.Columns;

        public OperatorProperties Properties => OperatorProperties.None;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            inner.Apply(x, y);
            if (++_calls >= failingCall) y.Fill(double.NaN);
        }

        public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y) => inner.ApplyAdjoint(x, y);
    }
}
