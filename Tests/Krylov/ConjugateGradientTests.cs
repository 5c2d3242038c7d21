using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Preconditioners;
using static Solvers.Tests.Krylov.KrylovTestSupport;

namespace Solvers.Tests.Krylov;

[TestFixture]
public class ConjugateGradientTests
{
    private const double Eps = 2.220446049250313e-16;

    // ---------------------------------------------------------------- REL §10.8, constructed and exact

    [Test]
    public void ZeroRightHandSide_ReturnsZeroSolutionWithoutIterating()
    {
        var a = CsrMatrix.Identity(2);
        double[] b = [0, 0];
        double[] x = [5, 5];
        var result = new ConjugateGradient().Solve(a, b, x);
        // Exact: no arithmetic is done on x.
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(x, Is.EqualTo(new double[] { 0, 0 }).Within(0.0));
        Assert.That(result.Iterations, Is.Zero);
        Assert.That(result.TrueResidualNorm, Is.EqualTo(0.0).Within(0.0));
        Assert.That(result.InitialResidualNorm, Is.EqualTo(Math.Sqrt(50)).Within(1e-15 * Math.Sqrt(50)), "‖0 − A x0‖, relative 1e-15");
        Assert.That(result.BreakdownIteration, Is.Zero);
    }

    [Test]
    public void ZeroCurvatureInFirstIteration_ReportsIndefiniteOperatorWithXUnchanged()
    {
        var a = Diagonal(1, -1);
        double[] b = [1, 1];
        double[] x = [0, 0];
        var x0Bits = Bits(x);
        var result = new ConjugateGradient().Solve(a, b, x);
        // Exact: pᵀAp = 1·1 − 1·1 = 0 in floating point.
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator));
        Assert.That(result.BreakdownIteration, Is.EqualTo(1));
        Assert.That(result.BreakdownValue, Is.EqualTo(0.0).Within(0.0));
        Assert.That(result.Iterations, Is.Zero);
        Assert.That(Bits(x), Is.EqualTo(x0Bits), "x = x0 bit for bit");
        Assert.That(result.TrueResidualNorm, Is.EqualTo(Math.Sqrt(2)).Within(1e-15), "‖b‖ for x = 0, absolute 1e-15");
    }

    [Test]
    public void NegativeCurvatureInSecondIteration_ReportsIndefiniteOperatorAfterOneIteration()
    {
        var a = Diagonal(2, -1);
        double[] b = [1, 1];
        double[] x = [0, 0];
        var result = new ConjugateGradient().Solve(a, b, x);
        // Every intermediate (α = 2, r1 = (−3, 3), β = 9, p1 = (6, 12), p1ᵀAp1 = −72) is exact in binary.
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator));
        Assert.That(result.Iterations, Is.EqualTo(1));
        Assert.That(result.BreakdownIteration, Is.EqualTo(2));
        Assert.That(result.BreakdownValue, Is.EqualTo(-72.0).Within(0.0));
        Assert.That(result.FinalResidualNorm, Is.EqualTo(3 * Math.Sqrt(2)).Within(1e-15 * 3 * Math.Sqrt(2)), "‖r1‖ = 3√2, relative 1e-15");
        Assert.That(x, Is.EqualTo(new double[] { 2, 2 }).Within(0.0), "x = x1 exactly");
        Assert.That(result.TrueResidualNorm, Is.EqualTo(3 * Math.Sqrt(2)).Within(1e-15 * 3 * Math.Sqrt(2)), "relative 1e-15");
    }

    [Test]
    public void IndefinitePreconditioner_ReportsNegativeRz()
    {
        var a = CsrMatrix.Identity(2);
        var m = new OperatorPreconditioner(Diagonal(1, -1));
        m.Setup(a);
        double[] b = [1, 2];
        double[] x = [0, 0];
        var result = new ConjugateGradient().Solve(a, b, x, preconditioner: m);
        // Exact: r0ᵀz0 = 1·1 + 2·(−2) = −3.
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefinitePreconditioner));
        Assert.That(result.BreakdownIteration, Is.EqualTo(1));
        Assert.That(result.BreakdownValue, Is.EqualTo(-3.0).Within(0.0));
        Assert.That(result.Iterations, Is.Zero);
        Assert.That(x, Is.EqualTo(new double[] { 0, 0 }).Within(0.0));
    }

    [Test]
    public void ResidualGrowthPastDivergenceTolerance_ReportsDivergedToleranceInIterationOne()
    {
        var a = Diagonal(1, 100);
        double[] b = [10, 1];
        var (_, result) = ConjugateGradient.Solve(a, b, new SolverOptions { DivergenceTolerance = 2 });
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedTolerance));
        Assert.That(result.Iterations, Is.EqualTo(1));
        Assert.That(result.BreakdownIteration, Is.Zero);
        Assert.That(result.FinalResidualNorm / result.InitialResidualNorm, Is.EqualTo(4.95).Within(1e-14 * 4.95), "relative 1e-14");
    }

    [Test]
    public void IterationCap_ReportsMaxIterationsWithTrueResidual()
    {
        var a = Diagonal(1, 2, 3);
        double[] b = [1, 1, 1];
        var (x, result) = ConjugateGradient.Solve(a, b, new SolverOptions { MaxIterations = 1, RelativeTolerance = 1e-12 });
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(result.Iterations, Is.EqualTo(1));
        // x1 = (½, ½, ½), b − A x1 = (½, 0, −½): all exact.
        Assert.That(x, Is.EqualTo(new double[] { 0.5, 0.5, 0.5 }).Within(0.0));
        double independent = ResidualNorm(a, x, b);
        Assert.That(result.TrueResidualNorm, Is.EqualTo(independent).Within(1e-15), "absolute 1e-15");
        Assert.That(result.TrueResidualNorm, Is.EqualTo(Math.Sqrt(0.5)).Within(1e-15), "absolute 1e-15");
    }

    [TestCase(false, TestName = "NaNFromOperator_WithZeroStart_ReportsDivergedNaNWithXUnchanged")]
    [TestCase(true, TestName = "NaNFromOperator_WithNonZeroStart_ReportsDivergedNaNWithXUnchanged")]
    public void NaNFromOperator_ReportsDivergedNaNWithXUnchanged(bool nonZeroStart)
    {
        var a = new NaNOperator(Laplacian1D(4));
        double[] b = [1, 1, 1, 1];
        double[] x = nonZeroStart ? [1, 2, 3, 4] : [0, 0, 0, 0];
        var x0Bits = Bits(x);
        SolverResult result = default;
        Assert.DoesNotThrow(() => result = new ConjugateGradient().Solve(a, b, x));
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedNaN));
        Assert.That(result.BreakdownIteration, Is.EqualTo(1));
        Assert.That(result.Iterations, Is.Zero);
        Assert.That(Bits(x), Is.EqualTo(x0Bits), "x = x0 bit for bit");
        Assert.That(double.IsNaN(result.TrueResidualNorm), Is.True, "A x is NaN, so the true residual is NaN");
    }

    [Test]
    public void NaNInRightHandSide_ThrowsNamingTheIndex()
    {
        var a = Laplacian1D(5);
        double[] b = [1, 1, 1, double.NaN, 1];
        var ex = Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(a, b));
        Assert.That(ex!.Message, Does.Contain("b[3]"));
        Assert.That(ex.Message, Does.Contain("NaN"));
        Assert.That(ex.ParamName, Is.EqualTo("b"));
    }

    [Test]
    public void InfinityInStartVector_ThrowsNamingTheIndex()
    {
        var a = Laplacian1D(3);
        double[] b = [1, 1, 1];
        double[] x = [0, double.PositiveInfinity, 0];
        var ex = Assert.Throws<ArgumentException>(() => new ConjugateGradient().Solve(a, b, x));
        Assert.That(ex!.Message, Does.Contain("x0[1]"));
    }

    [Test]
    public void UnattainableTolerance_StagnatesWellBeforeTheCapAtRoundOff()
    {
        const int n = 50;
        var a = Laplacian1D(n);
        var xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = 1 + Math.Sin(0.3 * i) + 0.01 * i * i;
        var b = Multiply(a, xs);
        var (x, result) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-30, MaxIterations = 10_000 });
        TestContext.Out.WriteLine($"{result.Reason} after {result.Iterations} iterations, true residual {result.TrueResidualNorm:G3}, recursive {result.FinalResidualNorm:G3}");
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.Stagnated));
        Assert.That(result.Iterations, Is.LessThan(1_000), "well before the cap: under 10% of it");
        // Round-off level: 100 ε (‖A‖₁ ‖x‖ + ‖b‖), ‖A‖₁ = 4.
        double roundOff = 100 * Eps * (4 * Norm(x) + Norm(b));
        Assert.That(result.TrueResidualNorm, Is.LessThan(roundOff));
        Assert.That(ResidualNorm(a, x, b), Is.LessThan(roundOff), "independent recomputation");
    }

    [Test]
    public void UnattainableToleranceWithoutS1_StagnatesThroughResidualReplacements()
    {
        // S1 disabled in effect (window 10⁶): the recursive residual eventually passes 1e-30‖b‖, the true one
        // cannot, so S2 replaces the residual MaxResidualReplacements times and then reports Stagnated.
        const int n = 50;
        var a = Laplacian1D(n);
        var xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = 1 + Math.Sin(0.3 * i) + 0.01 * i * i;
        var b = Multiply(a, xs);
        var results = new SolverResult[3];
        for (int replacements = 0; replacements < 3; replacements++)
        {
            (_, results[replacements]) = ConjugateGradient.Solve(a, b, new SolverOptions
            {
                RelativeTolerance = 1e-30, MaxIterations = 10_000, StagnationWindow = 1_000_000, MaxResidualReplacements = replacements,
            });
            TestContext.Out.WriteLine($"{replacements} replacements: {results[replacements].Reason} after {results[replacements].Iterations}, " +
                                      $"true {results[replacements].TrueResidualNorm:G3}");
            Assert.That(results[replacements].Reason, Is.EqualTo(ConvergenceReason.Stagnated));
            Assert.That(results[replacements].TrueResidualNorm, Is.GreaterThan(10 * 1e-30 * Norm(b)), "not confirmable");
            Assert.That(results[replacements].TrueResidualNorm, Is.LessThan(100 * Eps * (4 * Norm(xs) + Norm(b))), "round-off level");
        }

        Assert.That(results[1].Iterations, Is.GreaterThan(results[0].Iterations), "each replacement restarts and iterates on");
        Assert.That(results[2].Iterations, Is.GreaterThan(results[1].Iterations));
        Assert.That(results[2].Iterations, Is.LessThan(10_000));
    }

    [Test]
    public void CancellationInProgressHookAtIterationFive_ReportsCancelledAfterFive()
    {
        var a = Laplacian1D(50);
        var b = Enumerable.Range(0, 50).Select(i => 1.0 + i % 7).ToArray();
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(100, info => { if (info.Iteration == 5) cts.Cancel(); });
        var (_, result) = ConjugateGradient.Solve(a, b, hooks: new SolverHooks(Progress: progress, CancellationToken: cts.Token));
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(result.Iterations, Is.EqualTo(5));
        Assert.That(progress.Count, Is.EqualTo(6), "k = 0 … 5");
    }

    [Test]
    public void UnsymmetricOperatorWithWarn_LogsOneWarningAndReturnsNegativeReason()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 1, 4 }, { 0, -1 } });
        double[] b = [1, 1];
        var logger = new CapturingLogger();
        SolverResult result = default;
        Assert.DoesNotThrow(() => result = ConjugateGradient.Solve(a, b,
            new SolverOptions { SymmetryCheck = SymmetryCheck.Warn }, hooks: new SolverHooks(logger)).Result);
        Assert.That(logger.Entries.Count(e => e.Level == LogLevel.Warning), Is.EqualTo(1));
        Assert.That(logger.Entries.Single(e => e.Level == LogLevel.Warning).Message, Does.Contain("symmetric"));
        Assert.That((int)result.Reason, Is.LessThan(0));
        // α = ½, r1 = (−1.5, 1.5), β = 2.25, p1 = (0.75, 3.75), p1ᵀAp1 = −2.25: all exact.
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator));
        Assert.That(result.BreakdownIteration, Is.EqualTo(2));
        Assert.That(result.BreakdownValue, Is.EqualTo(-2.25).Within(0.0));
        Assert.That(logger.Entries.Last().Message, Does.Contain("MINRES"), "the end message points to MINRES");
    }

    [Test]
    public void UnsymmetricOperatorWithRefuse_Throws()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 1, 4 }, { 0, -1 } });
        var ex = Assert.Throws<ArgumentException>(() =>
            ConjugateGradient.Solve(a, [1.0, 1.0], new SolverOptions { SymmetryCheck = SymmetryCheck.Refuse }));
        Assert.That(ex!.Message, Does.Contain("symmetric"));
    }

    [Test]
    public void SymmetricButUnflaggedOperator_PassesTheRandomTestWithoutWarning()
    {
        var a = Laplacian2D(6, OperatorProperties.None);
        var logger = new CapturingLogger();
        var (_, result) = ConjugateGradient.Solve(a, Enumerable.Repeat(1.0, 36).ToArray(),
            new SolverOptions { SymmetryCheck = SymmetryCheck.Refuse }, hooks: new SolverHooks(logger));
        Assert.That(result.Converged, Is.True);
        Assert.That(logger.Entries.Any(e => e.Level >= LogLevel.Warning), Is.False);
    }

    [Test]
    public void InputsAfterSolve_AreBitIdentical()
    {
        var a = Laplacian2D(7);
        var rng = new Random(11);
        var b = Enumerable.Range(0, 49).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var bBits = Bits(b);

        // Convenience form: x0 = 0 implicitly, b untouched.
        var (x1, r1) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-10 });
        Assert.That(r1.Converged, Is.True);
        Assert.That(Bits(b), Is.EqualTo(bBits), "b bit for bit (convenience form)");

        // Instance form with a non-zero x0: b untouched, x0's copy untouched, x is the output.
        var x0 = Enumerable.Range(0, 49).Select(i => 0.1 * i).ToArray();
        var x0Bits = Bits(x0);
        var x = (double[])x0.Clone();
        var jacobi = new JacobiPreconditioner();
        jacobi.Setup(a);
        var r2 = new ConjugateGradient().Solve(a, b, x, new SolverOptions { RelativeTolerance = 1e-10 }, jacobi);
        Assert.That(r2.Converged, Is.True);
        Assert.That(Bits(b), Is.EqualTo(bBits), "b bit for bit (instance form)");
        Assert.That(Bits(x0), Is.EqualTo(x0Bits), "the caller's x0 copy bit for bit");
        Assert.That(x, Is.EqualTo(x1).Within(1e-8), "same solution from another start, absolute 1e-8");
    }

    [Test]
    public void BreakdownCases_LeaveRightHandSideBitIdentical()
    {
        double[] b = [1, 1];
        var bBits = Bits(b);
        _ = ConjugateGradient.Solve(Diagonal(2, -1), b);
        _ = ConjugateGradient.Solve(new NaNOperator(Diagonal(1, 2)), b);
        var m = new OperatorPreconditioner(Diagonal(1, -1));
        _ = ConjugateGradient.Solve(CsrMatrix.Identity(2), b, preconditioner: m);
        Assert.That(Bits(b), Is.EqualTo(bBits));
    }

    // ---------------------------------------------------------------- limits and entry checks

    [Test]
    public void SlowOperatorWithTimeLimit_ReportsTimeLimit()
    {
        var a = new SleepingOperator(Laplacian1D(50), 20);
        var b = Enumerable.Range(0, 50).Select(i => 1.0 + i % 5).ToArray();
        var (_, result) = ConjugateGradient.Solve(a, b, new SolverOptions { TimeLimit = TimeSpan.FromMilliseconds(100) });
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.TimeLimit));
        Assert.That(result.Iterations, Is.LessThan(20), "about 5 iterations of 20 ms fit into 100 ms; 20 is a loose bound");
        Assert.That(result.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100)));
    }

    [Test]
    public void MismatchedSizes_ThrowNamingBothSizes()
    {
        var a = Laplacian1D(4);
        var ex = Assert.Throws<ArgumentException>(() => new ConjugateGradient().Solve(a, new double[3], new double[4]));
        Assert.That(ex!.Message, Does.Contain("3").And.Contain("4"));
        ex = Assert.Throws<ArgumentException>(() => new ConjugateGradient().Solve(a, new double[4], new double[5]));
        Assert.That(ex!.Message, Does.Contain("5").And.Contain("4"));
        var rect = CsrMatrix.FromDense(new double[,] { { 1, 0, 0 }, { 0, 1, 0 } });
        ex = Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(rect, [1.0, 1.0]));
        Assert.That(ex!.Message, Does.Contain("2×3"));
    }

    [Test]
    public void InvalidOptions_Throw()
    {
        var a = Laplacian1D(4);
        Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(a, [1.0, 1, 1, 1], new SolverOptions { RelativeTolerance = -1 }));
        Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(a, [1.0, 1, 1, 1], new SolverOptions { MaxIterations = -1 }));
    }

    [Test]
    public void FixedWorkspaceOfOtherSize_Throws()
    {
        var cg = new ConjugateGradient(new ConjugateGradientWorkspace(3));
        var ex = Assert.Throws<ArgumentException>(() => cg.Solve(Laplacian1D(4), new double[] { 1, 1, 1, 1 }, new double[4]));
        Assert.That(ex!.Message, Does.Contain("3").And.Contain("4"));
    }

    [Test]
    public void LazyWorkspace_FollowsTheProblemSize()
    {
        var cg = new ConjugateGradient();
        var r1 = cg.Solve(Laplacian1D(4), new double[] { 1, 1, 1, 1 }, new double[4]);
        Assert.That(cg.Workspace!.N, Is.EqualTo(4));
        var r2 = cg.Solve(Laplacian1D(6), new double[] { 1, 1, 1, 1, 1, 1 }, new double[6]);
        Assert.That(cg.Workspace!.N, Is.EqualTo(6));
        Assert.That(r1.Converged && r2.Converged, Is.True);
    }

    [Test]
    public void StartAtSolution_ConvergesInZeroIterations()
    {
        var a = Diagonal(1, 2, 4);
        double[] b = [1, 2, 4];
        double[] x = [1, 1, 1];
        var result = new ConjugateGradient().Solve(a, b, x);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedAbsoluteTolerance), "r0 = 0 exactly");
        Assert.That(result.Iterations, Is.Zero);
        Assert.That(result.TrueResidualNorm, Is.EqualTo(0.0).Within(0.0));
    }

    [Test]
    public void AbsoluteToleranceLarger_ReportsAbsoluteReason()
    {
        var a = Laplacian1D(20);
        var b = Enumerable.Range(0, 20).Select(i => Math.Cos(i * i)).ToArray();
        var (_, result) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-3 });
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedAbsoluteTolerance));
        Assert.That(result.FinalResidualNorm, Is.LessThanOrEqualTo(1e-3));
        var (_, relative) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-6 });
        Assert.That(relative.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
    }

    // ---------------------------------------------------------------- opt-in stagnation tests

    [Test]
    public void NoProgressWindowOne_StopsAtTheFirstNonDecrease()
    {
        var a = Laplacian2D(12);
        var rng = new Random(5);
        var b = Enumerable.Range(0, 144).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var history = new ConvergenceHistory(10_000);
        var (_, plain) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-12, RecordHistory = true },
            hooks: new SolverHooks(History: history));
        Assert.That(plain.Converged, Is.True);
        var norms = history.ResidualNorms.ToArray();
        int expected = -1;
        double min = norms[0];
        for (int k = 1; k < norms.Length; k++)
        {
            if (norms[k] < min) min = norms[k];
            else { expected = k; break; }
        }

        var (_, s4) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-12, NoProgressWindow = 1 });
        if (expected < 0)
        {
            Assert.That(s4.Reason, Is.EqualTo(plain.Reason), "monotone history: S4 never fires");
        }
        else
        {
            Assert.That(s4.Reason, Is.EqualTo(ConvergenceReason.Stagnated));
            Assert.That(s4.Iterations, Is.EqualTo(expected));
        }
    }

    [Test]
    public void ConvergenceFactorTolerance_StopsSlowSolve()
    {
        var a = Laplacian1D(200);
        var b = Enumerable.Range(0, 200).Select(i => Math.Cos(0.7 * i * i)).ToArray();
        var (_, plain) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-10 });
        var (_, s3) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-10, ConvergenceFactorTolerance = 0.5 });
        Assert.That(plain.Converged, Is.True);
        Assert.That(s3.Reason, Is.EqualTo(ConvergenceReason.Stagnated));
        Assert.That(s3.Iterations, Is.LessThan(plain.Iterations));
    }

    // ---------------------------------------------------------------- hooks

    [Test]
    public void HistoryAndProgress_MatchIterations()
    {
        var a = Laplacian1D(60);
        var b = Enumerable.Range(0, 60).Select(i => 1.0 + (i % 3)).ToArray();
        var history = new ConvergenceHistory(1000);
        history.Record(99, 1.0); // stale content: must be cleared by the solve
        var progress = new RecordingProgress(1000);
        var logger = new CapturingLogger();
        var options = new SolverOptions { RecordHistory = true, RecordTiming = true, TrueResidualEvery = 5, LogEvery = 4, RelativeTolerance = 1e-10 };
        var (x, result) = ConjugateGradient.Solve(a, b, options, hooks: new SolverHooks(logger, progress, History: history));

        Assert.That(result.Converged, Is.True);
        int k = result.Iterations;
        Assert.That(history.Count, Is.EqualTo(k + 1));
        Assert.That(history.ResidualIterations.ToArray(), Is.EqualTo(Enumerable.Range(0, k + 1).ToArray()));
        Assert.That(history.ResidualNorms[0], Is.EqualTo(result.InitialResidualNorm).Within(0.0));
        Assert.That(history.ResidualNorms[k], Is.EqualTo(result.FinalResidualNorm).Within(0.0));
        Assert.That(history.ElapsedSeconds[k], Is.GreaterThan(0.0), "timing recorded");
        Assert.That(history.TrueResiduals.Count, Is.EqualTo(k / 5 + 1), "every 5 iterations plus the final one");
        Assert.That(history.TrueResiduals[^1].Iteration, Is.EqualTo(k));
        Assert.That(history.TrueResiduals[^1].Norm, Is.EqualTo(result.TrueResidualNorm).Within(0.0));
        Assert.That(result.TrueResidualNorm, Is.EqualTo(ResidualNorm(a, x, b)).Within(1e-13 * Norm(b)), "independent, absolute 1e-13‖b‖");

        Assert.That(progress.Count, Is.EqualTo(k + 1));
        Assert.That(progress.Iterations.ToArray(), Is.EqualTo(Enumerable.Range(0, k + 1).ToArray()));
        Assert.That(progress.Last.RelativeResidual, Is.EqualTo(result.FinalResidualNorm / Norm(b)).Within(1e-15), "absolute 1e-15");

        Assert.That(logger.Entries.Count(e => e.Id.Id == 1100), Is.EqualTo(1), "one start message");
        Assert.That(logger.Entries.Count(e => e.Id.Id == 1101), Is.EqualTo(k / 4), "a progress line every 4 iterations");
        Assert.That(logger.Entries.Count(e => e.Id.Id == 1102), Is.EqualTo(1), "one end message");
        Assert.That(logger.Entries[0].Message, Does.Contain("n = 60"));
    }

    [Test]
    public void HistoryWithoutRecordHistory_IsLeftAlone()
    {
        var history = new ConvergenceHistory(100);
        history.Record(0, 3.0);
        _ = ConjugateGradient.Solve(Laplacian1D(5), [1.0, 1, 1, 1, 1], hooks: new SolverHooks(History: history));
        Assert.That(history.Count, Is.EqualTo(1));
    }

    // ---------------------------------------------------------------- accuracy

    [TestCase(10)]
    [TestCase(50)]
    [TestCase(200)]
    public void RandomSpdSystem_AgreesWithDenseCholesky(int n)
    {
        // A = Q D Qᵀ with a Householder reflection Q and D log-spaced in [1, 100]: κ₂(A) = 100.
        var rng = new Random(1000 + n);
        var v = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double vv = v.Sum(t => t * t);
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                q[i, j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
        var d = Enumerable.Range(0, n).Select(i => Math.Pow(100, i / (double)(n - 1))).ToArray();
        var dense = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i, k] * d[k] * q[j, k];
                dense[i, j] = s;
                dense[j, i] = s;
            }
        }

        var a = CsrMatrix.FromDense(dense, Spd);
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var reference = CholeskySolve(CholeskyLower(dense), b);

        var (x, result) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-14 });
        Assert.That(result.Converged, Is.True, result.Reason.ToString());
        double err = 0;
        for (int i = 0; i < n; i++) err += (x[i] - reference[i]) * (x[i] - reference[i]);
        Assert.That(Math.Sqrt(err) / Norm(reference), Is.LessThan(1e-10), "relative error against dense Cholesky");
    }

    [TestCase(1e-6)]
    [TestCase(1e-10)]
    public void Laplacian2D_IndependentResidualBelowTolerance(double rtol)
    {
        const int m = 30;
        var a = Laplacian2D(m);
        // A smooth solution that is not a stencil eigenvector.
        var xs = new double[m * m];
        for (int j = 0; j < m; j++)
            for (int i = 0; i < m; i++)
            {
                double s = (i + 1.0) / (m + 1), t = (j + 1.0) / (m + 1);
                xs[j * m + i] = Math.Exp(s) * t * (1 - t) + s * s * t;
            }

        var b = Multiply(a, xs);
        foreach (var preconditioner in new IPreconditioner?[] { null, new JacobiPreconditioner() })
        {
            preconditioner?.Setup(a);
            var (x, result) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = rtol }, preconditioner);
            Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
            double independent = ResidualNorm(a, x, b);
            Assert.That(independent, Is.LessThan(rtol * Norm(b)), $"independent residual below rtol·‖b‖ ({preconditioner?.GetType().Name ?? "CG"})");
            Assert.That(result.TrueResidualNorm, Is.EqualTo(independent).Within(1e-12 * Norm(b)), "absolute 1e-12‖b‖");
        }
    }

    [Test]
    public void BadlyScaledSpdMatrix_JacobiNeedsFewerIterationsThanPlainCg()
    {
        const int m = 20;
        var l = Laplacian2D(m);
        int n = m * m;
        // A = S L S with S = diag(10^(i mod 5)).
        var scale = Enumerable.Range(0, n).Select(i => Math.Pow(10, i % 5)).ToArray();
        var values = l.Values.ToArray();
        var rp = l.RowPointers.ToArray();
        var ci = l.ColumnIndices.ToArray();
        for (int i = 0; i < n; i++)
            for (int p = rp[i]; p < rp[i + 1]; p++) values[p] *= scale[i] * scale[ci[p]];
        var a = new CsrMatrix(n, n, rp, ci, values, Spd);
        var b = Multiply(a, Enumerable.Repeat(1.0, n).ToArray());
        var options = new SolverOptions { RelativeTolerance = 1e-8, MaxIterations = 10 * n };

        var (_, plain) = ConjugateGradient.Solve(a, b, options);
        var jacobi = new JacobiPreconditioner();
        jacobi.Setup(a);
        var (x, pcg) = ConjugateGradient.Solve(a, b, options, jacobi);
        TestContext.Out.WriteLine($"CG: {plain.Reason} after {plain.Iterations}; Jacobi-PCG: {pcg.Reason} after {pcg.Iterations}");
        Assert.That(pcg.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(pcg.Iterations, Is.LessThan(plain.Iterations), $"PCG {pcg.Iterations} vs CG {plain.Iterations} ({plain.Reason})");
        Assert.That(ResidualNorm(a, x, b), Is.LessThan(10 * 1e-8 * Norm(b)), "independent residual within the S2 slack (10 rtol‖b‖)");
    }

    [Test]
    public void ExactCholeskyFactorPreconditioner_ConvergesInOneIteration()
    {
        var a = Laplacian2D(10);
        var l = CsrMatrix.FromDense(CholeskyLower(a.ToDense()));
        var m = new CholeskyFactorPreconditioner(l);
        m.Setup(a);
        var rng = new Random(3);
        var b = Enumerable.Range(0, 100).Select(_ => rng.NextDouble()).ToArray();
        var (x, result) = ConjugateGradient.Solve(a, b, new SolverOptions { RelativeTolerance = 1e-10 }, m);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(result.Iterations, Is.EqualTo(1));
        Assert.That(ResidualNorm(a, x, b), Is.LessThan(1e-10 * Norm(b)));
    }

    [Test]
    public void IdentityPreconditioner_GivesTheUnpreconditionedIterates()
    {
        var a = Laplacian1D(30);
        var b = Enumerable.Range(0, 30).Select(i => Math.Sqrt(i + 1.0)).ToArray();
        var (x1, r1) = ConjugateGradient.Solve(a, b);
        var (x2, r2) = ConjugateGradient.Solve(a, b, preconditioner: PreconditionerFactory.Create("none"));
        Assert.That(r2.Iterations, Is.EqualTo(r1.Iterations));
        Assert.That(Bits(x2), Is.EqualTo(Bits(x1)), "bit for bit");
    }

    // ---------------------------------------------------------------- allocation

    [TestCase(false, true)]
    [TestCase(true, true)]
    [TestCase(false, false)] // not flagged symmetric: the randomized symmetry test runs on every call
    public void SolveAfterWarmUp_AllocatesNothing(bool withJacobi, bool flaggedSymmetric)
    {
        var a = Laplacian2D(100, flaggedSymmetric ? Spd : OperatorProperties.None); // n = 10 000, nnz = 49 600 > ParallelThreshold: the parallel SpMV path runs
        Assert.That(a.NonZeroCount, Is.GreaterThan(CsrMatrix.ParallelThreshold));
        int n = a.Rows;
        var b = new double[n];
        for (int i = 0; i < n; i++) b[i] = Math.Sin(0.01 * i * i) + 0.5;
        var x = new double[n];
        JacobiPreconditioner? m = null;
        if (withJacobi)
        {
            m = new JacobiPreconditioner();
            m.Setup(a);
        }

        var history = new ConvergenceHistory(100_000);
        var logger = new DisabledLogger();
        var progress = new RecordingProgress();
        var options = new SolverOptions
        {
            RelativeTolerance = 1e-8, RecordHistory = true, RecordTiming = true, TrueResidualEvery = 25, LogEvery = 5,
            SymmetryCheck = SymmetryCheck.Warn,
        };
        var hooks = new SolverHooks(logger, progress, CancellationToken.None, history);
        var cg = new ConjugateGradient();

        SolverResult result = default;
        for (int warm = 0; warm < 2; warm++)
        {
            Array.Clear(x);
            result = cg.Solve(a, b, x, options, m, hooks);
        }

        // The runtime's tiered JIT may, once, charge a few bytes of its own bookkeeping to this thread while it
        // promotes a method during a measured call (seen: 24 bytes in one call of a full run). An allocation made
        // by Solve itself would recur in every call, so the smallest of several measurements is the honest figure.
        long allocated = long.MaxValue;
        for (int rep = 0; rep < 6; rep++)
        {
            Array.Clear(x);
            long before = GC.GetAllocatedBytesForCurrentThread();
            result = cg.Solve(a, b, x, options, m, hooks);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            allocated = Math.Min(allocated, bytes);
            TestContext.Out.WriteLine($"call {rep}: {bytes} bytes, {result.Iterations} iterations");
        }

        Assert.That(result.Converged, Is.True);
        Assert.That(history.Count, Is.EqualTo(result.Iterations + 1));
        Assert.That(logger.LogCalls, Is.Zero);
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated inside Solve, exact");
    }
}
