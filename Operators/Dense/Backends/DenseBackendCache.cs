using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Solvers.Dense;

/// <summary>A cached <c>best</c> choice.</summary>
internal sealed record CachedDenseChoice(string Chosen, DateTime MeasuredAtUtc, IReadOnlyList<DenseBackendMeasurement> Measurements);

/// <summary>
/// The cache file of <c>best</c> selection (JSON, format 1):
/// <c>{"format":1,"key":"…","chosen":"openblas","measuredAtUtc":"…","measurements":[{"name","description","gemm","cholesky","qr","score"}]}</c>.
/// Reading never throws (anything unexpected is a miss); writing never throws (it reports failure) and replaces the file
/// atomically, so concurrent processes see either the old or the new file.
/// </summary>
internal static class DenseBackendCache
{
    public const int Format = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The machine-and-libraries key: CPU model, processor count, each candidate's name and description.</summary>
    public static string Key(IEnumerable<IDenseBackend> candidates) =>
        $"cpu={CpuModel()}; processors={Environment.ProcessorCount}; " + string.Join("; ", candidates.Select(c => $"{c.Name}={c.Description}"));

    /// <summary>The CPU model string from /proc/cpuinfo, else the architecture and OS.</summary>
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        int colon = line.IndexOf(':', StringComparison.Ordinal);
                        if (colon >= 0) return line[(colon + 1)..].Trim();
                    }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return $"{RuntimeInformation.ProcessArchitecture} {RuntimeInformation.OSDescription}";
    }

    /// <summary>The cached choice for <paramref name="key"/>, or null (missing file, other key, corrupt or unreadable file).</summary>
    public static CachedDenseChoice? TryRead(string path, string key, ILogger? logger)
    {
        try
        {
            if (!File.Exists(path)) return null;
            var info = new FileInfo(path);
            if (info.Length > 1 << 20) throw new InvalidDataException("larger than 1 MiB");
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException("not a JSON object");
            if ((int?)root["format"] != Format) throw new InvalidDataException("unknown format");
            if ((string?)root["key"] != key)
            {
                DenseBackend.Log(logger, LogLevel.Debug, $"dense backend: cache {path} is for another machine or library set; measuring again");
                return null;
            }

            string chosen = (string?)root["chosen"] ?? throw new InvalidDataException("no chosen backend");
            var at = DateTime.Parse((string?)root["measuredAtUtc"] ?? throw new InvalidDataException("no time"), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var list = new List<DenseBackendMeasurement>();
            foreach (var m in root["measurements"] as JsonArray ?? throw new InvalidDataException("no measurements"))
            {
                if (m is not JsonObject o) throw new InvalidDataException("a measurement is not an object");
                var d = new DenseBackendMeasurement((string?)o["name"] ?? throw new InvalidDataException("measurement without a name"),
                    (string?)o["description"] ?? "", Positive(o["gemm"]), Positive(o["cholesky"]), Positive(o["qr"]));
                list.Add(d);
            }

            if (!list.Any(m => m.Name == chosen)) throw new InvalidDataException("the chosen backend has no measurement");
            return new CachedDenseChoice(chosen, at, list);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException or FormatException
                                      or InvalidOperationException or ArgumentException)
        {
            DenseBackend.Log(logger, LogLevel.Debug, $"dense backend: ignoring the cache {path} ({e.GetType().Name}: {e.Message}); measuring again");
            return null;
        }
    }

    private static double Positive(JsonNode? n)
    {
        double v = (double?)n ?? throw new InvalidDataException("missing rate");
        return double.IsFinite(v) && v > 0 ? v : throw new InvalidDataException("a rate is not a positive number");
    }

    /// <summary>Writes the choice; false (and a Debug log) when the file cannot be written.</summary>
    public static bool TryWrite(string path, string key, string chosen, DateTime measuredAtUtc, IReadOnlyList<DenseBackendMeasurement> measurements, ILogger? logger)
    {
        string? tmp = null;
        try
        {
            var arr = new JsonArray();
            foreach (var m in measurements)
                arr.Add(new JsonObject
                {
                    ["name"] = m.Name,
                    ["description"] = m.Description,
                    ["gemm"] = Math.Round(m.GemmGflops, 3),
                    ["cholesky"] = Math.Round(m.CholeskyGflops, 3),
                    ["qr"] = Math.Round(m.QrGflops, 3),
                    ["score"] = Math.Round(m.Score, 3),
                });
            var root = new JsonObject
            {
                ["format"] = Format,
                ["key"] = key,
                ["chosen"] = chosen,
                ["measuredAtUtc"] = measuredAtUtc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["measurements"] = arr,
            };
            string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(dir);
            tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(tmp, root.ToJsonString(Indented) + "\n");
            File.Move(tmp, path, overwrite: true);
            tmp = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            DenseBackend.Log(logger, LogLevel.Debug, $"dense backend: cannot write the cache {path} ({e.GetType().Name}: {e.Message})");
            return false;
        }
        finally
        {
            if (tmp is not null)
            {
                try
                {
                    File.Delete(tmp);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
