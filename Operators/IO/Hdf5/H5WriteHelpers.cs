using System.Globalization;
using System.Reflection;
using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;

namespace Solvers.IO.Hdf5;

/// <summary>Writer-side helpers shared by the problem-set and results writers (PS §7).</summary>
internal static class H5WriteHelpers
{
    /// <summary>Datasets with at least this many bytes are chunked and compressed (when compression is on).</summary>
    public const int CompressThresholdBytes = 16 * 1024;

    /// <summary>Largest chunk written (PS §7 rule 6).</summary>
    public const int MaxChunkBytes = 1 << 20;

    /// <summary>The suite version and library, e.g. "solvers 0.1.0 (PureHDF 2.2.0)".</summary>
    public static string CreatedBy
    {
        get
        {
            string suite = SuiteVersion;
            string lib = typeof(H5File).Assembly.GetName().Version is { } v
                ? string.Create(CultureInfo.InvariantCulture, $"{v.Major}.{v.Minor}.{v.Build}")
                : "?";
            return $"solvers {suite} (PureHDF {lib})";
        }
    }

    /// <summary>The suite version from the assembly.</summary>
    public static string SuiteVersion
    {
        get
        {
            var asm = typeof(H5WriteHelpers).Assembly;
            string? info = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (info is not null)
            {
                int plus = info.IndexOf('+', StringComparison.Ordinal);
                return plus >= 0 ? info[..plus] : info;
            }

            return asm.GetName().Version?.ToString() ?? "0.0.0";
        }
    }

    /// <summary>Current UTC time in ISO 8601.</summary>
    public static string UtcNow => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// A dataset for a 1-D or 2-D array: small ones plain (PureHDF makes them compact or contiguous), large ones chunked
    /// (≤ 1 MiB per chunk) with shuffle + deflate at <paramref name="level"/> (0 = no compression).
    /// </summary>
    public static object Dataset<T>(T[] data, int level, ulong[]? fileDims = null) where T : unmanaged
    {
        int elem = System.Runtime.InteropServices.Marshal.SizeOf<T>();
        long bytes = (long)data.Length * elem;
        if (level <= 0 || bytes < CompressThresholdBytes || data.Length == 0)
            return fileDims is null ? data : new H5Dataset(data, fileDims: fileDims);
        ulong[] dims = fileDims ?? [(ulong)data.Length];
        var chunks = ChunkShape(dims, elem);
        return new H5Dataset(data, chunks: chunks, fileDims: dims, datasetCreation: Compression(level));
    }

    /// <summary>A dataset for a 2-D array.</summary>
    public static object Dataset2D(double[,] data, int level)
    {
        int k = data.GetLength(0), n = data.GetLength(1);
        var flat = new double[(long)k * n];
        Buffer.BlockCopy(data, 0, flat, 0, flat.Length * sizeof(double));
        return Dataset(flat, level, [(ulong)k, (ulong)n]);
    }

    /// <summary>The shuffle + deflate pipeline.</summary>
    public static H5DatasetCreation Compression(int level) => new(Filters:
    [
        ShuffleFilter.Id,
        new H5Filter(DeflateFilter.Id, new Dictionary<string, object> { [DeflateFilter.COMPRESSION_LEVEL] = Math.Clamp(level, 1, 9) }),
    ]);

    /// <summary>Chunk dimensions of at most 1 MiB, whole trailing rows where possible.</summary>
    public static uint[] ChunkShape(ulong[] dims, int elementSize)
    {
        long maxElems = MaxChunkBytes / elementSize;
        var chunks = new uint[dims.Length];
        long remaining = maxElems;
        for (int a = dims.Length - 1; a >= 0; a--)
        {
            long take = Math.Max(1, Math.Min((long)dims[a], remaining));
            chunks[a] = (uint)take;
            remaining = Math.Max(1, remaining / take);
        }

        return chunks;
    }

    /// <summary>
    /// Writes <paramref name="file"/> to a temporary name next to <paramref name="path"/> (with <paramref name="options"/>
    /// when given), lets <paramref name="finish"/> post-process the temporary file, and renames it into place.
    /// </summary>
    public static void WriteAtomically(H5File file, string path, H5WriteOptions? options = null, Action<string>? finish = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            if (options is null) file.Write(tmp);
            else file.Write(tmp, options);
            finish?.Invoke(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Throws when a value is not finite (PS §7 rule 1).</summary>
    public static void RequireFinite(ReadOnlySpan<double> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{what} holds a non-finite value {values[i]} at index {i}; problem files hold finite values only."));
        }
    }
}
