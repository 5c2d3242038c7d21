using NUnit.Framework;
using Solvers.Dense;
using Solvers.Pde.GaussianProcess;
using static Solvers.Tests.Pde.GpHmTestSupport;

namespace Solvers.Tests.Pde;

/// <summary>
/// GP-HM solver (spec gp-kronecker-pde §5.1 items 6–9): regression against the reference logs, outcome codes,
/// extra-GP bookkeeping, determinism and the interpolant.
/// </summary>
[TestFixture]
public class GpHmSolverTests
{
    private static readonly int[] CheckpointSteps = [.. Enumerable.Range(0, 20).Select(k => 5 * k)];

    /// <summary>u = sin(3x) on [0, 2π], Poisson, n points: a tiny manufactured problem.</summary>
    private static TensorGridPde Tiny1D(int n = 30, PdeKind kind = PdeKind.Poisson) =>
        TensorGridPde.FromFunctions(kind, [TwoPi], [n],
            p => -9 * Math.Sin(3 * p[0]) + (kind == PdeKind.AllenCahn ? Math.Sin(3 * p[0]) * (Math.Pow(Math.Sin(3 * p[0]), 2) - 1) : 0),
            p => Math.Sin(3 * p[0]), p => Math.Sin(3 * p[0]), 0, "tiny");

    private static GpHmOptions TinyOptions(int steps = 20) => new()
    {
        Steps = steps,
        Components = 3,
        FrequencyScale = [1],
        Checkpoints = 4,
        TestPointsPerDimension = 50,
    };

    private static double CheckpointError(GpHmResult r, int step)
    {
        var c = r.Checkpoints.SingleOrDefault(c => c.Step == step) ?? throw new AssertionException($"no checkpoint at step {step}");
        return c.TestError;
    }

    private static void Report(GpHmResult r, string label)
    {
        TestContext.Out.WriteLine($"{label}: {r.Summary.Reason}, {r.Summary.Iterations} steps, {r.Summary.Elapsed.TotalSeconds:F2} s, " +
            $"final test error {r.FinalTestError:E4}, min {r.MinTestError:E4}");
        foreach (var c in r.Checkpoints) TestContext.Out.WriteLine($"  step {c.Step,4}: test error {c.TestError:E4}, J {c.Loss.Total:E6}");
    }

    // ------------------------------------------------------------------ (6) regression, §4.4

    // Tolerance: 1e-3 absolute on the relative L2 test error (spec §5.1 item 6; deterministic arithmetic). The
    // min over the checkpoints 0, 5, …, 95 equals the step-95 value exactly (the error is monotone over those steps).
    [TestCase(SpectralKernelKind.StudentTMatern52, 9.872e-1, 9.264e-1, 4.977e-1, 2.756e-1, 2.624e-1)]
    [TestCase(SpectralKernelKind.GaussianMixture, 9.873e-1, 9.281e-1, 5.040e-1, 2.836e-1, 2.705e-1)]
    public void Case1_100Steps_MatchesReferenceLog(SpectralKernelKind kernel, double step0, double step5, double step50, double step95, double step99)
    {
        var problem = Case(1, 400);
        var options = CaseOptions(1, kernel) with { Steps = 100, Checkpoints = 20 };
        var r = new GpHmSolver(DenseBackend.Current).Solve(problem, options);
        Report(r, $"case 1 {kernel}");
        Assert.Multiple(() =>
        {
            Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
            Assert.That(r.Summary.Iterations, Is.EqualTo(100));
            Assert.That(r.Checkpoints.Select(c => c.Step), Is.EqualTo(CheckpointSteps), "checkpoints at k = 0, S/20, …, 19S/20");
            Assert.That(CheckpointError(r, 0), Is.EqualTo(step0).Within(1e-3), "step 0");
            Assert.That(CheckpointError(r, 5), Is.EqualTo(step5).Within(1e-3), "step 5");
            Assert.That(CheckpointError(r, 50), Is.EqualTo(step50).Within(1e-3), "step 50");
            Assert.That(CheckpointError(r, 95), Is.EqualTo(step95).Within(1e-3), "step 95");
            Assert.That(r.FinalTestError, Is.EqualTo(step99).Within(1e-3), "step 99 (final state after 100 updates)");
            Assert.That(r.MinTestError, Is.EqualTo(CheckpointError(r, 95)), "min over checkpoints = step 95");
            Assert.That(r.Checkpoints[^1].RunningMinimum, Is.EqualTo(r.MinTestError), "running minimum");
            Assert.That(r.State.AdamSteps, Is.EqualTo(100), "Adam t");
            Assert.That(r.ExtraState, Is.Null);
            Assert.That(r.ChangePointStep, Is.EqualTo(-1));
            Assert.That(r.FailedDimension, Is.EqualTo(-1));
        });
    }

    // Tolerance: 1e-3 absolute at step 95 (spec §4.4: Allen–Cahn follows case 1's path to 3 digits).
    [Test]
    public void Case6_AllenCahn_100Steps_MatchesReferenceAtStep95()
    {
        var r = new GpHmSolver(DenseBackend.Current).Solve(Case(6, 400), CaseOptions(6) with { Steps = 100, Checkpoints = 20 });
        Report(r, "case 6");
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
        Assert.That(CheckpointError(r, 95), Is.EqualTo(2.756e-1).Within(1e-3), "step 95");
        Assert.That(r.MinTestError, Is.EqualTo(CheckpointError(r, 95)), "min over checkpoints = step 95");
    }

    // Tolerance: 1e-3 absolute at step 95 (spec §5.1 item 7; reference log 0.46758844), and at steps 0, 5, 50, 99 (§4.4).
    // About 20 s with a native backend.
    [Test]
    [Category("Slow")]
    public void Case8_400x400_100Steps_MatchesReferenceAtStep95()
    {
        var r = new GpHmSolver(DenseBackend.Current).Solve(Case(8, 400), CaseOptions(8) with { Steps = 100, Checkpoints = 20 });
        Report(r, "case 8");
        Assert.Multiple(() =>
        {
            Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
            Assert.That(CheckpointError(r, 0), Is.EqualTo(9.834e-1).Within(1e-3), "step 0 (§4.4)");
            Assert.That(CheckpointError(r, 5), Is.EqualTo(9.082e-1).Within(1e-3), "step 5 (§4.4)");
            Assert.That(CheckpointError(r, 50), Is.EqualTo(6.291e-1).Within(1e-3), "step 50 (§4.4)");
            Assert.That(CheckpointError(r, 95), Is.EqualTo(0.4676).Within(1e-3), "step 95");
            Assert.That(r.FinalTestError, Is.EqualTo(4.562e-1).Within(1e-3), "step 99 (§4.4)");
        });
    }

    // ------------------------------------------------------------------ (8) outcome codes

    [Test]
    public void PreCancelledToken_GivesCancelled_WithZeroSteps()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var r = new GpHmSolver(new ManagedBackend()).Solve(Tiny1D(), TinyOptions(), new SolverHooks(CancellationToken: cts.Token));
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(r.Summary.Iterations, Is.EqualTo(0));
    }

    [Test]
    public void NonFiniteInputs_AreRefusedByTheProblem()
    {
        var f = new double[10];
        var g = new double[10];
        f[4] = double.NaN;
        Assert.Throws<ArgumentException>(() => _ = new TensorGridPde(PdeKind.Poisson, [1.0], [10], f, g), "NaN source");
        f[4] = 0;
        g[9] = double.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => _ = new TensorGridPde(PdeKind.Poisson, [1.0], [10], f, g), "infinite boundary value");
        g[9] = 0;
        g[5] = double.NaN; // interior entry: documented as ignored
        Assert.DoesNotThrow(() => _ = new TensorGridPde(PdeKind.Poisson, [1.0], [10], f, g), "interior entries of g are ignored");
    }

    [Test]
    public void MalformedProblems_Throw()
    {
        Assert.Throws<ArgumentException>(() => _ = new TensorGridPde(PdeKind.Poisson, [1.0], [2], new double[2], new double[2]), "2 points");
        Assert.Throws<ArgumentException>(() => _ = new TensorGridPde(PdeKind.Poisson, [1.0, 1.0], [5, 2], new double[10], new double[10]), "5×2 grid");
        Assert.Throws<ArgumentException>(() => TensorGridPde.FromFunctions(PdeKind.Poisson, [1.0], [2], _ => 0, _ => 0), "FromFunctions, 2 points");
        Assert.Throws<ArgumentException>(() => _ = new TensorGridPde(PdeKind.Poisson, [1.0], [10], new double[10], new double[9]), "boundary data length");
        Assert.Throws<ArgumentException>(() => _ = new TensorGridPde(PdeKind.Poisson, [1.0], [10], new double[11], new double[10]), "source length");
        Assert.Throws<ArgumentException>(() => _ = new TensorGridPde(PdeKind.Advection, [1.0], [10], new double[10], new double[10], null, 1), "1-D advection");
    }

    [Test]
    public void HugeValues_GiveDivergedNaN_AndKeepFiniteParameters()
    {
        var problem = Tiny1D();
        var options = TinyOptions();
        var objective = new GpHmObjective(problem, options, new ManagedBackend());
        var p = new double[objective.ParameterCount];
        objective.InitializeParameters(p);
        for (int i = 0; i < problem.NodeCount; i++) p[i] = (i % 2 == 0 ? 1 : -1) * 1e200; // ½uᵀK⁻¹u overflows
        var state = new GpHmState(p, new double[p.Length], new double[p.Length], 0);
        var r = new GpHmSolver(new ManagedBackend()).Solve(problem, options with { InitialState = state });
        Report(r, "huge U");
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedNaN));
        Assert.That(r.State.Parameters.All(double.IsFinite), "the last finite iterate is kept");
    }

    [Test]
    public void HugeLearningRate_DoesNotThrow_AndKeepsFiniteParameters()
    {
        var r = new GpHmSolver(new ManagedBackend()).Solve(Tiny1D(), TinyOptions(50) with { LearningRate = 1e6 });
        Report(r, "lr 1e6");
        Assert.That(r.State.Parameters.All(double.IsFinite), "finite parameters whatever the outcome");
        if (r.Summary.Reason != ConvergenceReason.CompletedIterationBudget)
        {
            Assert.That(r.Summary.Reason, Is.AnyOf(ConvergenceReason.DivergedNaN, ConvergenceReason.DivergedIndefiniteOperator));
        }
    }

    // K = all-ones (one component, w = 1, μ = 0, b = −30 ⇒ s r ~ 1e-12, envelope rounds to 1) with jitter 0: Cholesky fails.
    [TestCase(1, 0)]
    [TestCase(2, 1)]
    public void SingularGram_GivesDivergedIndefiniteOperator_WithDimension(int dimensions, int failing)
    {
        var problem = dimensions == 1 ? Tiny1D() : RandomProblem(PdeKind.Poisson, [1.0, 1.0], [12, 9], new Random(8));
        var options = TinyOptions() with { Components = 1, Jitter = 0, FrequencyScale = [0] };
        var objective = new GpHmObjective(problem, options, new ManagedBackend());
        var p = new double[objective.ParameterCount];
        for (int j = 0; j < dimensions; j++)
        {
            int o = objective.KernelOffset(j);
            p[o] = 0;                              // a: w = 1
            p[o + 1] = j == failing ? -30 : 1.5;   // b
            p[o + 2] = 0;                          // μ
        }
        var state = new GpHmState(p, new double[p.Length], new double[p.Length], 0);
        var r = new GpHmSolver(new ManagedBackend()).Solve(problem, options with { InitialState = state });
        Assert.Multiple(() =>
        {
            Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator));
            Assert.That(r.FailedDimension, Is.EqualTo(failing));
            Assert.That(r.Summary.Iterations, Is.EqualTo(0));
            Assert.That(r.State.Parameters.All(double.IsFinite));
        });
        Assert.Throws<KernelNotPositiveDefiniteException>(() => objective.Evaluate(p, Span<double>.Empty), "the objective throws the documented exception");
    }

    [Test]
    public void Misuse_Throws()
    {
        var solver = new GpHmSolver(new ManagedBackend());
        var problem = Tiny1D();
        Assert.Throws<ArgumentException>(() => solver.Solve(problem, TinyOptions() with { Jitter = -1e-6 }), "negative jitter");
        Assert.Throws<ArgumentException>(() => solver.Solve(problem, TinyOptions() with { Steps = 0 }), "Steps = 0");
        Assert.Throws<ArgumentException>(() => solver.Solve(problem, new GpHmOptions { FrequencyScale = [1] }), "Steps not set");
        Assert.Throws<ArgumentException>(() => solver.Solve(problem, TinyOptions() with { FrequencyScale = [] }), "no freq_scale for StM");
        var bad = new GpHmState(new double[3], new double[3], new double[3], 0);
        Assert.Throws<ArgumentException>(() => solver.Solve(problem, TinyOptions() with { InitialState = bad }), "initial state of the wrong length");
    }

    // Tolerance: exact — Source and BoundaryValues are bit-identical after Solve.
    [Test]
    public void Solve_LeavesProblemInputsUntouched()
    {
        var problem = RandomProblem(PdeKind.AllenCahn, [1.0, 1.0], [12, 9], new Random(17));
        var f = problem.Source.ToArray();
        var g = problem.BoundaryValues.ToArray();
        var r = new GpHmSolver(new ManagedBackend()).Solve(problem, TinyOptions(10) with { FrequencyScale = [3] });
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
        Assert.That(problem.Source.ToArray(), Is.EqualTo(f));
        Assert.That(problem.BoundaryValues.ToArray(), Is.EqualTo(g));
    }

    [Test]
    public void TimeLimit_StopsALongRun()
    {
        var r = new GpHmSolver(new ManagedBackend()).Solve(Tiny1D(40), TinyOptions(1_000_000) with { TimeLimit = TimeSpan.FromMilliseconds(1) });
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.TimeLimit));
        Assert.That(r.Summary.Iterations, Is.LessThan(1_000_000));
        Assert.That(r.State.Parameters.All(double.IsFinite));
    }

    // ------------------------------------------------------------------ (9) extra GP

    // Tolerance: bit-identical main-GP parameters vs a plain run of c + 1 steps; interpolant sum to 1e-12·max(1, |terms|).
    [Test]
    public void ExtraGp_Bookkeeping()
    {
        var backend = new ManagedBackend();
        var solver = new GpHmSolver(backend);
        var problem = Tiny1D();
        var options = TinyOptions(20) with { ExtraGp = new GpHmExtraGpOptions(0.5) };
        var r = solver.Solve(problem, options);
        Report(r, "extra GP");
        var plain = solver.Solve(problem, options with { Steps = 11, ExtraGp = null });

        var extraOptions = GpHmSolver.ExtraGpOptions(options);
        var main = new GpHmObjective(problem, options, backend);
        var offset = GpHmSolver.ExtraGpOffset(main, r.State.Parameters);
        var extra = new GpHmObjective(problem, extraOptions, backend, offset);
        Assert.Multiple(() =>
        {
            Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
            Assert.That(r.Summary.Iterations, Is.EqualTo(20));
            Assert.That(r.ChangePointStep, Is.EqualTo(10), "c = ⌊20·0.5⌋");
            Assert.That(r.State.Parameters, Is.EqualTo(plain.State.Parameters), "main GP frozen after step c (steps 0..c = 11 updates)");
            Assert.That(r.State.AdamSteps, Is.EqualTo(11), "main Adam t");
            Assert.That(r.ExtraState, Is.Not.Null);
            Assert.That(r.ExtraState!.Parameters, Has.Length.EqualTo(extra.ParameterCount));
            Assert.That(r.ExtraState.AdamSteps, Is.EqualTo(9), "extra GP trained at steps c+1 … S−1");
            Assert.That(r.ExtraState.Parameters.Take(problem.NodeCount).Any(v => v != 0), "the extra GP moved");

            Assert.That(extraOptions.Kernel, Is.EqualTo(SpectralKernelKind.Matern52));
            Assert.That(extraOptions.Components, Is.EqualTo(1));
            Assert.That(extraOptions.Jitter, Is.EqualTo(options.Jitter));
            Assert.That(extraOptions.LearningRate, Is.EqualTo(options.LearningRate));
            Assert.That(extraOptions.IncludeLogDeterminant, Is.True);
            Assert.That(extraOptions.EffectiveBoundaryWeight(problem.Kind), Is.EqualTo(options.EffectiveBoundaryWeight(problem.Kind)));
        });

        // The offset: the frozen main GP's values and its u_xx.
        var uxx = new double[problem.NodeCount];
        main.GridDerivative(r.State.Parameters, 0, 2, uxx);
        Assert.That(offset.Values, Is.EqualTo(r.State.Parameters.Take(problem.NodeCount).ToArray()), "offset values = main U");
        Assert.That(RelativeMaxDifference(offset.DerivativeTerm, uxx), Is.LessThanOrEqualTo(1e-14), "offset derivative term = main u_xx");

        // InitializeExtraGp.
        var start = new double[extra.ParameterCount];
        Array.Fill(start, double.NaN);
        GpHmSolver.InitializeExtraGp(extra, 0.37, start);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < problem.NodeCount; i++) Assert.That(start[i], Is.EqualTo(0.0), "U' = 0");
            Assert.That(start[extra.KernelOffset(0)], Is.EqualTo(0.0), "a = 0 (w = 1)");
            Assert.That(start[extra.KernelOffset(0) + 1], Is.EqualTo(0.0), "b = 0 (ℓ = 1)");
            Assert.That(start[extra.LogTau1Index], Is.EqualTo(0.37), "log τ1' = main log τ1");
            Assert.That(start[extra.LogTau2Index], Is.EqualTo(0.0), "log τ2' = 0");
            Assert.That(start.All(double.IsFinite), "every slot initialised");
        });

        // Prediction = sum of both interpolants; Values = sum of both grids.
        var mainInterp = main.CreateInterpolant(r.State.Parameters);
        var extraInterp = extra.CreateInterpolant(r.ExtraState!.Parameters);
        var rng = new Random(5);
        for (int i = 0; i < 25; i++)
        {
            double[] x = [rng.NextDouble() * TwoPi];
            double a = mainInterp.Evaluate(x), b = extraInterp.Evaluate(x), sum = r.Interpolant.Evaluate(x);
            Assert.That(Math.Abs(sum - (a + b)), Is.LessThanOrEqualTo(1e-12 * Math.Max(1, Math.Abs(a) + Math.Abs(b))),
                $"ũ({x[0]:G6}) = {sum:R} vs main {a:R} + extra {b:R}");
        }
        var values = new double[problem.NodeCount];
        for (int i = 0; i < values.Length; i++) values[i] = r.State.Parameters[i] + r.ExtraState.Parameters[i];
        Assert.That(RelativeMaxDifference(r.Values.ToArray(), values), Is.LessThanOrEqualTo(1e-15), "Values = U + U'");
    }

    // ------------------------------------------------------------------ determinism and the interpolant

    // Tolerance: exact (bit-identical parameters, Adam moments, checkpoint errors).
    [TestCase(1)]
    [TestCase(2)]
    public void TwoIdenticalRuns_AreBitIdentical(int dimensions)
    {
        var problem = dimensions == 1 ? Tiny1D() : TensorGridPde.FromFunctions(PdeKind.Poisson, [1.0, 1.0], [12, 9],
            p => -2 * Math.Pow(TwoPi, 2) * Math.Sin(TwoPi * p[0]) * Math.Sin(TwoPi * p[1]),
            p => Math.Sin(TwoPi * p[0]) * Math.Sin(TwoPi * p[1]), p => Math.Sin(TwoPi * p[0]) * Math.Sin(TwoPi * p[1]));
        var options = TinyOptions(20);
        var r1 = new GpHmSolver(new ManagedBackend()).Solve(problem, options);
        var r2 = new GpHmSolver(new ManagedBackend()).Solve(problem, options);
        Assert.Multiple(() =>
        {
            Assert.That(r1.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
            Assert.That(r2.State.Parameters, Is.EqualTo(r1.State.Parameters));
            Assert.That(r2.State.FirstMoment, Is.EqualTo(r1.State.FirstMoment));
            Assert.That(r2.State.SecondMoment, Is.EqualTo(r1.State.SecondMoment));
            Assert.That(r2.Checkpoints.Select(c => c.TestError), Is.EqualTo(r1.Checkpoints.Select(c => c.TestError)));
            Assert.That(r2.FinalTestError, Is.EqualTo(r1.FinalTestError));
            Assert.That(double.IsFinite(r1.FinalTestError), "test error available with an exact solution");
        });
    }

    // Tolerance: a warm start from a 10-step state continued for 10 steps is bit-identical to a 20-step run.
    [Test]
    public void WarmStart_ContinuesTheTrajectory()
    {
        var solver = new GpHmSolver(new ManagedBackend());
        var problem = Tiny1D();
        var full = solver.Solve(problem, TinyOptions(20));
        var half = solver.Solve(problem, TinyOptions(10));
        var rest = solver.Solve(problem, TinyOptions(10) with { InitialState = half.State });
        Assert.That(rest.State.Parameters, Is.EqualTo(full.State.Parameters));
        Assert.That(rest.State.AdamSteps, Is.EqualTo(20));
    }

    // Tolerance: at the nodes ũ and its derivatives equal the dense κ^(o)(X, X)C⁻¹vec U to 1e-9 relative to their max; ũ(X)
    // is u up to the jitter (bound ε·max|α|, ×2√M in 2-D, or 1e-6); in 1-D derivatives at the nodes equal GridDerivative
    // to 1e-10 relative; point evaluation equals grid evaluation to 1e-12 relative.
    [TestCase(1)]
    [TestCase(2)]
    public void Interpolant_AtNodes_ReproducesGridValuesAndDerivatives(int dimensions)
    {
        const int q = 3;
        var rng = new Random(60 + dimensions);
        var problem = dimensions == 1
            ? RandomProblem(PdeKind.Poisson, [TwoPi], [30], rng)
            : RandomProblem(PdeKind.Poisson, [1.0, 1.0], [12, 9], rng);
        var options = TinyOptions() with { Components = q, FrequencyScale = [dimensions == 1 ? 1 : 2] };
        var objective = new GpHmObjective(problem, options, new ManagedBackend());
        var p = RandomParameters(objective, q, dimensions == 1 ? 0.5 : 2, dimensions == 1 ? 1 : 2, rng);
        var interp = objective.CreateInterpolant(p);
        Assert.That(interp.Dimensions, Is.EqualTo(dimensions));
        var axes = Enumerable.Range(0, dimensions).Select(j => Axis(problem, j)).ToArray();
        int m = problem.NodeCount;
        var u = p.AsSpan(0, m).ToArray();

        // Dense α = C⁻¹ vec U, and the jitter-free cross-covariances at the nodes: κ^(o)(X, X) = X_1^(o_1) ⊗ X_2^(o_2), with
        // X_j^(0) = K_j − εI. So ũ(X) = u − εα in 1-D but u − ε(K_1⁻¹U + UK_2⁻¹) + ε²α in 2-D, and a 2-D derivative at the
        // nodes differs from GridDerivative (which keeps the jitter of the other dimension) by an O(ε) term.
        var kernel = options.Kernel;
        var thetas = Enumerable.Range(0, dimensions).Select(j => p.AsSpan(objective.KernelOffset(j), 3 * q).ToArray()).ToArray();
        double[] k = KernelMatrix(kernel, thetas[0], axes[0], 0, options.Jitter);
        if (dimensions == 2) k = Kron(k, axes[0].Length, KernelMatrix(kernel, thetas[1], axes[1], 0, options.Jitter), axes[1].Length);
        var alpha = Solve(Cholesky(k, m), m, u);
        double[] Expected(int[] o)
        {
            double[] x = KernelMatrix(kernel, thetas[0], axes[0], o[0], 0);
            if (dimensions == 2) x = Kron(x, axes[0].Length, KernelMatrix(kernel, thetas[1], axes[1], o[1], 0), axes[1].Length);
            return MatVec(x, m, m, alpha);
        }
        var expected = Expected(dimensions == 1 ? [0] : [0, 0]);
        double jitterBound = options.Jitter * MaxAbs(alpha) * (dimensions == 1 ? 1.01 : 2 * Math.Sqrt(m)) / MaxAbs(u);

        var atNodes = interp.EvaluateGrid(axes);
        TestContext.Out.WriteLine($"{dimensions}-D: max|u| {MaxAbs(u):E3}, ε·max|α| {options.Jitter * MaxAbs(alpha):E3}, |ũ(X) − u|/max|u| {RelativeMaxDifference(atNodes, u):E3}");
        Assert.Multiple(() =>
        {
            Assert.That(RelativeMaxDifference(atNodes, expected), Is.LessThanOrEqualTo(1e-9), "ũ(X) = κ(X, X)C⁻¹vec U (dense)");
            Assert.That(RelativeMaxDifference(atNodes, u), Is.LessThanOrEqualTo(Math.Max(1e-6, jitterBound)), "ũ(X) ≈ u up to the jitter");
            int[][] orders = dimensions == 1 ? [[1], [2]] : [[1, 0], [2, 0], [0, 1], [0, 2], [1, 1], [2, 2]];
            var grid = new double[m];
            foreach (var o in orders)
            {
                var got = interp.EvaluateGrid(axes, o);
                Assert.That(RelativeMaxDifference(got, Expected(o)), Is.LessThanOrEqualTo(1e-9), $"derivative orders [{string.Join(",", o)}] at nodes vs dense");
                if (dimensions == 1)
                {
                    objective.GridDerivative(p, 0, o[0], grid);
                    Assert.That(RelativeMaxDifference(got, grid), Is.LessThanOrEqualTo(1e-10), $"1-D derivative order {o[0]} at nodes = GridDerivative");
                }
            }
            // Point evaluation vs grid evaluation at off-grid points.
            var testAxes = Enumerable.Range(0, dimensions).Select(j => InterpolantAxis(problem.Lengths[j], 7, rng)).ToArray();
            var onGrid = interp.EvaluateGrid(testAxes, dimensions == 1 ? [2] : [1, 2]);
            int idx = 0;
            double worst = 0;
            foreach (double x in testAxes[0])
            {
                foreach (double y in dimensions == 2 ? testAxes[1] : [double.NaN])
                {
                    double[] pt = dimensions == 1 ? [x] : [x, y];
                    double v = interp.Evaluate(pt, dimensions == 1 ? [2] : [1, 2]);
                    worst = Math.Max(worst, Math.Abs(v - onGrid[idx++]));
                }
            }
            Assert.That(worst / Math.Max(MaxAbs(onGrid), 1e-300), Is.LessThanOrEqualTo(1e-12), "Evaluate(point, orders) = EvaluateGrid");
            double[] first = dimensions == 1 ? [axes[0][3]] : [axes[0][3], axes[1][4]];
            Assert.That(interp.Evaluate(first), Is.EqualTo(atNodes[dimensions == 1 ? 3 : 3 * axes[1].Length + 4]).Within(1e-12 * MaxAbs(atNodes)),
                "Evaluate(point) = EvaluateGrid at a node");
        });
    }

    private static double[] InterpolantAxis(double length, int count, Random rng) =>
        [.. Enumerable.Range(0, count).Select(_ => rng.NextDouble() * length).Order()];

    // Tolerance: the result's grid values equal State's U exactly, and its interpolant equals the objective's
    // interpolant of State.Parameters to 1e-12 relative (no extra GP).
    [Test]
    public void Result_ValuesAndInterpolant_AreTheFinalState()
    {
        var backend = new ManagedBackend();
        var problem = Tiny1D();
        var options = TinyOptions(15);
        var r = new GpHmSolver(backend).Solve(problem, options);
        Assert.That(r.Values.ToArray(), Is.EqualTo(r.State.Parameters.Take(problem.NodeCount).ToArray()));
        var objective = new GpHmObjective(problem, options, backend);
        var interp = objective.CreateInterpolant(r.State.Parameters);
        double[][] axes = [GpHmInterpolant.UniformAxis(TwoPi, 37)];
        var a = interp.EvaluateGrid(axes);
        var b = r.Interpolant.EvaluateGrid(axes);
        Assert.That(RelativeMaxDifference(b, a), Is.LessThanOrEqualTo(1e-12));
        Assert.That(r.Kernels, Has.Count.EqualTo(1));
        Assert.That(r.Tau1, Is.EqualTo(Math.Exp(r.State.Parameters[objective.LogTau1Index])).Within(1e-14 * r.Tau1));
        Assert.That(r.Tau2, Is.EqualTo(Math.Exp(r.State.Parameters[objective.LogTau2Index])).Within(1e-14 * r.Tau2));
    }
}
