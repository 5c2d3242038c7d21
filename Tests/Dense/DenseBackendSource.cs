using System.Collections.Concurrent;
using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

/// <summary>
/// The fixture parameter of the dense suite: one fixture per backend in <see cref="DenseBackendRegistry.Factories"/>.
/// An unavailable backend is skipped (ignored, with the factory's reason). The environment variable
/// <c>SOLVERS_TEST_DENSE_BACKENDS=managed,mkl</c> restricts the run to the named backends; a backend named there that
/// is unavailable (or unknown) fails instead of being skipped.
/// </summary>
public static class DenseBackendSource
{
    /// <summary>The environment variable that restricts the backends under test.</summary>
    public const string EnvironmentVariable = "SOLVERS_TEST_DENSE_BACKENDS";

    private static readonly ConcurrentDictionary<string, Lazy<(IDenseBackend? Backend, string? Reason)>> Created = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The reference every backend is compared with.</summary>
    public static IDenseBackend Managed { get; } = new ManagedBackend();

    /// <summary>The fixture arguments: one backend name each.</summary>
    public static IEnumerable<TestFixtureData> Backends()
    {
        HashSet<string>? requested = Requested();
        foreach (DenseBackendFactory factory in DenseBackendRegistry.Factories)
        {
            if (requested is not null && !requested.Contains(factory.Name)) continue;
            var data = new TestFixtureData(factory.Name);
            data.SetArgDisplayNames(factory.Name);
            var (backend, reason) = Create(factory.Name);
            if (backend is null && requested is null) data.Ignore($"dense backend '{factory.Name}' is unavailable: {reason}");
            yield return data;
        }

        if (requested is null) yield break;
        foreach (string name in requested)
        {
            if (DenseBackendRegistry.Factories.Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))) continue;
            var unknown = new TestFixtureData(name);
            unknown.SetArgDisplayNames(name);
            yield return unknown;
        }
    }

    /// <summary>The backend of a fixture; fails the fixture when it cannot be created.</summary>
    public static IDenseBackend Resolve(string name)
    {
        var (backend, reason) = Create(name);
        if (backend is null) Assert.Fail($"dense backend '{name}' was requested ({EnvironmentVariable}) but is unavailable: {reason}");
        return backend!;
    }

    private static HashSet<string>? Requested()
    {
        string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value)) return null;
        return new HashSet<string>(
            value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            StringComparer.OrdinalIgnoreCase);
    }

    private static (IDenseBackend? Backend, string? Reason) Create(string name) =>
        Created.GetOrAdd(name, n => new Lazy<(IDenseBackend?, string?)>(() =>
        {
            DenseBackendFactory? factory = DenseBackendRegistry.Factories
                .FirstOrDefault(f => string.Equals(f.Name, n, StringComparison.OrdinalIgnoreCase));
            if (factory is null) return (null, $"no factory named '{n}' in DenseBackendRegistry.Factories");
            try
            {
                var (backend, reason) = factory.Create();
                return backend is null ? (null, reason ?? "the factory gave no reason") : (backend, null);
            }
#pragma warning disable CA1031 // a native backend that fails to load is reported, not thrown
            catch (Exception e)
#pragma warning restore CA1031
            {
                return (null, $"{e.GetType().Name}: {e.Message}");
            }
        })).Value;
}

/// <summary>Base of the dense fixtures: the backend under test and the managed reference.</summary>
public abstract class DenseBackendFixture
{
    /// <summary>Creates the fixture for one backend.</summary>
    protected DenseBackendFixture(string backendName) => BackendName = backendName;

    /// <summary>The backend's registry name.</summary>
    protected string BackendName { get; }

    /// <summary>The backend under test.</summary>
    protected IDenseBackend Backend { get; private set; } = null!;

    /// <summary>The managed backend every result is compared with.</summary>
    protected static IDenseBackend Managed => DenseBackendSource.Managed;

    /// <summary>Creates (or fails) the backend once per fixture.</summary>
    [OneTimeSetUp]
    public void ResolveBackend() => Backend = DenseBackendSource.Resolve(BackendName);
}
