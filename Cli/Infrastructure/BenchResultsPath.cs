using System.Globalization;

namespace Solvers.Cli.Infrastructure;

/// <summary>Default paths of benchmark reports: bench/results/&lt;prefix&gt;-&lt;yyyyMMdd-HHmm&gt;.md, never overwriting one.</summary>
internal static class BenchResultsPath
{
    /// <summary>
    /// The report path for <paramref name="prefix"/> at the current UTC minute; when a report of that minute exists already
    /// (two runs within a minute), "-2", "-3", … is appended instead of overwriting it.
    /// </summary>
    public static string Next(string prefix)
    {
        string stem = Path.Combine("bench", "results", string.Create(CultureInfo.InvariantCulture, $"{prefix}-{DateTime.UtcNow:yyyyMMdd-HHmm}"));
        string path = stem + ".md";
        for (int k = 2; File.Exists(path); k++) path = string.Create(CultureInfo.InvariantCulture, $"{stem}-{k}.md");
        return path;
    }
}
