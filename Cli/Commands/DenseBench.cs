using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Solvers.Cli.Infrastructure;
using Solvers.Dense;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary>Options of <c>solvers bench dense</c>.</summary>
/// <param name="Repeats">Timed calls per measurement (best of).</param>
/// <param name="Rounds">Rounds over numpy and the native backends; each figure keeps its best round.</param>
/// <param name="Quick">Skip the managed backend at n = 2000 and for the tall QR.</param>
/// <param name="Backends">Backend names to measure (null: every available one).</param>
/// <param name="Python">The Python interpreter for the numpy reference (null: skip numpy).</param>
/// <param name="NumpyScript">Path of bench/dense_numpy.py.</param>
/// <param name="MarkdownPath">Also write the report as Markdown here.</param>
internal sealed record DenseBenchOptions(int Repeats, int Rounds, bool Quick, IReadOnlyList<string>? Backends, string? Python, string NumpyScript, string? MarkdownPath);

/// <summary>
/// <c>solvers bench dense</c>: GFLOP/s of gemm (n = 500, 1000, 2000), Cholesky (n = 2000) and Householder QR (2000², 20000×200)
/// on every available dense backend and on numpy in the same run, with ratios against the targets (best native ≥ 0.9×
/// numpy on gemm and Cholesky, ≥ 10× managed everywhere).
/// </summary>
internal static class DenseBench
{
    /// <summary>Target: best native ÷ numpy on gemm and Cholesky.</summary>
    public const double NumpyTarget = 0.9;

    /// <summary>Target: best native ÷ managed.</summary>
    public const double ManagedTarget = 10.0;

    private static readonly string[] EnvironmentNames =
        ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "MKL_DEBUG_CPU_TYPE", "MKL_ENABLE_INSTRUCTIONS"];

    /// <summary>Each native figure is the best of at least Repeats calls and this much timed work (numpy likewise).</summary>
    public const double MinSeconds = 0.25;

    private sealed record Op(string Id, string Label, string FlopModel, bool NumpyTarget, bool Large, Func<IDenseBackend, int, double, double> Run);

    private static readonly Op[] Ops =
    [
        new("gemm500", "gemm n=500", "2n³", true, false, (b, r, t) => DenseBackendBenchmark.Gemm(b, 500, r, t)),
        new("gemm1000", "gemm n=1000", "2n³", true, false, (b, r, t) => DenseBackendBenchmark.Gemm(b, 1000, r, t)),
        new("gemm2000", "gemm n=2000", "2n³", true, true, (b, r, t) => DenseBackendBenchmark.Gemm(b, 2000, r, t)),
        new("chol2000", "Cholesky n=2000", "n³/3", true, true, (b, r, t) => DenseBackendBenchmark.Cholesky(b, 2000, r, t)),
        new("qr2000", "QR 2000×2000", "4n³/3", false, true, (b, r, t) => DenseBackendBenchmark.Qr(b, 2000, 2000, r, t)),
        new("qr20000x200", "QR 20000×200", "2mn²−2n³/3", false, true, (b, r, t) => DenseBackendBenchmark.Qr(b, 20000, 200, r, t)),
    ];

    public static int Run(DenseBenchOptions o)
    {
        var md = new StringBuilder();
        var notes = new List<string>();
        var measured = new List<IDenseBackend>();
        md.AppendLine("## Backends").AppendLine();
        foreach (var (name, a) in DenseBackend.Available)
        {
            if (o.Backends is not null && !o.Backends.Contains(name)) continue;
            if (a.Backend is null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {name}: unavailable ({a.Reason})");
                continue;
            }

            var test = DenseBackendSelfTest.Run(a.Backend);
            md.AppendLine(CultureInfo.InvariantCulture, $"- {name}: {a.Backend.Description}; self-test {test}");
            if (test.Passed) measured.Add(a.Backend);
        }

        string threadEnv = string.Join(", ", EnvironmentNames.Select(v => $"{v}={Environment.GetEnvironmentVariable(v) ?? "(unset)"}"));
        md.AppendLine(CultureInfo.InvariantCulture, $"- environment: {threadEnv}");
        Console.Error.Write(md.ToString());

        // Rounds: numpy, then every backend, repeated; each figure keeps its best round, and numpy runs once more at the
        // end. On a shared machine a burst of load then costs every library alike instead of whichever was timed during
        // it. The managed backend runs in the first round only (it takes most of the time and is far from its target).
        var rates = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal); // rates[library][op] = GFLOP/s
        string numpyInfo = "";
        bool numpyOk = false;
        void Keep(string lib, string op, double v)
        {
            if (!rates.TryGetValue(lib, out var d)) rates[lib] = d = new Dictionary<string, double>(StringComparer.Ordinal);
            d[op] = Math.Max(d.GetValueOrDefault(op, 0), v);
        }

        void Numpy(int round)
        {
            var (np, info) = RunNumpy(o);
            if (np is null)
            {
                if (!numpyOk) numpyInfo = info;
                else notes.Add($"numpy: run {round} failed ({info}); the other runs are used.");
                return;
            }

            numpyOk = true;
            numpyInfo = info;
            foreach (var (k, v) in np) Keep("numpy", k, v);
        }

        for (int round = 1; round <= o.Rounds; round++)
        {
            if (o.Python is not null && (round == 1 || numpyOk)) Numpy(round);
            foreach (var b in measured)
            {
                bool managed = b.Name == "managed";
                if (managed && round > 1) continue;
                foreach (var op in Ops)
                {
                    if (managed && op.Large && o.Quick) continue;
                    int reps = managed && op.Large ? 1 : o.Repeats;
                    var t = Stopwatch.StartNew();
                    double v = op.Run(b, reps, managed ? 0 : MinSeconds);
                    Keep(b.Name, op.Id, v);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  round {round} {b.Name,-9} {op.Label,-16} {v,8:F2} GFLOP/s  (best of ≥ {reps}, {t.Elapsed.TotalSeconds:F1} s)"));
                }
            }
        }

        if (numpyOk) Numpy(o.Rounds + 1);
        else if (o.Python is null) notes.Add("numpy: skipped (--no-numpy)");
        else notes.Add("numpy: " + numpyInfo);
        var numpy = numpyOk ? rates["numpy"] : null;

        if (measured.Any(b => b.Name == "managed"))
            notes.Add(o.Quick
                ? "managed: first round only; skipped at n = 2000 and for the tall QR (--quick); its ratios use the sizes it ran."
                : "managed: first round only, and best of 1 (not of " + o.Repeats.ToString(CultureInfo.InvariantCulture) + ") at n = 2000 and for the tall QR, to keep the run short.");

        // ---- the table ------------------------------------------------------------------------------------------
        var natives = measured.Where(b => b.Name != "managed").Select(b => b.Name).ToList();
        var columns = measured.Select(b => b.Name).Concat(numpy is null ? [] : ["numpy"]).ToList();
        bool hasMkl = natives.Contains("mkl"), hasOpenBlas = natives.Contains("openblas");
        var header = new List<string> { "operation", "flops" };
        header.AddRange(columns.Select(c => c + " GFLOP/s"));
        header.AddRange(["best native", "÷ numpy", "÷ managed"]);
        if (hasMkl && hasOpenBlas) header.Add("mkl ÷ openblas");
        header.AddRange(["target", "result"]);

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns(header.Select(h => new TableColumn(Markup.Escape(h))).ToArray());
        md.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"## GFLOP/s and ratios, same run: best of {o.Rounds} rounds (numpy: {o.Rounds + 1} runs) of ≥ {o.Repeats} calls and ≥ {MinSeconds} s of timed work per figure")).AppendLine();
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", header.Count)));
        int pass = 0, fail = 0;
        foreach (var op in Ops)
        {
            double Rate(string c) => rates.TryGetValue(c, out var d) && d.TryGetValue(op.Id, out var v) ? v : double.NaN;
            var cells = new List<string> { op.Label, op.FlopModel };
            cells.AddRange(columns.Select(c => Fmt(Rate(c), "F2")));
            string? bestName = natives.Where(n => !double.IsNaN(Rate(n))).OrderByDescending(Rate).FirstOrDefault();
            double best = bestName is null ? double.NaN : Rate(bestName);
            double vsNumpy = best / Rate("numpy"), vsManaged = best / Rate("managed");
            cells.Add(bestName ?? "—");
            cells.Add(Fmt(vsNumpy, "F2"));
            cells.Add(Fmt(vsManaged, "F1"));
            if (hasMkl && hasOpenBlas) cells.Add(Fmt(Rate("mkl") / Rate("openblas"), "F2"));
            var targets = new List<string>();
            var verdicts = new List<bool>();
            if (op.NumpyTarget)
            {
                targets.Add("≥ 0.9× numpy");
                if (!double.IsNaN(vsNumpy)) verdicts.Add(vsNumpy >= NumpyTarget);
            }

            targets.Add("≥ 10× managed");
            if (!double.IsNaN(vsManaged)) verdicts.Add(vsManaged >= ManagedTarget);
            cells.Add(string.Join(", ", targets));
            string verdict = verdicts.Count == 0 ? "— (not measured)" : verdicts.All(v => v) ? "PASS" : "FAIL";
            if (verdicts.Count > 0)
            {
                if (verdicts.All(v => v)) pass++;
                else fail++;
            }

            cells.Add(verdict + (verdicts.Count > 0 && verdicts.Count < targets.Count ? " (partly measured)" : ""));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
            md.AppendLine("| " + string.Join(" | ", cells) + " |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Targets: {pass} rows pass, {fail} fail (best native ≥ {NumpyTarget}× numpy on gemm and Cholesky; ≥ {ManagedTarget}× managed on every row).");
        if (numpy is not null) md.AppendLine().AppendLine("numpy: " + numpyInfo);

        // ---- MKL vs OpenBLAS and what best picks ----------------------------------------------------------------
        if (hasMkl && hasOpenBlas)
        {
            var ratios = Ops.Select(op => rates["mkl"].GetValueOrDefault(op.Id, double.NaN) / rates["openblas"].GetValueOrDefault(op.Id, double.NaN))
                .Where(double.IsFinite).ToList();
            double geo = Math.Exp(ratios.Average(Math.Log));
            md.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"MKL vs OpenBLAS (this run): mkl ÷ openblas per row {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}; geometric mean {geo:F2} → {(geo >= 1 ? "MKL" : "OpenBLAS")} is faster here."));
        }

        try
        {
            var choice = DenseBackend.Resolve("best");
            md.AppendLine().AppendLine($"`best` picks **{choice.Backend.Name}** ({choice.Backend.Description}): {choice.Explanation}.");
            md.AppendLine().AppendLine($"Cache file: {DenseBackend.CacheFilePath ?? "(none)"}.");
        }
        catch (InvalidOperationException e)
        {
            md.AppendLine().AppendLine("`best`: " + e.Message);
        }

        foreach (var n in notes) md.AppendLine().AppendLine("Note: " + n);

        AnsiConsole.Write(table);
        var tail = md.ToString();
        int cut = tail.IndexOf("\nTargets:", StringComparison.Ordinal);
        Console.WriteLine(cut >= 0 ? tail[(cut + 1)..].TrimEnd() : "");
        if (o.MarkdownPath is not null) File.WriteAllText(o.MarkdownPath, md.ToString());
        return ExitCodes.Success;
    }

    private static string Fmt(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>Runs bench/dense_numpy.py; returns its rates by operation id, or null and the reason.</summary>
    private static (Dictionary<string, double>? Rates, string Info) RunNumpy(DenseBenchOptions o)
    {
        if (o.Python is null) return (null, "skipped (--no-numpy)");
        if (!File.Exists(o.NumpyScript)) return (null, $"not run: {o.NumpyScript} not found (run from the repository root or pass --numpy-script)");
        var psi = new ProcessStartInfo(o.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(o.NumpyScript);
        psi.ArgumentList.Add("--repeats");
        psi.ArgumentList.Add(o.Repeats.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--min-seconds");
        psi.ArgumentList.Add(MinSeconds.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("the process did not start");
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            foreach (var line in stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Console.Error.WriteLine("  numpy: " + line);
            if (p.ExitCode != 0) return (null, $"not run: {o.Python} {o.NumpyScript} exited with {p.ExitCode}");
            var root = JsonNode.Parse(stdout) as JsonObject ?? throw new InvalidDataException("the output is not a JSON object");
            var rates = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (k, v) in root["gflops"] as JsonObject ?? throw new InvalidDataException("no \"gflops\" object"))
                rates[k] = (double?)v ?? throw new InvalidDataException($"no rate for {k}");
            string info = $"numpy {(string?)root["numpy"]}, BLAS/LAPACK {(string?)root["blas"]}, {(string?)root["ops"]}";
            return (rates, info);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or JsonException or InvalidDataException or IOException)
        {
            return (null, $"not run: {e.Message}");
        }
    }
}
