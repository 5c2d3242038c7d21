using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.IO.Text;

namespace Solvers.Cli.Infrastructure;

/// <summary>The options every file-reading verb shares: memory budget, repairs, text-format flags, isolation.</summary>
public sealed class InputOptions
{
    /// <summary>--max-memory.</summary>
    public Option<string> MaxMemory { get; } = new("--max-memory") { Description = "Memory budget for reading a problem, e.g. 2G, 512M (default 2G).", DefaultValueFactory = _ => "2G" };
    /// <summary>--trusted.</summary>
    public Option<bool> Trusted { get; } = new("--trusted") { Description = "Skip the isolated validation child process and allow external HDF5 references." };
    /// <summary>--validate-timeout.</summary>
    public Option<double> ValidateTimeout { get; } = new("--validate-timeout") { Description = "Seconds the isolated validation may take (default 120).", DefaultValueFactory = _ => 120 };
    /// <summary>--sum-duplicates.</summary>
    public Option<bool> SumDuplicates { get; } = new("--sum-duplicates") { Description = "Repair CSR/CSC input by summing duplicate entries." };
    /// <summary>--sort-indices.</summary>
    public Option<bool> SortIndices { get; } = new("--sort-indices") { Description = "Repair CSR/CSC input by sorting column indices." };
    /// <summary>--strict.</summary>
    public Option<bool> Strict { get; } = new("--strict") { Description = "Treat a disproved symmetry/SPD hint as an error." };
    /// <summary>--mm-no-banner.</summary>
    public Option<bool> NoBanner { get; } = new("--mm-no-banner") { Description = "Matrix Market text without a banner: the first line is the size line." };
    /// <summary>--triplets.</summary>
    public Option<bool> Triplets { get; } = new("--triplets") { Description = "Text file of 'i j value' triplets with neither banner nor size line." };
    /// <summary>--rows.</summary>
    public Option<int?> Rows { get; } = new("--rows") { Description = "Rows of a triplet file." };
    /// <summary>--cols.</summary>
    public Option<int?> Cols { get; } = new("--cols") { Description = "Columns of a triplet file." };
    /// <summary>--index-base.</summary>
    public Option<int> IndexBase { get; } = new("--index-base") { Description = "Index base of tolerant text modes (0 or 1).", DefaultValueFactory = _ => 1 };
    /// <summary>--symmetry.</summary>
    public Option<string?> Symmetry { get; } = new("--symmetry") { Description = "Symmetry of a banner-less text file: general or symmetric (never inferred)." };
    /// <summary>--pattern-values.</summary>
    public Option<string?> PatternValues { get; } = new("--pattern-values") { Description = "Give pattern-only matrices values: 'one'." };
    /// <summary>--layout.</summary>
    public Option<string?> Layout { get; } = new("--layout") { Description = "Layout of an HDF5 CSR/CSC group without a marker: csr or csc." };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(MaxMemory);
        command.Add(Trusted);
        command.Add(ValidateTimeout);
        command.Add(SumDuplicates);
        command.Add(SortIndices);
        command.Add(Strict);
        command.Add(NoBanner);
        command.Add(Triplets);
        command.Add(Rows);
        command.Add(Cols);
        command.Add(IndexBase);
        command.Add(Symmetry);
        command.Add(PatternValues);
        command.Add(Layout);
    }

    /// <summary>Parses a size such as 2G, 512M, 1048576.</summary>
    public static long ParseBytes(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        long mult = 1;
        char last = char.ToUpperInvariant(text[^1]);
        if (last is 'K' or 'M' or 'G' or 'T')
        {
            mult = last switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L << 40 };
            text = text[..^1];
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || v * mult > long.MaxValue / 2)
            throw new ArgumentException($"--max-memory: cannot parse '{text}' as a positive size (e.g. 2G, 512M).");
        return (long)(v * mult);
    }

    /// <summary>Builds the reader options from a parse result.</summary>
    public ProblemOpenOptions Build(ParseResult r, ILogger? logger)
    {
        long budget = ParseBytes(r.GetValue(MaxMemory) ?? "2G");
        bool trusted = r.GetValue(Trusted);
        string? symmetry = r.GetValue(Symmetry);
        if (symmetry is not null && symmetry is not ("general" or "symmetric"))
            throw new ArgumentException($"--symmetry must be 'general' or 'symmetric' (got '{symmetry}').");
        string? pattern = r.GetValue(PatternValues);
        if (pattern is not null && pattern != "one")
            throw new ArgumentException($"--pattern-values accepts only 'one' (got '{pattern}').");
        int indexBase = r.GetValue(IndexBase);
        if (indexBase is not (0 or 1)) throw new ArgumentException($"--index-base must be 0 or 1 (got {indexBase}).");
        string? layout = r.GetValue(Layout);
        if (layout is not null && layout is not ("csr" or "csc"))
            throw new ArgumentException($"--layout must be 'csr' or 'csc' (got '{layout}').");
        return new ProblemOpenOptions
        {
            Reader = new ProblemReaderOptions
            {
                MemoryBudgetBytes = budget,
                Untrusted = !trusted,
                SumDuplicates = r.GetValue(SumDuplicates),
                SortIndices = r.GetValue(SortIndices),
                Strict = r.GetValue(Strict),
                Logger = logger,
            },
            Text = new TextImportOptions
            {
                NoBanner = r.GetValue(NoBanner),
                Triplets = r.GetValue(Triplets),
                Rows = r.GetValue(Rows),
                Columns = r.GetValue(Cols),
                IndexBase = indexBase,
                Symmetry = symmetry,
                PatternValuesOne = pattern == "one",
                MemoryBudgetBytes = budget,
            },
            SparseGroup = new SparseGroupImportOptions { Layout = layout },
        };
    }

    /// <summary>The same options as command-line arguments, for the validation child process.</summary>
    public IEnumerable<string> ToChildArguments(ParseResult r)
    {
        yield return "--max-memory";
        yield return r.GetValue(MaxMemory) ?? "2G";
        if (r.GetValue(SumDuplicates)) yield return "--sum-duplicates";
        if (r.GetValue(SortIndices)) yield return "--sort-indices";
        if (r.GetValue(Strict)) yield return "--strict";
        if (r.GetValue(NoBanner)) yield return "--mm-no-banner";
        if (r.GetValue(Triplets)) yield return "--triplets";
        if (r.GetValue(Rows) is { } rows) { yield return "--rows"; yield return rows.ToString(CultureInfo.InvariantCulture); }
        if (r.GetValue(Cols) is { } cols) { yield return "--cols"; yield return cols.ToString(CultureInfo.InvariantCulture); }
        yield return "--index-base";
        yield return r.GetValue(IndexBase).ToString(CultureInfo.InvariantCulture);
        if (r.GetValue(Symmetry) is { } s) { yield return "--symmetry"; yield return s; }
        if (r.GetValue(PatternValues) is { } p) { yield return "--pattern-values"; yield return p; }
        if (r.GetValue(Layout) is { } l) { yield return "--layout"; yield return l; }
    }
}
