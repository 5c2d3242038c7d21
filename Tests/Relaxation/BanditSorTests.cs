using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Solvers.Operators;
using Solvers.Pde;
using Solvers.Relaxation;

namespace Solvers.Tests.Relaxation;

[TestFixture]
public class BanditSorTests
{
    /// <summary>A scripted policy: plays the given arms in turn and records the costs it observes.</summary>
    private sealed class ScriptedPolicy(double[] arms, params int[] script) : IRelaxationPolicy
    {
        private readonly double[] _p = Enumerable.Repeat(1.0 / arms.Length, arms.Length).ToArray();
        private int _next;
        private bool _pending;

        public List<double> Observed { get; } = [];

        public List<double> Contexts { get; } = [];

        public ReadOnlySpan<double> Arms => arms;

        public int Round { get; private set; }

        public ReadOnlySpan<double> LastProbabilities => _p;

        public int SelectArm(double context = 0)
        {
            if (_pending) throw new InvalidOperationException("pending");
            _pending = true;
            Contexts.Add(context);
            return script[_next++ % script.Length];
        }

        public void Observe(double cost)
        {
            if (!_pending) throw new InvalidOperationException("none pending");
            _pending = false;
            Observed.Add(cost);
            Round++;
        }
    }

    /// <summary>A fake inner solver returning a fixed outcome per parameter value.</summary>
    private sealed class FakeSolver(Func<double, SolverResult> outcome) : IParameterizedSolver
    {
        public List<double> Parameters { get; } = [];

        public string Name => "fake";

        public SolverResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, double parameter, SolverOptions options, SolverHooks hooks)
        {
            Parameters.Add(parameter);
            return outcome(parameter);
        }
    }

    private static SolverResult Converged(int k) => new(ConvergenceReason.ConvergedRelativeTolerance, k, 1, 1e-9, 1e-9, TimeSpan.Zero);

    [Test]
    public void Solve_CapReached_ChargesTheCapAndReportsIt()
    {
        // Tolerance: exact (integer costs). Real SOR with a cap of 5 on a system that needs more sweeps.
        var policy = new ScriptedPolicy([1.0, 1.5], 1);
        var options = BanditSor.SpecInnerOptions with { MaxIterations = 5 };
        var bandit = new BanditSor(policy, RelaxationMethod.Sor, options);
        var a = SorSequences.ShiftedLaplacian(0);
        var b = Enumerable.Repeat(1.0, 100).ToArray();
        var r = bandit.Solve(a, b, new double[100]);
        Assert.That(r.Inner.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(r.Capped, Is.True);
        Assert.That(r.Cost, Is.EqualTo(5));
        Assert.That(r.Omega, Is.EqualTo(1.5));
        Assert.That(policy.Observed, Is.EqualTo(new[] { 5.0 }));
        Assert.That(bandit.Statistics.CappedSolves, Is.EqualTo(1));
    }

    [Test]
    public void Solve_NonConvergedFailure_ChargesTheSpecCap()
    {
        // A NaN outcome is charged MaxIterations = 10 000 (spec cap), never dropped.
        var policy = new ScriptedPolicy([1.0], 0);
        var fake = new FakeSolver(_ => new SolverResult(ConvergenceReason.DivergedNaN, 3, 1, double.NaN, double.NaN, TimeSpan.Zero));
        var bandit = new BanditSor(policy, fake);
        var r = bandit.Solve(CsrMatrix.Identity(3), new double[] { 1, 2, 3 }, new double[3]);
        Assert.That(r.Cost, Is.EqualTo(10_000));
        Assert.That(policy.Observed.Single(), Is.EqualTo(10_000));
    }

    [Test]
    public void Solve_ZeroIterations_CostsOne()
    {
        var policy = new ScriptedPolicy([1.2], 0);
        var bandit = new BanditSor(policy, new FakeSolver(_ => Converged(0)));
        var r = bandit.Solve(CsrMatrix.Identity(2), new double[] { 1, 1 }, new double[2], context: 0.3);
        Assert.That(r.Cost, Is.EqualTo(1));
        Assert.That(policy.Contexts.Single(), Is.EqualTo(0.3));
    }

    [Test]
    public void Solve_SizeChange_ThrowsNamingTheRound()
    {
        var policy = new ScriptedPolicy([1.0], 0);
        var bandit = new BanditSor(policy, new FakeSolver(_ => Converged(4)));
        bandit.Solve(CsrMatrix.Identity(3), new double[3], new double[3]);
        bandit.Solve(CsrMatrix.Identity(3), new double[3], new double[3]);
        var e = Assert.Throws<ArgumentException>(() => bandit.Solve(CsrMatrix.Identity(4), new double[4], new double[4]));
        Assert.That(e!.Message, Does.Contain("Round 3"));
        Assert.That(bandit.Rounds, Is.EqualTo(2));
        // The policy was not left with a pending arm.
        Assert.DoesNotThrow(() => bandit.Solve(CsrMatrix.Identity(3), new double[3], new double[3]));
    }

    [Test]
    public void Statistics_AddUp()
    {
        // Tolerance: exact. Costs 10 for ω = 1, 3 for ω = 1.5, 7 for ω = 1.9.
        var arms = new[] { 1.0, 1.5, 1.9 };
        var policy = new ScriptedPolicy(arms, 0, 1, 1, 2, 1);
        var fake = new FakeSolver(w => Converged(w switch { 1.0 => 10, 1.5 => 3, _ => 7 }));
        var bandit = new BanditSor(policy, fake);
        double total = 0;
        for (int t = 0; t < 10; t++) total += bandit.Solve(CsrMatrix.Identity(2), new double[] { 1, 0 }, new double[2]).Cost;
        var s = bandit.Statistics;
        Assert.That(s.Rounds, Is.EqualTo(10));
        Assert.That(s.Pulls.Sum(), Is.EqualTo(10));
        Assert.That(s.Pulls, Is.EqualTo(new[] { 2, 6, 2 }));
        Assert.That(s.CostPerArm, Is.EqualTo(new[] { 20.0, 18.0, 14.0 }));
        Assert.That(s.TotalCost, Is.EqualTo(total));
        Assert.That(s.CostPerArm.Sum(), Is.EqualTo(s.TotalCost));
        Assert.That(s.TotalIterations, Is.EqualTo(52));
        Assert.That(fake.Parameters, Is.EqualTo(new[] { 1.0, 1.5, 1.5, 1.9, 1.5, 1.0, 1.5, 1.5, 1.9, 1.5 }));
        // A snapshot does not change afterwards.
        bandit.Solve(CsrMatrix.Identity(2), new double[] { 1, 0 }, new double[2]);
        Assert.That(s.Rounds, Is.EqualTo(10));
    }

    [Test]
    public void Sor_ReproducesSpecCount_ThroughBanditSor()
    {
        // §4.3: c = 0, b = 1, ω = 1.5 → 62 sweeps (exact).
        var policy = new FixedArmPolicy(1.5);
        var bandit = new BanditSor(policy, RelaxationMethod.Sor);
        var r = bandit.Solve(SorSequences.ShiftedLaplacian(0), Enumerable.Repeat(1.0, 100).ToArray(), new double[100]);
        Assert.That(r.Inner.Iterations, Is.EqualTo(62));
        Assert.That(r.Cost, Is.EqualTo(62));
    }

    [Test]
    public void SsorPcg_WithLearner_SolvesAHeatSequence()
    {
        // Tolerance: every step converges (rtol 1e−8 relative to ‖b‖).
        var policy = new TsallisInf(new TsallisInfOptions { Seed = 5 });
        var driver = new SequenceDriver(policy, RelaxationMethod.SsorPcg);
        var steps = driver.RunAll(SorSequences.HeatSequence(8, 30).Select(h => new SequenceInstance(h.A, h.B, h.Kappa, h.X0)));
        Assert.That(steps, Has.Count.EqualTo(30));
        Assert.That(steps.All(s => s.Reason > 0), Is.True);
        Assert.That(steps[^1].CumulativeCost, Is.EqualTo(steps.Sum(s => s.Cost)));
        Assert.That(driver.Solver.Statistics.Rounds, Is.EqualTo(30));
    }

    [Test]
    public void SequenceDriver_RejectsASizeChangeNamingTheInstance()
    {
        var driver = new SequenceDriver(new FixedArmPolicy(1.2), RelaxationMethod.Sor);
        var seq = new[]
        {
            new SequenceInstance(SorSequences.ShiftedLaplacian(0, 4), Enumerable.Repeat(1.0, 16).ToArray()),
            new SequenceInstance(SorSequences.ShiftedLaplacian(0, 5), Enumerable.Repeat(1.0, 25).ToArray()),
        };
        var e = Assert.Throws<ArgumentException>(() => driver.RunAll(seq));
        Assert.That(e!.Message, Does.Contain("Instance 1"));
    }

    [Test]
    public void Solve_AfterWarmUp_DoesNotAllocate()
    {
        // Spec §3.1 allocation: changing ω and a round (policy + SOR) allocate nothing once warm (tolerance: 0 bytes).
        var bandit = new BanditSor(new TsallisInf(new TsallisInfOptions { Seed = 9 }), RelaxationMethod.Sor);
        var inst = SorSequences.ShiftedLaplacianSequence(ShiftDistribution.High, 1, 4).Single();
        var x = new double[100];
        for (int t = 0; t < 5; t++) { Array.Clear(x); bandit.Solve(inst.A, inst.B, x, inst.Shift); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 20; t++) { Array.Clear(x); bandit.Solve(inst.A, inst.B, x, inst.Shift); }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }

    [Test]
    public void Solve_LogsEveryRoundsAndASummary()
    {
        var lines = new List<string>();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(new ListProvider(lines)).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Information));
        var logger = factory.CreateLogger("t");
        var bandit = new BanditSor(new ChebCb(new ChebCbOptions { Seed = 2 }), RelaxationMethod.Sor) { LogEvery = 2 };
        foreach (var inst in SorSequences.ShiftedLaplacianSequence(ShiftDistribution.Low, 4, 1))
            bandit.Solve(inst.A, inst.B, new double[100], inst.Shift, new SolverHooks(logger));
        bandit.LogSummary(logger);
        Assert.That(lines.Count(l => l.StartsWith("bandit round", StringComparison.Ordinal) && l.Contains("cumulative cost", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(lines.Count(l => l.Contains("resnorm", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(lines.Last(), Does.StartWith("bandit sequence: 4 rounds"));
    }

    private sealed class ListProvider(List<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(List<string> lines) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) => lines.Add(formatter(state, exception));
    }

    [Test]
    public void FixedArmPolicy_FollowsTheProtocol()
    {
        var p = new FixedArmPolicy(1.3);
        Assert.Throws<InvalidOperationException>(() => p.Observe(1));
        Assert.That(p.SelectArm(), Is.EqualTo(0));
        Assert.Throws<InvalidOperationException>(() => p.SelectArm());
        p.Observe(3);
        Assert.That(p.Round, Is.EqualTo(1));
    }
}
