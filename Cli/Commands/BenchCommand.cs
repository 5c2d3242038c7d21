using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Pde;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary>
/// <c>solvers bench cg</c>: CG iterations, time per iteration and effective bandwidth, stencil vs CSR;
/// <c>solvers bench dense</c>: GFLOP/s of the dense backends against numpy and managed (<see cref="DenseBench"/>);
/// <c>solvers bench gp</c>: the GP-HM accuracy rows and per-backend step times (<see cref="GpBench"/>);
/// <c>solvers bench sbl</c>: the sparse Bayesian recovery rows SBL-1 … SBL-6 (<see cref="SblBench"/>).
/// </summary>
public static class BenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var what = new Argument<string>("benchmark") { Description = "Benchmark to run: cg (Krylov, stencil vs CSR), dense (dense backends vs numpy and managed), sor-bandit, heat, gp (GP-HM accuracy and step times), lstsq (sketched least squares LS-1 … LS-7) or sbl (sparse Bayesian recovery SBL-1 … SBL-6)." };
        what.AcceptOnlyFromAmong("cg", "dense", "sor-bandit", "heat", "gp", "lstsq", "sbl");
        var problems = new Option<string>("--problems") { Description = "cg: comma-separated problems: poisson2d_N, poisson3d_N, diffusion2d_N.", DefaultValueFactory = _ => "poisson2d_512,poisson2d_1024,poisson3d_64" };
        var repeats = new Option<int?>("--repeats") { Description = "Runs per configuration; the fastest is reported (default 2 for cg, 3 for dense)." };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file." };
        var csv = new Option<string?>("--csv") { Description = "cg: also write the rows as CSV to this file." };
        var quick = new Option<bool>("--quick") { Description = "dense: skip the managed backend at n = 2000 and for the tall QR (it takes minutes there); lstsq: shrunk sizes and draws (plumbing run); sbl: reduced trial counts (smoke run)." };
        var backends = new Option<string?>("--backends") { Description = "dense: comma-separated backends to measure (default: every available one); sbl: backends timed against the current one (default: managed)." };
        var python = new Option<string>("--python") { Description = "dense: the Python with numpy for the reference run; sbl: the Python with scikit-learn and h5py (SBL-6).", DefaultValueFactory = _ => "/usr/bin/python3" };
        var numpyScript = new Option<string>("--numpy-script") { Description = "dense: the numpy reference script.", DefaultValueFactory = _ => "bench/dense_numpy.py" };
        var noNumpy = new Option<bool>("--no-numpy") { Description = "dense: do not run the numpy reference." };
        var rounds = new Option<int>("--rounds") { Description = "dense: rounds over numpy and the native backends, each figure keeping its best (a shared machine's load bursts then cost every library alike).", DefaultValueFactory = _ => 3 };
        var count = new Option<int?>("--count") { Description = "sor-bandit: instances per trial (default 5000); heat: time steps (default 5000)." };
        var trials = new Option<int>("--trials") { Description = "sor-bandit: trials per distribution (default 4); sbl: trials per point (default: the spec's 20 / 10 / 8 / 10).", DefaultValueFactory = _ => 4 };
        var nx = new Option<int>("--nx") { Description = "heat: grid intervals per axis.", DefaultValueFactory = _ => 50 };
        var budget = new Option<double>("--time-budget") { Description = "heat: stop stepping after this many seconds and report the T reached.", DefaultValueFactory = _ => 540 };
        var stepsScale = new Option<double>("--steps-scale") { Description = "gp: multiply every step count (e.g. 0.01 for a plumbing run; rows are then not judged).", DefaultValueFactory = _ => 1 };
        var longRuns = new Option<bool>("--long") { Description = "gp: also case 9 for 6000 steps and case 1 for 20 000 steps." };
        var paper = new Option<bool>("--paper") { Description = "gp: also case 1 for 100 000 steps (the reference's count)." };
        var noTiming = new Option<bool>("--no-timing") { Description = "gp: skip the per-backend timing table." };
        var timingOnly = new Option<bool>("--timing-only") { Description = "gp: only the per-backend timing table." };
        var only = new Option<string?>("--only") { Description = "lstsq: comma-separated benchmarks, e.g. LS-1,LS-4 (default: all seven); sbl: e.g. SBL-1,SBL-5 (default: all six)." };
        var draws = new Option<int?>("--draws") { Description = "lstsq: draws per stochastic cell (default: the spec's 5, 30 for LS-3, 20 seeds for LS-6)." };
        var ardProblems = new Option<int?>("--ard-problems") { Description = "sbl: run scikit-learn's ARDRegression (≈30 s per fit) on only the first N SBL-6 problems (default: all; 1 with --quick)." };
        var noSklearn = new Option<bool>("--no-sklearn") { Description = "sbl: skip the scikit-learn run of SBL-6." };
        var fastProblems = new Option<int?>("--fast-problems") { Description = "sbl: run fast SBL (minutes per solve at N = 3375) on only the first N SBL-1 problems (default 2; 1 with --quick)." };
        var cmd = new Command("bench", "Run a benchmark and print a table of ratios (times drift on shared machines; compare within one run).")
        {
            what, problems, repeats, markdown, csv, quick, backends, python, numpyScript, noNumpy, rounds, count, trials, nx, budget,
            stepsScale, longRuns, paper, noTiming, timingOnly, only, draws, ardProblems, noSklearn, fastProblems,
        };
        cmd.SetAction(r =>
        {
            try
            {
                if (r.GetValue(what) is "sor-bandit" or "heat")
                {
                    var o = new SorBanditBenchOptions(r.GetValue(count) ?? 5000, r.GetValue(trials), r.GetValue(nx), r.GetValue(markdown), r.GetValue(budget));
                    return r.GetValue(what) == "heat" ? SorBanditBench.RunHeat(o) : SorBanditBench.RunSor(o);
                }

                if (r.GetValue(what) == "lstsq")
                    return LstsqBench.Run(new LstsqBenchOptions(r.GetValue(quick), r.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), r.GetValue(draws), r.GetValue(markdown)));

                if (r.GetValue(what) == "sbl")
                {
                    var names = r.GetValue(backends)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    int? sblTrials = r.GetResult(trials) is { Implicit: false } ? r.GetValue(trials) : null; // --trials' default 4 is sor-bandit's
                    return SblBench.Run(new SblBenchOptions(r.GetValue(quick), r.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                        sblTrials, r.GetValue(ardProblems), r.GetValue(noSklearn) ? null : r.GetValue(python), "bench/sbl_sklearn.py", names, r.GetValue(markdown), r.GetValue(fastProblems)));
                }

                if (r.GetValue(what) == "gp")
                {
                    var names = r.GetValue(backends)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    return GpBench.Run(new GpBenchOptions(r.GetValue(stepsScale), r.GetValue(longRuns), r.GetValue(paper), !r.GetValue(timingOnly),
                        !r.GetValue(noTiming), names, r.GetValue(markdown)));
                }

                if (r.GetValue(what) == "dense")
                {
                    var names = r.GetValue(backends)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    return DenseBench.Run(new DenseBenchOptions(Math.Max(1, r.GetValue(repeats) ?? 3), Math.Max(1, r.GetValue(rounds)), r.GetValue(quick), names,
                        r.GetValue(noNumpy) ? null : r.GetValue(python), r.GetValue(numpyScript)!, r.GetValue(markdown)));
                }

                return RunCg(r.GetValue(problems)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Math.Max(1, r.GetValue(repeats) ?? 2), r.GetValue(markdown), r.GetValue(csv));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    private sealed record Row(string Problem, string Storage, int N, long Nnz, double ApplySeconds, int Iterations, double Seconds, double SecondsPerIteration,
        double MegabytesPerIteration, double GigabytesPerSecond, double RelativeResidual, string Reason);

    private static int RunCg(string[] names, int repeats, string? markdownPath, string? csvPath)
    {
        double triad = MachineBalance.TriadBandwidth();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"STREAM-like triad (TensorPrimitives, 1 thread): {triad:F1} GB/s"));
        var rows = new List<Row>();
        foreach (var name in names)
        {
            var p = MakeProblem(name);
            var b = p.GetRightHandSide(0);
            var csr = ((IConvertibleToCsr)p.A).ToCsr();
            foreach (var (storage, op) in new (string, ILinearOperator)[] { ("stencil", p.A), ("csr", csr) })
            {
                var ws = new ConjugateGradientWorkspace(op.Rows);
                var solver = new ConjugateGradient(ws);
                var x = new double[op.Rows];
                var options = new SolverOptions { RelativeTolerance = 1e-8, MaxIterations = 100_000, SymmetryCheck = SymmetryCheck.Off };
                SolverResult best = default;
                double bestSeconds = double.PositiveInfinity;
                for (int k = 0; k < repeats; k++)
                {
                    Array.Clear(x);
                    var t = Stopwatch.StartNew();
                    var res = solver.Solve(op, b, x, options);
                    double s = t.Elapsed.TotalSeconds;
                    if (s < bestSeconds) { bestSeconds = s; best = res; }
                }

                int n = op.Rows;
                long nnz = csr.NonZeroCount;
                // Byte model (as in the peers' tabulate.py): SpMV reads values+indices (12·nnz) and row pointers (4n),
                // reads x and writes y (16n); a stencil moves only x and y (16n, coefficients are constants).
                // CG adds 12 vector streams per iteration (2 dots, 3 updates), plus one for the stagnation test's pᵀp.
                double spmvBytes = storage == "csr" ? 12.0 * nnz + 20.0 * n : 16.0 * n;
                double bytes = spmvBytes + 13.0 * 8 * n;
                int its = Math.Max(best.Iterations, 1);
                double spi = bestSeconds / its;
                double apply = TimeApply(op, b, x);
                rows.Add(new Row(name, storage, n, storage == "csr" ? nnz : 0, apply, best.Iterations, bestSeconds, spi, bytes / 1e6,
                    bytes / spi / 1e9, best.TrueResidualNorm / VectorMath.Norm2(b), best.Reason.ToString()));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} {storage}: {best.Iterations} it, {bestSeconds:F2} s"));
            }
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("problem", "storage", "n", "nnz", "apply ms", "CG it", "seconds", "ms/it", "MB/it (model)", "GB/s", "GB/s ÷ triad", "time ÷ CSR", "‖b−Ax‖/‖b‖");
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"STREAM-like triad (TensorPrimitives, 1 thread, same run): {triad:F1} GB/s; threads: {Environment.ProcessorCount}");
        md.AppendLine();
        md.AppendLine("| problem | storage | n | nnz | apply ms | CG it | seconds | ms/it | MB/it (model) | GB/s | GB/s ÷ triad | time/it ÷ CSR | rel. residual |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var csrRow = rows.First(q => q.Problem == row.Problem && q.Storage == "csr");
            string[] cells =
            [
                row.Problem, row.Storage, row.N.ToString(CultureInfo.InvariantCulture), row.Nnz == 0 ? "—" : row.Nnz.ToString(CultureInfo.InvariantCulture),
                (row.ApplySeconds * 1e3).ToString("F3", CultureInfo.InvariantCulture),
                row.Iterations.ToString(CultureInfo.InvariantCulture), row.Seconds.ToString("F3", CultureInfo.InvariantCulture),
                (row.SecondsPerIteration * 1e3).ToString("F3", CultureInfo.InvariantCulture), row.MegabytesPerIteration.ToString("F1", CultureInfo.InvariantCulture),
                row.GigabytesPerSecond.ToString("F1", CultureInfo.InvariantCulture), (row.GigabytesPerSecond / triad).ToString("F2", CultureInfo.InvariantCulture),
                (row.SecondsPerIteration / csrRow.SecondsPerIteration).ToString("F2", CultureInfo.InvariantCulture),
                row.RelativeResidual.ToString("0.00e+00", CultureInfo.InvariantCulture),
            ];
            table.AddRow(cells.Select(Markup.Escape).ToArray());
            md.AppendLine("| " + string.Join(" | ", cells) + " |");
        }

        AnsiConsole.Write(table);
        if (markdownPath is not null) File.WriteAllText(markdownPath, md.ToString());
        if (csvPath is not null)
        {
            var c = new StringBuilder("peer,problem,n,nnz,iters,seconds,s_per_iter,GB_per_s,rel_residual\n");
            foreach (var row in rows)
                c.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"solvers-{row.Storage},{row.Problem},{row.N},{row.Nnz},{row.Iterations},{row.Seconds:R},{row.SecondsPerIteration:R},{row.GigabytesPerSecond:R},{row.RelativeResidual:R}"));
            File.WriteAllText(csvPath, c.ToString());
        }
        return rows.All(r => r.Reason.StartsWith("Converged", StringComparison.Ordinal)) ? ExitCodes.Success : ExitCodes.NotConverged;
    }

    /// <summary>Best of 20 timed applications of the operator alone (after 3 warm-up calls).</summary>
    private static double TimeApply(ILinearOperator op, double[] x, double[] y)
    {
        for (int i = 0; i < 3; i++) op.Apply(x, y);
        double best = double.PositiveInfinity;
        for (int i = 0; i < 20; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            op.Apply(x, y);
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        return best;
    }

    private static LinearProblem MakeProblem(string name)
    {
        int us = name.LastIndexOf('_');
        if (us < 0 || !int.TryParse(name.AsSpan(us + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 2)
            throw new ArgumentException($"problem '{name}': expected poisson2d_N, poisson3d_N or diffusion2d_N.");
        return name[..us] switch
        {
            "poisson2d" => PoissonProblems.Poisson2D(n, matrixFree: true),
            "poisson3d" => PoissonProblems.Poisson3D(n, matrixFree: true),
            "diffusion2d" => PoissonProblems.Diffusion2D(n, 100, 1, matrixFree: true),
            _ => throw new ArgumentException($"problem '{name}': expected poisson2d_N, poisson3d_N or diffusion2d_N."),
        };
    }
}
