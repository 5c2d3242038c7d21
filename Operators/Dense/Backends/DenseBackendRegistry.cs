namespace Solvers.Dense;

/// <summary>A way to create one dense backend: a native one reports why it is unavailable instead of failing.</summary>
/// <param name="Name">"managed", "mkl" or "openblas".</param>
/// <param name="Create">Creates the backend, or returns null with a reason (for example the missing Debian package).</param>
public sealed record DenseBackendFactory(string Name, Func<(IDenseBackend? Backend, string? Reason)> Create);

/// <summary>Every dense backend the suite knows, in order of preference when measurements tie.</summary>
public static class DenseBackendRegistry
{
    /// <summary>The factories; each backend adds itself here.</summary>
    public static IReadOnlyList<DenseBackendFactory> Factories { get; } =
    [
        new DenseBackendFactory("managed", () => (new ManagedBackend(), null)),
        new DenseBackendFactory("openblas", OpenBlasBackend.TryCreate),
    ];
}
