using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace Solvers.IO.Hdf5;

/// <summary>What a dataset declares, checked before anything is read (REL §4).</summary>
internal sealed record H5DatasetInfo(string Path, IH5Dataset Dataset, long[] Dims, long Count, H5DataTypeClass Class,
    int ElementSize, bool Signed, H5DataLayoutClass Layout)
{
    /// <summary>Rank of the dataspace (0 for scalars).</summary>
    public int Rank => Dims.Length;

    /// <summary>A short type name for messages, e.g. "int32", "f64", "string".</summary>
    public string TypeName => H5Access.TypeName(Class, ElementSize, Signed);

    /// <summary>Dimensions as "(a, b)".</summary>
    public string ShapeText => "(" + string.Join(", ", Dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
}

/// <summary>
/// The adapter over PureHDF (PS §11): every PureHDF call of the suite goes through this class (or
/// <see cref="PureHdfInternals"/>), wrapped so that only <see cref="ProblemFileException"/> escapes (REL §2.2), with the
/// size checks of REL §4 before any read, typed reads by stored type (T1), big-endian datasets through the raw path (E1)
/// and the filter, layout and link rules (F1, L1–L4).
/// </summary>
internal sealed class H5Access : IDisposable
{
    /// <summary>Largest chunk decoded as a whole (REL §4.4).</summary>
    public const long MaxChunkBytes = 64L << 20;

    /// <summary>Largest attribute value or string (REL §3).</summary>
    public const int MaxAttributeBytes = 1 << 20;

    /// <summary>Largest rank accepted (REL §4.1).</summary>
    public const int MaxRank = 8;

    private static readonly byte[] Signature = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly NativeFile _file;
    private readonly object? _fileIdentity;
    private long _reserved;

    private H5Access(string filePath, NativeFile file, long fileLength, long userBlock, bool untrusted, long budget, ILogger? logger)
    {
        FilePath = filePath;
        _file = file;
        FileLength = fileLength;
        UserBlockSize = userBlock;
        Untrusted = untrusted;
        BudgetBytes = budget;
        Logger = logger ?? NullLogger.Instance;
        _fileIdentity = PureHdfInternals.FileOf(file);
    }

    /// <summary>The path as given by the caller.</summary>
    public string FilePath { get; }

    /// <summary>File length in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Offset of the HDF5 signature (user block size).</summary>
    public long UserBlockSize { get; }

    /// <summary>Refuse external links and external storage.</summary>
    public bool Untrusted { get; }

    /// <summary>Memory budget in bytes (REL §4.2).</summary>
    public long BudgetBytes { get; set; }

    /// <summary>Bytes reserved against the budget since the last <see cref="ResetBudget"/>.</summary>
    public long ReservedBytes => _reserved;

    /// <summary>The logger for warnings and debug notes.</summary>
    public ILogger Logger { get; }

    /// <summary>Where warnings of the current load go; null to log only.</summary>
    public LoadReport? Report { get; set; }

    /// <summary>The root group.</summary>
    public IH5Group Root => _file;

    /// <summary>Opens an HDF5 file (with or without a user block) after checking the signature.</summary>
    public static H5Access Open(string path, bool untrusted, long budget, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new ProblemFileException(path, null, ProblemFileError.NotFound, "file not found");
        long length;
        long userBlock;
        try
        {
            length = new FileInfo(path).Length;
            userBlock = FindSignature(path, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProblemFileException(path, null, ProblemFileError.NotFound, $"cannot read the file: {e.Message}", null, e);
        }

        if (userBlock < 0)
            throw new ProblemFileException(path, null, length < Signature.Length ? ProblemFileError.UnsupportedFormat : ProblemFileError.UnsupportedFormat,
                length < Signature.Length ? $"file is too short ({length} bytes) to be HDF5" : "not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, …)");
        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (H5Errors.ShouldWrap(e))
        {
            throw H5Errors.Wrap(e, path, null);
        }

        return new H5Access(path, file, length, userBlock, untrusted, budget, logger);
    }

    /// <summary>Offset of the HDF5 signature (0, 512, 1024, …), or −1.</summary>
    public static long FindSignature(string path, long length)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buf = new byte[Signature.Length];
        for (long offset = 0; offset + Signature.Length <= length; offset = offset == 0 ? 512 : offset * 2)
        {
            fs.Position = offset;
            fs.ReadExactly(buf);
            if (buf.AsSpan().SequenceEqual(Signature)) return offset;
        }

        return -1;
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    // ------------------------------------------------------------------ guards, budget, warnings

    /// <summary>Runs a PureHDF call, translating its exceptions (REL §2.2).</summary>
    public T Guard<T>(string? objectPath, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (H5Errors.ShouldWrap(e))
        {
            throw H5Errors.Wrap(e, FilePath, objectPath);
        }
    }

    /// <summary>Creates an exception for this file.</summary>
    public ProblemFileException Error(string? objectPath, ProblemFileError error, string reason) => new(FilePath, objectPath, error, reason);

    /// <summary>Starts a new cumulative budget (one per ReadProblem).</summary>
    public void ResetBudget() => _reserved = 0;

    /// <summary>Reserves <paramref name="bytes"/> against the cumulative budget or throws LimitExceeded.</summary>
    public void Reserve(long bytes, string objectPath)
    {
        long total;
        try
        {
            total = checked(_reserved + bytes);
        }
        catch (OverflowException)
        {
            throw Error(objectPath, ProblemFileError.LimitExceeded, "declared size overflows a 64-bit byte count");
        }

        if (total > BudgetBytes)
            throw Error(objectPath, ProblemFileError.LimitExceeded,
                $"reading needs {Bytes(total)} in total, more than the memory budget of {Bytes(BudgetBytes)}; raise MemoryBudgetBytes (--max-memory)");
        _reserved = total;
    }

    /// <summary>
    /// Checks, without reserving, that <paramref name="bytes"/> more would fit the cumulative budget: lets a reader refuse
    /// a whole plan (every dataset of one call) before it reads the first array.
    /// </summary>
    public void CheckPlanned(long bytes, string objectPath, string what)
    {
        long total = _reserved > long.MaxValue - bytes ? long.MaxValue : _reserved + bytes;
        if (total > BudgetBytes)
            throw Error(objectPath, ProblemFileError.LimitExceeded,
                $"reading {what} needs {Bytes(total)}, more than the memory budget of {Bytes(BudgetBytes)}; raise MemoryBudgetBytes (--max-memory)");
    }

    /// <summary>Bytes that reading samples [first, first + count) of <paramref name="d"/> allocates (overflow saturates).</summary>
    public static long SlabBytes(H5DatasetInfo d, long count)
    {
        try
        {
            long perSample = 1;
            for (int a = 1; a < d.Rank; a++) perSample = checked(perSample * d.Dims[a]);
            return checked(count * perSample * Math.Max(d.ElementSize, 1));
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>Adds a load warning (logged at Warning level and stored in the report).</summary>
    public void Warn(string message)
    {
        string text = $"{Path.GetFileName(FilePath)}: {message}";
        Report?.Warnings.Add(text);
#pragma warning disable CA1848, CA2254 // plain logging: warnings are rare
        Logger.LogWarning(text);
#pragma warning restore CA1848, CA2254
    }

    /// <summary>Logs at Debug level.</summary>
    public void Debug(string message)
    {
#pragma warning disable CA1848, CA2254
        Logger.LogDebug(message);
#pragma warning restore CA1848, CA2254
    }

    /// <summary>A byte count for messages.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB ({bytes} bytes)"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB ({bytes} bytes)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    // ------------------------------------------------------------------ navigation

    /// <summary>Joins an HDF5 group path and a member name.</summary>
    public static string Join(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;

    /// <summary>The object at an absolute path, or null when the link does not exist. Dangling and external links throw.</summary>
    public IH5Object? TryGet(string path)
    {
        return Guard(path, () =>
        {
            if (!Root.LinkExists(path)) return null;
            var obj = Root.Get(path);
            CheckObject(obj, path);
            return obj;
        });
    }

    /// <summary>Refuses dangling soft links (L4) and, in untrusted mode, objects in other files (L3).</summary>
    public void CheckObject(IH5Object obj, string path)
    {
        if (obj is IH5UnresolvedLink)
            throw Error(path, ProblemFileError.Malformed, "dangling link (its target does not exist)");
        if (obj is not IH5Group and not IH5Dataset)
            throw Error(path, ProblemFileError.SchemaViolation, $"unexpected object kind {obj.GetType().Name}");
        if (IsExternal(obj, path) && Untrusted)
            throw Error(path, ProblemFileError.UnsupportedFeature,
                "external link to another file; refused for untrusted input (copy the data into the file)");
    }

    /// <summary>True when the object lives in another file (reached through an external link, PS §11 L3).</summary>
    public bool IsExternal(IH5Object obj, string path)
    {
        object? file = PureHdfInternals.FileOf(obj);
        if (file is not null && _fileIdentity is not null) return !ReferenceEquals(file, _fileIdentity);
        string last = path[(path.LastIndexOf('/') + 1)..];
        return last.Length > 0 && obj.Name != last;
    }

    /// <summary>The group at <paramref name="path"/>; null when absent; SchemaViolation when it is a dataset.</summary>
    public IH5Group? TryGroup(string path)
    {
        var obj = TryGet(path);
        return obj switch
        {
            null => null,
            IH5Group g => g,
            _ => throw Error(path, ProblemFileError.SchemaViolation, "expected a group, found a dataset"),
        };
    }

    /// <summary>The group at <paramref name="path"/>, or SchemaViolation.</summary>
    public IH5Group Group(string path) =>
        TryGroup(path) ?? throw Error(path, ProblemFileError.SchemaViolation, "required group is missing");

    /// <summary>The dataset at <paramref name="path"/>; null when absent; SchemaViolation when it is a group.</summary>
    public H5DatasetInfo? TryDataset(string path)
    {
        var obj = TryGet(path);
        return obj switch
        {
            null => null,
            IH5Dataset d => Describe(d, path),
            _ => throw Error(path, ProblemFileError.SchemaViolation, "expected a dataset, found a group"),
        };
    }

    /// <summary>The dataset at <paramref name="path"/>, or SchemaViolation.</summary>
    public H5DatasetInfo Dataset(string path) =>
        TryDataset(path) ?? throw Error(path, ProblemFileError.SchemaViolation, "required dataset is missing");

    /// <summary>Member names of a group in ordinal order, every child checked (L4).</summary>
    public List<(string Name, IH5Object Object)> Children(IH5Group group, string path, int maxCount = 100_000)
    {
        return Guard(path, () =>
        {
            var list = new List<(string, IH5Object)>();
            foreach (var child in group.Children())
            {
                if (list.Count >= maxCount)
                    throw Error(path, ProblemFileError.LimitExceeded, $"more than {maxCount} members");
                string name = child.Name;
                if (Encoding.UTF8.GetByteCount(name) > 1024)
                    throw Error(path, ProblemFileError.LimitExceeded, "a member name is longer than 1024 bytes");
                CheckObject(child, Join(path, name));
                list.Add((name, child));
            }

            list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
            return list;
        });
    }

    // ------------------------------------------------------------------ attributes

    /// <summary>True when the object has the attribute.</summary>
    public bool HasAttribute(IH5Object obj, string path, string name) => Guard(path, () => obj.AttributeExists(name));

    /// <summary>The attribute, or null.</summary>
    public IH5Attribute? TryAttribute(IH5Object obj, string path, string name) =>
        Guard(path, () => obj.AttributeExists(name) ? obj.Attribute(name) : null);

    /// <summary>Names of all attributes (at most <paramref name="maxCount"/>).</summary>
    public List<string> AttributeNames(IH5Object obj, string path, int maxCount = 1000)
    {
        return Guard(path, () =>
        {
            var names = new List<string>();
            foreach (var a in obj.Attributes())
            {
                if (names.Count >= maxCount)
                    throw Error(path, ProblemFileError.LimitExceeded, $"more than {maxCount} attributes");
                names.Add(a.Name);
            }

            return names;
        });
    }

    private long AttributeCount(IH5Attribute a, string where)
    {
        var dims = Guard(where, () => a.Space.Type == H5DataspaceType.Null ? [0UL] : a.Space.Dimensions);
        if (dims.Length > MaxRank) throw Error(where, ProblemFileError.LimitExceeded, $"attribute rank {dims.Length} exceeds {MaxRank}");
        long count = 1;
        foreach (ulong d in dims)
        {
            if (d > int.MaxValue) throw Error(where, ProblemFileError.LimitExceeded, "attribute dimension too large");
            count = checked(count * (long)d);
            if (count > MaxAttributeBytes) throw Error(where, ProblemFileError.LimitExceeded, "attribute value exceeds 1 MiB");
        }

        int size = Guard(where, () => a.Type.Size);
        if (count * Math.Max(size, 1) > MaxAttributeBytes)
            throw Error(where, ProblemFileError.LimitExceeded, "attribute value exceeds 1 MiB");
        return count;
    }

    /// <summary>Reads a string attribute (scalar or one-element); null when absent.</summary>
    public string? StringAttribute(IH5Object obj, string path, string name)
    {
        var values = StringArrayAttribute(obj, path, name);
        if (values is null) return null;
        if (values.Length != 1)
            throw Error(path + "@" + name, ProblemFileError.SchemaViolation, $"expected one string, found {values.Length}");
        return values[0];
    }

    /// <summary>Reads a string or string-array attribute; null when absent.</summary>
    public string[]? StringArrayAttribute(IH5Object obj, string path, string name)
    {
        var a = TryAttribute(obj, path, name);
        if (a is null) return null;
        string where = path + "@" + name;
        var cls = Guard(where, () => a.Type.Class);
        bool isString = cls == H5DataTypeClass.String
            || (cls == H5DataTypeClass.VariableLength && Guard(where, () => a.Type.VariableLength.BaseType.Class) is H5DataTypeClass.FixedPoint or H5DataTypeClass.String);
        if (!isString)
            throw Error(where, ProblemFileError.TypeMismatch, $"expected a string, found {TypeName(cls, Guard(where, () => a.Type.Size), false)}");
        long count = AttributeCount(a, where);
        var values = Guard(where, () => a.Read<string[]>());
        if (values.LongLength != count) throw Error(where, ProblemFileError.Malformed, "string attribute has an inconsistent length");
        long total = 0;
        for (int i = 0; i < values.Length; i++)
        {
            string v = values[i] ?? "";
            if (cls == H5DataTypeClass.String) v = v.TrimEnd('\0', ' ');
            else v = v.TrimEnd('\0');
            total += v.Length;
            if (total > MaxAttributeBytes) throw Error(where, ProblemFileError.LimitExceeded, "string value exceeds 1 MiB");
            if (v.Contains('\uFFFD', StringComparison.Ordinal))
                throw Error(where, ProblemFileError.TypeMismatch, "string is not valid UTF-8");
            values[i] = v;
        }

        return values;
    }

    /// <summary>Reads an integer attribute (any width, signed or unsigned, or an enum over an integer) as long values.</summary>
    public long[]? IntegerAttribute(IH5Object obj, string path, string name, bool allowEnum = false)
    {
        var a = TryAttribute(obj, path, name);
        if (a is null) return null;
        string where = path + "@" + name;
        var cls = Guard(where, () => a.Type.Class);
        long count = AttributeCount(a, where);
        int size = Guard(where, () => a.Type.Size);
        bool signed;
        if (cls == H5DataTypeClass.FixedPoint) signed = Guard(where, () => a.Type.FixedPoint.IsSigned);
        else if (allowEnum && cls == H5DataTypeClass.Enumerated && Guard(where, () => a.Type.Enumeration.BaseType.Class) == H5DataTypeClass.FixedPoint)
            signed = Guard(where, () => a.Type.Enumeration.BaseType.FixedPoint.IsSigned);
        else throw Error(where, ProblemFileError.TypeMismatch, $"expected an integer, found {TypeName(cls, size, false)}");
        long[] result = (size, signed, cls == H5DataTypeClass.Enumerated) switch
        {
            (1, true, false) => Widen(Guard(where, () => a.Read<sbyte[]>())),
            (1, false, false) => Widen(Guard(where, () => a.Read<byte[]>())),
            (1, true, true) => Widen(Guard(where, () => a.Read<EnumInt8[]>()).Select(e => (sbyte)e).ToArray()),
            (1, false, true) => Widen(Guard(where, () => a.Read<EnumUInt8[]>()).Select(e => (byte)e).ToArray()),
            (2, true, _) => Widen(Guard(where, () => a.Read<short[]>())),
            (2, false, _) => Widen(Guard(where, () => a.Read<ushort[]>())),
            (4, true, _) => Widen(Guard(where, () => a.Read<int[]>())),
            (4, false, _) => Widen(Guard(where, () => a.Read<uint[]>())),
            (8, true, _) => Guard(where, () => a.Read<long[]>()),
            (8, false, _) => ToLong(Guard(where, () => a.Read<ulong[]>()), where),
            _ => throw Error(where, ProblemFileError.TypeMismatch, $"unsupported integer size {size}"),
        };
        if (result.LongLength != count) throw Error(where, ProblemFileError.Malformed, "attribute has an inconsistent length");
        return result;
    }

    /// <summary>Reads a scalar integer attribute; null when absent.</summary>
    public long? ScalarIntegerAttribute(IH5Object obj, string path, string name)
    {
        var v = IntegerAttribute(obj, path, name);
        if (v is null) return null;
        if (v.Length != 1) throw Error(path + "@" + name, ProblemFileError.SchemaViolation, $"expected one integer, found {v.Length}");
        return v[0];
    }

    /// <summary>Reads a floating-point (or integer) attribute as doubles; null when absent.</summary>
    public double[]? DoubleAttribute(IH5Object obj, string path, string name)
    {
        var a = TryAttribute(obj, path, name);
        if (a is null) return null;
        string where = path + "@" + name;
        var cls = Guard(where, () => a.Type.Class);
        int size = Guard(where, () => a.Type.Size);
        AttributeCount(a, where);
        if (cls == H5DataTypeClass.FloatingPoint)
        {
            return size switch
            {
                8 => Guard(where, () => a.Read<double[]>()),
                4 => Guard(where, () => a.Read<float[]>()).Select(f => (double)f).ToArray(),
                _ => throw Error(where, ProblemFileError.TypeMismatch, $"expected f64 or f32, found {TypeName(cls, size, true)}"),
            };
        }

        if (cls is H5DataTypeClass.FixedPoint)
            return IntegerAttribute(obj, path, name)!.Select(v => (double)v).ToArray();
        throw Error(where, ProblemFileError.TypeMismatch, $"expected a number, found {TypeName(cls, size, false)}");
    }

    /// <summary>Reads any attribute as an invariant string (for meta and unknown attributes).</summary>
    public string AttributeAsString(IH5Object obj, string path, string name)
    {
        var a = TryAttribute(obj, path, name) ?? throw Error(path + "@" + name, ProblemFileError.NotFound, "attribute missing");
        var cls = Guard(path, () => a.Type.Class);
        switch (cls)
        {
            case H5DataTypeClass.String or H5DataTypeClass.VariableLength:
                return string.Join("\n", StringArrayAttribute(obj, path, name)!);
            case H5DataTypeClass.FixedPoint or H5DataTypeClass.Enumerated:
                return string.Join(",", IntegerAttribute(obj, path, name, allowEnum: true)!.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            case H5DataTypeClass.FloatingPoint:
                return string.Join(",", DoubleAttribute(obj, path, name)!.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            default:
                throw Error(path + "@" + name, ProblemFileError.TypeMismatch, $"attribute of type {cls} cannot be shown as text");
        }
    }

    /// <summary>Reads a tri-state flag (int8 or any integer, or h5py bool) in {−1, 0, 1}; null when absent.</summary>
    public sbyte? TriState(IH5Object obj, string path, string name)
    {
        var values = IntegerAttribute(obj, path, name, allowEnum: true);
        if (values is null) return null;
        if (values.Length != 1) throw Error(path + "@" + name, ProblemFileError.SchemaViolation, $"expected one flag, found {values.Length}");
        long? v = values[0];
        if (v is < -1 or > 1)
            throw Error(path + "@" + name, ProblemFileError.SchemaViolation, $"tri-state flag must be −1, 0 or 1 (found {v})");
        return (sbyte)v.Value;
    }

    private static long[] Widen<T>(T[] values) where T : unmanaged, IConvertible
    {
        var r = new long[values.Length];
        for (int i = 0; i < values.Length; i++) r[i] = values[i].ToInt64(CultureInfo.InvariantCulture);
        return r;
    }

    private long[] ToLong(ulong[] values, string where)
    {
        var r = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] > long.MaxValue) throw Error(where, ProblemFileError.LimitExceeded, $"value {values[i]} at position {i} exceeds the int64 range");
            r[i] = (long)values[i];
        }

        return r;
    }

    private enum EnumInt8 : sbyte { }

    private enum EnumUInt8 : byte { }

    // ------------------------------------------------------------------ datasets

    /// <summary>Checks what a dataset declares (REL §4, PS §11 F1/L1/L2) without reading its data.</summary>
    public H5DatasetInfo Describe(IH5Dataset ds, string path)
    {
        var (spaceType, rawDims) = Guard(path, () => (ds.Space.Type, ds.Space.Dimensions));
        if (rawDims.Length > MaxRank)
            throw Error(path, ProblemFileError.LimitExceeded, $"rank {rawDims.Length} exceeds the limit of {MaxRank}");
        var dims = new long[spaceType == H5DataspaceType.Null ? 0 : rawDims.Length];
        long count = spaceType == H5DataspaceType.Null ? 0 : 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (rawDims[i] > long.MaxValue)
                throw Error(path, ProblemFileError.LimitExceeded, $"dimension {i} ({rawDims[i]}) is too large");
            dims[i] = (long)rawDims[i];
        }

        try
        {
            foreach (long d in dims) count = checked(count * d);
        }
        catch (OverflowException)
        {
            throw Error(path, ProblemFileError.LimitExceeded, $"element count of shape ({string.Join(", ", dims)}) overflows");
        }

        var cls = Guard(path, () => ds.Type.Class);
        int size = Guard(path, () => ds.Type.Size);
        bool signed = cls == H5DataTypeClass.FixedPoint && Guard(path, () => ds.Type.FixedPoint.IsSigned);
        var layout = Guard(path, () => ds.Layout.Class);
        if (layout == H5DataLayoutClass.VirtualStorage)
            throw Error(path, ProblemFileError.UnsupportedFeature, "virtual dataset (VDS); refused: it pulls data from other files");
        if (Untrusted && Guard(path, () => PureHdfInternals.HasExternalStorage(ds)) == true)
            throw Error(path, ProblemFileError.UnsupportedFeature, "dataset with external raw storage; refused for untrusted input");
        var filters = Guard(path, () => PureHdfInternals.Filters(ds)) ?? [];
        foreach (var (id, name) in filters)
        {
            if (id is not (1 or 2 or 3 or 6))
                throw Error(path, ProblemFileError.UnsupportedFeature,
                    $"HDF5 filter {FilterName(id, name)} is not supported (only deflate, shuffle, Fletcher-32 and scale-offset); " +
                    "re-compress with h5py as gzip (compression=\"gzip\", shuffle=True)");
        }

        if (count > Array.MaxLength)
            throw Error(path, ProblemFileError.LimitExceeded, $"{count} elements exceed the .NET array limit");
        long bytes;
        try
        {
            bytes = checked(count * Math.Max(size, 1));
        }
        catch (OverflowException)
        {
            throw Error(path, ProblemFileError.LimitExceeded, "declared byte count overflows");
        }

        if (layout == H5DataLayoutClass.Chunked)
        {
            var chunks = Guard(path, () => ds.Layout.Chunks);
            long chunkBytes = Math.Max(size, 1);
            try
            {
                foreach (uint c in chunks) chunkBytes = checked(chunkBytes * c);
            }
            catch (OverflowException)
            {
                throw Error(path, ProblemFileError.LimitExceeded, "chunk size overflows");
            }

            if (chunkBytes > MaxChunkBytes)
                throw Error(path, ProblemFileError.LimitExceeded, $"chunk of {Bytes(chunkBytes)} exceeds the 64 MiB limit");
        }
        else if (layout == H5DataLayoutClass.Contiguous && filters.Count == 0 && Guard(path, () => PureHdfInternals.HasExternalStorage(ds)) != true
            && bytes > FileLength)
        {
            throw Error(path, ProblemFileError.Malformed, $"declares {Bytes(bytes)} of contiguous data, more than the file's {Bytes(FileLength)}");
        }

        return new H5DatasetInfo(path, ds, dims, count, cls, size, signed, layout);
    }

    /// <summary>Describes a filter for messages.</summary>
    public static string FilterName(int id, string name)
    {
        string known = id switch
        {
            1 => "deflate",
            2 => "shuffle",
            3 => "fletcher32",
            4 => "szip",
            5 => "nbit",
            6 => "scaleoffset",
            307 => "bzip2",
            32000 => "lzf",
            32001 => "blosc",
            32004 => "lz4",
            32008 => "bitshuffle",
            32013 => "zfp",
            32015 => "zstd",
            32026 => "blosc2",
            _ => "",
        };
        string label = known.Length > 0 ? known : name.Length > 0 ? name : "unknown";
        return string.Create(CultureInfo.InvariantCulture, $"'{label}' (id {id})");
    }

    /// <summary>A short type name.</summary>
    public static string TypeName(H5DataTypeClass cls, int size, bool signed) => cls switch
    {
        H5DataTypeClass.FixedPoint => (signed ? "int" : "uint") + (size * 8).ToString(CultureInfo.InvariantCulture),
        H5DataTypeClass.FloatingPoint => "f" + (size * 8).ToString(CultureInfo.InvariantCulture),
        H5DataTypeClass.String => "string",
        H5DataTypeClass.VariableLength => "variable-length",
        H5DataTypeClass.Compound => "compound",
        H5DataTypeClass.Enumerated => "enum",
        H5DataTypeClass.BitField => "bitfield",
        H5DataTypeClass.Opaque => "opaque",
        H5DataTypeClass.Reference => "reference",
        H5DataTypeClass.Array => "array",
        _ => cls.ToString().ToLowerInvariant(),
    };

    /// <summary>Reads the dataset into a new array of exactly its stored type (T1), big-endian via the raw path (E1).</summary>
    private T[] ReadExact<T>(H5DatasetInfo d) where T : unmanaged
    {
        if (Marshal.SizeOf<T>() != d.ElementSize)
            throw Error(d.Path, ProblemFileError.TypeMismatch, $"internal: element size {d.ElementSize} read as {typeof(T).Name}");
        var buffer = Guard(d.Path, () => new T[d.Count]); // OutOfMemoryException → LimitExceeded
        if (d.Count == 0) return buffer;
        try
        {
            d.Dataset.Read(buffer);
        }
        catch (Exception e) when (H5Errors.ShouldWrap(e) && H5Errors.IsByteOrderError(e))
        {
            var raw = new byte[checked(d.Count * d.ElementSize)];
            Guard(d.Path, () =>
            {
                d.Dataset.Read(raw);
                return 0;
            });
            SwapInPlace(raw, d.ElementSize);
            raw.AsSpan().CopyTo(MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
        catch (Exception e) when (H5Errors.ShouldWrap(e))
        {
            throw H5Errors.Wrap(e, FilePath, d.Path);
        }

        if (Report is not null) Report.BytesRead += d.Count * d.ElementSize;
        return buffer;
    }

    private static void SwapInPlace(byte[] raw, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= raw.Length; i += size) raw.AsSpan(i, size).Reverse();
    }

    /// <summary>
    /// Reads a numeric dataset as doubles: f64 directly; f32 widened (warning when <paramref name="warnF32"/>);
    /// integers and f16 only when <paramref name="importer"/> (integers must satisfy |v| ≤ 2⁵³).
    /// </summary>
    public double[] ReadDoubles(H5DatasetInfo d, bool importer, bool warnF32 = true)
    {
        long extra = d.Class == H5DataTypeClass.FloatingPoint && d.ElementSize == 8 ? 0 : d.Count * d.ElementSize;
        switch (d.Class)
        {
            case H5DataTypeClass.FloatingPoint when d.ElementSize == 8:
                Reserve(d.Count * 8, d.Path);
                return ReadExact<double>(d);
            case H5DataTypeClass.FloatingPoint when d.ElementSize == 4:
            {
                Reserve(d.Count * 8 + extra, d.Path);
                var f = ReadExact<float>(d);
                var r = new double[f.Length];
                for (int i = 0; i < f.Length; i++) r[i] = f[i];
                if (warnF32) Warn($"{d.Path}: f32 values widened to f64 (the schema asks for f64)");
                return r;
            }

            case H5DataTypeClass.FloatingPoint when d.ElementSize == 2 && importer:
            {
                Reserve(d.Count * 8 + extra, d.Path);
                var h = ReadExact<Half>(d);
                var r = new double[h.Length];
                for (int i = 0; i < h.Length; i++) r[i] = (double)h[i];
                Warn($"{d.Path}: f16 values widened to f64");
                return r;
            }

            case H5DataTypeClass.FixedPoint when importer:
            {
                Reserve(d.Count * 8 + extra, d.Path);
                var longs = ReadIntegersCore(d);
                var r = new double[longs.Length];
                const long limit = 1L << 53;
                for (int i = 0; i < longs.Length; i++)
                {
                    if (longs[i] is > limit or < -limit)
                        throw Error(d.Path, ProblemFileError.TypeMismatch,
                            $"integer value {longs[i]} at position {i} is beyond 2^53 and cannot be represented exactly as f64");
                    r[i] = longs[i];
                }

                return r;
            }

            case H5DataTypeClass.Compound:
                if (IsComplexCompound(d))
                    throw Error(d.Path, ProblemFileError.UnsupportedFeature, "complex values are not supported in schema v1 (real solvers only)");
                break;
        }

        throw Error(d.Path, ProblemFileError.TypeMismatch,
            $"found {d.TypeName}; expected f64{(importer ? ", f32, f16 or an integer type" : " (or f32)")}");
    }

    private bool IsComplexCompound(H5DatasetInfo d)
    {
        var members = Guard(d.Path, () => d.Dataset.Type.Compound.Members);
        if (members.Length != 2) return false;
        var names = members.Select(m => m.Name).ToArray();
        return (names[0], names[1]) is ("r", "i") or ("real", "imag");
    }

    /// <summary>Reads an integer dataset (any width, signed or unsigned) as long values (uint64 ≤ long.MaxValue).</summary>
    public long[] ReadIntegers(H5DatasetInfo d)
    {
        if (d.Class != H5DataTypeClass.FixedPoint)
            throw Error(d.Path, ProblemFileError.TypeMismatch, $"found {d.TypeName}; expected an integer type (int8 … int64, uint8 … uint64)");
        Reserve(checked(d.Count * 8 + (d.ElementSize == 8 ? 0 : d.Count * d.ElementSize)), d.Path);
        return ReadIntegersCore(d);
    }

    /// <summary>
    /// Reads an index dataset as int values. Values outside the int range are reported (LimitExceeded for too large,
    /// otherwise kept so that the structural check can name the row).
    /// </summary>
    public int[] ReadIndices(H5DatasetInfo d)
    {
        if (d.Class != H5DataTypeClass.FixedPoint)
            throw Error(d.Path, ProblemFileError.TypeMismatch, $"found {d.TypeName}; expected an integer type (int8 … int64, uint8 … uint64)");
        if (d.ElementSize == 4 && d.Signed)
        {
            Reserve(d.Count * 4, d.Path);
            return ReadExact<int>(d);
        }

        Reserve(checked(d.Count * 4 + d.Count * d.ElementSize), d.Path);
        var longs = ReadIntegersCore(d);
        var r = new int[longs.Length];
        for (int i = 0; i < longs.Length; i++)
        {
            long v = longs[i];
            if (v > int.MaxValue)
                throw Error(d.Path, ProblemFileError.InvalidSparseStructure, $"index {v} at position {i} does not fit a 32-bit index");
            r[i] = v < int.MinValue ? int.MinValue : (int)v;
        }

        return r;
    }

    private long[] ReadIntegersCore(H5DatasetInfo d)
    {
        return (d.ElementSize, d.Signed) switch
        {
            (1, true) => Widen(ReadExact<sbyte>(d)),
            (1, false) => Widen(ReadExact<byte>(d)),
            (2, true) => Widen(ReadExact<short>(d)),
            (2, false) => Widen(ReadExact<ushort>(d)),
            (4, true) => Widen(ReadExact<int>(d)),
            (4, false) => Widen(ReadExact<uint>(d)),
            (8, true) => ReadExact<long>(d),
            (8, false) => ToLong(ReadExact<ulong>(d), d.Path),
            _ => throw Error(d.Path, ProblemFileError.TypeMismatch, $"unsupported integer size {d.ElementSize}"),
        };
    }

    /// <summary>Reads a uint16 dataset (MATLAB char) as UTF-16 code units.</summary>
    public char[] ReadChars(H5DatasetInfo d)
    {
        if (d.Class != H5DataTypeClass.FixedPoint || d.ElementSize != 2)
            throw Error(d.Path, ProblemFileError.TypeMismatch, $"found {d.TypeName}; expected uint16 characters");
        if (d.Count > MaxAttributeBytes) throw Error(d.Path, ProblemFileError.LimitExceeded, "string longer than 1 MiB");
        Reserve(d.Count * 4, d.Path);
        var u = ReadExact<ushort>(d);
        return u.Select(c => (char)c).ToArray();
    }

    // ------------------------------------------------------------------ sample-axis hyperslabs

    /// <summary>Bytes per hyperslab read of <see cref="ReadSlab"/> (whole samples; at least one); settable for tests.</summary>
    internal static long SlabBlockBytes { get; set; } = 16L << 20;

    /// <summary>
    /// Reads samples [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) along axis 0 (all of
    /// the other axes) into a new flat array of exactly the stored type (T1): f64, f32, f16 or an integer type. Reserves
    /// the bytes against the budget before allocating and reads in hyperslab blocks of whole samples, checking
    /// <paramref name="ct"/> between blocks, so only the chunks of the selected samples are touched.
    /// </summary>
    public Array ReadSlab(H5DatasetInfo d, long first, long count, CancellationToken ct)
    {
        return (d.Class, d.ElementSize, d.Signed) switch
        {
            (H5DataTypeClass.FloatingPoint, 8, _) => ReadSlabExact<double>(d, first, count, ct),
            (H5DataTypeClass.FloatingPoint, 4, _) => ReadSlabExact<float>(d, first, count, ct),
            (H5DataTypeClass.FloatingPoint, 2, _) => ReadSlabExact<Half>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 1, false) => ReadSlabExact<byte>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 1, true) => ReadSlabExact<sbyte>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 2, false) => ReadSlabExact<ushort>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 2, true) => ReadSlabExact<short>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 4, false) => ReadSlabExact<uint>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 4, true) => ReadSlabExact<int>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 8, false) => ReadSlabExact<ulong>(d, first, count, ct),
            (H5DataTypeClass.FixedPoint, 8, true) => ReadSlabExact<long>(d, first, count, ct),
            _ => throw Error(d.Path, ProblemFileError.TypeMismatch, $"found {d.TypeName}; expected a floating-point or integer type"),
        };
    }

    private T[] ReadSlabExact<T>(H5DatasetInfo d, long first, long count, CancellationToken ct) where T : unmanaged
    {
        if (d.Rank < 1) throw Error(d.Path, ProblemFileError.ShapeMismatch, "a scalar dataset has no sample axis");
        if (first < 0 || count < 0 || first > d.Dims[0] - count)
            throw Error(d.Path, ProblemFileError.ShapeMismatch,
                string.Create(CultureInfo.InvariantCulture, $"samples {first}..{first + count} lie outside the {d.Dims[0]} stored"));
        long perSample = 1;
        for (int a = 1; a < d.Rank; a++) perSample = checked(perSample * d.Dims[a]);
        long total;
        try
        {
            total = checked(count * perSample);
            Reserve(checked(total * d.ElementSize), d.Path);
        }
        catch (OverflowException)
        {
            throw Error(d.Path, ProblemFileError.LimitExceeded, "selected element count overflows");
        }

        var buffer = Guard(d.Path, () => new T[total]); // OutOfMemoryException → LimitExceeded
        if (total == 0) return buffer;
        long perBlock = Math.Max(1, SlabBlockBytes / Math.Max(1, perSample * d.ElementSize));
        var blocks = d.Dims.Select(x => (ulong)x).ToArray();
        for (long s = 0; s < count; s += perBlock)
        {
            ct.ThrowIfCancellationRequested();
            long n = Math.Min(perBlock, count - s);
            var starts = new ulong[d.Rank];
            starts[0] = (ulong)(first + s);
            blocks[0] = (ulong)n;
            var fileSelection = new HyperslabSelection(d.Rank, starts, (ulong[])blocks.Clone());
            long offset = s * perSample, length = n * perSample;
            try
            {
                d.Dataset.Read(buffer, fileSelection, new HyperslabSelection((ulong)offset, (ulong)length), [(ulong)total]);
            }
            catch (Exception e) when (H5Errors.ShouldWrap(e) && H5Errors.IsByteOrderError(e))
            {
                var raw = new byte[checked(length * d.ElementSize)];
                Guard(d.Path, () =>
                {
                    d.Dataset.Read(raw, fileSelection);
                    return 0;
                });
                SwapInPlace(raw, d.ElementSize);
                raw.AsSpan().CopyTo(MemoryMarshal.AsBytes(buffer.AsSpan(checked((int)offset), checked((int)length))));
            }
            catch (Exception e) when (H5Errors.ShouldWrap(e))
            {
                throw H5Errors.Wrap(e, FilePath, d.Path);
            }
        }

        if (Report is not null) Report.BytesRead += total * d.ElementSize;
        return buffer;
    }

    /// <summary>
    /// Reads entries [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of a 1-D string
    /// dataset (variable-length or fixed-length; padding trimmed), each at most 1 MiB and valid UTF-8.
    /// </summary>
    public string[] ReadStringSlab(H5DatasetInfo d, long first, long count)
    {
        bool isString = d.Class == H5DataTypeClass.String
            || (d.Class == H5DataTypeClass.VariableLength
                && Guard(d.Path, () => d.Dataset.Type.VariableLength.BaseType.Class) is H5DataTypeClass.FixedPoint or H5DataTypeClass.String);
        if (!isString) throw Error(d.Path, ProblemFileError.TypeMismatch, $"found {d.TypeName}; expected strings");
        if (d.Rank != 1) throw Error(d.Path, ProblemFileError.ShapeMismatch, $"must be 1-D, found {d.ShapeText}");
        if (first < 0 || count < 0 || first > d.Dims[0] - count)
            throw Error(d.Path, ProblemFileError.ShapeMismatch,
                string.Create(CultureInfo.InvariantCulture, $"entries {first}..{first + count} lie outside the {d.Dims[0]} stored"));
        Reserve(checked(count * 16), d.Path);
        if (count == 0) return [];
        var values = Guard(d.Path, () => d.Dataset.Read<string[]>(new HyperslabSelection((ulong)first, (ulong)count)));
        if (values.LongLength != count) throw Error(d.Path, ProblemFileError.Malformed, "string dataset returned an inconsistent length");
        long chars = 0;
        for (int i = 0; i < values.Length; i++)
        {
            string v = values[i] ?? "";
            v = d.Class == H5DataTypeClass.String ? v.TrimEnd('\0', ' ') : v.TrimEnd('\0');
            if (v.Length > MaxAttributeBytes)
                throw Error(d.Path, ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"string at index {first + i} exceeds 1 MiB"));
            if (v.Contains('\uFFFD', StringComparison.Ordinal))
                throw Error(d.Path, ProblemFileError.TypeMismatch, string.Create(CultureInfo.InvariantCulture, $"string at index {first + i} is not valid UTF-8"));
            chars += v.Length;
            values[i] = v;
        }

        Reserve(chars * 2, d.Path);
        return values;
    }
}
