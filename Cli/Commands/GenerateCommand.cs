using System.CommandLine;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.LeastSquares;
using Solvers.Operators;
using Solvers.Pde;
using Solvers.SparseRecovery;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary><c>solvers generate KIND --n N -o FILE</c>: write a generated problem set.</summary>
public static class GenerateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "poisson2d, poisson3d, diffusion2d, sor-sequence (shifted-Laplacian SOR sequence) heat-sequence (2-D heat, Crank–Nicolson), lstsq-incoherent (least squares with a known solution), lstsq-coherent (Blendenpik-style, maximum leverage 1) or sparse-kronecker (y = (A₁ ⊗ … ⊗ A_K)x + n with Kronecker-sparse x, for `solvers sparse`)." };
        kind.AcceptOnlyFromAmong("poisson2d", "poisson3d", "diffusion2d", "sor-sequence", "heat-sequence", "lstsq-incoherent", "lstsq-coherent", "sparse-kronecker");
        var n = new Option<int?>("--n") { Description = "Interior grid points per axis (poisson2d, poisson3d, diffusion2d: required; sor-sequence: default 10)." };
        var distribution = new Option<string>("--distribution") { Description = "sor-sequence: shift distribution, high (Beta(0.5, 1.5)) or low (Beta(2, 6)).", DefaultValueFactory = _ => "high" };
        distribution.AcceptOnlyFromAmong("high", "low");
        var count = new Option<int>("--count") { Description = "sor-sequence: number of instances T.", DefaultValueFactory = _ => 5000 };
        var nx = new Option<int>("--nx") { Description = "heat-sequence: grid intervals per axis (n = (nx − 1)²).", DefaultValueFactory = _ => 25 };
        var steps = new Option<int>("--steps") { Description = "heat-sequence: number of time steps T.", DefaultValueFactory = _ => 100 };
        var dt = new Option<double>("--dt") { Description = "heat-sequence: time step.", DefaultValueFactory = _ => 1e-3 };
        var contrast = new Option<double>("--contrast") { Description = "diffusion2d: coefficient contrast max(a)/min(a).", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "diffusion2d: seed of the coefficient field; sor-sequence: seed of the instance stream; lstsq-*: seed of the Philox stream; sparse-kronecker: seed of the problem draw.", DefaultValueFactory = _ => 1 };
        var storage = new Option<string>("--storage") { Description = "Operator storage: stencil (matrix-free; dense for lstsq-*) or csr.", DefaultValueFactory = _ => "stencil" };
        storage.AcceptOnlyFromAmong("stencil", "csr");
        // One option each for both uses: a single count for lstsq-*, a comma-separated list (one per mode) for sparse-kronecker.
        var rows = new Option<string?>("--rows") { Description = "lstsq-*: rows n of A (n ≥ d). sparse-kronecker: rows M_k per mode, comma-separated (default 8,12,15, the paper's point)." };
        var cols = new Option<string?>("--cols") { Description = "lstsq-*: columns d of A. sparse-kronecker: columns N_k per mode, comma-separated or one value for every mode (default 15)." };
        var support = new Option<string>("--support") { Description = "sparse-kronecker: nonzeros K_s per mode, comma-separated or one value for every mode.", DefaultValueFactory = _ => "3" };
        var snr = new Option<double>("--snr") { Description = "sparse-kronecker: SNR in dB; σ² = (‖Ax‖²/M)·10^(−SNR/10).", DefaultValueFactory = _ => 25 };
        var kappa = new Option<double>("--kappa") { Description = "lstsq-incoherent: κ₂(A) (singular values logspaced from 1 to 1/κ).", DefaultValueFactory = _ => 1e4 };
        var output = new Option<string>("--output", "-o") { Description = "Output HDF5 file.", Required = true };
        var cmd = new Command("generate", "Generate a Poisson or variable-coefficient diffusion problem set with a manufactured solution, or a sequence of related systems for SOR/SSOR-PCG with a tuned ω.")
        {
            kind, n, contrast, seed, storage, distribution, count, nx, steps, dt, rows, cols, kappa, support, snr, output,
        };
        cmd.SetAction(r =>
        {
            var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            try
            {
                string path = r.GetValue(output)!;
                if (r.GetValue(kind) is "sor-sequence" or "heat-sequence")
                    return WriteSequence(r.GetValue(kind)!, r.GetValue(n), r.GetValue(distribution)!, r.GetValue(count), r.GetValue(seed),
                        r.GetValue(nx), r.GetValue(steps), r.GetValue(dt), path);
                string description = $"solvers generate {string.Join(' ', r.Tokens.Select(t => t.Value))}";
                if (r.GetValue(kind) is "lstsq-incoherent" or "lstsq-coherent")
                    return WriteLeastSquares(r.GetValue(kind)!, ParseCount(r.GetValue(rows), "--rows"), ParseCount(r.GetValue(cols), "--cols"),
                        r.GetValue(kappa), r.GetValue(seed), r.GetValue(storage) == "csr", path, description);
                if (r.GetValue(kind) == "sparse-kronecker")
                    return WriteSparseKronecker(r.GetValue(rows), r.GetValue(cols), r.GetValue(support)!, r.GetValue(snr), r.GetValue(seed), path, description);
                int size = r.GetValue(n) ?? throw new ArgumentException($"--n is required for {r.GetValue(kind)}.");
                if (size < 2) throw new ArgumentException($"--n must be ≥ 2 (got {size}).");
                bool matrixFree = r.GetValue(storage) == "stencil";
                LinearProblem p = r.GetValue(kind) switch
                {
                    "poisson2d" => PoissonProblems.Poisson2D(size, matrixFree),
                    "poisson3d" => PoissonProblems.Poisson3D(size, matrixFree),
                    _ => PoissonProblems.Diffusion2D(size, r.GetValue(contrast), r.GetValue(seed), matrixFree),
                };
                var writer = new ProblemSetWriter { Description = description };
                writer.Add(p);
                writer.Write(path);
                AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(path)}[/]: {Markup.Escape(p.Name)}, n = {p.A.Rows}, storage {(matrixFree ? "stencil" : "csr")}");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ArgumentException or ProblemFileException or IOException)
            {
                err.MarkupLine($"[red]error[/] {Markup.Escape(SparseCommand.ErrorText(e))}");
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    /// <summary>A least-squares problem set of spec sketched-regression §4 (dense A unless --storage csr).</summary>
    private static int WriteLeastSquares(string kind, int? rows, int? cols, double kappa, int seed, bool csr, string path, string description)
    {
        int n = rows ?? throw new ArgumentException($"--rows is required for {kind}.");
        int d = cols ?? throw new ArgumentException($"--cols is required for {kind}.");
        if (d < 1 || n < d) throw new ArgumentException($"need n ≥ d ≥ 1 (got --rows {n} --cols {d}).");
        if (seed < 0) throw new ArgumentException($"--seed must be ≥ 0 (got {seed}).");
        bool incoherent = kind == "lstsq-incoherent";
        var t = incoherent ? LeastSquaresTestProblems.Incoherent(n, d, kappa, (ulong)seed) : LeastSquaresTestProblems.Coherent(n, d, (ulong)seed);
        var meta = new Dictionary<string, string>
        {
            ["generator"] = kind,
            ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["kappa"] = t.Kappa.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["residual_ratio"] = "0.1",
        };
        var p = new LinearProblem("000000", t.Name, ProblemKind.LeastSquares, t.A, LinearProblem.AsBlock(t.B),
            t.Solution is { } xs ? LinearProblem.AsBlock(xs) : null, null, null, null, new Dictionary<string, double[]>(), meta,
            new LoadReport { Format = "generated" })
        {
            Attributes = new Dictionary<string, string>
            {
                ["source"] = "solvers generate " + kind + " (spec sketched-regression §4." + (incoherent ? "1" : "2") + ")",
                ["cond2_estimate"] = t.Kappa.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        var writer = new ProblemSetWriter { Description = description };
        writer.Add(p, new ProblemWriteOptions { Storage = csr ? "csr" : "dense", Compression = 0 });
        writer.Write(path);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(path)}[/]: {Markup.Escape(t.Name)}, A {n}×{d} ({(csr ? "csr" : "dense")}){(incoherent ? ", x_exact = x*" : ", no x_exact (x* ≠ x₀; use dense QR)")}");
        return ExitCodes.Success;
    }

    /// <summary>A single count option of lstsq-* (null when absent); a list or a non-integer is bad input.</summary>
    private static int? ParseCount(string? text, string option)
    {
        if (text is null) return null;
        if (!int.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int v))
            throw new ArgumentException($"{option} must be one integer for lstsq-* (got '{text}').");
        return v;
    }

    /// <summary>A comma-separated list of positive integers; one value is repeated to <paramref name="modes"/> entries when given.</summary>
    private static int[] ParseModeList(string text, string option, int? modes)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
                throw new ArgumentException($"{option} '{text}': expected positive integers separated by commas.");
        }

        if (modes is { } k && values.Length != k)
        {
            if (values.Length != 1)
                throw new ArgumentException($"{option} '{text}' has {values.Length} entries, but --rows has {k} modes (give one value or one per mode).");
            values = [.. Enumerable.Repeat(values[0], k)];
        }

        return values;
    }

    /// <summary>
    /// The Kronecker sparse-recovery problem of spec sparse-bayesian §4.1 (<see cref="SparseRecoveryProblems.Kronecker"/>) as a
    /// problem set (spec §3.1): A in <c>kronecker</c>/<c>product</c> storage with rectangular <c>dense</c> factors, b = y,
    /// x_exact = x, and the generator's parameters in <c>meta/</c> (PS §3.3), among them <c>noise_variance</c> = σ², which
    /// <c>solvers sparse</c> uses as the known noise variance.
    /// </summary>
    private static int WriteSparseKronecker(string? rowsText, string? colsText, string supportText, double snrDb, int seed, string path, string description)
    {
        int[] rows = ParseModeList(rowsText ?? "8,12,15", "--rows", null);
        if (rows.Length is < KroneckerOperator.MinFactors or > KroneckerOperator.MaxFactors)
            throw new ArgumentException($"--rows '{rowsText}': a problem set stores {KroneckerOperator.MinFactors} to {KroneckerOperator.MaxFactors} Kronecker modes (got {rows.Length}).");
        int[] cols = ParseModeList(colsText ?? SparseRecoveryProblems.PaperColumnsPerMode.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cols", rows.Length);
        int[] supportSizes = ParseModeList(supportText, "--support", rows.Length);
        if (!double.IsFinite(snrDb)) throw new ArgumentException($"--snr must be a finite number of dB (got {snrDb.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        if (seed < 0) throw new ArgumentException($"--seed must be ≥ 0 (got {seed}).");
        var t = SparseRecoveryProblems.Kronecker(rows, cols, supportSizes, snrDb, (ulong)seed);
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        string List(IEnumerable<int> v) => string.Join(',', v.Select(x => x.ToString(ci)));
        string name = $"sparse-kronecker {string.Join('x', rows.Select(x => x.ToString(ci)))} / {string.Join('x', cols.Select(x => x.ToString(ci)))}, K_s {List(supportSizes)}, {snrDb.ToString("0.###", ci)} dB, seed {seed.ToString(ci)} (synthetic)";
        var meta = new Dictionary<string, string>
        {
            ["generator"] = "sparse-kronecker",
            ["seed"] = seed.ToString(ci),
            ["snr_db"] = snrDb.ToString("R", ci),
            ["noise_variance"] = t.NoiseVariance.ToString("R", ci),
            ["rows"] = List(rows),
            ["cols"] = List(cols),
            ["support_sizes"] = List(supportSizes),
            // The true per-mode supports, ';' between modes: the support x_exact is built from.
            ["mode_supports"] = string.Join(';', t.ModeSupports.Select(List)),
        };
        var p = new LinearProblem("000000", name, ProblemKind.LeastSquares, t.ToOperator(), LinearProblem.AsBlock(t.Y), LinearProblem.AsBlock(t.X),
            null, null, null, new Dictionary<string, double[]>(), meta, new LoadReport { Format = "generated" })
        {
            Attributes = new Dictionary<string, string>
            {
                ["source"] = "solvers generate sparse-kronecker (spec sparse-bayesian §4.1)",
                ["notes"] = "y = (A_1 ⊗ … ⊗ A_K)x + n, A_k iid N(0, 1) not normalised, x = x_1 ⊗ … ⊗ x_K; meta/noise_variance is the true σ².",
            },
        };
        var writer = new ProblemSetWriter { Description = description };
        writer.Add(p, new ProblemWriteOptions { Storage = "kronecker", Compression = 0 });
        writer.Write(path);
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(ci,
            $"wrote {path}: A = ⊗ of {rows.Length} dense factors, {t.Y.Length}×{t.X.Length} (M/N = {(double)t.Y.Length / t.X.Length:0.###}), support {t.Support.Length} ({List(supportSizes)} per mode), SNR {snrDb:0.###} dB, σ² = {t.NoiseVariance:G6}, seed {seed}")));
        return ExitCodes.Success;
    }

    private static int WriteSequence(string kind, int? n, string distribution, int count, int seed, int nx, int steps, double dt, string path)
    {
        if (kind == "sor-sequence")
        {
            int m = n ?? 10;
            if (m < 1) throw new ArgumentException($"--n must be ≥ 1 (got {m}).");
            if (count < 1) throw new ArgumentException($"--count must be ≥ 1 (got {count}).");
            if (seed < 0) throw new ArgumentException($"--seed must be ≥ 0 (got {seed}).");
            var dist = distribution == "low" ? ShiftDistribution.Low : ShiftDistribution.High;
            SorSequences.WriteShiftedLaplacian(path, dist, count, (ulong)seed, m);
            AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(path)}[/]: shifted-Laplacian sequence, {distribution} variance, T = {count}, n = {m * m}, seed {seed}");
            return ExitCodes.Success;
        }

        if (nx < 2) throw new ArgumentException($"--nx must be ≥ 2 (got {nx}).");
        if (steps < 1) throw new ArgumentException($"--steps must be ≥ 1 (got {steps}).");
        if (!(dt > 0) || !double.IsFinite(dt)) throw new ArgumentException($"--dt must be positive (got {dt}).");
        SorSequences.WriteHeat(path, nx, steps, dt);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(path)}[/]: heat Crank–Nicolson sequence, nx = {nx}, n = {(nx - 1) * (nx - 1)}, T = {steps}");
        return ExitCodes.Success;
    }
}
