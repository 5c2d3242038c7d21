using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using PureHDF;
using Solvers.Cli.Infrastructure;
using Solvers.Dense;
using Solvers.Pde.GaussianProcess;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary>
/// <c>solvers pde gp --case C --steps N</c>: solve one of the GP-HM cases (spec gp-kronecker-pde §4.1) with
/// <see cref="GpHmSolver"/>, show live progress, print a summary and write solution.h5, history.csv and two plots.
/// </summary>
public static class PdeCommand
{
    /// <summary>Creates the <c>pde</c> command with its <c>gp</c> subcommand.</summary>
    public static Command Create()
    {
        var caseName = new Option<string>("--case") { Description = "GP-HM case: number (1 … 11, 2-cos, 9-sin) or name (e.g. poisson1d-sin100).", Required = true };
        var steps = new Option<int>("--steps") { Description = "Adam steps (required, ≥ 1).", Required = true };
        var kernel = new Option<string>("--kernel") { Description = "Kernel: stm (GP-HM-StM), gm (GP-HM-GM), matern or se (baselines).", DefaultValueFactory = _ => "stm" };
        kernel.AcceptOnlyFromAmong("stm", "gm", "matern", "se");
        var grid = new Option<string?>("--grid") { Description = "Grid points per dimension: N (every dimension) or N1xN2 (default: the case's reference grid)." };
        var backend = new Option<string?>("--backend") { Description = "Dense backend: mkl, openblas or managed (default: SOLVERS_DENSE_BACKEND or best)." };
        backend.AcceptOnlyFromAmong("mkl", "openblas", "managed", "best");
        var checkpoints = new Option<int>("--checkpoints") { Description = "Test-error checkpoints at k = 0, S/C, …, (C−1)S/C.", DefaultValueFactory = _ => 20 };
        var logEvery = new Option<int>("--log-every") { Description = "Log J, its parts, τ1, τ2 and the RMS residual every N steps (0 = never).", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output", "-o") { Description = "Output directory (default ./gp-<case name>)." };
        var noPlot = new Option<bool>("--no-plot") { Description = "Do not write solution.png and spectrum.png." };
        var verbosity = new Option<Verbosity>("--verbosity", "-v") { Description = "quiet, normal, detailed or diagnostic.", DefaultValueFactory = _ => Verbosity.Normal };
        var gp = new Command("gp", "Solve a high-frequency / multi-scale PDE case with GP-HM (Gaussian process, spectral-mixture kernel, Kronecker algebra, Adam).")
        {
            caseName, steps, kernel, grid, backend, checkpoints, logEvery, output, noPlot, verbosity,
        };
        gp.SetAction((r, ct) => Task.FromResult(RunGp(new GpArgs(r.GetValue(caseName)!, r.GetValue(steps), r.GetValue(kernel)!, r.GetValue(grid),
            r.GetValue(backend), r.GetValue(checkpoints), r.GetValue(logEvery), r.GetValue(output), r.GetValue(noPlot), r.GetValue(verbosity)), ct)));
        return new Command("pde", "PDE solvers that are not linear systems in a file.") { gp };
    }

    private sealed record GpArgs(string Case, int Steps, string Kernel, string? Grid, string? Backend, int Checkpoints, int LogEvery, string? Output,
        bool NoPlot, Verbosity Verbosity);

    /// <summary>The kernel family of a CLI name (stm, gm, matern, se).</summary>
    internal static SpectralKernelKind ParseKernel(string name) => name.ToUpperInvariant() switch
    {
        "STM" => SpectralKernelKind.StudentTMatern52,
        "GM" => SpectralKernelKind.GaussianMixture,
        "MATERN" => SpectralKernelKind.Matern52,
        "SE" => SpectralKernelKind.SquaredExponential,
        _ => throw new ArgumentException($"--kernel '{name}': expected stm, gm, matern or se."),
    };

    /// <summary>The CLI name of a kernel family.</summary>
    internal static string KernelName(SpectralKernelKind kind) => kind switch
    {
        SpectralKernelKind.StudentTMatern52 => "stm",
        SpectralKernelKind.GaussianMixture => "gm",
        SpectralKernelKind.Matern52 => "matern",
        _ => "se",
    };

    /// <summary>Grid points per dimension from "N" or "N1xN2" (null = the case's reference grid).</summary>
    internal static int[] ParseGrid(string? text, GpHmCase c)
    {
        if (text is null) return [.. c.Points];
        var parts = text.Split('x', 'X', '×');
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]))
                throw new ArgumentException($"--grid '{text}': expected N or N1xN2 with positive integers.");
            if (counts[i] < 3) throw new ArgumentException($"--grid '{text}': GP-HM needs at least 3 points per dimension.");
        }

        if (counts.Length == 1) return [.. Enumerable.Repeat(counts[0], c.Dimensions)];
        if (counts.Length != c.Dimensions)
            throw new ArgumentException($"--grid '{text}': case {c.Number} ({c.Name}) is {c.Dimensions}-D; give {(c.Dimensions == 1 ? "N" : "N or N1xN2")}.");
        return counts;
    }

    /// <summary>The dense backend of a name (null or best = <see cref="DenseBackend.Current"/>); an unavailable one is bad input.</summary>
    internal static IDenseBackend ResolveBackend(string? name)
    {
        if (name is null || name == "best") return DenseBackend.Current;
        if (!DenseBackend.Available.TryGetValue(name, out var a))
            throw new ArgumentException($"--backend '{name}': expected one of {string.Join(", ", DenseBackend.Available.Keys)}.");
        return a.Backend ?? throw new ArgumentException($"--backend {name} is unavailable here: {a.Reason}");
    }

    private static int RunGp(GpArgs a, CancellationToken ct)
    {
        var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        try
        {
            var c = GpHmCases.Get(a.Case);
            if (a.Steps < 1) throw new ArgumentException($"--steps must be ≥ 1 (got {a.Steps}).");
            if (a.Checkpoints < 1) throw new ArgumentException($"--checkpoints must be ≥ 1 (got {a.Checkpoints}).");
            if (a.LogEvery < 0) throw new ArgumentException($"--log-every must be ≥ 0 (got {a.LogEvery}).");
            var kind = ParseKernel(a.Kernel);
            int[] points = ParseGrid(a.Grid, c);
            var backend = ResolveBackend(a.Backend);
            string outDir = a.Output ?? Path.Combine(".", "gp-" + c.Name);
            var problem = c.CreateProblem(points);
            var options = c.CreateOptions(a.Steps, kind) with
            {
                Checkpoints = a.Checkpoints,
                LogEvery = a.LogEvery,
            };
            options.Validate(problem.Dimensions);
            var verbosity = a.LogEvery > 0 && a.Verbosity == Verbosity.Normal ? Verbosity.Detailed : a.Verbosity;
            using var loggerFactory = CliLogging.Create(verbosity);
            var logger = loggerFactory.CreateLogger("solvers.gp");
            string label = $"{c.Number} {c.Name} {string.Join("×", points)} {KernelName(kind)} {backend.Name}";
            err.MarkupLine($"[grey]GP-HM case {Markup.Escape(GpHmCases.Describe(c))}[/]");
            var result = SolveWithProgress(err, new GpHmSolver(backend), problem, options, logger, label, ct);
            var output = GpHmOutput.Create(c, problem, options, result);
            Directory.CreateDirectory(outDir);
            output.WriteHdf5(Path.Combine(outDir, "solution.h5"), backend.Name);
            output.WriteHistory(Path.Combine(outDir, "history.csv"));
            if (!a.NoPlot)
            {
                GpHmPlots.Solution(output, Path.Combine(outDir, "solution.png"));
                GpHmPlots.Spectrum(output, Path.Combine(outDir, "spectrum.png"));
            }

            PrintSummary(output, backend.Name, outDir);
            if (!result.Summary.Converged)
            {
                err.MarkupLine($"[red]not converged[/]: {Markup.Escape(result.Summary.Reason.ToString())} — {Markup.Escape(result.Summary.Reason.Describe())}"
                    + (result.FailedDimension >= 0 ? $" (dimension {result.FailedDimension})" : ""));
                return ExitCodes.NotConverged;
            }

            return ExitCodes.Success;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("error: " + OneLine(e.Message));
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            err.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.NotConverged;
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    private static GpHmResult SolveWithProgress(IAnsiConsole err, GpHmSolver solver, TensorGridPde problem, GpHmOptions options, ILogger logger,
        string label, CancellationToken ct)
    {
        bool interactive = err.Profile.Capabilities.Interactive && !Console.IsErrorRedirected;
        string Line(GpHmStepInfo info) => string.Create(CultureInfo.InvariantCulture,
            $"{label}  step {info.Step + 1}/{info.Steps}  loss {info.Loss.Total:0.0000e+00}  RMS residual {info.Loss.RmsResidual:0.000e+00}{(info.ExtraGp ? "  (extra GP)" : "")}");
        if (!interactive)
        {
            // Plain progress lines (about ten per run) for logs and pipes.
            int every = Math.Max(1, options.Steps / 10);
            var plain = new InlineProgress<GpHmStepInfo>(info =>
            {
                if ((info.Step + 1) % every == 0 || info.Step + 1 == info.Steps) Console.Error.WriteLine(Line(info));
            });
            return solver.Solve(problem, options, new SolverHooks(logger, null, ct), plain);
        }

        GpHmResult? result = null;
        err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: options.Steps);
                long lastTicks = 0;
                var progress = new InlineProgress<GpHmStepInfo>(info =>
                {
                    long now = Stopwatch.GetTimestamp();
                    if (now - lastTicks < Stopwatch.Frequency / 10) return;
                    lastTicks = now;
                    task.Value = Math.Min(info.Step + 1, options.Steps);
                    task.Description = Markup.Escape(Line(info));
                });
                result = solver.Solve(problem, options, new SolverHooks(logger, null, ct), progress);
                task.Value = options.Steps;
            });
        return result!;
    }

    /// <summary>A synchronous IProgress (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }

    private static string Sci(double v) => double.IsNaN(v) ? "—" : v.ToString("0.000e+00", CultureInfo.InvariantCulture);

    private static void PrintSummary(GpHmOutput o, string backend, string outDir)
    {
        var r = o.Result;
        var ci = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("quantity", "value");
        string color = r.Summary.Converged ? "green" : "red";
        table.AddRow("case", Markup.Escape($"{o.Case.Number} {o.Case.Name} ({string.Join("×", o.Problem.Points)})"));
        table.AddRow("kernel", Markup.Escape(o.Options.Kernel.ToString()));
        table.AddRow("reason", $"[{color}]{Markup.Escape(r.Summary.Reason.ToString())}[/]");
        table.AddRow("steps", r.Summary.Iterations.ToString(ci));
        table.AddRow("final test error", Sci(r.FinalTestError));
        table.AddRow("min test error (checkpoints)", Sci(r.MinTestError));
        table.AddRow("τ1 / τ2", $"{Sci(r.Tau1)} / {Sci(r.Tau2)}");
        table.AddRow("RMS PDE residual", Sci(r.Summary.FinalResidualNorm));
        table.AddRow("ms/step", o.MillisecondsPerStep.ToString("F2", ci));
        table.AddRow("dense backend", Markup.Escape(backend));
        AnsiConsole.Write(table);
        if (r.Kernels.Count > 0)
        {
            var comps = new Table().Border(TableBorder.Rounded).AddColumns("dimension", "rank", "weight", "|μ|", "ℓ");
            for (int j = 0; j < r.Kernels.Count; j++)
            {
                int rank = 1;
                foreach (var s in r.Kernels[j].ByWeight().Take(5))
                    comps.AddRow(j.ToString(ci), (rank++).ToString(ci), Sci(s.Weight), Math.Abs(s.Frequency).ToString("F4", ci), Sci(s.InverseLengthscale));
            }

            AnsiConsole.Write(comps);
        }

        if (o.Case.TrueFrequencies.Count > 0)
            AnsiConsole.MarkupLine(Markup.Escape("true frequencies (cycles/unit): " + string.Join(", ", o.Case.TrueFrequencies.Select(f => f.ToString("F3", ci)))));
        AnsiConsole.MarkupLine($"written to [blue]{Markup.Escape(outDir)}[/]");
    }

}

/// <summary>A finished GP-HM run with its test-grid prediction, ready to be written or plotted.</summary>
internal sealed class GpHmOutput
{
    private GpHmOutput(GpHmCase c, TensorGridPde problem, GpHmOptions options, GpHmResult result, double[][] axes, double[] prediction, double[]? exact)
    {
        Case = c;
        Problem = problem;
        Options = options;
        Result = result;
        TestAxes = axes;
        Prediction = prediction;
        Exact = exact;
    }

    public GpHmCase Case { get; }

    public TensorGridPde Problem { get; }

    public GpHmOptions Options { get; }

    public GpHmResult Result { get; }

    /// <summary>The uniform test axes (spec §2.9), one per dimension.</summary>
    public double[][] TestAxes { get; }

    /// <summary>ũ on the test grid, row-major.</summary>
    public double[] Prediction { get; }

    /// <summary>The exact solution on the test grid, row-major (null when unknown).</summary>
    public double[]? Exact { get; }

    public double MillisecondsPerStep => Result.Summary.Elapsed.TotalMilliseconds / Math.Max(1, Result.Summary.Iterations);

    public static GpHmOutput Create(GpHmCase c, TensorGridPde problem, GpHmOptions options, GpHmResult result)
    {
        var axes = new double[problem.Dimensions][];
        for (int j = 0; j < axes.Length; j++) axes[j] = GpHmInterpolant.UniformAxis(problem.Lengths[j], options.TestPointsPerDimension);
        var prediction = result.Interpolant.EvaluateGrid(axes);
        double[]? exact = null;
        if (problem.ExactSolution is { } u)
        {
            exact = new double[prediction.Length];
            int n2 = axes.Length == 2 ? axes[1].Length : 1;
            var x = new double[axes.Length];
            for (int i = 0; i < exact.Length; i++)
            {
                x[0] = axes[0][i / n2];
                if (axes.Length == 2) x[1] = axes[1][i % n2];
                exact[i] = u(x);
            }
        }

        return new GpHmOutput(c, problem, options, result, axes, prediction, exact);
    }

    private static ulong[] Shape(IReadOnlyList<int> counts) => [.. counts.Select(n => (ulong)n)];

    /// <summary>Writes solution.h5 (grid values, axes, test-grid prediction and exact, checkpoints, kernels, attributes).</summary>
    public void WriteHdf5(string path, string backend)
    {
        var r = Result;
        var file = new H5File();
        var at = file.Attributes;
        at["format"] = "gp-hm-solution";
        at["case"] = Case.Name;
        at["case_number"] = Case.Number;
        at["kernel"] = Options.Kernel.ToString();
        at["steps"] = (long)r.Summary.Iterations;
        at["requested_steps"] = (long)Options.Steps;
        at["reason"] = r.Summary.Reason.ToString();
        at["reason_code"] = (int)r.Summary.Reason;
        at["tau1"] = r.Tau1;
        at["tau2"] = r.Tau2;
        at["final_test_error"] = r.FinalTestError;
        at["min_test_error"] = r.MinTestError;
        at["rms_residual"] = r.Summary.FinalResidualNorm;
        at["ms_per_step"] = MillisecondsPerStep;
        at["dense_backend"] = backend;
        at["frequency_scale"] = Case.FrequencyScale;
        at["boundary_weight"] = Options.EffectiveBoundaryWeight(Problem.Kind);
        at["change_point_step"] = (long)r.ChangePointStep;
        at["created_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        file["grid_values"] = new H5Dataset(r.Values.ToArray(), fileDims: Shape(Problem.Points));
        for (int j = 0; j < Problem.Dimensions; j++)
            file["axis_" + j.ToString(CultureInfo.InvariantCulture)] = Enumerable.Range(0, Problem.Points[j]).Select(a => Problem.GridCoordinate(j, a)).ToArray();
        var testShape = Shape([.. TestAxes.Select(t => t.Length)]);
        for (int j = 0; j < TestAxes.Length; j++) file["test_axis_" + j.ToString(CultureInfo.InvariantCulture)] = TestAxes[j];
        file["prediction"] = new H5Dataset(Prediction, fileDims: testShape);
        if (Exact is not null) file["exact"] = new H5Dataset(Exact, fileDims: testShape);
        file["checkpoint_step"] = r.Checkpoints.Select(k => (long)k.Step).ToArray();
        file["checkpoint_loss"] = r.Checkpoints.Select(k => k.Loss.Total).ToArray();
        file["checkpoint_test_error"] = r.Checkpoints.Select(k => k.TestError).ToArray();
        file["checkpoint_running_min"] = r.Checkpoints.Select(k => k.RunningMinimum).ToArray();
        for (int j = 0; j < r.Kernels.Count; j++)
        {
            var comps = r.Kernels[j].Components;
            file["kernel_" + j.ToString(CultureInfo.InvariantCulture)] = new H5Group
            {
                ["weights"] = comps.Select(s => s.Weight).ToArray(),
                ["inverse_lengthscales"] = comps.Select(s => s.InverseLengthscale).ToArray(),
                ["frequencies"] = comps.Select(s => s.Frequency).ToArray(),
            };
        }

        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp";
        file.Write(tmp);
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>Writes history.csv: one row per checkpoint (loss parts, τ's, RMS residual, test error, running minimum).</summary>
    public void WriteHistory(string path)
    {
        var sb = new StringBuilder("step,loss,loss_logdet,loss_quadratic,loss_boundary,loss_residual,rms_residual,tau1,tau2,test_error,running_min,elapsed_s\n");
        foreach (var k in Result.Checkpoints)
        {
            var l = k.Loss;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{k.Step},{l.Total:R},{l.LogDeterminant:R},{l.Quadratic:R},{l.Boundary:R},{l.Residual:R},{l.RmsResidual:R},{l.Tau1:R},{l.Tau2:R},{k.TestError:R},{k.RunningMinimum:R},{k.Elapsed.TotalSeconds:R}"));
        }

        File.WriteAllText(path, sb.ToString());
    }
}

/// <summary>The two PNGs of <c>pde gp</c> (ScottPlot, CLI only).</summary>
internal static class GpHmPlots
{
    private const int Width = 1100;
    private const int Height = 800;

    /// <summary>1-D: prediction vs exact and the pointwise error; 2-D: heatmaps of the prediction and |error|.</summary>
    public static void Solution(GpHmOutput o, string path)
    {
        var mp = new ScottPlot.Multiplot();
        ScottPlot.IMultiplotExtensions.AddPlots(mp, 2);
        var top = ScottPlot.IMultiplotExtensions.GetPlot(mp, 0);
        var bottom = ScottPlot.IMultiplotExtensions.GetPlot(mp, 1);
        string title = $"case {o.Case.Number} {o.Case.Name}, {o.Options.Kernel}, {o.Result.Summary.Iterations} steps";
        if (o.TestAxes.Length == 1)
        {
            double[] x = o.TestAxes[0];
            var pred = top.Add.ScatterLine(x, o.Prediction);
            pred.LegendText = "GP-HM prediction";
            if (o.Exact is { } ex)
            {
                var exact = top.Add.ScatterLine(x, ex);
                exact.LegendText = "exact";
                exact.LinePattern = ScottPlot.LinePattern.Dashed;
                bottom.Add.ScatterLine(x, [.. o.Prediction.Select((p, i) => p - ex[i])]);
                bottom.Title("pointwise error ũ − u");
            }
            else
            {
                bottom.Title("no exact solution");
            }

            top.ShowLegend();
            top.Title(title);
            top.XLabel("x");
            bottom.XLabel("x");
        }
        else
        {
            int n1 = o.TestAxes[0].Length, n2 = o.TestAxes[1].Length;
            // Heatmap rows run top to bottom: row = y index from the top, column = x index.
            double[,] Field(Func<int, double> value)
            {
                var f = new double[n2, n1];
                for (int a = 0; a < n1; a++)
                {
                    for (int b = 0; b < n2; b++) f[n2 - 1 - b, a] = value(a * n2 + b);
                }

                return f;
            }

            var hp = top.Add.Heatmap(Field(i => o.Prediction[i]));
            hp.Extent = new ScottPlot.CoordinateRect(0, o.Problem.Lengths[0], 0, o.Problem.Lengths[1]);
            top.Add.ColorBar(hp);
            top.Title(title + ": prediction");
            if (o.Exact is { } ex)
            {
                var he = bottom.Add.Heatmap(Field(i => Math.Abs(o.Prediction[i] - ex[i])));
                he.Extent = new ScottPlot.CoordinateRect(0, o.Problem.Lengths[0], 0, o.Problem.Lengths[1]);
                bottom.Add.ColorBar(he);
                bottom.Title("|ũ − u|");
            }

            top.XLabel("x");
            top.YLabel(o.Case.Kind == PdeKind.Advection ? "t" : "y");
            bottom.XLabel("x");
            bottom.YLabel(o.Case.Kind == PdeKind.Advection ? "t" : "y");
        }

        ScottPlot.IMultiplotExtensions.SavePng(mp, path, Width, Height);
    }

    /// <summary>Learned weights against |μ| per dimension (stems), with the case's true frequencies as vertical lines.</summary>
    public static void Spectrum(GpHmOutput o, string path)
    {
        var mp = new ScottPlot.Multiplot();
        int d = Math.Max(1, o.Result.Kernels.Count);
        ScottPlot.IMultiplotExtensions.AddPlots(mp, d);
        for (int j = 0; j < o.Result.Kernels.Count; j++)
        {
            var plot = ScottPlot.IMultiplotExtensions.GetPlot(mp, j);
            var comps = o.Result.Kernels[j].Components;
            double[] mu = [.. comps.Select(s => Math.Abs(s.Frequency))];
            double[] w = [.. comps.Select(s => s.Weight)];
            for (int q = 0; q < mu.Length; q++)
            {
                var stem = plot.Add.Line(mu[q], 0, mu[q], w[q]);
                stem.LineWidth = 1.5f;
                stem.Color = ScottPlot.Colors.SteelBlue;
            }

            var markers = plot.Add.ScatterPoints(mu, w);
            markers.Color = ScottPlot.Colors.SteelBlue;
            markers.LegendText = "learned components";
            foreach (double f in o.Case.TrueFrequencies)
            {
                var v = plot.Add.VerticalLine(f);
                v.Color = ScottPlot.Colors.Red;
                v.LinePattern = ScottPlot.LinePattern.Dashed;
            }

            plot.Title(string.Create(CultureInfo.InvariantCulture,
                $"dimension {j}: weights vs |μ| (cycles/unit){(o.Case.TrueFrequencies.Count > 0 ? "; dashed: true frequencies" : "")}"));
            plot.XLabel("|μ|");
            plot.YLabel("weight");
        }

        ScottPlot.IMultiplotExtensions.SavePng(mp, path, Width, Height);
    }
}
