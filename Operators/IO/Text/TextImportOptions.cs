namespace Solvers.IO.Text;

/// <summary>
/// Options for the text importers (Matrix Market, Harwell-Boeing; PS §10.6–§10.7). The tolerant modes are off by
/// default and each sits behind an explicit flag: nothing that could silently change the matrix is guessed.
/// </summary>
public sealed record TextImportOptions
{
    /// <summary><c>--mm-no-banner</c>: the file has no banner and its first non-comment line is the size line <c>M N NNZ</c>.</summary>
    public bool NoBanner { get; init; }

    /// <summary><c>--triplets</c>: the file holds only <c>i j [value]</c> lines (no banner, no size line).</summary>
    public bool Triplets { get; init; }

    /// <summary><c>--rows</c>: number of rows for triplet files (otherwise inferred from the largest index, with a warning).</summary>
    public int? Rows { get; init; }

    /// <summary><c>--cols</c>: number of columns for triplet files (otherwise inferred from the largest index, with a warning).</summary>
    public int? Columns { get; init; }

    /// <summary><c>--index-base 0|1</c>: index base of tolerant-mode files. Banner files are always 1-based.</summary>
    public int IndexBase { get; init; } = 1;

    /// <summary>
    /// <c>--symmetry general|symmetric</c> for tolerant-mode files; null means unknown. Never inferred: a square file
    /// whose entries all lie in the lower triangle is refused while this is null.
    /// </summary>
    public string? Symmetry { get; init; }

    /// <summary>Drop entries whose value in the file is exactly zero (they are kept as structure by default).</summary>
    public bool DropExplicitZeros { get; init; }

    /// <summary><c>--pattern-values one</c>: give every stored entry of a pattern matrix the value 1.0 when building a problem.</summary>
    public bool PatternValuesOne { get; init; }

    /// <summary>Upper bound on what one read may allocate (REL §4 item 2; CLI <c>--max-memory</c>). Default 2 GiB.</summary>
    public long MemoryBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Accept the permissive variants of PS §10.6 (leading whitespace, one-% banner, CRLF, tabs, mixed case, BOM), each with a warning.</summary>
    public bool Permissive { get; init; } = true;
}
