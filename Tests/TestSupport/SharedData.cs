using NUnit.Framework;

namespace Solvers.Tests.TestSupport;

/// <summary>
/// Locates the repository root (the nearest directory above the test binaries that holds Solvers.sln) and the shared
/// data that sits beside it (<c>&lt;root&gt;/../shared</c>). Tests that need shared data call
/// <c>Assert.Ignore</c> when <see cref="MatricesDirectory"/> is null. The environment variable
/// <c>SOLVERS_SHARED_DIR</c>, when set, names the shared directory instead (for checkouts such as git worktrees that
/// do not sit beside it).
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository root: the nearest ancestor of the test directory that contains Solvers.sln.</summary>
    /// <exception cref="DirectoryNotFoundException">No ancestor holds Solvers.sln.</exception>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The shared directory: <c>SOLVERS_SHARED_DIR</c> when set, else <c>&lt;root&gt;/../shared</c>; null when absent.</summary>
    public static string? SharedDirectory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("SOLVERS_SHARED_DIR");
            if (!string.IsNullOrWhiteSpace(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
            string? root = TryFindRoot();
            if (root is null) return null;
            string dir = Path.GetFullPath(Path.Combine(root, "..", "shared"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    /// <summary><c>&lt;shared&gt;/data/matrices</c> when it exists, else null.</summary>
    public static string? MatricesDirectory
    {
        get
        {
            string? shared = SharedDirectory;
            if (shared is null) return null;
            string dir = Path.Combine(shared, "data", "matrices");
            return Directory.Exists(dir) ? dir : null;
        }
    }

    private static string FindRoot() =>
        TryFindRoot() ?? throw new DirectoryNotFoundException($"No directory containing Solvers.sln above {TestContext.CurrentContext.TestDirectory}.");

    private static string? TryFindRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Solvers.sln"))) return dir.FullName;
            dir = dir.Parent;
        }

        return null;
    }
}
