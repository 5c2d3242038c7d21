using Microsoft.Extensions.Logging;

namespace Solvers.IO.Hdf5;

/// <summary>Options of <see cref="ProblemSetReader"/> and the HDF5 importers (PS §8, REL §4–§8).</summary>
public sealed record ProblemReaderOptions
{
    /// <summary>The default options.</summary>
    public static ProblemReaderOptions Default { get; } = new();

    /// <summary>Cumulative bytes one ReadProblem may allocate (REL §4.2); CLI <c>--max-memory</c>. Default 2 GiB.</summary>
    public long MemoryBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Refuse external links, external raw storage and virtual datasets (REL §5). Default true.</summary>
    public bool Untrusted { get; init; } = true;

    /// <summary>Accept NaN/±Inf with a warning instead of an error (inspection tools only, REL §8).</summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>Opt-in repair: sum duplicate CSR/CSC entries instead of failing (REL §7.1).</summary>
    public bool SumDuplicates { get; init; }

    /// <summary>Opt-in repair: sort unsorted CSR/CSC indices instead of failing (REL §7.1).</summary>
    public bool SortIndices { get; init; }

    /// <summary>Turn disproved hints (symmetric, spd) into errors instead of warnings (REL §7.4).</summary>
    public bool Strict { get; init; }

    /// <summary>Receives warnings (Warning) and notes about ignored attributes (Debug); null for none.</summary>
    public ILogger? Logger { get; init; }
}
