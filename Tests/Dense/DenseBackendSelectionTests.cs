using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

/// <summary>Collects log lines for assertions.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines) Lines.Add((logLevel, formatter(state, exception)));
    }

    public bool Has(LogLevel level, string fragment) => Lines.Any(l => l.Level == level && l.Message.Contains(fragment, StringComparison.Ordinal));
}

// Tolerances: none (selection logic); the self-test itself checks to 1e-12 relative.
[TestFixture]
[NonParallelizable] // some tests set process environment variables and reset DenseBackend
public class DenseBackendSelectionTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-dense-selection-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_dir, recursive: true);
    }

    private string CacheFile => Path.Combine(_dir, DenseBackend.CacheFileName);

    private static DenseBackendFactory Good(string name) => new(name, () => (new ReferenceDenseBackend(name), null));

    private static DenseBackendFactory Broken(string name) => new(name, () => (new BrokenGemmBackend(name), null));

    private static DenseBackendFactory Missing(string name, string reason) => new(name, () => (null, reason));

    /// <summary>A selector whose timings are fixed scores, so that choices do not depend on the machine.</summary>
    private DenseBackendSelector Selector(ListLogger log, Dictionary<string, double> scores, params DenseBackendFactory[] factories) =>
        new(factories, () => CacheFile, () => log)
        {
            Measure = b => new DenseBackendMeasurement(b.Name, b.Description, scores[b.Name], scores[b.Name], scores[b.Name]),
        };

    [TestCase(null, "best")]
    [TestCase("", "best")]
    [TestCase("  ", "best")]
    [TestCase("best", "best")]
    [TestCase("MKL", "mkl")]
    [TestCase(" openblas ", "openblas")]
    [TestCase("Managed", "managed")]
    public void ParseRequest_AcceptsTheFourNames(string? value, string expected) =>
        Assert.That(DenseBackend.ParseRequest(value), Is.EqualTo(expected));

    [TestCase("cuda")]
    [TestCase("mkl,openblas")]
    [TestCase("open-blas")]
    public void ParseRequest_UnknownValue_ThrowsNamingTheValidOnes(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DenseBackend.ParseRequest(value))!;
        Assert.That(e.Message, Does.Contain(DenseBackend.EnvironmentVariable + "=" + value).And.Contain("mkl, openblas, managed, best"));
    }

    [Test]
    public void Current_WithUnknownEnvironmentValue_ThrowsAndLogsAnError()
    {
        string? old = Environment.GetEnvironmentVariable(DenseBackend.EnvironmentVariable);
        var oldLogger = DenseBackend.Logger;
        var log = new ListLogger();
        try
        {
            Environment.SetEnvironmentVariable(DenseBackend.EnvironmentVariable, "cuda");
            DenseBackend.Logger = log;
            DenseBackend.Reset();
            var e = Assert.Throws<InvalidOperationException>(() => _ = DenseBackend.Current)!;
            Assert.That(e.Message, Does.Contain("valid values: mkl, openblas, managed, best"));
            Assert.That(log.Has(LogLevel.Error, "SOLVERS_DENSE_BACKEND=cuda"), Is.True);
            // Not cached: still an error on the next read.
            Assert.Throws<InvalidOperationException>(() => _ = DenseBackend.Current);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DenseBackend.EnvironmentVariable, old);
            DenseBackend.Logger = oldLogger;
            DenseBackend.Reset();
        }
    }

    [Test]
    public void Select_UnknownName_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => DenseBackend.Select("cuda"));
        Assert.Throws<ArgumentException>(() => DenseBackend.Select(" "));
    }

    [Test]
    public void Use_MakesTheGivenBackendCurrent_ResetForgetsIt()
    {
        var fake = new ReferenceDenseBackend("fake");
        try
        {
            DenseBackend.Use(fake);
            Assert.That(DenseBackend.Current, Is.SameAs(fake));
            Assert.That(DenseBackend.CurrentChoice.Requested, Is.EqualTo("Use"));
        }
        finally
        {
            DenseBackend.Reset();
        }
    }

    [Test]
    public void SelfTest_PassesTheReference_FailsTheBrokenGemm()
    {
        Assert.That(DenseBackendSelfTest.Run(new ReferenceDenseBackend()).Failures, Is.Empty);
        var broken = DenseBackendSelfTest.Run(new BrokenGemmBackend("broken"));
        Assert.That(broken.Passed, Is.False);
        Assert.That(broken.ToString(), Does.Contain("gemm"));
    }

    [Test]
    public void Named_BackendFailingTheSelfTest_IsNeverChosen_FallsBackWithAWarning()
    {
        var log = new ListLogger();
        var sel = Selector(log, new Dictionary<string, double>(), Good("managed"), Broken("mkl"));
        var choice = sel.Choose("mkl", "test");
        Assert.That(choice.Backend.Name, Is.EqualTo("managed"));
        Assert.That(choice.Explanation, Does.StartWith("fallback: mkl failed its self-test"));
        Assert.That(log.Has(LogLevel.Warning, "mkl requested by test failed its self-test"), Is.True);
        Assert.That(log.Has(LogLevel.Information, "dense backend: managed"), Is.True);
    }

    [Test]
    public void Named_UnavailableBackend_FallsBackWithTheReason()
    {
        var log = new ListLogger();
        var sel = Selector(log, new Dictionary<string, double>(), Good("managed"), Missing("mkl", "libmkl_rt.so not found (install libmkl-rt)"),
            new DenseBackendFactory("openblas", () => throw new DllNotFoundException("libopenblas.so.0")));
        Assert.That(sel.Choose("mkl", "test").Backend.Name, Is.EqualTo("managed"));
        Assert.That(log.Has(LogLevel.Warning, "libmkl_rt.so not found (install libmkl-rt)"), Is.True);
        Assert.That(sel.Choose("openblas", "test").Backend.Name, Is.EqualTo("managed"));
        Assert.That(sel.Available["openblas"].Reason, Does.Contain("DllNotFoundException"));
        Assert.That(sel.Choose("xyz-not-registered", "test").Backend.Name, Is.EqualTo("managed"));
    }

    [Test]
    public void Named_GoodBackend_IsChosenAfterItsSelfTest()
    {
        var log = new ListLogger();
        var sel = Selector(log, new Dictionary<string, double>(), Good("managed"), Good("openblas"));
        var choice = sel.Choose("openblas", "SOLVERS_DENSE_BACKEND=openblas");
        Assert.That(choice.Backend.Name, Is.EqualTo("openblas"));
        Assert.That(log.Has(LogLevel.Information, "dense backend: openblas (test reference backend (openblas)), chosen by SOLVERS_DENSE_BACKEND=openblas"), Is.True);
    }

    [Test]
    public void Best_NeverChoosesABackendFailingTheSelfTest()
    {
        var log = new ListLogger();
        var scores = new Dictionary<string, double> { ["mkl"] = 1000, ["openblas"] = 1 };
        var sel = Selector(log, scores, Good("managed"), Broken("mkl"), Good("openblas"));
        var choice = sel.Choose("best", "test");
        Assert.That(choice.Backend.Name, Is.EqualTo("openblas"));
        Assert.That(sel.MeasureCalls, Is.Zero, "a single candidate is not timed");
        Assert.That(log.Has(LogLevel.Warning, "mkl failed its self-test"), Is.True);

        var onlyBroken = Selector(new ListLogger(), scores, Good("managed"), Broken("mkl"), Broken("openblas"));
        Assert.That(onlyBroken.Choose("best", "test").Backend.Name, Is.EqualTo("managed"));
    }

    [Test]
    public void Best_WithNoNativeBackend_IsManaged()
    {
        var sel = Selector(new ListLogger(), new Dictionary<string, double>(), Good("managed"), Missing("mkl", "no MKL"), Missing("openblas", "no OpenBLAS"));
        var choice = sel.Choose("best", "test");
        Assert.That(choice.Backend.Name, Is.EqualTo("managed"));
        Assert.That(choice.Explanation, Does.Contain("no MKL").And.Contain("no OpenBLAS"));
    }

    [Test]
    public void Best_PicksTheFaster_CachesIt_AndReusesTheCacheWithoutMeasuring()
    {
        var scores = new Dictionary<string, double> { ["mkl"] = 10, ["openblas"] = 20 };
        var first = Selector(new ListLogger(), scores, Good("managed"), Good("mkl"), Good("openblas"));
        var c1 = first.Choose("best", "test");
        Assert.That(c1.Backend.Name, Is.EqualTo("openblas"));
        Assert.That(c1.FromCache, Is.False);
        Assert.That(first.MeasureCalls, Is.EqualTo(4), "two passes over two candidates");
        Assert.That(c1.Explanation, Does.Contain("cached in " + CacheFile));

        var json = JsonNode.Parse(File.ReadAllText(CacheFile))!;
        Assert.That((string?)json["chosen"], Is.EqualTo("openblas"));
        Assert.That((string?)json["key"], Does.Contain("processors=" + Environment.ProcessorCount).And.Contain("mkl=test reference backend (mkl)"));
        Assert.That(json["measurements"]!.AsArray(), Has.Count.EqualTo(2));

        // A later run (new selector, scores now reversed) trusts the cache.
        var reversed = new Dictionary<string, double> { ["mkl"] = 20, ["openblas"] = 10 };
        var log = new ListLogger();
        var second = Selector(log, reversed, Good("managed"), Good("mkl"), Good("openblas"));
        var c2 = second.Choose("best", "test");
        Assert.That(c2.Backend.Name, Is.EqualTo("openblas"));
        Assert.That(c2.FromCache, Is.True);
        Assert.That(second.MeasureCalls, Is.Zero);
        Assert.That(c2.Measurements.Select(m => m.Name), Is.EquivalentTo(new[] { "mkl", "openblas" }));
        Assert.That(log.Has(LogLevel.Information, "chosen by best (test; cached measurement"), Is.True);
    }

    [Test]
    public void Best_CacheForAnotherLibrarySet_IsMeasuredAgain()
    {
        var scores = new Dictionary<string, double> { ["mkl"] = 10, ["openblas"] = 20 };
        Selector(new ListLogger(), scores, Good("managed"), Good("mkl"), Good("openblas")).Choose("best", "test");
        var other = Selector(new ListLogger(), new Dictionary<string, double> { ["mkl"] = 30, ["blis"] = 20 }, Good("managed"), Good("mkl"), Good("blis"));
        var c = other.Choose("best", "test");
        Assert.That(c.Backend.Name, Is.EqualTo("mkl"));
        Assert.That(other.MeasureCalls, Is.EqualTo(4));
    }

    [Test]
    public void Best_TiesWithinTwoPercent_GoToRegistryOrder()
    {
        var scores = new Dictionary<string, double> { ["mkl"] = 20, ["openblas"] = 20.3 };
        var sel = Selector(new ListLogger(), scores, Good("managed"), Good("mkl"), Good("openblas"));
        Assert.That(sel.Choose("best", "test").Backend.Name, Is.EqualTo("mkl"));
    }

    [TestCase("{ not json")]
    [TestCase("")]
    [TestCase("[1, 2, 3]")]
    [TestCase("{\"format\": 1, \"key\": 7}")]
    [TestCase("{\"format\": \"x\"}")]
    public void Best_CorruptCache_IsIgnoredAndRewritten(string content)
    {
        File.WriteAllText(CacheFile, content);
        var scores = new Dictionary<string, double> { ["mkl"] = 10, ["openblas"] = 20 };
        var sel = Selector(new ListLogger(), scores, Good("managed"), Good("mkl"), Good("openblas"));
        var c = sel.Choose("best", "test");
        Assert.That(c.Backend.Name, Is.EqualTo("openblas"));
        Assert.That(sel.MeasureCalls, Is.EqualTo(4));
        Assert.That((string?)JsonNode.Parse(File.ReadAllText(CacheFile))!["chosen"], Is.EqualTo("openblas"));
    }

    [Test]
    public void Best_CacheNamingAVanishedOrBadMeasurement_IsIgnored()
    {
        var scores = new Dictionary<string, double> { ["mkl"] = 10, ["openblas"] = 20 };
        Selector(new ListLogger(), scores, Good("managed"), Good("mkl"), Good("openblas")).Choose("best", "test");
        var json = JsonNode.Parse(File.ReadAllText(CacheFile))!;
        json["measurements"]![0]!["gemm"] = -1;
        File.WriteAllText(CacheFile, json.ToJsonString());
        var sel = Selector(new ListLogger(), scores, Good("managed"), Good("mkl"), Good("openblas"));
        Assert.That(sel.Choose("best", "test").FromCache, Is.False);
        Assert.That(sel.MeasureCalls, Is.EqualTo(4));
    }

    [Test]
    public void Best_UnwritableCache_StillChooses()
    {
        // The cache "directory" is a file: nothing can be created beneath it.
        string blocker = Path.Combine(_dir, "blocker");
        File.WriteAllText(blocker, "");
        var scores = new Dictionary<string, double> { ["mkl"] = 10, ["openblas"] = 20 };
        var sel = new DenseBackendSelector([Good("managed"), Good("mkl"), Good("openblas")], () => Path.Combine(blocker, "sub", "dense-backend.json"), () => null)
        {
            Measure = b => new DenseBackendMeasurement(b.Name, b.Description, scores[b.Name], scores[b.Name], scores[b.Name]),
        };
        var c = sel.Choose("best", "test");
        Assert.That(c.Backend.Name, Is.EqualTo("openblas"));
        Assert.That(c.Explanation, Does.Contain("not cached"));
    }

    [Test]
    public void Best_WithoutACachePath_StillChooses()
    {
        var scores = new Dictionary<string, double> { ["mkl"] = 30, ["openblas"] = 20 };
        var sel = new DenseBackendSelector([Good("managed"), Good("mkl"), Good("openblas")], () => null, () => null)
        {
            Measure = b => new DenseBackendMeasurement(b.Name, b.Description, scores[b.Name], scores[b.Name], scores[b.Name]),
        };
        Assert.That(sel.Choose("best", "test").Backend.Name, Is.EqualTo("mkl"));
    }

    [Test]
    public void Best_RealTimings_OnTheReferenceBackend_AreFinite()
    {
        var m = DenseBackendBenchmark.Quick(new ReferenceDenseBackend("reference"));
        Assert.That(m.Score, Is.GreaterThan(0).And.LessThan(double.PositiveInfinity));
    }

    [Test]
    public void CacheFilePath_HonoursSolversCacheDir_ThenXdg()
    {
        string? oldDir = Environment.GetEnvironmentVariable(DenseBackend.CacheDirectoryVariable);
        string? oldXdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable(DenseBackend.CacheDirectoryVariable, _dir);
            Assert.That(DenseBackend.CacheFilePath, Is.EqualTo(CacheFile));
            Environment.SetEnvironmentVariable(DenseBackend.CacheDirectoryVariable, null);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg-test");
            Assert.That(DenseBackend.CacheFilePath, Is.EqualTo("/tmp/xdg-test/solvers/dense-backend.json"));
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.That(DenseBackend.CacheFilePath, Does.EndWith("/.cache/solvers/dense-backend.json"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DenseBackend.CacheDirectoryVariable, oldDir);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", oldXdg);
        }
    }

    [Test]
    public void RegisteredBackends_AllPassTheSelfTest()
    {
        foreach (var (name, a) in DenseBackend.Available)
        {
            if (a.Backend is null)
            {
                TestContext.Out.WriteLine($"{name}: unavailable ({a.Reason})");
                continue;
            }

            var r = DenseBackendSelfTest.Run(a.Backend);
            TestContext.Out.WriteLine($"{name} ({a.Backend.Description}): {r}");
            Assert.That(r.Failures, Is.Empty, name);
        }
    }

    [Test]
    public void Current_FromTheEnvironment_UsesATemporaryCache()
    {
        if (!DenseBackend.Available.TryGetValue("managed", out var m) || m.Backend is null)
            Assert.Ignore("no managed backend registered in this build");
        string? oldDir = Environment.GetEnvironmentVariable(DenseBackend.CacheDirectoryVariable);
        string? oldSel = Environment.GetEnvironmentVariable(DenseBackend.EnvironmentVariable);
        var oldLogger = DenseBackend.Logger;
        var log = new ListLogger();
        try
        {
            Environment.SetEnvironmentVariable(DenseBackend.CacheDirectoryVariable, _dir);
            Environment.SetEnvironmentVariable(DenseBackend.EnvironmentVariable, null);
            DenseBackend.Logger = log;
            DenseBackend.Reset();
            var current = DenseBackend.Current;
            Assert.That(DenseBackendSelfTest.Run(current).Passed, Is.True);
            Assert.That(log.Has(LogLevel.Information, $"dense backend: {current.Name} ("), Is.True);
            int natives = DenseBackend.Available.Count(p => p.Key != "managed" && p.Value.IsAvailable);
            if (natives >= 2) Assert.That(File.Exists(CacheFile), Is.True);
            TestContext.Out.WriteLine(log.Lines.Last().Message);

            Environment.SetEnvironmentVariable(DenseBackend.EnvironmentVariable, "managed");
            DenseBackend.Reset();
            Assert.That(DenseBackend.Current.Name, Is.EqualTo("managed"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DenseBackend.CacheDirectoryVariable, oldDir);
            Environment.SetEnvironmentVariable(DenseBackend.EnvironmentVariable, oldSel);
            DenseBackend.Logger = oldLogger;
            DenseBackend.Reset();
        }
    }
}
