using System.Diagnostics;
using System.Globalization;
using System.Text;
using Solvers.Cli.Infrastructure;
using Solvers.Dense;
using Solvers.Pde.GaussianProcess;

namespace Solvers.Cli.Commands;

/// <summary>Options of <c>solvers bench gp</c>.</summary>
/// <param name="StepsScale">Multiplies every step count (1 = the spec's; e.g. 0.01 for a plumbing smoke run, whose rows are then not judged).</param>
/// <param name="Long">Also run the longer rows: case 9 for 6000 steps and case 1 for 20 000 steps.</param>
/// <param name="Paper">Also run case 1 for 100 000 steps (the reference's step count).</param>
/// <param name="Accuracy">Run the accuracy rows.</param>
/// <param name="Timing">Run the per-backend timing table.</param>
/// <param name="Backends">Timing: only these backends (null = every available one).</param>
/// <param name="Markdown">Report path (null = bench/results/gp-&lt;yyyyMMdd-HHmm&gt;.md).</param>
public sealed record GpBenchOptions(double StepsScale, bool Long, bool Paper, bool Accuracy, bool Timing, IReadOnlyList<string>? Backends, string? Markdown);

/// <summary>
/// The GP-HM benchmarks of spec gp-kronecker-pde §5.2: accuracy rows with PASS/FAIL (relative L2 at the final step,
/// the minimum over checkpoints, learned frequencies) and the per-step time of each dense backend as ratios to managed.
/// </summary>
public static class GpBench
{
    private sealed record Row(string Label, string Case, int Steps, Func<GpHmResult, (bool Pass, string Criterion, string Detail)> Judge);

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    private static string Sci(double v) => double.IsNaN(v) ? "—" : v.ToString("0.00e+00", Ci);

    /// <summary>|μ| of the k components of largest weight in dimension j.</summary>
    private static double[] TopFrequencies(GpHmResult r, int dimension, int k) =>
        [.. r.Kernels[dimension].ByWeight().Take(k).Select(c => Math.Abs(c.Frequency))];

    private static string TopList(GpHmResult r, int k) => string.Join("; ", Enumerable.Range(0, r.Kernels.Count).Select(j =>
        $"dim {j}: " + string.Join(", ", r.Kernels[j].ByWeight().Take(k).Select(c => string.Create(Ci, $"{Math.Abs(c.Frequency):F3} (w {c.Weight:0.00})")))));

    private static IEnumerable<Row> Rows(GpBenchOptions o)
    {
        yield return new Row("case 1, 10 000 steps", "1", 10_000, r =>
        {
            double mu = TopFrequencies(r, 0, 1)[0];
            bool pass = r.FinalTestError <= 3e-3 && Math.Abs(mu - 15.915) <= 0.05;
            return (pass, "final rel. L2 ≤ 3e−3; largest-weight |μ| within 0.05 of 15.915", string.Create(Ci, $"largest-weight |μ| = {mu:F4}"));
        });
        yield return new Row("case 3, 10 000 steps", "3", 10_000, r =>
        {
            var top = TopFrequencies(r, 0, 5);
            bool a = top.Any(m => Math.Abs(m - 16.87) <= 0.1), b = top.Any(m => Math.Abs(m - 14.96) <= 0.1);
            return (r.FinalTestError <= 1e-2 && a && b, "final rel. L2 ≤ 1e−2; 16.87 and 14.96 each within 0.1 of a top-5 |μ|",
                "top-5 |μ| = " + string.Join(", ", top.Select(m => m.ToString("F3", Ci))));
        });
        yield return new Row("case 9 (code variant), 200×200, 1500 steps", "9", 1500, r =>
            (r.FinalTestError <= 0.2, "final rel. L2 ≤ 0.2 (leaves the trivial basin)", TopList(r, 2)));
        if (o.Long)
        {
            yield return new Row("case 9 (code variant), 200×200, 6000 steps", "9", 6000, r =>
            {
                bool freq = Enumerable.Range(0, r.Kernels.Count).All(j =>
                {
                    var top = TopFrequencies(r, j, 2).Order().ToArray();
                    return Math.Abs(top[0] - 2.228) <= 0.05 && Math.Abs(top[1] - 4.138) <= 0.05;
                });
                return (r.FinalTestError <= 0.1 && freq, "final rel. L2 ≤ 0.1; two largest-weight |μ| per dimension within 0.05 of 2.228 and 4.138", TopList(r, 2));
            });
            yield return new Row("case 1, 20 000 steps (nightly)", "1", 20_000, r =>
                (r.MinTestError <= 2e-4, "min over 1000-step checkpoints ≤ 2e−4", TopList(r, 1)));
        }

        if (o.Paper)
        {
            yield return new Row("case 1, 100 000 steps (reference step count)", "1", 100_000, r =>
                (r.MinTestError <= 1e-3, "min over checkpoints ≤ 1e−3 (paper level)", TopList(r, 1)));
        }
    }

    /// <summary>A Markdown table cell: pipes escaped.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static int Scaled(int steps, double scale, int minimum) => Math.Max(minimum, (int)Math.Round(steps * scale));

    /// <summary>Runs the benchmarks, prints the Markdown report and writes it. Exit 0 when every judged row passes, 2 otherwise.</summary>
    public static int Run(GpBenchOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (!(o.StepsScale > 0) || !double.IsFinite(o.StepsScale)) throw new ArgumentException($"--steps-scale must be > 0 (got {o.StepsScale.ToString(Ci)}).");
        bool judged = o.StepsScale == 1;
        var md = new StringBuilder();
        string[] argv = Environment.GetCommandLineArgs();
        md.AppendLine(Ci, $"# GP-HM benchmarks (spec gp-kronecker-pde §5.2), {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z");
        md.AppendLine();
        md.AppendLine(Ci, $"Command: `solvers {string.Join(' ', argv.Skip(1))}`");
        md.AppendLine();
        md.AppendLine(Ci, $"Machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; dense backend for the accuracy rows: {DenseBackend.Current.Name}.");
        md.AppendLine();
        if (!judged)
            md.AppendLine(Ci, $"**Step counts scaled by {o.StepsScale.ToString(Ci)}: a plumbing run; the thresholds are for the full step counts, so rows are not judged.**").AppendLine();
        bool allPass = true;
        if (o.Accuracy)
        {
            md.AppendLine("## Accuracy (StM kernel, reference configuration of each case)").AppendLine();
            md.AppendLine("| benchmark | steps | reason | final rel. L2 | min over checkpoints (step) | criterion | learned | result | s | ms/step (incl. checkpoints) |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var row in Rows(o))
            {
                var c = GpHmCases.Get(row.Case);
                int steps = Scaled(row.Steps, o.StepsScale, 1);
                var result = Solve(c, steps, null, Math.Min(20, steps), DenseBackend.Current, row.Label);
                var (pass, criterion, detail) = row.Judge(result);
                bool ok = result.Summary.Converged && pass;
                string verdict = !result.Summary.Converged ? "FAIL (" + result.Summary.Reason + ")" : !judged ? "not judged" : ok ? "PASS" : "FAIL";
                if ((judged && !ok) || !result.Summary.Converged) allPass = false;
                var best = result.Checkpoints.Where(k => !double.IsNaN(k.TestError)).OrderBy(k => k.TestError).FirstOrDefault();
                string min = best is null ? "—" : string.Create(Ci, $"{Sci(best.TestError)} ({best.Step})");
                double seconds = result.Summary.Elapsed.TotalSeconds;
                md.AppendLine(Ci, $"| {row.Label} | {result.Summary.Iterations} | {result.Summary.Reason} | {Sci(result.FinalTestError)} | {min} | {Cell(criterion)} | {Cell(detail)} | **{verdict}** | {seconds:F1} | {1e3 * seconds / Math.Max(1, result.Summary.Iterations):F2} |");
                Console.Error.WriteLine(string.Create(Ci, $"  {row.Label}: final {Sci(result.FinalTestError)}, min {min}, {verdict}"));
            }

            md.AppendLine();
        }

        if (o.Timing) AppendTiming(md, o);
        Console.Out.Write(md.ToString());
        string path = o.Markdown ?? BenchResultsPath.Next("gp");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, md.ToString());
        Console.Error.WriteLine("recorded in " + path);
        return allPass ? ExitCodes.Success : ExitCodes.NotConverged;
    }

    private static void AppendTiming(StringBuilder md, GpBenchOptions o)
    {
        var backends = new List<IDenseBackend>();
        var notes = new List<string>();
        foreach (var (name, a) in DenseBackend.Available)
        {
            if (o.Backends is not null && !o.Backends.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            if (a.Backend is null) notes.Add($"{name}: unavailable ({a.Reason})");
            else backends.Add(a.Backend);
        }

        (string Case, int[]? Grid, int Steps)[] workloads = [("1", null, Scaled(50, o.StepsScale, 6)), ("9", null, Scaled(20, o.StepsScale, 6))];
        md.AppendLine("## Time per Adam step by dense backend").AppendLine();
        md.AppendLine("Wall time per Adam step: (T(S) − T(S/5)) / (S − S/5) from two runs of S and S/5 steps, so set-up and test-grid evaluations cancel; after a 2-step warm-up run per backend and case. Speed-up = managed ms/step ÷ this backend's.").AppendLine();
        foreach (var n in notes) md.AppendLine("- " + n);
        if (notes.Count > 0) md.AppendLine();
        md.AppendLine("| case | grid | steps | backend | ms/step | speed-up vs managed |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var (caseName, grid, steps) in workloads)
        {
            var c = GpHmCases.Get(caseName);
            var ms = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var b in backends)
            {
                // Two runs of different lengths: their difference cancels the set-up and the test-grid evaluations.
                Solve(c, 2, grid, 1, b, null);
                int shorter = Math.Max(1, steps / 5);
                var a = Solve(c, shorter, grid, 1, b, null);
                var r = Solve(c, steps, grid, 1, b, $"timing case {c.Number} {b.Name}");
                ms[b.Name] = (r.Summary.Elapsed - a.Summary.Elapsed).TotalMilliseconds / Math.Max(1, r.Summary.Iterations - a.Summary.Iterations);
            }

            foreach (var b in backends)
            {
                string ratio = ms.TryGetValue("managed", out double m) ? (m / ms[b.Name]).ToString("F2", Ci) : "—";
                md.AppendLine(Ci, $"| {c.Number} {c.Name} | {string.Join("×", grid ?? [.. c.Points])} | {steps} | {b.Name} | {ms[b.Name]:F2} | {ratio} |");
            }
        }

        md.AppendLine();
    }

    private static GpHmResult Solve(GpHmCase c, int steps, int[]? grid, int checkpoints, IDenseBackend backend, string? label)
    {
        var problem = c.CreateProblem(grid);
        var options = c.CreateOptions(steps) with { Checkpoints = checkpoints };
        var wall = Stopwatch.StartNew();
        int every = Math.Max(1, steps / 10);
        var progress = label is null ? null : new Reporter(info =>
        {
            if (info.Iteration % every == 0)
                Console.Error.WriteLine(string.Create(Ci, $"  {label}: step {info.Iteration}/{steps}, RMS residual {info.ResidualNorm:0.00e+00}, {wall.Elapsed.TotalSeconds:F0} s"));
        });
        return new GpHmSolver(backend).Solve(problem, options, new SolverHooks(null, progress));
    }

    private sealed class Reporter(Action<IterationInfo> handler) : IProgress<IterationInfo>
    {
        public void Report(IterationInfo value) => handler(value);
    }
}
