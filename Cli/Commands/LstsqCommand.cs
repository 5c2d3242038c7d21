using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.LeastSquares;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary>
/// <c>solvers lstsq FILE</c>: an over-determined least-squares problem min ‖Ax − b‖₂ from a file, solved by sketch-and-solve
/// with a-posteriori error bars (default) or by sketch-and-precondition to full accuracy (spec sketched-regression §2.3–§2.5).
/// Exit 0 solved/converged, 2 rank-deficient sketch or not converged, 1 bad input.
/// </summary>
public static class LstsqCommand
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>The CLI sketch names and their kinds.</summary>
    public static IReadOnlyDictionary<string, SketchKind> SketchNames { get; } = new Dictionary<string, SketchKind>(StringComparer.Ordinal)
    {
        ["sparse-sign"] = SketchKind.SparseSign,
        ["gaussian"] = SketchKind.Gaussian,
        ["srht"] = SketchKind.Srht,
        ["countsketch"] = SketchKind.CountSketch,
        ["uniform"] = SketchKind.UniformRows,
    };

    /// <summary>The CLI name of a sketch kind.</summary>
    public static string NameOf(SketchKind kind) => SketchNames.FirstOrDefault(p => p.Value == kind).Key ?? kind.ToString();

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Problem file with an over-determined A (n×d, n ≥ d; dense or sparse) and b, e.g. from `solvers generate lstsq-incoherent`." };
        var problem = new Option<string?>("--problem") { Description = "Problem id (default: the first problem)." };
        var mode = new Option<string>("--mode") { Description = "solve: sketch-and-solve with error bars (one pass, accuracy ≈ √(d/m) of the noise level); precondition: sketch-and-precondition + LSQR to full double accuracy.", DefaultValueFactory = _ => "solve" };
        mode.AcceptOnlyFromAmong("solve", "precondition");
        var sketch = new Option<string>("--sketch") { Description = "Sketch: sparse-sign (s = 8), gaussian, srht, countsketch or uniform (row sampling; a test baseline).", DefaultValueFactory = _ => "sparse-sign" };
        sketch.AcceptOnlyFromAmong([.. SketchNames.Keys]);
        var oversampling = new Option<double?>("--oversampling") { Description = "γ = m/d (default 10 for solve, 4 for precondition)." };
        var rows = new Option<int?>("--rows") { Description = "m, the sketch rows, explicitly (overrides --oversampling)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sketch (results are a function of it).", DefaultValueFactory = _ => 0 };
        var delta = new Option<double>("--delta") { Description = "solve: the error bars hold simultaneously with probability 1 − δ.", DefaultValueFactory = _ => 0.01 };
        var trueResidual = new Option<bool>("--true-residual") { Description = "solve: also compute ‖b − Ax‖ (one more pass over A) and its consistency with the prediction." };
        var output = new Option<string?>("--output", "-o") { Description = "Write x and the run's attributes to this results file." };
        var verbosity = new Option<Verbosity>("--verbosity", "-v") { Description = "quiet, normal, detailed or diagnostic.", DefaultValueFactory = _ => Verbosity.Normal };
        var input = new InputOptions();
        var cmd = new Command("lstsq", "Solve an over-determined least-squares problem by sketching: one-pass sketch-and-solve with error bars, or sketch-and-precondition to full accuracy.")
        {
            file, problem, mode, sketch, oversampling, rows, seed, delta, trueResidual, output, verbosity,
            input.MaxMemory, input.Trusted, input.ValidateTimeout,
        };
        cmd.SetAction((r, ct) => Task.FromResult(Run(new LstsqArgs(
            r.GetValue(file)!, r.GetValue(problem), r.GetValue(mode) == "precondition", SketchNames[r.GetValue(sketch)!],
            r.GetValue(oversampling), r.GetValue(rows), r.GetValue(seed), r.GetValue(delta), r.GetValue(trueResidual), r.GetValue(output),
            r.GetValue(verbosity), r.GetValue(input.MaxMemory) ?? "2G", r.GetValue(input.Trusted), TimeSpan.FromSeconds(r.GetValue(input.ValidateTimeout))), ct)));
        return cmd;
    }

    private sealed record LstsqArgs(string File, string? Problem, bool Precondition, SketchKind Sketch, double? Oversampling, int? Rows, ulong Seed,
        double Delta, bool TrueResidual, string? Output, Verbosity Verbosity, string MaxMemory, bool Trusted, TimeSpan ValidateTimeout);

    private static int Run(LstsqArgs a, CancellationToken ct)
    {
        using var loggerFactory = CliLogging.Create(a.Verbosity);
        var logger = loggerFactory.CreateLogger("solvers");
        var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var total = Stopwatch.StartNew();
        try
        {
            var sketchOptions = BuildSketchOptions(a);
            if (!(a.Delta > 0 && a.Delta < 1)) throw new ArgumentException($"--delta must lie in (0, 1) (got {a.Delta.ToString(Ci)}).");
            long budget = InputOptions.ParseBytes(a.MaxMemory);
            var openOptions = new ProblemOpenOptions { Reader = new ProblemReaderOptions { MemoryBudgetBytes = budget, Untrusted = !a.Trusted, Logger = logger } };
            using var loaded = CommandProblem.Load(a.File, a.Problem, openOptions, a.Trusted, ["--max-memory", a.MaxMemory], a.ValidateTimeout, err, ct);
            var (p, id, loadSeconds) = (loaded.Problem, loaded.Id, loaded.LoadSeconds);
            int n = p.A.Rows, d = p.A.Columns;
            if (n < d)
                throw new ArgumentException($"problem {id}: A is {n}×{d}, under-determined (n < d); sketched least squares needs n ≥ d.");
            _ = sketchOptions.RowsFor(n, d); // m < d + 2 or beyond the sketch's limit: bad input before any work
            if (p.Kind == ProblemKind.LinearSystem)
                err.MarkupLine($"[yellow]warning[/] {Markup.Escape(id)}: stored as a linear_system; solving it in the least-squares sense.");

            var writer = CommandProblem.NewWriter(a.Output, a.File);
            int exit = ExitCodes.Success;
            for (int j = 0; j < p.RightHandSideCount; j++)
            {
                var b = p.GetRightHandSide(j);
                string label = p.IsSingleRightHandSide ? id : string.Create(Ci, $"{id} rhs {j}");
                var x = new double[d];
                var exact = p.GetExactSolution(j);
                var hooks = new SolverHooks(logger, null, ct);
                ResultRun run;
                string method = (a.Precondition ? "sketch-precondition-" : "sketch-solve-") + NameOf(a.Sketch);
                if (a.Precondition)
                {
                    var options = new SketchAndPreconditionOptions { Sketch = sketchOptions };
                    var result = SketchAndPrecondition.Solve(p.A, b, x, options, hooks);
                    PrintPrecondition(label, p, result, x, exact);
                    if (!result.Summary.Converged) exit = ExitCodes.NotConverged;
                    run = new ResultRun(id, method, result.Summary, x, null)
                    {
                        ExtraAttributes = new Dictionary<string, double>
                        {
                            ["backward_error"] = result.BackwardError,
                            ["norm_estimate"] = result.NormEstimate,
                            ["kappa_r_estimate"] = result.PreconditionerConditionEstimate,
                            ["preconditioned_norm_estimate"] = result.PreconditionedNormEstimate,
                            ["resketches"] = result.Resketches.Count,
                            ["used_dense_fallback"] = result.UsedDenseFallback ? 1 : 0,
                            ["ill_conditioned"] = result.IllConditioned ? 1 : 0,
                            ["correction_solves"] = result.IterationsPerSolve.Count,
                            ["seed"] = result.Seed,
                            ["sketch_rows"] = result.SketchRows,
                            ["attempts"] = result.Attempts,
                        },
                    };
                }
                else
                {
                    var options = new SketchAndSolveOptions { Sketch = sketchOptions, Delta = a.Delta, ComputeTrueResidual = a.TrueResidual };
                    var t = Stopwatch.StartNew();
                    var result = SketchAndSolve.Solve(p.A, b, x, options, hooks);
                    var elapsed = t.Elapsed;
                    PrintSolve(label, p, result, x, exact, a.TrueResidual);
                    bool solved = result.Status != SketchAndSolveStatus.RankDeficientSketch;
                    if (!solved) exit = ExitCodes.NotConverged;
                    double trueNorm = writer is null ? double.NaN : LeastSquaresMetrics.ResidualNorm(p.A, b, x);
                    var reason = result.Status switch
                    {
                        SketchAndSolveStatus.ZeroRightHandSide => ConvergenceReason.ConvergedZeroRightHandSide,
                        SketchAndSolveStatus.RankDeficientSketch => ConvergenceReason.DivergedBreakdown,
                        _ => ConvergenceReason.CompletedIterationBudget,
                    };
                    var report = result.Report ?? new SketchErrorReport();
                    run = new ResultRun(id, method, new SolverResult(reason, 0, VectorMath.Norm2(b), report.ResidualNormEstimate, trueNorm, elapsed), x, null)
                    {
                        ExtraAttributes = new Dictionary<string, double>
                        {
                            ["sketch_rows"] = result.SketchRows,
                            ["seed"] = result.Seed,
                            ["attempts"] = result.Attempts,
                            ["kappa_r_estimate"] = result.ConditionEstimate,
                            ["residual_estimate"] = report.ResidualEstimate,
                            ["quantile"] = report.Quantile,
                            ["delta"] = report.Delta,
                            ["l2_error_estimate"] = report.L2ErrorEstimate,
                            ["predicted_residual_ratio"] = report.PredictedResidualRatio,
                            ["residual_consistency"] = report.ResidualConsistency,
                            ["max_half_width"] = MaxHalfWidth(report),
                        },
                    };
                }

                writer?.Add(run with
                {
                    ProblemPath = "/problems/" + id,
                    RhsIndex = p.IsSingleRightHandSide ? -1 : j,
                    Method = method,
                    Preconditioner = "none",
                    BNorm = VectorMath.Norm2(b),
                    ErrorNormRelative = exact is null ? double.NaN : LeastSquaresMetrics.RelativeL2Error(x, exact),
                    LoadSeconds = loadSeconds,
                    TotalSeconds = total.Elapsed.TotalSeconds,
                    DenseBackend = Solvers.Dense.DenseBackend.Current.Name,
                    Warnings = [.. p.Report.Warnings],
                    RunName = method + (p.IsSingleRightHandSide ? "" : string.Create(Ci, $"-rhs{j}")),
                });
            }

            CommandProblem.Write(writer, a.Output);

            return exit;
        }
        catch (Exception e) when (e is ArgumentException or ProblemFileException or NotSupportedException or IOException)
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

    private static SketchOptions BuildSketchOptions(LstsqArgs a)
    {
        double gamma = a.Oversampling ?? (a.Precondition ? 4 : 10);
        if (!(gamma >= 1) || !double.IsFinite(gamma)) throw new ArgumentException($"--oversampling γ must be finite and ≥ 1 (got {gamma.ToString(Ci)}).");
        if (a.Rows is { } m && m < 1) throw new ArgumentException($"--rows must be ≥ 1 (got {m}).");
        var o = new SketchOptions { Kind = a.Sketch, RowFactor = gamma, Rows = a.Rows, Seed = a.Seed };
        o.Validate();
        return o;
    }

    private static double MaxHalfWidth(SketchErrorReport report)
    {
        double m = 0;
        for (int j = 0; j < report.StandardErrors.Count; j++) m = Math.Max(m, report.HalfWidth(j));
        return m;
    }

    private static string Sci(double v) => double.IsNaN(v) ? "—" : v.ToString("0.000e+00", Ci);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F3", Ci);

    private static void PrintSolve(string label, LinearProblem p, SketchAndSolveResult r, double[] x, double[]? exact, bool trueResidual)
    {
        var rep = r.Report ?? new SketchErrorReport();
        int d = x.Length;
        bool ok = r.Status != SketchAndSolveStatus.RankDeficientSketch;
        var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"sketch-and-solve: {label} ({p.Name}), A {p.A.Rows}×{d}"));
        t.AddColumns("quantity", "value");
        void Row(string k, string v) => t.AddRow(Markup.Escape(k), v);
        Row("status", ok ? $"[green]{r.Status}[/]" : $"[red]{r.Status}[/]");
        Row("sketch", Markup.Escape(string.Create(Ci, $"{NameOf(r.Kind)}, m = {r.SketchRows} (γ = {(double)r.SketchRows / d:0.##}), seed {r.Seed}, attempts {r.Attempts}{(r.UsedDenseFallback ? "; dense QR fallback (m ≥ n)" : "")}")));
        Row("κ̂(R)", Sci(r.ConditionEstimate));
        if (ok)
        {
            Row("ρ̂ = ‖SAx′ − Sb‖/√(m − d)", Sci(rep.ResidualEstimate));
            Row("‖r*‖ estimate √m·ρ̂", Sci(rep.ResidualNormEstimate));
            Row("quantile q", Markup.Escape(string.Create(Ci, $"{rep.Quantile:F4} ({rep.QuantileKind}, simultaneous over d = {d} at δ = {rep.Delta:G3}{(rep.ExactInLaw ? "; exact in law" : "; empirical for this sketch")})")));
            Row("‖x′ − x*‖₂ estimate ρ̂‖R⁻¹‖_F", Sci(rep.L2ErrorEstimate));
            Row("predicted ‖Ax′ − b‖/‖r*‖", rep.PredictedResidualRatio.ToString("F4", Ci));
            if (trueResidual)
            {
                Row("true ‖Ax′ − b‖", Sci(rep.TrueResidualNorm));
                string c = rep.ResidualConsistency.ToString("F3", Ci);
                Row("consistency (true ÷ predicted)", rep.ResidualConsistency > 1.5 ? $"[red]{c}[/]" : c);
            }
        }

        Row("warnings", r.Warnings == SketchWarnings.None ? "none" : $"[yellow]{Markup.Escape(r.Warnings.ToString())}[/]");
        Row("time (sketch, factor)", Markup.Escape($"{Seconds(r.SketchTime)} s, {Seconds(r.FactorTime)} s"));
        if (exact is not null && ok)
            Row("error vs x_exact (ℓ2, ℓ∞ relative)", Markup.Escape($"{Sci(LeastSquaresMetrics.RelativeL2Error(x, exact))}, {Sci(LeastSquaresMetrics.RelativeInfinityError(x, exact))}"));
        AnsiConsole.Write(t);
        if (!ok)
        {
            AnsiConsole.MarkupLine("[red]the sketch of A is rank-deficient[/] (coherent A with a sampling-type sketch?); x was not computed. Try --sketch sparse-sign or srht, a larger --oversampling, or --mode precondition.");
            return;
        }

        if (rep.StandardErrors.Count != d || r.Status == SketchAndSolveStatus.ZeroRightHandSide) return;
        var shown = Enumerable.Range(0, Math.Min(10, d)).ToList();
        var widest = d > shown.Count ? Enumerable.Range(0, d).OrderByDescending(rep.HalfWidth).Take(5).ToList() : [];
        var c2 = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape(string.Create(Ci, $"x′_j ± q·se_j (simultaneous {100 * (1 - rep.Delta):0.##}% bars): first {shown.Count}{(widest.Count > 0 ? ", then the 5 widest" : "")}")));
        c2.AddColumns("j", "x′_j", "± q·se_j", "se_j");
        if (exact is not null) c2.AddColumns("x_exact_j", "|x′_j − x_j|/se_j");
        void Coord(int j)
        {
            var cells = new List<string> { j.ToString(Ci), x[j].ToString("G8", Ci), Sci(rep.HalfWidth(j)), Sci(rep.StandardErrors[j]) };
            if (exact is not null)
            {
                double z = Math.Abs(x[j] - exact[j]) / rep.StandardErrors[j];
                cells.Add(exact[j].ToString("G8", Ci));
                cells.Add(z > rep.Quantile ? $"[red]{z:F2}[/]" : z.ToString("F2", Ci));
            }

            c2.AddRow([.. cells]);
        }

        foreach (int j in shown) Coord(j);
        if (widest.Count > 0)
        {
            c2.AddEmptyRow();
            foreach (int j in widest) Coord(j);
        }

        AnsiConsole.Write(c2);
    }

    private static void PrintPrecondition(string label, LinearProblem p, SketchAndPreconditionResult r, double[] x, double[]? exact)
    {
        var s = r.Summary;
        int d = x.Length;
        var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"sketch-and-precondition: {label} ({p.Name}), A {p.A.Rows}×{d}"));
        t.AddColumns("quantity", "value");
        void Row(string k, string v) => t.AddRow(Markup.Escape(k), v);
        string color = s.Converged ? "green" : "red";
        Row("reason", $"[{color}]{Markup.Escape(s.Reason.ToString())}[/] — {Markup.Escape(s.Reason.Describe())}");
        Row("sketch", Markup.Escape(string.Create(Ci, $"{NameOf(r.SketchKind)}, m = {r.SketchRows} (γ = {(double)r.SketchRows / d:0.##}), seed {r.Seed}, attempts {r.Attempts}")));
        Row("LSQR iterations per solve", Markup.Escape(string.Join(" + ", r.IterationsPerSolve.Select(i => i.ToString(Ci))) + string.Create(Ci, $" = {s.Iterations}")));
        Row("backward error η = ‖Aᵀr‖/(‖A‖̂₂‖r‖)", Sci(r.BackwardError) + (r.BackwardErrorPerSolve.Count > 1
            ? Markup.Escape(" (per solve: " + string.Join(", ", r.BackwardErrorPerSolve.Select(Sci)) + ")") : ""));
        Row("‖A‖₂ estimate", Sci(r.NormEstimate));
        Row("true ‖b − Ax‖", Sci(s.TrueResidualNorm));
        Row("κ̂(R)", Sci(r.PreconditionerConditionEstimate) + (r.IllConditioned ? " [yellow](ill-conditioned A)[/]" : ""));
        Row("σ̂ = ‖AR⁻¹‖₂ (verification)", double.IsNaN(r.PreconditionedNormEstimate) ? "not run" : Sci(r.PreconditionedNormEstimate));
        Row("re-sketches", r.Resketches.Count == 0 ? "0" : Markup.Escape(string.Create(Ci, $"{r.Resketches.Count} ({string.Join(", ", r.Resketches.Select(q => $"attempt {q.Attempt}, m = {q.Rows}: {q.Reason} ({q.Value:G3})"))})")));
        Row("dense QR fallback", r.UsedDenseFallback ? "[yellow]yes[/]" : "no");
        Row("time: sketch, factor, check, LSQR", Markup.Escape($"{Seconds(r.SketchTime)} s, {Seconds(r.FactorTime)} s, {Seconds(r.CheckTime)} s, {Seconds(r.IterationTime)} s (total {Seconds(s.Elapsed)} s)"));
        if (exact is not null)
            Row("error vs x_exact (ℓ2, ℓ∞ relative)", Markup.Escape($"{Sci(LeastSquaresMetrics.RelativeL2Error(x, exact))}, {Sci(LeastSquaresMetrics.RelativeInfinityError(x, exact))}"));
        AnsiConsole.Write(t);
    }
}
