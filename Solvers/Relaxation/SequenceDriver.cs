namespace Solvers.Relaxation;

/// <summary>One system of a sequence: operator, right-hand side, context and an optional starting vector.</summary>
/// <param name="A">The operator (same size for every instance of a sequence).</param>
/// <param name="B">The right-hand side.</param>
/// <param name="Context">The context passed to a contextual policy (0 when there is none).</param>
/// <param name="X0">Starting vector; null means 0, or the previous solution when the driver warm-starts.</param>
public sealed record SequenceInstance(ILinearOperator A, double[] B, double Context = 0, double[]? X0 = null);

/// <summary>What the driver reports for one instance.</summary>
/// <param name="Index">0-based position in the sequence.</param>
/// <param name="Iterations">Inner iterations.</param>
/// <param name="Arm">The chosen arm.</param>
/// <param name="Omega">The chosen parameter value.</param>
/// <param name="Cost">The cost given to the policy.</param>
/// <param name="CumulativeCost">Sum of the costs up to and including this instance.</param>
/// <param name="Reason">The inner solver's outcome.</param>
/// <param name="Seconds">Wall time of the solve.</param>
public readonly record struct SequenceStep(int Index, int Iterations, int Arm, double Omega, double Cost, double CumulativeCost,
    ConvergenceReason Reason, double Seconds);

/// <summary>
/// Drives a <see cref="BanditSor"/> over a stream of systems for library users (spec sor-bandit §2.8): for each
/// instance it selects ω, solves, lets the policy learn, and reports iterations, the chosen ω and the cumulative cost.
/// </summary>
/// <remarks>
/// Starting vectors: an instance's <see cref="SequenceInstance.X0"/> when given; otherwise 0, or — with
/// <see cref="WarmStart"/> — the previous instance's solution (the heat sequence's rule). Cancellation (the hooks'
/// token) stops the sequence after the current instance; that instance's inner result then says Cancelled.
/// </remarks>
public sealed class SequenceDriver
{
    private double[]? _x;

    /// <summary>Creates a driver around an existing sequence solver.</summary>
    public SequenceDriver(BanditSor solver)
    {
        ArgumentNullException.ThrowIfNull(solver);
        Solver = solver;
    }

    /// <summary>Creates a driver from a policy and a built-in inner method.</summary>
    public SequenceDriver(IRelaxationPolicy policy, RelaxationMethod method, SolverOptions? innerOptions = null)
        : this(new BanditSor(policy, method, innerOptions))
    {
    }

    /// <summary>Creates a driver from a policy and a factory for the inner solver (any scalar parameter).</summary>
    public SequenceDriver(IRelaxationPolicy policy, Func<IParameterizedSolver> solverFactory, SolverOptions? innerOptions = null)
        : this(new BanditSor(policy, (solverFactory ?? throw new ArgumentNullException(nameof(solverFactory)))(), innerOptions))
    {
    }

    /// <summary>The sequence solver (its <see cref="BanditSor.Statistics"/> hold the per-arm totals).</summary>
    public BanditSor Solver { get; }

    /// <summary>Start each instance without an X0 from the previous solution instead of 0.</summary>
    public bool WarmStart { get; init; }

    /// <summary>The last solution (null before the first instance).</summary>
    public ReadOnlySpan<double> Solution => _x;

    /// <summary>Solves the instances in order, yielding one step per instance (lazily).</summary>
    public IEnumerable<SequenceStep> Run(IEnumerable<SequenceInstance> instances, SolverHooks hooks = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        return RunCore(instances, hooks);
    }

    /// <summary>Solves all instances and returns the steps.</summary>
    public IReadOnlyList<SequenceStep> RunAll(IEnumerable<SequenceInstance> instances, SolverHooks hooks = default)
    {
        var steps = Run(instances, hooks).ToList();
        if (hooks.Logger is { } logger) Solver.LogSummary(logger);
        return steps;
    }

    private IEnumerable<SequenceStep> RunCore(IEnumerable<SequenceInstance> instances, SolverHooks hooks)
    {
        int index = 0;
        foreach (var inst in instances)
        {
            if (inst is null) throw new ArgumentException($"Instance {index} is null.", nameof(instances));
            int n = inst.A.Rows;
            if (_x is null || _x.Length != n)
            {
                if (_x is not null)
                    throw new ArgumentException($"Instance {index} (round {index + 1}): A is {n}×{inst.A.Columns}, but the sequence's systems are {_x.Length}×{_x.Length}.", nameof(instances));
                _x = new double[n];
            }

            if (inst.X0 is { } x0)
            {
                if (x0.Length != n) throw new ArgumentException($"Instance {index}: x0 has length {x0.Length}, but A is {n}×{n}.", nameof(instances));
                x0.CopyTo(_x, 0);
            }
            else if (!WarmStart)
            {
                Array.Clear(_x);
            }

            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            var r = Solver.Solve(inst.A, inst.B, _x, inst.Context, hooks);
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
            yield return new SequenceStep(index, r.Inner.Iterations, r.Arm, r.Omega, r.Cost, Solver.TotalCost, r.Inner.Reason, seconds);
            index++;
            if (hooks.CancellationToken.IsCancellationRequested) yield break;
        }
    }
}
