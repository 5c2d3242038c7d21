using Microsoft.Extensions.Logging;

namespace Solvers.Dense;

/// <summary>Whether a registered backend could be created, and if not, why.</summary>
/// <param name="Name">"managed", "mkl" or "openblas".</param>
/// <param name="Backend">The backend, or null when it is unavailable.</param>
/// <param name="Reason">Why it is unavailable (for example the missing Debian package); null when available.</param>
public sealed record DenseBackendAvailability(string Name, IDenseBackend? Backend, string? Reason)
{
    /// <summary>Whether the backend could be created.</summary>
    public bool IsAvailable => Backend is not null;
}

/// <summary>How a backend came to be chosen.</summary>
/// <param name="Backend">The chosen backend.</param>
/// <param name="Requested">What was asked for: "best", "mkl", "openblas", "managed", or "Use" for an explicit instance.</param>
/// <param name="Explanation">The human-readable reason, as logged ("best (cached measurement …)", "fallback: …").</param>
/// <param name="Measurements">The quick measurements behind a <c>best</c> choice (cached or fresh); empty otherwise.</param>
/// <param name="FromCache">Whether a <c>best</c> choice was read from the cache file rather than measured in this process.</param>
public sealed record DenseBackendChoice(IDenseBackend Backend, string Requested, string Explanation,
    IReadOnlyList<DenseBackendMeasurement> Measurements, bool FromCache);

/// <summary>
/// The process-wide dense backend (DESIGN §5).
/// </summary>
/// <remarks>
/// <para><see cref="Current"/> is chosen on first use from <c>SOLVERS_DENSE_BACKEND</c> = <c>mkl</c> | <c>openblas</c> |
/// <c>managed</c> | <c>best</c> (unset or empty: <c>best</c>; case and surrounding blanks are ignored). An unknown value is a
/// configuration error: reading <see cref="Current"/> throws <see cref="InvalidOperationException"/> naming the valid
/// values (and logs it), every time it is read until the variable is fixed and <see cref="Reset"/> is called or the
/// process restarts; nothing is silently substituted.</para>
/// <para>A native backend is switched in only after it passes <see cref="DenseBackendSelfTest"/>. A requested native
/// backend that is unavailable or fails the self-test is replaced by <c>managed</c>, with a Warning on
/// <see cref="Logger"/>. The managed backend is not self-tested: it is the last resort.</para>
/// <para><c>best</c> self-tests every available native backend, times a short fixed workload on each
/// (<see cref="DenseBackendBenchmark.Quick"/>: gemm n = 400, Cholesky n = 400, QR 2000×100; two passes over the candidates,
/// forward then reverse, keeping each operation's better rate) and picks the highest score
/// (geometric mean of the three GFLOP/s); scores within 2 % of the best count as a tie, broken by registry order
/// (<see cref="DenseBackendRegistry.Factories"/>). <c>managed</c> is chosen only when no native backend passes. With a
/// single native candidate nothing is timed. The choice and the measured GFLOP/s are cached in
/// <see cref="CacheFilePath"/>, keyed by the CPU model string, the processor count and each candidate's name and
/// description (library version, threads), and reused while the key matches; a missing, corrupt or unwritable cache
/// only means measuring again, never an error.</para>
/// <para>The chosen backend is logged once at Information: <c>dense backend: mkl (…), chosen by best (…)</c>.</para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public static class DenseBackend
{
    /// <summary>The environment variable that selects the backend.</summary>
    public const string EnvironmentVariable = "SOLVERS_DENSE_BACKEND";

    /// <summary>The environment variable that overrides the cache directory (tests, sandboxes).</summary>
    public const string CacheDirectoryVariable = "SOLVERS_CACHE_DIR";

    /// <summary>The cache file name inside the cache directory.</summary>
    public const string CacheFileName = "dense-backend.json";

    /// <summary>The values <see cref="EnvironmentVariable"/> and <see cref="Select"/> accept.</summary>
    public static IReadOnlyList<string> ValidNames { get; } = ["best", "mkl", "openblas", "managed"];

    private static readonly Lock Gate = new();
    private static readonly DenseBackendSelector Selector = new(DenseBackendRegistry.Factories, () => CacheFilePath, () => Logger);
    private static volatile DenseBackendChoice? _choice;

    /// <summary>Where applications send the selection log (null: silent). Set it before the first use of <see cref="Current"/>.</summary>
    public static ILogger? Logger { get; set; }

    /// <summary>The active backend, chosen on first use as described on the class (lazy, thread-safe).</summary>
    /// <exception cref="InvalidOperationException"><c>SOLVERS_DENSE_BACKEND</c> holds an unknown value, or no managed backend is registered.</exception>
    public static IDenseBackend Current => CurrentChoice.Backend;

    /// <summary>How <see cref="Current"/> was chosen (choosing it first if needed).</summary>
    /// <exception cref="InvalidOperationException">As for <see cref="Current"/>.</exception>
    public static DenseBackendChoice CurrentChoice
    {
        get
        {
            var c = _choice;
            if (c is not null) return c;
            lock (Gate)
            {
                if (_choice is not null) return _choice;
                string? raw = Environment.GetEnvironmentVariable(EnvironmentVariable);
                string request;
                try
                {
                    request = ParseRequest(raw);
                }
                catch (InvalidOperationException e)
                {
                    Log(Logger, LogLevel.Error, e.Message);
                    throw;
                }

                string origin = string.IsNullOrWhiteSpace(raw) ? $"{EnvironmentVariable} unset, default best" : $"{EnvironmentVariable}={raw.Trim()}";
                _choice = Selector.Choose(request, origin);
                return _choice;
            }
        }
    }

    /// <summary>Every registered backend by name (registry order), created once on first use, with the reason for those that are unavailable.</summary>
    public static IReadOnlyDictionary<string, DenseBackendAvailability> Available => Selector.Available;

    /// <summary>
    /// <c>$SOLVERS_CACHE_DIR/dense-backend.json</c>, else <c>$XDG_CACHE_HOME/solvers/dense-backend.json</c>, else
    /// <c>~/.cache/solvers/dense-backend.json</c>; null when none of these can be formed (then nothing is cached).
    /// </summary>
    public static string? CacheFilePath
    {
        get
        {
            string? dir = Environment.GetEnvironmentVariable(CacheDirectoryVariable);
            if (string.IsNullOrWhiteSpace(dir))
            {
                string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) dir = Path.Combine(xdg, "solvers");
                else
                {
                    string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                    if (string.IsNullOrEmpty(home)) return null;
                    dir = Path.Combine(home, ".cache", "solvers");
                }
            }

            return Path.Combine(dir, CacheFileName);
        }
    }

    /// <summary>
    /// Chooses the backend for <paramref name="name"/> (mkl, openblas, managed or best) exactly as <see cref="Current"/>
    /// would (self-test, fallback with a Warning, cache), and makes it current.
    /// </summary>
    /// <returns>The backend now current (managed after a fallback).</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="ValidNames"/>.</exception>
    public static IDenseBackend Select(string name)
    {
        var choice = Resolve(name);
        _choice = choice;
        return choice.Backend;
    }

    /// <summary>Chooses as <see cref="Select"/> does, without making the choice current (for reports and benchmarks).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="ValidNames"/>.</exception>
    public static DenseBackendChoice Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"An empty name is not a dense backend; valid values: {string.Join(", ", ValidNames)}.", nameof(name));
        string request;
        try
        {
            request = ParseRequest(name);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message.Replace($"{EnvironmentVariable}=", "name ", StringComparison.Ordinal), nameof(name));
        }

        lock (Gate) return Selector.Choose(request, $"DenseBackend.Select(\"{name}\")");
    }

    /// <summary>Makes <paramref name="backend"/> current as is, without a self-test (tests, or applications that built their own).</summary>
    public static void Use(IDenseBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _choice = new DenseBackendChoice(backend, "Use", "DenseBackend.Use", [], false);
        Log(Logger, LogLevel.Information, $"dense backend: {backend.Name} ({backend.Description}), set by DenseBackend.Use");
    }

    /// <summary>Forgets the current choice: the next read of <see cref="Current"/> chooses again from the environment.</summary>
    public static void Reset() => _choice = null;

    /// <summary>
    /// Parses a <c>SOLVERS_DENSE_BACKEND</c> value: null, empty or blank → "best"; otherwise one of <see cref="ValidNames"/>,
    /// ignoring case and surrounding blanks.
    /// </summary>
    /// <exception cref="InvalidOperationException">Any other value; the message names the valid ones.</exception>
    public static string ParseRequest(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "best";
        string v = value.Trim().ToLowerInvariant();
        if (ValidNames.Contains(v)) return v;
        throw new InvalidOperationException(
            $"{EnvironmentVariable}={value} is not a dense backend; valid values: mkl, openblas, managed, best (the default when unset).");
    }

    internal static void Log(ILogger? logger, LogLevel level, string message)
    {
        if (logger is not null && logger.IsEnabled(level)) logger.Log(level, "{Message}", message);
    }
}
