using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Solvers.Dense;

/// <summary>
/// The selection logic behind <see cref="DenseBackend"/>, over any list of factories (the registry in production, fakes in
/// tests). Not thread-safe by itself: <see cref="DenseBackend"/> serializes calls to <see cref="Choose"/>.
/// </summary>
internal sealed class DenseBackendSelector
{
    /// <summary>Scores within this fraction of the best are a tie, broken by registry order.</summary>
    internal const double TieFraction = 0.02;

    private readonly IReadOnlyList<DenseBackendFactory> _factories;
    private readonly Func<string?> _cacheFile;
    private readonly Func<ILogger?> _logger;
    private readonly Lock _availableGate = new();
    private IReadOnlyDictionary<string, DenseBackendAvailability>? _available;
    private readonly Dictionary<IDenseBackend, DenseSelfTestResult> _selfTests = new(ReferenceEqualityComparer.Instance);

    public DenseBackendSelector(IReadOnlyList<DenseBackendFactory> factories, Func<string?> cacheFile, Func<ILogger?> logger)
    {
        _factories = factories;
        _cacheFile = cacheFile;
        _logger = logger;
    }

    /// <summary>Times one backend for <c>best</c>; replaceable by tests.</summary>
    public Func<IDenseBackend, DenseBackendMeasurement> Measure { get; init; } = DenseBackendBenchmark.Quick;

    /// <summary>Runs the self-test; replaceable by tests.</summary>
    public Func<IDenseBackend, DenseSelfTestResult> SelfTest { get; init; } = DenseBackendSelfTest.Run;

    /// <summary>How many times <see cref="Measure"/> was called (tests check that a cached choice measures nothing).</summary>
    public int MeasureCalls { get; private set; }

    public IReadOnlyDictionary<string, DenseBackendAvailability> Available
    {
        get
        {
            if (_available is not null) return _available;
            lock (_availableGate)
            {
                if (_available is not null) return _available;
                var d = new Dictionary<string, DenseBackendAvailability>(StringComparer.Ordinal);
                foreach (var f in _factories)
                {
                    if (d.ContainsKey(f.Name)) continue;
                    d[f.Name] = Create(f);
                }

                _available = d;
                return d;
            }
        }
    }

    private static DenseBackendAvailability Create(DenseBackendFactory f)
    {
        try
        {
            var (backend, reason) = f.Create();
            return new DenseBackendAvailability(f.Name, backend, backend is null ? reason ?? "unavailable (no reason given)" : null);
        }
#pragma warning disable CA1031 // A factory that throws (missing library, bad symbol) makes its backend unavailable, nothing more.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new DenseBackendAvailability(f.Name, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The self-test result for this backend instance (run once).</summary>
    public DenseSelfTestResult SelfTestOf(IDenseBackend backend)
    {
        lock (_selfTests)
        {
            if (!_selfTests.TryGetValue(backend, out var r))
            {
                r = SelfTest(backend);
                _selfTests[backend] = r;
            }

            return r;
        }
    }

    /// <summary>Chooses for a parsed request ("best", "mkl", "openblas", "managed"); <paramref name="origin"/> names who asked, for the log.</summary>
    public DenseBackendChoice Choose(string request, string origin)
    {
        var logger = _logger();
        DenseBackendChoice choice = request switch
        {
            "managed" => new DenseBackendChoice(Managed(), request, origin, [], false),
            "best" => ChooseBest(origin, logger),
            _ => ChooseNamed(request, origin, logger),
        };
        DenseBackend.Log(logger, LogLevel.Information,
            $"dense backend: {choice.Backend.Name} ({choice.Backend.Description}), chosen by {choice.Explanation}");
        return choice;
    }

    private IDenseBackend Managed()
    {
        if (Available.TryGetValue("managed", out var m) && m.Backend is not null) return m.Backend;
        throw new InvalidOperationException(
            "No managed dense backend is registered" + (m?.Reason is null ? "" : $" ({m.Reason})") + "; DenseBackendRegistry.Factories must list \"managed\".");
    }

    private DenseBackendChoice ChooseNamed(string request, string origin, ILogger? logger)
    {
        if (!Available.TryGetValue(request, out var a) || a.Backend is null)
        {
            string reason = a?.Reason ?? "not registered in this build";
            DenseBackend.Log(logger, LogLevel.Warning, $"dense backend: {request} requested by {origin} is unavailable ({reason}); falling back to managed");
            return new DenseBackendChoice(Managed(), request, $"fallback: {request} unavailable ({reason}); requested by {origin}", [], false);
        }

        var test = SelfTestOf(a.Backend);
        if (!test.Passed)
        {
            DenseBackend.Log(logger, LogLevel.Warning,
                $"dense backend: {request} requested by {origin} failed its self-test ({test}); falling back to managed");
            return new DenseBackendChoice(Managed(), request, $"fallback: {request} failed its self-test; requested by {origin}", [], false);
        }

        return new DenseBackendChoice(a.Backend, request, origin + ", self-test passed", [], false);
    }

    private DenseBackendChoice ChooseBest(string origin, ILogger? logger)
    {
        var candidates = new List<IDenseBackend>();
        var excluded = new List<string>();
        foreach (string name in _factories.Select(f => f.Name).Distinct())
        {
            var a = Available[name];
            if (name == "managed") continue;
            if (a.Backend is null)
            {
                excluded.Add($"{name} unavailable: {a.Reason}");
                DenseBackend.Log(logger, LogLevel.Debug, $"dense backend: {name} unavailable ({a.Reason})");
                continue;
            }

            var test = SelfTestOf(a.Backend);
            if (!test.Passed)
            {
                excluded.Add($"{name} failed its self-test");
                DenseBackend.Log(logger, LogLevel.Warning, $"dense backend: {name} failed its self-test ({test}); it will not be used");
                continue;
            }

            candidates.Add(a.Backend);
        }

        if (candidates.Count == 0)
            return new DenseBackendChoice(Managed(), "best", $"best ({origin}; no native backend passed: {string.Join("; ", excluded)})", [], false);
        if (candidates.Count == 1)
        {
            string why = excluded.Count == 0 ? "the only native backend" : $"the only native backend left; {string.Join("; ", excluded)}";
            return new DenseBackendChoice(candidates[0], "best", $"best ({origin}; {why})", [], false);
        }

        string key = DenseBackendCache.Key(candidates);
        string? path = _cacheFile();
        var cached = path is null ? null : DenseBackendCache.TryRead(path, key, logger);
        if (cached is not null)
        {
            var hit = candidates.FirstOrDefault(c => c.Name == cached.Chosen);
            if (hit is not null)
            {
                string when = cached.MeasuredAtUtc.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
                return new DenseBackendChoice(hit, "best", $"best ({origin}; cached measurement {when}: {Summary(cached.Measurements, hit.Name)})",
                    cached.Measurements, true);
            }
        }

        // Two passes, forward then reverse, each op keeping its better rate: a load change on a shared machine then
        // weighs on every candidate alike instead of on whichever happened to be timed during it.
        var best = new Dictionary<string, DenseBackendMeasurement>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pass in new[] { candidates, Enumerable.Reverse(candidates).ToList() })
            foreach (var c in pass)
            {
                if (failed.Contains(c.Name)) continue;
                MeasureCalls++;
                try
                {
                    var m = Measure(c);
                    best[c.Name] = best.TryGetValue(c.Name, out var p)
                        ? p with { GemmGflops = Math.Max(p.GemmGflops, m.GemmGflops), CholeskyGflops = Math.Max(p.CholeskyGflops, m.CholeskyGflops), QrGflops = Math.Max(p.QrGflops, m.QrGflops) }
                        : m;
                }
#pragma warning disable CA1031 // A backend that throws while timed is left out, like one failing its self-test.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failed.Add(c.Name);
                    DenseBackend.Log(logger, LogLevel.Warning, $"dense backend: {c.Name} failed while being timed ({e.GetType().Name}: {e.Message}); it will not be used");
                }
            }

        var measured = candidates.Where(c => !failed.Contains(c.Name) && best.ContainsKey(c.Name)).Select(c => best[c.Name]).ToList();
        if (measured.Count == 0)
            return new DenseBackendChoice(Managed(), "best", $"best ({origin}; every native backend failed while being timed)", [], false);
        var chosen = Pick(measured);
        bool written = path is not null && DenseBackendCache.TryWrite(path, key, chosen.Name, DateTime.UtcNow, measured, logger);
        string where = written ? $"cached in {path}" : "not cached";
        return new DenseBackendChoice(candidates.First(c => c.Name == chosen.Name), "best",
            $"best ({origin}; measured now: {Summary(measured, chosen.Name)}; {where})", measured, false);
    }

    /// <summary>The highest score; scores within <see cref="TieFraction"/> of it are a tie, won by the first in list (registry) order.</summary>
    internal static DenseBackendMeasurement Pick(IReadOnlyList<DenseBackendMeasurement> measured)
    {
        double top = measured.Max(m => m.Score);
        return measured.First(m => m.Score >= (1 - TieFraction) * top);
    }

    private static string Summary(IReadOnlyList<DenseBackendMeasurement> ms, string chosen) =>
        string.Join(", ", ms.OrderByDescending(m => m.Score).Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{m.Name}{(m.Name == chosen ? "*" : "")} {m.Score:F1} GFLOP/s (gemm {m.GemmGflops:F1}, chol {m.CholeskyGflops:F1}, qr {m.QrGflops:F1})")));
}
