using System.Globalization;
using System.Text;
using PureHDF;

namespace Solvers.IO.Hdf5;

/// <summary>Caps of a generic HDF5 walk (REL §3); all configurable, defaults as specified.</summary>
public sealed record Hdf5WalkCaps
{
    /// <summary>The default caps.</summary>
    public static Hdf5WalkCaps Default { get; } = new();

    /// <summary>Deepest group nesting (root = 0).</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Most objects visited.</summary>
    public int MaxObjects { get; init; } = 100_000;

    /// <summary>Most attributes per object.</summary>
    public int MaxAttributesPerObject { get; init; } = 1_000;

    /// <summary>Longest child name in UTF-8 bytes.</summary>
    public int MaxNameBytes { get; init; } = 1_024;

    /// <summary>Refuse external links (objects in other files) instead of listing them.</summary>
    public bool Untrusted { get; init; } = true;
}

/// <summary>Kind of an HDF5 object.</summary>
public enum Hdf5ObjectKind
{
    /// <summary>A group.</summary>
    Group,
    /// <summary>A dataset.</summary>
    Dataset,
}

/// <summary>One object found by <see cref="Hdf5Inspector.Walk"/>.</summary>
/// <param name="Path">Absolute path (first path by which it was reached).</param>
/// <param name="Kind">Group or dataset.</param>
/// <param name="Shape">Dataset dimensions (empty for scalars); null for groups.</param>
/// <param name="DataType">Dataset type, e.g. "f64", "int32", "string"; null for groups.</param>
/// <param name="Layout">Dataset storage layout (compact, contiguous, chunked, virtual); null for groups.</param>
/// <param name="Filters">Dataset filters, e.g. "'deflate' (id 1)".</param>
/// <param name="Attributes">Attribute values as text (long values cut).</param>
public sealed record Hdf5ObjectInfo(string Path, Hdf5ObjectKind Kind, long[]? Shape, string? DataType, string? Layout,
    IReadOnlyList<string> Filters, IReadOnlyDictionary<string, string> Attributes);

/// <summary>The objects of a walk and the warnings it produced (cycles, refusals the schema reader would make).</summary>
/// <param name="Objects">Objects in walk order (depth first, members in ordinal order).</param>
/// <param name="Warnings">Warnings such as "cycle at /a/loop → /".</param>
public sealed record Hdf5WalkResult(IReadOnlyList<Hdf5ObjectInfo> Objects, IReadOnlyList<string> Warnings);

/// <summary>
/// Generic, iterative (explicit stack) walk of an HDF5 file for <c>inspect</c> and format detection, under the caps of
/// REL §3, with cycle detection by (file object, object-header address).
/// </summary>
public static class Hdf5Inspector
{
    private const int MaxShownValue = 1_000;

    /// <summary>Walks every object of the file.</summary>
    /// <exception cref="ProblemFileException">Not HDF5, malformed, a dangling link, or a cap exceeded (LimitExceeded).</exception>
    public static Hdf5WalkResult Walk(string path, Hdf5WalkCaps? caps = null)
    {
        caps ??= Hdf5WalkCaps.Default;
        using var h = H5Access.Open(path, caps.Untrusted, long.MaxValue, null);
        return WalkOpen(h, caps);
    }

    internal static Hdf5WalkResult WalkOpen(H5Access h, Hdf5WalkCaps caps)
    {
        var objects = new List<Hdf5ObjectInfo>();
        var warnings = new List<string>();
        var visited = new Dictionary<(object, ulong), string>();
        var stack = new Stack<(string Path, IH5Object Obj, int Depth)>();
        stack.Push(("/", h.Root, 0));
        while (stack.Count > 0)
        {
            var (p, obj, depth) = stack.Pop();
            if (objects.Count >= caps.MaxObjects)
                throw h.Error(p, ProblemFileError.LimitExceeded, $"more than {caps.MaxObjects} objects (cap)");
            if (depth > caps.MaxDepth)
                throw h.Error(p, ProblemFileError.LimitExceeded, $"nesting deeper than {caps.MaxDepth} (cap)");
            if (obj is IH5Group && PureHdfInternals.Identity(obj) is { } id)
            {
                if (visited.TryGetValue(id, out string? first))
                {
                    warnings.Add($"cycle at {p} → {first}");
                    continue;
                }

                visited[id] = p;
            }

            if (h.Guard(p, () => h.IsExternal(obj, p))) warnings.Add($"{p}: reached through an external link (another file)");
            var attrs = Attributes(h, obj, p, caps);
            if (obj is IH5Dataset ds)
            {
                objects.Add(DescribeDataset(h, ds, p, attrs, warnings));
                continue;
            }

            objects.Add(new Hdf5ObjectInfo(p, Hdf5ObjectKind.Group, null, null, null, [], attrs));
            var group = (IH5Group)obj;
            var children = ChildrenCapped(h, group, p, caps);
            for (int i = children.Count - 1; i >= 0; i--) stack.Push((H5Access.Join(p, children[i].Name), children[i].Object, depth + 1));
        }

        return new Hdf5WalkResult(objects, warnings);
    }

    private static List<(string Name, IH5Object Object)> ChildrenCapped(H5Access h, IH5Group g, string p, Hdf5WalkCaps caps)
    {
        var list = h.Children(g, p, caps.MaxObjects);
        foreach (var (name, _) in list)
        {
            if (Encoding.UTF8.GetByteCount(name) > caps.MaxNameBytes)
                throw h.Error(p, ProblemFileError.LimitExceeded, $"a member name is longer than {caps.MaxNameBytes} bytes (cap)");
        }

        return list;
    }

    private static Dictionary<string, string> Attributes(H5Access h, IH5Object obj, string p, Hdf5WalkCaps caps)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = h.AttributeNames(obj, p, caps.MaxAttributesPerObject);
        foreach (string n in names)
        {
            string value;
            try
            {
                value = h.AttributeAsString(obj, p, n);
            }
            catch (ProblemFileException e) when (e.Error is ProblemFileError.TypeMismatch or ProblemFileError.UnsupportedFeature)
            {
                value = $"<{e.Reason}>";
            }

            result[n] = value.Length > MaxShownValue ? value[..MaxShownValue] + "…" : value;
        }

        return result;
    }

    private static Hdf5ObjectInfo DescribeDataset(H5Access h, IH5Dataset ds, string p, Dictionary<string, string> attrs, List<string> warnings)
    {
        var (spaceType, dims) = h.Guard(p, () => (ds.Space.Type, ds.Space.Dimensions));
        var shape = spaceType == H5DataspaceType.Null ? [] : dims.Select(d => d > long.MaxValue ? long.MaxValue : (long)d).ToArray();
        var cls = h.Guard(p, () => ds.Type.Class);
        int size = h.Guard(p, () => ds.Type.Size);
        bool signed = cls == H5DataTypeClass.FixedPoint && h.Guard(p, () => ds.Type.FixedPoint.IsSigned);
        var layout = h.Guard(p, () => ds.Layout.Class);
        string layoutText = layout switch
        {
            H5DataLayoutClass.Compact => "compact",
            H5DataLayoutClass.Contiguous => "contiguous",
            H5DataLayoutClass.Chunked => "chunked (" + string.Join("×", h.Guard(p, () => ds.Layout.Chunks).Select(c => c.ToString(CultureInfo.InvariantCulture))) + ")",
            _ => "virtual",
        };
        if (layout == H5DataLayoutClass.VirtualStorage) warnings.Add($"{p}: virtual dataset (refused by the readers)");
        if (h.Guard(p, () => PureHdfInternals.HasExternalStorage(ds)) == true)
        {
            layoutText = "external";
            warnings.Add($"{p}: external raw storage (refused by the readers)");
        }

        var filters = (h.Guard(p, () => PureHdfInternals.Filters(ds)) ?? []).Select(f => H5Access.FilterName(f.Id, f.Name)).ToList();
        foreach (var f in h.Guard(p, () => PureHdfInternals.Filters(ds)) ?? [])
        {
            if (f.Id is not (1 or 2 or 3 or 6)) warnings.Add($"{p}: filter {H5Access.FilterName(f.Id, f.Name)} is not supported");
        }

        return new Hdf5ObjectInfo(p, Hdf5ObjectKind.Dataset, shape, H5Access.TypeName(cls, size, signed), layoutText, filters, attrs);
    }
}
