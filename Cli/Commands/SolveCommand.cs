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
        var method = new Option<string>("--method") { Description = "Iterative method: cg.", DefaultValueFactory = _ => "cg" };
        method.AcceptOnlyFromAmong("cg");
        var pc = new Option<string>("--pc") { Description = "Preconditioner: none, jacobi, or file (the problem's stored M).", DefaultValueFactory = _ => "none" };
        pc.AcceptOnlyFromAmong("none", "jacobi", "file");
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance on ‖b − Ax‖/‖b‖.", DefaultValueFactory = _ => 1e-8 };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance on ‖b − Ax‖.", DefaultValueFactory = _ => 0 };
        var dtol = new Option<double>("--dtol") { Description = "Divergence tolerance: stop when ‖r_k‖ ≥ dtol·‖r₀‖.", DefaultValueFactory = _ => 1e8 };
        var maxIt = new Option<int>("--max-iterations") { Description = "Iteration cap (0 = 2n).", DefaultValueFactory = _ => 0 };
        var timeLimit = new Option<double?>("--time-limit") { Description = "Seconds per solve before stopping with TimeLimit." };
        var output = new Option<string?>("--output", "-o") { Description = "Results file (default: <input stem>.results.h5 next to the input)." };
        var noOutput = new Option<bool>("--no-output") { Description = "Do not write a results file." };
        var verbosity = new Option<Verbosity>("--verbosity", "-v") { Description = "quiet, normal, detailed or diagnostic.", DefaultValueFactory = _ => Verbosity.Normal };
        var input = new InputOptions();
        var cmd = new Command("solve", "Solve the linear systems stored in a file with an iterative method.")
        {
            file, problem, all, method, pc, rtol, atol, dtol, maxIt, timeLimit, output, noOutput, verbosity,
        };
        input.AddTo(cmd);
        cmd.SetAction((r, ct) => Task.FromResult(Run(new SolveArgs(
            r.GetValue(file)!, r.GetValue(problem), r.GetValue(all), r.GetValue(method)!, r.GetValue(pc)!,
            r.GetValue(rtol), r.GetValue(atol), r.GetValue(dtol), r.GetValue(maxIt), r.GetValue(timeLimit),
            r.GetValue(noOutput) ? null : r.GetValue(output) ?? DefaultOutputPath(r.GetValue(file)!),
            r.GetValue(verbosity), r.GetValue(input.Trusted), TimeSpan.FromSeconds(r.GetValue(input.ValidateTimeout))),
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
        int MaxIterations, double? TimeLimitSeconds, string? Output, Verbosity Verbosity, bool Trusted, TimeSpan ValidateTimeout);

    private sealed record RunSummary(string ProblemId, string Run, int N, SolverResult Result, double RelativeTrue, double? Error,
        double SetupSeconds, double SolveSeconds);

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
                MaxIterations = a.MaxIterations,
                TimeLimit = a.TimeLimitSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
                RecordHistory = true,
                LogEvery = a.Verbosity >= Verbosity.Detailed ? 100 : 0,
            };
            options.Validate();
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
            foreach (var id in ids)
            {
                ct.ThrowIfCancellationRequested();
                var lt = Stopwatch.StartNew();
                var p = source.ReadProblem(id, ct);
                if (validated is { } stamp) IsolatedValidator.EnsureUnchanged(a.File, stamp);
                double loadSeconds = lt.Elapsed.TotalSeconds + loadTimer.Elapsed.TotalSeconds;
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
                    preconditioner = CreatePreconditioner(a.Pc, p);
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
                    var history = new ConvergenceHistory(Math.Clamp(options.EffectiveMaxIterations(p.A.Rows) + 2, 4, 1_000_000));
                    string runName = a.Method + (a.Pc == "none" ? "" : "-" + a.Pc) + (p.IsSingleRightHandSide ? "" : $"-rhs{j}");
                    string started = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                    SolverResult result = SolveWithProgress(err, solver, p, b, x, options, preconditioner, history, logger, $"{id} {runName}", ct);
                    double bNorm = VectorMath.Norm2(b);
                    var exact = p.GetExactSolution(j);
                    double? errorRel = exact is null ? null : RelativeError(x, exact);
                    double relTrue = bNorm > 0 ? result.TrueResidualNorm / bNorm : double.NaN;
                    results.Add(new ResultRun(id, runName, result, x, history)
                    {
                        ProblemPath = "/problems/" + id,
                        RhsIndex = p.IsSingleRightHandSide ? -1 : j,
                        Method = a.Method,
                        Preconditioner = a.Pc,
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
                    });
                    summaries.Add(new RunSummary(id, runName, p.A.Rows, result, relTrue, errorRel, setupTimer.Elapsed.TotalSeconds, result.Elapsed.TotalSeconds));
                    if (!result.Converged && exit == ExitCodes.Success) exit = ExitCodes.NotConverged;
                }
            }

            if (a.Output is not null && summaries.Count > 0)
            {
                results.Write(a.Output);
            }

            PrintSummary(summaries, a.Output);
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
        table.AddColumns("problem", "run", "n", "reason", "iterations", "‖b−Ax‖/‖b‖", "error vs x_exact", "setup s", "solve s");
        foreach (var s in runs)
        {
            string color = s.Result.Converged ? "green" : "red";
            table.AddRow(
                Markup.Escape(s.ProblemId), Markup.Escape(s.Run), s.N.ToString(CultureInfo.InvariantCulture),
                $"[{color}]{Markup.Escape(s.Result.Reason.ToString())}[/]",
                s.Result.Iterations.ToString(CultureInfo.InvariantCulture),
                s.RelativeTrue.ToString("0.00e+00", CultureInfo.InvariantCulture),
                s.Error is { } e ? e.ToString("0.00e+00", CultureInfo.InvariantCulture) : "—",
                s.SetupSeconds.ToString("F3", CultureInfo.InvariantCulture),
                s.SolveSeconds.ToString("F3", CultureInfo.InvariantCulture));
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
