using NUnit.Framework;
using Solvers.Cli.Infrastructure;

namespace Solvers.Tests.Cli;

/// <summary>Default benchmark report paths never overwrite a report written earlier in the same minute (exact paths).</summary>
[NonParallelizable] // changes the process's current directory
public class BenchResultsPathTests
{
    [Test]
    public void SecondReportInTheSameMinute_GetsASuffix()
    {
        string dir = Path.Combine(Path.GetTempPath(), "solvers-bench-path-" + Guid.NewGuid().ToString("N"));
        string previous = Environment.CurrentDirectory;
        Directory.CreateDirectory(Path.Combine(dir, "bench", "results"));
        try
        {
            Environment.CurrentDirectory = dir;
            string first = BenchResultsPath.Next("x");
            File.WriteAllText(first, "1");
            string second = BenchResultsPath.Next("x");
            File.WriteAllText(second, "2");
            string third = BenchResultsPath.Next("x");
            if (Path.GetFileName(first) == Path.GetFileNameWithoutExtension(second)[..^2] + ".md")
            {
                // Same minute (the usual case): -2 then -3.
                Assert.That(second, Is.EqualTo(first[..^3] + "-2.md"));
                Assert.That(third, Is.EqualTo(first[..^3] + "-3.md"));
            }

            Assert.That(new[] { first, second, third }, Is.Unique, "never the same path twice");
            Assert.That(File.ReadAllText(first), Is.EqualTo("1"), "the first report is kept");
            StringAssert.StartsWith(Path.Combine("bench", "results", "x-"), first);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(dir, recursive: true);
        }
    }
}
