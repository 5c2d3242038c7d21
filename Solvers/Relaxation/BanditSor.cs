using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Solvers.Relaxation;

/// <summary>The inner method whose relaxation parameter a <see cref="BanditSor"/> tunes (spec sor-bandit §2.1–§2.2).</summary>
public enum RelaxationMethod
{
    /// <summary><c>SuccessiveOverRelaxation</c> with ω = the chosen arm (forward sweep, x0 as given).</summary>
    Sor,

    /// <summary><c>ConjugateGradient</c> preconditioned by <c>SsorPreconditioner(ω)</c>, ω = the chosen arm.</summary>
    SsorPcg,
}

/// <summary>
/// A solver with one scalar parameter (SOR's ω, or any other) that a <see cref="BanditSor"/> sets per round.
/// Implementations keep one workspace for the whole sequence; changing the parameter must not allocate.
/// </summary>
public interface IParameterizedSolver
{
    /// <summary>Short name for logs and result files, e.g. "sor" or "cg-ssor".</summary>
    string Name { get; }

    /// <summary>Solves A x = b from the contents of <paramref name="x"/> with the parameter set to <paramref name="parameter"/>.</summary>
    SolverResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, double parameter, SolverOptions options, SolverHooks hooks);
}

/// <summary>One round of a <see cref="BanditSor"/> (spec §3.3).</summary>
/// <param name="Inner">The inner solver's result (iterations, reason, residuals).</param>
/// <param name="Arm">The arm the policy chose (index into its arms).</param>
/// <param name="Omega">The parameter value of that arm.</param>
/// <param name="Probability">The probability the policy gave the arm when it drew it.</param>
/// <param name="Cost">The cost passed to the policy: max(1, iterations), or the iteration cap for a solve that did not converge.</param>
public readonly record struct BanditSolveResult(SolverResult Inner, int Arm, double Omega, double Probability, double Cost)
{
    /// <summary>True when the solve stopped without converging and was charged the cap.</summary>
    public bool Capped => !Inner.Converged && Inner.Reason != ConvergenceReason.Cancelled;
}

/// <summary>A snapshot of a <see cref="BanditSor"/>'s counters.</summary>
/// <param name="Rounds">Solves completed.</param>
/// <param name="TotalIterations">Sum of the inner iteration counts.</param>
/// <param name="TotalCost">Sum of the costs passed to the policy.</param>
/// <param name="CappedSolves">Solves that did not converge (charged the cap).</param>
/// <param name="Arms">The arm values.</param>
/// <param name="Pulls">Rounds per arm.</param>
/// <param name="CostPerArm">Total cost per arm.</param>
public sealed record BanditSorStatistics(int Rounds, long TotalIterations, double TotalCost, int CappedSolves,
    IReadOnlyList<double> Arms, IReadOnlyList<int> Pulls, IReadOnlyList<double> CostPerArm)
{
    /// <summary>Mean cost of arm <paramref name="arm"/> (NaN when never pulled).</summary>
    public double MeanCost(int arm) => Pulls[arm] > 0 ? CostPerArm[arm] / Pulls[arm] : double.NaN;
}

/// <summary>
/// The sequence solver of "Learning to Relax" (spec sor-bandit §2.8, §3.3): each <see cref="Solve"/> is one round —
/// the policy selects an arm (using the context if it is contextual), the inner method runs with ω = that arm, and
/// the cost goes back to the policy.
/// </summary>
/// <remarks>
/// <para><b>Cost</b> (<c>CostFromIterations</c>): max(1, Iterations) for a converged solve — the learners assume k ≥ 1
/// and a warm-started PCG can report 0 iterations. A solve that stops without converging (cap reached, NaN,
/// divergence, time limit) is charged the iteration cap (<see cref="SolverOptions.EffectiveMaxIterations"/>, 10 000
/// with the spec's options) and reported in the result and in <see cref="Statistics"/>, never dropped. A cancelled
/// solve is charged max(1, Iterations) so that the policy is not left with a pending arm.</para>
/// <para><b>Sizes</b> must stay constant across the sequence: the first round fixes n, and a later operator, b or x
/// of another size throws <see cref="ArgumentException"/> naming the round (1-based).</para>
/// <para><b>Allocation.</b> The inner options are one record for the whole sequence and ω is passed to the inner
/// solver instance, so a round allocates nothing beyond what the inner solver and the policy do.</para>
/// <para><b>Logging</b> (hooks' logger): every <see cref="LogEvery"/> rounds the round, context, arm, ω, p(arm), cost,
/// cumulative cost, η (Tsallis-INF, Tsallis-INF-CB, ChebCB) and max p, plus S, N and resnorm for ChebCB; a warning for
/// every capped solve; <see cref="LogSummary"/> gives the per-arm pulls and mean costs.</para>
/// <para>Not thread-safe: one instance per sequence.</para>
/// </remarks>
public sealed partial class BanditSor
{
    private readonly IRelaxationPolicy _policy;
    private readonly IParameterizedSolver _inner;
    private readonly SolverOptions _options;
    private readonly int[] _pulls;
    private readonly double[] _costPerArm;
    private int _n = -1;
    private int _rounds;
    private long _totalIterations;
    private double _totalCost;
    private int _capped;

    /// <summary>The inner options of the spec: rtol 1e−8, MaxIterations 10 000, no symmetry test.</summary>
    public static SolverOptions SpecInnerOptions { get; } = new()
    {
        RelativeTolerance = 1e-8,
        MaxIterations = 10_000,
        SymmetryCheck = SymmetryCheck.Off,
    };

    /// <summary>Creates a sequence solver around one of the built-in inner methods.</summary>
    /// <param name="policy">The learner that chooses ω.</param>
    /// <param name="method">SOR or SSOR-PCG.</param>
    /// <param name="innerOptions">Inner stopping criteria; <see cref="SpecInnerOptions"/> when null.</param>
    public BanditSor(IRelaxationPolicy policy, RelaxationMethod method, SolverOptions? innerOptions = null)
        : this(policy, RelaxationSolvers.Create(method), innerOptions)
    {
        Method = method;
    }

    /// <summary>Creates a sequence solver around any parameterized inner solver.</summary>
    public BanditSor(IRelaxationPolicy policy, IParameterizedSolver inner, SolverOptions? innerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(inner);
        _policy = policy;
        _inner = inner;
        _options = innerOptions ?? SpecInnerOptions;
        _options.Validate();
        int d = policy.Arms.Length;
        if (d == 0) throw new ArgumentException("The policy has no arms.", nameof(policy));
        _pulls = new int[d];
        _costPerArm = new double[d];
    }

    /// <summary>The built-in inner method, or null for a custom <see cref="IParameterizedSolver"/>.</summary>
    public RelaxationMethod? Method { get; }

    /// <summary>The policy.</summary>
    public IRelaxationPolicy Policy => _policy;

    /// <summary>The inner solver.</summary>
    public IParameterizedSolver Inner => _inner;

    /// <summary>The inner options (one record for the whole sequence).</summary>
    public SolverOptions InnerOptions => _options;

    /// <summary>Log a progress line every this many rounds (0 = never) when a logger is given in the hooks.</summary>
    public int LogEvery { get; set; }

    /// <summary>Rounds completed.</summary>
    public int Rounds => _rounds;

    /// <summary>Sum of the costs passed to the policy so far.</summary>
    public double TotalCost => _totalCost;

    /// <summary>The sequence's size n (−1 before the first round).</summary>
    public int Size => _n;

    /// <summary>Solves one instance of the sequence (one bandit round).</summary>
    /// <param name="a">The instance's operator; same size as every earlier one.</param>
    /// <param name="b">Right-hand side.</param>
    /// <param name="x">On entry x0 (0 for SOR, the previous solution for a warm start), on exit the iterate.</param>
    /// <param name="context">The context for a contextual policy (e.g. the diagonal shift c_t or κ(t)).</param>
    /// <param name="hooks">Logger, progress and cancellation, forwarded to the inner solver unchanged.</param>
    /// <exception cref="ArgumentException">A size differs from the sequence's (the message names the round), or the inner solver refuses the input.</exception>
    public BanditSolveResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, double context = 0, SolverHooks hooks = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        int round = _rounds + 1;
        if (a.Rows != a.Columns)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Round {round}: A is {a.Rows}×{a.Columns}; a relaxation sequence needs square systems."), nameof(a));
        if (_n >= 0 && a.Rows != _n)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Round {round}: A is {a.Rows}×{a.Columns}, but the sequence's systems are {_n}×{_n} (sizes must stay constant across a sequence)."), nameof(a));
        if (b.Length != a.Rows)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Round {round}: b has length {b.Length}, but A is {a.Rows}×{a.Rows}."), nameof(b));
        if (x.Length != a.Rows)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Round {round}: x has length {x.Length}, but A is {a.Rows}×{a.Rows}."), nameof(x));
        if (!double.IsFinite(context))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Round {round}: the context must be finite (got {context})."), nameof(context));

        int arm = _policy.SelectArm(context);
        var arms = _policy.Arms;
        double omega = arms[arm];
        var probabilities = _policy.LastProbabilities;
        double probability = arm < probabilities.Length ? probabilities[arm] : double.NaN;
        SolverResult inner;
        try
        {
            inner = _inner.Solve(a, b, x, omega, _options, hooks);
        }
        catch
        {
            // Keep the policy usable after a refused instance: charge the cap for the pending arm.
            _policy.Observe(_options.EffectiveMaxIterations(a.Rows));
            throw;
        }

        double cost = CostOf(inner, _options.EffectiveMaxIterations(a.Rows));
        _policy.Observe(cost);
        _n = a.Rows;
        _rounds = round;
        _totalIterations += inner.Iterations;
        _totalCost += cost;
        _pulls[arm]++;
        _costPerArm[arm] += cost;
        var result = new BanditSolveResult(inner, arm, omega, probability, cost);
        if (result.Capped) _capped++;

        var logger = hooks.Logger;
        if (logger is not null)
        {
            if (result.Capped && logger.IsEnabled(LogLevel.Warning))
                LogCapped(logger, round, omega, inner.Reason, inner.Iterations, cost);
            if (LogEvery > 0 && round % LogEvery == 0 && logger.IsEnabled(LogLevel.Information))
            {
                double maxP = MaxOf(probabilities);
                double eta = _policy switch
                {
                    TsallisInf t => t.LastEta,
                    BinnedTsallisInf bt => bt.LastEta,
                    ChebCb c => c.Eta,
                    _ => double.NaN,
                };
                LogRound(logger, round, context, arm, omega, probability, cost, _totalCost, eta, maxP);
                if (_policy is ChebCb cheb)
                {
                    double scale = cheb.Scale, lipschitz = cheb.LipschitzFactor, resnorm = cheb.LastResnorm;
                    LogChebCb(logger, round, scale, lipschitz, resnorm);
                }
            }
        }

        return result;
    }

    /// <summary>The cost rule (<c>CostFromIterations</c>): max(1, k) when converged or cancelled, otherwise the cap.</summary>
    public static double CostOf(SolverResult inner, int cap) =>
        inner.Converged || inner.Reason == ConvergenceReason.Cancelled ? Math.Max(1, inner.Iterations) : Math.Max(cap, Math.Max(1, inner.Iterations));

    /// <summary>A snapshot of the counters (copies; later rounds do not change it).</summary>
    public BanditSorStatistics Statistics => new(_rounds, _totalIterations, _totalCost, _capped,
        _policy.Arms.ToArray(), (int[])_pulls.Clone(), (double[])_costPerArm.Clone());

    /// <summary>Logs the per-arm pull counts and mean costs (the end-of-sequence summary).</summary>
    public void LogSummary(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!logger.IsEnabled(LogLevel.Information)) return;
        var s = Statistics;
        var sb = new StringBuilder();
        for (int i = 0; i < s.Arms.Count; i++)
        {
            if (s.Pulls[i] == 0) continue;
            if (sb.Length > 0) sb.Append(", ");
            sb.Append(CultureInfo.InvariantCulture, $"ω={s.Arms[i]:0.###}: {s.Pulls[i]}×, mean {s.MeanCost(i):0.#}");
        }

        string perArm = sb.ToString();
        LogSummaryLine(logger, s.Rounds, s.TotalIterations, s.TotalCost, s.CappedSolves, perArm);
    }

    private static double MaxOf(ReadOnlySpan<double> p)
    {
        double m = double.NaN;
        foreach (double v in p) if (!(v <= m)) m = v;
        return m;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "bandit round {Round}: context {Context:G6}, arm {Arm}, ω {Omega:0.####}, p(arm) {Probability:G4}, cost {Cost}, cumulative cost {CumulativeCost}, η {Eta:G6}, max p {MaxProbability:G4}")]
    private static partial void LogRound(ILogger logger, int round, double context, int arm, double omega, double probability, double cost,
        double cumulativeCost, double eta, double maxProbability);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "bandit round {Round}: ChebCB S {Scale:G6}, N {LipschitzFactor:G6}, resnorm {Resnorm:G6}")]
    private static partial void LogChebCb(ILogger logger, int round, double scale, double lipschitzFactor, double resnorm);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "bandit round {Round}: ω {Omega:0.####} stopped with {Reason} after {Iterations} iterations; charged cost {Cost}")]
    private static partial void LogCapped(ILogger logger, int round, double omega, ConvergenceReason reason, int iterations, double cost);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "bandit sequence: {Rounds} rounds, {TotalIterations} iterations, total cost {TotalCost}, {Capped} capped; per arm: {PerArm}")]
    private static partial void LogSummaryLine(ILogger logger, int rounds, long totalIterations, double totalCost, int capped, string perArm);
}
