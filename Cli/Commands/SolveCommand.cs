using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Preconditioners;
using Solvers.Relaxation;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary><c>solvers solve FILE</c>: solve the problems of a file, write a results file, print a summary.</summary>
public static class SolveCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Problem file: HDF5 problem set, Matrix Market, Harwell-Boeing or MATLAB v7.3." };
        var problem = new Option<string?>("--problem") { Description = "Solve only this problem id (default: the first problem)." };
        var all = new Option<bool>("--all") { Description = "Solve every problem in the file." };
        var method = new Option<string>("--method") { Description = "Iterative method: cg, sor (SOR sweeps with ω) or ssor-cg (CG with SSOR(ω) preconditioner).", DefaultValueFactory = _ => "cg" };
        method.AcceptOnlyFromAmong("cg", "sor", "ssor-cg");
        var omega = new Option<double>("--omega") { Description = "sor, ssor-cg: the relaxation parameter ω ∈ (0, 2) when --tune none.", DefaultValueFactory = _ => 1.0 };
        var tune = new Option<string>("--tune") { Description = "sor, ssor-cg: learn ω online across the problems, solved as a sequence in sequence_index order with contexts from meta/context: none, tsallis-inf, tsallis-inf-cb or chebcb.", DefaultValueFactory = _ => "none" };
        tune.AcceptOnlyFromAmong([.. RelaxationPolicies.Names]);
        var seed = new Option<ulong>("--seed") { Description = "--tune: seed of the learner's random stream.", DefaultValueFactory = _ => 1 };
        var pc = new Option<string>("--pc") { Description = "Preconditioner: none, jacobi, or file (the problem's stored M).", DefaultValueFactory = _ => "none" };
        pc.AcceptOnlyFromAmong("none", "jacobi", "file");
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance on ‖b − Ax‖/‖b‖.", DefaultValueFactory = _ => 1e-8 };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance on ‖b − Ax‖.", DefaultValueFactory = _ => 0 };
        var dtol = new Option<double>("--dtol") { Description = "Divergence tolerance: stop when ‖r_k‖ ≥ dtol·‖r₀‖.", DefaultValueFactory = _ => 1e8 };
        var maxIt = new Option<int>("--max-iterations") { Description = "Iteration cap (0 = 2n for cg, 10 000 for sor and ssor-cg).", DefaultValueFactory = _ => 0 };
        var timeLimit = new Option<double?>("--time-limit") { Description = "Seconds per solve before stopping with TimeLimit." };
        var output = new Option<string?>("--output", "-o") { Description = "Results file (default: <input stem>.results.h5 next to the input)." };
        var noOutput = new Option<bool>("--no-output") { Description = "Do not write a results file." };
        var verbosity = new Option<Verbosity>("--verbosity", "-v") { Description = "quiet, normal, detailed or diagnostic.", DefaultValueFactory = _ => Verbosity.Normal };
        var input = new InputOptions();
        var cmd = new Command("solve", "Solve the linear systems stored in a file with an iterative method.")
        {
            file, problem, all, method, omega, tune, seed, pc, rtol, atol, dtol, maxIt, timeLimit, output, noOutput, verbosity,
        };
        input.AddTo(cmd);
        cmd.SetAction((r, ct) => Task.FromResult(Run(new SolveArgs(
            r.GetValue(file)!, r.GetValue(problem), r.GetValue(all), r.GetValue(method)!, r.GetValue(pc)!,
            r.GetValue(rtol), r.GetValue(atol), r.GetValue(dtol), r.GetValue(maxIt), r.GetValue(timeLimit),
            r.GetValue(noOutput) ? null : r.GetValue(output) ?? DefaultOutputPath(r.GetValue(file)!),
            r.GetValue(verbosity), r.GetValue(input.Trusted), TimeSpan.FromSeconds(r.GetValue(input.ValidateTimeout)))
            {
                Omega = r.GetValue(omega), Tune = r.GetValue(tune)!, Seed = r.GetValue(seed),
            },
            r, input, ct)));
        return cmd;
    }

    /// <summary>The default results path: &lt;input stem&gt;.results.h5 next to the input.</summary>
    public static string DefaultOutputPath(string input)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(input)) ?? ".";
        return Path.Combine(dir, Path.GetFileNameWithoutExtension(input) + ".results.h5");
    }

    private sealed record SolveArgs(string File, string? Problem, bool All, string Method, string Pc, double Rtol, double Atol, double Dtol,
        int MaxIterations, double? TimeLimitSeconds, string? Output, Verbosity Verbosity, bool Trusted, TimeSpan ValidateTimeout)
    {
        public double Omega { get; init; } = 1.0;

        public string Tune { get; init; } = "none";

        public ulong Seed { get; init; } = 1;

        /// <summary>sor and ssor-cg run through a <see cref="BanditSor"/> (a fixed ω is the one-arm policy).</summary>
        public bool Relaxation => Method != "cg";
    }

    private sealed record RunSummary(string ProblemId, string Run, int N, SolverResult Result, double RelativeTrue, double? Error,
        double SetupSeconds, double SolveSeconds)
    {
        public double Omega { get; init; } = double.NaN;

        public double Cost { get; init; } = double.NaN;
    }

    private static int Run(SolveArgs a, ParseResult r, InputOptions input, CancellationToken ct)
    {
        using var loggerFactory = CliLogging.Create(a.Verbosity);
        var logger = loggerFactory.CreateLogger("solvers");
        var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var totalTimer = Stopwatch.StartNew();
        try
        {
            var options = new SolverOptions
            {
                RelativeTolerance = a.Rtol,
                AbsoluteTolerance = a.Atol,
                DivergenceTolerance = a.Dtol,
                MaxIterations = a.MaxIterations == 0 && a.Relaxation ? 10_000 : a.MaxIterations,
                TimeLimit = a.TimeLimitSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
                RecordHistory = true,
                LogEvery = a.Verbosity >= Verbosity.Detailed ? 100 : 0,
            };
            options.Validate();
            if (a.Method == "cg" && a.Tune != "none") throw new ArgumentException("--tune needs --method sor or ssor-cg.");
            if (a.Relaxation && a.Pc != "none") throw new ArgumentException($"--method {a.Method} brings its own preconditioning; use --pc none.");
            if (a.Relaxation && !(a.Omega > 0 && a.Omega < 2)) throw new ArgumentException($"--omega must lie in (0, 2) (got {a.Omega.ToString(CultureInfo.InvariantCulture)}).");
            BanditSor? bandit = a.Relaxation
                ? new BanditSor(RelaxationPolicies.Create(a.Tune, a.Omega, a.Seed), a.Method == "sor" ? RelaxationMethod.Sor : RelaxationMethod.SsorPcg, options)
                {
                    LogEvery = a.Verbosity >= Verbosity.Detailed ? 100 : 0,
                }
                : null;
            var openOptions = input.Build(r, logger);
            IsolatedValidator.FileStamp? validated = a.Trusted ? null
                : IsolatedValidator.ValidateStable(a.File, input.ToChildArguments(r), openOptions.Reader.MemoryBudgetBytes, a.ValidateTimeout, a.All ? null : a.Problem);

            var loadTimer = Stopwatch.StartNew();
            using var source = ProblemSource.Open(a.File, openOptions);
            var ids = a.All ? source.ProblemIds : [a.Problem ?? (source.ProblemIds.Count > 0 ? source.ProblemIds[0] : null)
                ?? throw new ProblemFileException(a.File, "/problems", ProblemFileError.SchemaViolation, "the file holds no problems")];
            loadTimer.Stop();
            string inputSha = ResultFileWriter.Sha256(a.File);
            var results = new ResultFileWriter(Path.GetFileName(a.File), inputSha);
            var summaries = new List<RunSummary>();
            int exit = ExitCodes.Success;
            foreach (var (id, p, readSeconds) in ReadInOrder(source, ids, a.Relaxation && a.All, ct))
            {
                ct.ThrowIfCancellationRequested();
                var lt = Stopwatch.StartNew();
                if (validated is { } stamp) IsolatedValidator.EnsureUnchanged(a.File, stamp);
                double loadSeconds = readSeconds + lt.Elapsed.TotalSeconds + loadTimer.Elapsed.TotalSeconds;
                foreach (var w in p.Report.Warnings) err.MarkupLine($"[yellow]warning[/] {Markup.Escape(id)}: {Markup.Escape(w)}");
                if (p.Kind != ProblemKind.LinearSystem)
                {
                    err.MarkupLine($"[red]error[/] {Markup.Escape(id)}: a least-squares problem ({p.A.Rows}×{p.A.Columns}) cannot be solved with CG; it needs a least-squares method.");
                    exit = ExitCodes.BadInput;
                    continue;
                }

                IPreconditioner? preconditioner;
                var setupTimer = Stopwatch.StartNew();
                try
                {
                    preconditioner = a.Relaxation ? null : CreatePreconditioner(a.Pc, p);
                    preconditioner?.Setup(p.A);
                }
                catch (PreconditionerSetupException e)
                {
                    err.MarkupLine($"[red]error[/] {Markup.Escape(id)}: preconditioner refused: {Markup.Escape(e.Message)}");
                    exit = ExitCodes.BadInput;
                    continue;
                }

                setupTimer.Stop();
                var solver = new ConjugateGradient(new ConjugateGradientWorkspace(p.A.Rows));
                for (int j = 0; j < p.RightHandSideCount; j++)
                {
                    var b = p.GetRightHandSide(j);
                    var x = p.GetInitialGuess(j);
                    // A sequence keeps one history per problem: cap each at 512 entries (thinned beyond, PS §6) so thousands fit.
                    var history = new ConvergenceHistory(Math.Clamp(options.EffectiveMaxIterations(p.A.Rows) + 2, 4, bandit is null ? 1_000_000 : 512));
                    string runName = a.Method + (a.Pc == "none" ? "" : "-" + a.Pc) + (a.Relaxation && a.Tune != "none" ? "-" + a.Tune : "")
                        + (p.IsSingleRightHandSide ? "" : $"-rhs{j}");
                    string started = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                    BanditSolveResult? round = null;
                    double context = 0;
                    if (bandit is not null)
                    {
                        context = ContextOf(p);
                        round = bandit.Solve(p.A, b, x, context, new SolverHooks(logger, null, ct, history));
                    }

                    SolverResult result = round?.Inner ?? SolveWithProgress(err, solver, p, b, x, options, preconditioner, history, logger, $"{id} {runName}", ct);
                    double bNorm = VectorMath.Norm2(b);
                    var exact = p.GetExactSolution(j);
                    double? errorRel = exact is null ? null : RelativeError(x, exact);
                    double relTrue = bNorm > 0 ? result.TrueResidualNorm / bNorm : double.NaN;
                    results.Add(new ResultRun(id, runName, result, x, history)
                    {
                        ProblemPath = "/problems/" + id,
                        RhsIndex = p.IsSingleRightHandSide ? -1 : j,
                        Method = a.Method,
                        Preconditioner = a.Method == "ssor-cg" ? "ssor" : a.Pc,
                        Options = options,
                        OptionsJson = options.ToJson(),
                        BNorm = bNorm,
                        RelativeTrueResidual = relTrue,
                        ErrorNormRelative = errorRel ?? double.NaN,
                        LoadSeconds = loadSeconds,
                        SetupSeconds = setupTimer.Elapsed.TotalSeconds,
                        SolveSeconds = result.Elapsed.TotalSeconds,
                        TotalSeconds = totalTimer.Elapsed.TotalSeconds,
                        StartedUtc = started,
                        Warnings = [.. p.Report.Warnings],
                        ExtraAttributes = round is { } rd ? new Dictionary<string, double>
                        {
                            ["omega"] = rd.Omega,
                            ["arm"] = rd.Arm,
                            ["probability"] = rd.Probability,
                            ["cost"] = rd.Cost,
                            ["cumulative_cost"] = bandit!.TotalCost,
                            ["context"] = context,
                        } : null,
                    });
                    summaries.Add(new RunSummary(id, runName, p.A.Rows, result, relTrue, errorRel, setupTimer.Elapsed.TotalSeconds, result.Elapsed.TotalSeconds)
                    {
                        Omega = round?.Omega ?? double.NaN,
                        Cost = round?.Cost ?? double.NaN,
                    });
                    if (!result.Converged && exit == ExitCodes.Success) exit = ExitCodes.NotConverged;
                }
            }

            if (a.Output is not null && summaries.Count > 0)
            {
                results.Write(a.Output);
            }

            PrintSummary(summaries, a.Output);
            if (bandit is not null && bandit.Rounds > 0) PrintSequenceSummary(bandit, a.Tune, logger);
            foreach (var run in summaries.Where(q => !q.Result.Converged))
                err.MarkupLine($"[red]not converged[/] {Markup.Escape(run.ProblemId)} {Markup.Escape(run.Run)}: {Markup.Escape(Reason(run.Result))}");
            return exit;
        }
        catch (ProblemFileException e)
        {
            err.MarkupLine($"[red]error[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (ArgumentException e)
        {
            err.MarkupLine($"[red]error[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            err.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.NotConverged;
        }
    }

    /// <summary>
    /// The problems to solve. Plain solves read lazily in file order; a relaxation sequence (--all with sor/ssor-cg)
    /// reads every problem first and orders them by <c>sequence_index</c> (problems without one follow in file order).
    /// </summary>
    private static IEnumerable<(string Id, LinearProblem Problem, double ReadSeconds)> ReadInOrder(ProblemSource source, IReadOnlyList<string> ids,
        bool sequence, CancellationToken ct)
    {
        if (!sequence)
        {
            foreach (var id in ids)
            {
                var t = Stopwatch.StartNew();
                var p = source.ReadProblem(id, ct);
                yield return (id, p, t.Elapsed.TotalSeconds);
            }

            yield break;
        }

        var loaded = new List<(string Id, LinearProblem Problem, double ReadSeconds, long Index, int Position)>(ids.Count);
        foreach (var id in ids)
        {
            ct.ThrowIfCancellationRequested();
            var t = Stopwatch.StartNew();
            var p = source.ReadProblem(id, ct);
            long index = p.Attributes.TryGetValue("sequence_index", out var si) ? long.Parse(si, CultureInfo.InvariantCulture) : long.MaxValue;
            loaded.Add((id, p, t.Elapsed.TotalSeconds, index, loaded.Count));
        }

        var names = loaded.Select(l => l.Problem.Attributes.GetValueOrDefault("sequence")).Where(n => n is not null).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count > 1)
            throw new ArgumentException($"The problems form {names.Count} sequences ({string.Join(", ", names)}); a tuned sequence needs one (use --problem or split the file).");
        foreach (var l in loaded.OrderBy(l => l.Index).ThenBy(l => l.Position))
            yield return (l.Id, l.Problem, l.ReadSeconds);
    }

    /// <summary>The context of a sequence problem: the <c>meta/context</c> attribute (0 when absent).</summary>
    private static double ContextOf(LinearProblem p) =>
        p.Meta.TryGetValue("context", out var c) && double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : 0;

    private static void PrintSequenceSummary(BanditSor bandit, string tune, ILogger logger)
    {
        var s = bandit.Statistics;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"sequence: {s.Rounds} problems, tune {Markup.Escape(tune)}, cumulative cost [bold]{s.TotalCost:0}[/], {s.TotalIterations} iterations, {s.CappedSolves} capped"));
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("ω", "pulls", "total cost", "mean cost");
        for (int i = 0; i < s.Arms.Count; i++)
        {
            if (s.Pulls[i] == 0) continue;
            table.AddRow(s.Arms[i].ToString("0.####", CultureInfo.InvariantCulture), s.Pulls[i].ToString(CultureInfo.InvariantCulture),
                s.CostPerArm[i].ToString("0", CultureInfo.InvariantCulture), s.MeanCost(i).ToString("0.0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        bandit.LogSummary(logger);
    }

    private static IPreconditioner? CreatePreconditioner(string name, LinearProblem p)
    {
        if (name == "file")
            return PreconditionerFactory.FromData(p.M ?? throw new ArgumentException($"--pc file: problem {p.Id} stores no preconditioner M."));
        return name == "none" ? null : PreconditionerFactory.Create(name);
    }

    private static SolverResult SolveWithProgress(IAnsiConsole err, ConjugateGradient solver, LinearProblem p, double[] b, double[] x,
        SolverOptions options, IPreconditioner? preconditioner, ConvergenceHistory history, ILogger logger, string label, CancellationToken ct)
    {
        bool interactive = err.Profile.Capabilities.Interactive && !Console.IsErrorRedirected;
        if (!interactive)
            return solver.Solve(p.A, b, x, options, preconditioner, new SolverHooks(logger, null, ct, history));
        SolverResult result = default;
        double goal = Math.Max(1, -Math.Log10(Math.Max(options.RelativeTolerance, 1e-300)));
        err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: 100);
                long lastTicks = 0;
                var progress = new InlineProgress(info =>
                {
                    long now = Stopwatch.GetTimestamp();
                    if (now - lastTicks < Stopwatch.Frequency / 20) return;
                    lastTicks = now;
                    double digits = info.RelativeResidual > 0 ? -Math.Log10(info.RelativeResidual) : goal;
                    task.Value = Math.Clamp(100 * digits / goal, 0, 100);
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{label}  it {info.Iteration}  ‖r‖/‖b‖ {info.RelativeResidual:0.00e+00}"));
                });
                result = solver.Solve(p.A, b, x, options, preconditioner, new SolverHooks(logger, progress, ct, history));
                task.Value = 100;
            });
        return result;
    }

    private static double RelativeError(double[] x, double[] exact)
    {
        double num = 0, den = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - exact[i];
            num += d * d;
            den += exact[i] * exact[i];
        }

        return den > 0 ? Math.Sqrt(num / den) : double.NaN;
    }

    private static string Reason(SolverResult r) =>
        $"{r.Reason} — {r.Reason.Describe()}" + (r.BreakdownIteration > 0
            ? string.Create(CultureInfo.InvariantCulture, $" (iteration {r.BreakdownIteration}, value {r.BreakdownValue:G6})")
            : "");

    private static void PrintSummary(List<RunSummary> runs, string? output)
    {
        if (runs.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded);
        bool relaxation = runs.Any(q => !double.IsNaN(q.Omega));
        table.AddColumns("problem", "run", "n", "reason", "iterations", "‖b−Ax‖/‖b‖", "error vs x_exact", "setup s", "solve s");
        if (relaxation) table.AddColumns("ω", "cost");
        foreach (var s in runs)
        {
            string[] extra = relaxation
                ? [s.Omega.ToString("0.####", CultureInfo.InvariantCulture), s.Cost.ToString("0", CultureInfo.InvariantCulture)]
                : [];
            string color = s.Result.Converged ? "green" : "red";
            table.AddRow([
                Markup.Escape(s.ProblemId), Markup.Escape(s.Run), s.N.ToString(CultureInfo.InvariantCulture),
                $"[{color}]{Markup.Escape(s.Result.Reason.ToString())}[/]",
                s.Result.Iterations.ToString(CultureInfo.InvariantCulture),
                s.RelativeTrue.ToString("0.00e+00", CultureInfo.InvariantCulture),
                s.Error is { } e ? e.ToString("0.00e+00", CultureInfo.InvariantCulture) : "—",
                s.SetupSeconds.ToString("F3", CultureInfo.InvariantCulture),
                s.SolveSeconds.ToString("F3", CultureInfo.InvariantCulture),
                .. extra]);
        }

        AnsiConsole.Write(table);
        if (output is not null) AnsiConsole.MarkupLine($"results written to [blue]{Markup.Escape(output)}[/]");
    }

    /// <summary>An IProgress that runs its handler synchronously on the solving thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class InlineProgress(Action<IterationInfo> handler) : IProgress<IterationInfo>
    {
        public void Report(IterationInfo value) => handler(value);
    }
}
