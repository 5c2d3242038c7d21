using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PureHDF;

namespace Solvers.IO.Hdf5;

/// <summary>
/// One solve of one right-hand side as stored in a results file (PS §6). Every attribute of the run table is carried;
/// quantities that do not exist are NaN (or 0 for <see cref="SolverResult.BreakdownIteration"/>).
/// </summary>
/// <param name="ProblemId">Problem id, e.g. "000003".</param>
/// <param name="RunName">Run name, e.g. "cg-jacobi" (de-duplicated by the writer).</param>
/// <param name="Result">The solver's result.</param>
/// <param name="X">The final iterate.</param>
/// <param name="History">Residual history, or null when not recorded.</param>
public sealed record ResultRun(string ProblemId, string RunName, SolverResult Result, double[] X, ConvergenceHistory? History)
{
    private static readonly Lazy<string> CpuName = new(ReadCpuName);

    /// <summary>Input object path; default <c>/problems/&lt;id&gt;</c>.</summary>
    public string? ProblemPath { get; init; }

    /// <summary>Right-hand side index j, or −1 when b is 1-D.</summary>
    public long RhsIndex { get; init; } = -1;

    /// <summary>Method name, e.g. "cg".</summary>
    public string Method { get; init; } = "";

    /// <summary>Preconditioner name; "none" when unpreconditioned.</summary>
    public string Preconditioner { get; init; } = "none";

    /// <summary>The solver options; written as JSON via <see cref="SolverOptions.ToJson"/>.</summary>
    public SolverOptions? Options { get; init; }

    /// <summary>The options JSON as read back (or to write verbatim when <see cref="Options"/> is null).</summary>
    public string? OptionsJson { get; init; }

    /// <summary>‖b‖₂.</summary>
    public double BNorm { get; init; } = double.NaN;

    /// <summary>true_residual_norm / b_norm; NaN computes it at write time (NaN when b = 0).</summary>
    public double RelativeTrueResidual { get; init; } = double.NaN;

    /// <summary>‖x − x_exact‖₂ / ‖x_exact‖₂ when x_exact exists, else NaN.</summary>
    public double ErrorNormRelative { get; init; } = double.NaN;

    /// <summary>File read time in seconds.</summary>
    public double LoadSeconds { get; init; } = double.NaN;

    /// <summary>Preconditioner setup time in seconds.</summary>
    public double SetupSeconds { get; init; } = double.NaN;

    /// <summary>Iteration time in seconds; NaN takes <see cref="SolverResult.Elapsed"/>.</summary>
    public double SolveSeconds { get; init; } = double.NaN;

    /// <summary>Total time in seconds.</summary>
    public double TotalSeconds { get; init; } = double.NaN;

    /// <summary>Worker threads used.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Dense kernel backend.</summary>
    public string DenseBackend { get; init; } = "managed";

    /// <summary>Suite version.</summary>
    public string SuiteVersion { get; init; } = H5WriteHelpers.SuiteVersion;

    /// <summary>Runtime, e.g. ".NET 10.0.1".</summary>
    public string Runtime { get; init; } = RuntimeInformation.FrameworkDescription;

    /// <summary>Operating system.</summary>
    public string Os { get; init; } = RuntimeInformation.OSDescription;

    /// <summary>CPU model string.</summary>
    public string Cpu { get; init; } = CpuName.Value;

    /// <summary>Start time, ISO 8601 UTC.</summary>
    public string StartedUtc { get; init; } = H5WriteHelpers.UtcNow;

    /// <summary>Load and solve warnings.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Per-history-entry wall time (written as elapsed_seconds) when true and a history exists.</summary>
    public bool WriteElapsedSeconds { get; init; }

    /// <summary>
    /// Extra f64 run attributes beyond PS §6 (e.g. a tuned sequence's <c>omega</c>, <c>arm</c>, <c>probability</c>,
    /// <c>cost</c>, <c>cumulative_cost</c>, <c>context</c>); names must not collide with the standard ones.
    /// </summary>
    public IReadOnlyDictionary<string, double>? ExtraAttributes { get; init; }

    private static string ReadCpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

/// <summary>Writes a results file (PS §6): a new file, written to a temporary name and renamed into place.</summary>
public sealed class ResultFileWriter
{
    private readonly string _inputFile;
    private readonly string? _inputSha256;
    private readonly List<ResultRun> _runs = [];
    private readonly HashSet<(string, string)> _names = [];

    /// <summary>Creates a writer for results of <paramref name="inputFile"/>.</summary>
    /// <param name="inputFile">The input problem file (its file name is recorded).</param>
    /// <param name="inputSha256">SHA-256 of the input (hex); computed from the file when null and the file exists.</param>
    public ResultFileWriter(string inputFile, string? inputSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(inputFile);
        _inputFile = inputFile;
        _inputSha256 = inputSha256;
    }

    /// <summary>Runs added so far (with their final, de-duplicated names).</summary>
    public IReadOnlyList<ResultRun> Runs => _runs;

    /// <summary>Adds a run; a repeated (problem, run name) gets "-2", "-3", …. Returns the run as stored.</summary>
    public ResultRun Add(ResultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!ProblemSetReader.NamePattern().IsMatch(run.ProblemId))
            throw new ArgumentException($"Problem id '{run.ProblemId}' is not a valid name.", nameof(run));
        if (!ProblemSetReader.NamePattern().IsMatch(run.RunName))
            throw new ArgumentException($"Run name '{run.RunName}' is not a valid name.", nameof(run));
        ArgumentNullException.ThrowIfNull(run.X);
        string name = run.RunName;
        for (int i = 2; !_names.Add((run.ProblemId, name)); i++)
            name = run.RunName + "-" + i.ToString(CultureInfo.InvariantCulture);
        var stored = name == run.RunName ? run : run with { RunName = name };
        _runs.Add(stored);
        return stored;
    }

    /// <summary>Writes the results to <paramref name="path"/> (temporary file + rename).</summary>
    public void Write(string path)
    {
        var file = new H5File();
        file.Attributes["format"] = "problem-set-results";
        file.Attributes["format_version"] = "1.0.0";
        file.Attributes["input_file"] = Path.GetFileName(_inputFile);
        file.Attributes["input_sha256"] = _inputSha256 ?? (File.Exists(_inputFile) ? Sha256(_inputFile) : "");
        file.Attributes["created_by"] = H5WriteHelpers.CreatedBy;
        file.Attributes["created_utc"] = H5WriteHelpers.UtcNow;
        var problems = new H5Group();
        foreach (var group in _runs.GroupBy(r => r.ProblemId))
        {
            var pg = new H5Group();
            foreach (var run in group) pg[run.RunName] = RunGroup(run);
            problems[group.Key] = pg;
        }

        file["results"] = new H5Group { ["problems"] = problems };
        H5WriteHelpers.WriteAtomically(file, path);
    }

    /// <summary>SHA-256 of a file as lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    private static H5Group RunGroup(ResultRun r)
    {
        var res = r.Result;
        double solve = double.IsNaN(r.SolveSeconds) ? res.Elapsed.TotalSeconds : r.SolveSeconds;
        double rel = !double.IsNaN(r.RelativeTrueResidual) ? r.RelativeTrueResidual
            : r.BNorm > 0 ? res.TrueResidualNorm / r.BNorm : double.NaN;
        var g = new H5Group();
        var a = g.Attributes;
        a["problem"] = r.ProblemPath ?? "/problems/" + r.ProblemId;
        a["rhs_index"] = r.RhsIndex;
        a["method"] = r.Method;
        a["preconditioner"] = r.Preconditioner;
        a["options"] = r.Options?.ToJson() ?? r.OptionsJson ?? "{}";
        a["reason"] = res.Reason.ToString();
        a["reason_code"] = (int)res.Reason;
        a["converged"] = (sbyte)(res.Converged ? 1 : 0);
        a["iterations"] = (long)res.Iterations;
        a["breakdown_iteration"] = (long)res.BreakdownIteration;
        a["breakdown_value"] = res.BreakdownValue;
        a["b_norm"] = r.BNorm;
        a["initial_residual_norm"] = res.InitialResidualNorm;
        a["final_residual_norm"] = res.FinalResidualNorm;
        a["true_residual_norm"] = res.TrueResidualNorm;
        a["relative_true_residual"] = rel;
        a["error_norm_relative"] = r.ErrorNormRelative;
        a["load_seconds"] = r.LoadSeconds;
        a["setup_seconds"] = r.SetupSeconds;
        a["solve_seconds"] = solve;
        a["total_seconds"] = r.TotalSeconds;
        a["threads"] = r.Threads;
        a["dense_backend"] = r.DenseBackend;
        a["suite_version"] = r.SuiteVersion;
        a["runtime"] = r.Runtime;
        a["os"] = r.Os;
        a["cpu"] = r.Cpu;
        a["started_utc"] = r.StartedUtc;
        a["warnings"] = r.Warnings.ToArray();
        if (r.ExtraAttributes is { } extra)
        {
            foreach (var (key, value) in extra)
            {
                if (a.ContainsKey(key)) throw new ArgumentException($"Extra run attribute '{key}' collides with a standard one.");
                a[key] = value;
            }
        }

        g["x"] = H5WriteHelpers.Dataset(r.X, 6);
        var h = r.History;
        double[] norms = h is null ? [] : h.ResidualNorms.ToArray();
        long[] its = h is null ? [] : h.ResidualIterations.ToArray().Select(i => (long)i).ToArray();
        var trueRes = h is { TrueResiduals.Count: > 0 } ? h.TrueResiduals : [(res.Iterations, res.TrueResidualNorm)];
        g["residual_norms"] = H5WriteHelpers.Dataset(norms, 6);
        g["residual_iterations"] = H5WriteHelpers.Dataset(its, 6);
        g["true_residual_norms"] = H5WriteHelpers.Dataset(trueRes.Select(t => t.Norm).ToArray(), 6);
        g["true_residual_iterations"] = H5WriteHelpers.Dataset(trueRes.Select(t => (long)t.Iteration).ToArray(), 6);
        if (r.WriteElapsedSeconds && h is not null) g["elapsed_seconds"] = H5WriteHelpers.Dataset(h.ElapsedSeconds.ToArray(), 6);
        return g;
    }
}

/// <summary>The contents of a results file.</summary>
/// <param name="Attributes">Root attributes (format, format_version, input_file, input_sha256, created_by, created_utc).</param>
/// <param name="Runs">All runs, by problem id then run name (ordinal).</param>
public sealed record ResultFileContents(IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<ResultRun> Runs);

/// <summary>Reads results files written by <see cref="ResultFileWriter"/> (for tests and the CLI).</summary>
public static class ResultFileReader
{
    /// <summary>Reads every run of a results file.</summary>
    /// <exception cref="ProblemFileException">The file is missing, malformed or not a results file.</exception>
    public static ResultFileContents Read(string path, ProblemReaderOptions? options = null)
    {
        options ??= ProblemReaderOptions.Default;
        using var h = H5Access.Open(path, options.Untrusted, options.MemoryBudgetBytes, options.Logger);
        var root = h.Root;
        string format = h.StringAttribute(root, "/", "format")
            ?? throw h.Error("/", ProblemFileError.SchemaViolation, "required root attribute 'format' is missing");
        if (format != "problem-set-results")
            throw h.Error("/@format", ProblemFileError.UnsupportedFormat, $"format is '{format}', expected 'problem-set-results'");
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string n in h.AttributeNames(root, "/")) attrs[n] = h.AttributeAsString(root, "/", n);
        if (!attrs.TryGetValue("format_version", out string? version) || !version.StartsWith("1.", StringComparison.Ordinal))
            throw h.Error("/@format_version", ProblemFileError.UnsupportedFormat, $"format_version '{version}' is not 1.x");
        var runs = new List<ResultRun>();
        if (h.TryGroup("/results/problems") is { } pg)
        {
            foreach (var (id, pobj) in h.Children(pg, "/results/problems"))
            {
                if (pobj is not IH5Group prob) continue;
                string ppath = "/results/problems/" + id;
                foreach (var (run, robj) in h.Children(prob, ppath))
                {
                    if (robj is IH5Group rg) runs.Add(ReadRun(h, rg, ppath + "/" + run, id, run));
                }
            }
        }

        return new ResultFileContents(attrs, runs);
    }

    private static ResultRun ReadRun(H5Access h, IH5Group g, string path, string id, string name)
    {
        string S(string n) => h.StringAttribute(g, path, n) ?? throw h.Error(path, ProblemFileError.SchemaViolation, $"attribute '{n}' is missing");
        long L(string n) => h.ScalarIntegerAttribute(g, path, n) ?? throw h.Error(path, ProblemFileError.SchemaViolation, $"attribute '{n}' is missing");
        double D(string n) => h.DoubleAttribute(g, path, n) is [var v] ? v : throw h.Error(path, ProblemFileError.SchemaViolation, $"attribute '{n}' is missing");
        double[] Vec(string n) => h.TryDataset(path + "/" + n) is { } d ? h.ReadDoubles(d, importer: false) : [];
        long[] Ints(string n) => h.TryDataset(path + "/" + n) is { } d ? h.ReadIntegers(d) : [];

        var reason = (ConvergenceReason)(int)L("reason_code");
        var result = new SolverResult(reason, checked((int)L("iterations")), D("initial_residual_norm"), D("final_residual_norm"),
            D("true_residual_norm"), TimeSpan.FromSeconds(double.IsFinite(D("solve_seconds")) ? D("solve_seconds") : 0),
            checked((int)L("breakdown_iteration")), D("breakdown_value"));
        var norms = Vec("residual_norms");
        var its = Ints("residual_iterations");
        var elapsed = Vec("elapsed_seconds");
        var trueNorms = Vec("true_residual_norms");
        var trueIts = Ints("true_residual_iterations");
        ConvergenceHistory? history = null;
        if (norms.Length > 0)
        {
            if (its.Length != norms.Length)
                throw h.Error(path, ProblemFileError.ShapeMismatch, "residual_iterations and residual_norms differ in length");
            history = new ConvergenceHistory(Math.Max(4, norms.Length));
            for (int i = 0; i < norms.Length; i++) history.Record(checked((int)its[i]), norms[i], elapsed.Length == norms.Length ? elapsed[i] : 0);
            for (int i = 0; i < Math.Min(trueNorms.Length, trueIts.Length); i++) history.RecordTrueResidual(checked((int)trueIts[i]), trueNorms[i]);
        }

        return new ResultRun(id, name, result, Vec("x"), history)
        {
            ProblemPath = S("problem"),
            RhsIndex = L("rhs_index"),
            Method = S("method"),
            Preconditioner = S("preconditioner"),
            OptionsJson = S("options"),
            BNorm = D("b_norm"),
            RelativeTrueResidual = D("relative_true_residual"),
            ErrorNormRelative = D("error_norm_relative"),
            LoadSeconds = D("load_seconds"),
            SetupSeconds = D("setup_seconds"),
            SolveSeconds = D("solve_seconds"),
            TotalSeconds = D("total_seconds"),
            Threads = checked((int)L("threads")),
            DenseBackend = S("dense_backend"),
            SuiteVersion = S("suite_version"),
            Runtime = S("runtime"),
            Os = S("os"),
            Cpu = S("cpu"),
            StartedUtc = S("started_utc"),
            Warnings = h.StringArrayAttribute(g, path, "warnings") ?? [],
            WriteElapsedSeconds = elapsed.Length > 0,
        };
    }
}
