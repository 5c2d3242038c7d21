using PureHDF;

namespace Solvers.IO.Hdf5;

/// <summary>Caps of a generic HDF5 walk (REL §3).</summary>
public sealed record Hdf5WalkCaps
{
    /// <summary>Maximum group depth.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Maximum number of objects visited.</summary>
    public int MaxObjects { get; init; } = 100_000;

    /// <summary>Maximum attributes listed per object.</summary>
    public int MaxAttributesPerObject { get; init; } = 1_000;
}

/// <summary>One object found by <see cref="Hdf5Inspector.Walk"/>.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Kind">"group" or "dataset".</param>
/// <param name="DataType">Element type of a dataset, e.g. "f64".</param>
/// <param name="Shape">Dataset shape, e.g. "(3, 4)".</param>
/// <param name="Layout">Storage layout of a dataset.</param>
/// <param name="Attributes">Attribute names.</param>
public sealed record Hdf5ObjectInfo(string Path, string Kind, string? DataType, string? Shape, string? Layout, IReadOnlyList<string> Attributes);

/// <summary>What a walk found.</summary>
/// <param name="Objects">Objects in walk order.</param>
/// <param name="Warnings">Cycles, caps reached, objects that could not be described.</param>
public sealed record Hdf5WalkReport(IReadOnlyList<Hdf5ObjectInfo> Objects, IReadOnlyList<string> Warnings);

/// <summary>
/// A bounded, iterative (explicit stack, never recursive) walk over an HDF5 file for <c>solvers inspect</c>: depth,
/// object and attribute caps, cycle detection by (file, object-header address), and per-object failures reported as
/// warnings rather than aborting the walk.
/// </summary>
public static class Hdf5Inspector
{
    /// <summary>Walks <paramref name="path"/> within <paramref name="caps"/>.</summary>
    public static Hdf5WalkReport Walk(string path, Hdf5WalkCaps? caps = null)
    {
        caps ??= new Hdf5WalkCaps();
        using var h5 = H5Access.Open(path, untrusted: true, budget: 1L << 20, logger: null);
        var objects = new List<Hdf5ObjectInfo>();
        var warnings = new List<string>();
        var visited = new Dictionary<(object, ulong), string>();
        var stack = new Stack<(IH5Group Group, string Path, int Depth)>();
        stack.Push((h5.Root, "/", 0));
        while (stack.Count > 0)
        {
            var (group, gpath, depth) = stack.Pop();
            if (PureHdfInternals.Identity(group) is { } id)
            {
                if (visited.TryGetValue(id, out var first))
                {
                    warnings.Add($"cycle at {gpath} → {first}; not descended");
                    continue;
                }

                visited[id] = gpath;
            }

            objects.Add(new Hdf5ObjectInfo(gpath, "group", null, null, null, SafeAttributes(h5, group, gpath, caps, warnings)));
            if (objects.Count >= caps.MaxObjects)
            {
                warnings.Add($"stopped after {caps.MaxObjects} objects (cap)");
                break;
            }

            if (depth >= caps.MaxDepth)
            {
                warnings.Add($"{gpath}: depth cap {caps.MaxDepth} reached; members not listed");
                continue;
            }

            List<(string Name, IH5Object Object)> children;
            try
            {
                children = h5.Children(group, gpath, caps.MaxObjects);
            }
            catch (ProblemFileException e)
            {
                warnings.Add($"{gpath}: {e.Reason}");
                continue;
            }

            for (int i = children.Count - 1; i >= 0; i--)
            {
                var (name, obj) = children[i];
                string cpath = H5Access.Join(gpath, name);
                if (obj is IH5Group g)
                {
                    stack.Push((g, cpath, depth + 1));
                }
                else if (obj is IH5Dataset d)
                {
                    try
                    {
                        var info = h5.Describe(d, cpath);
                        objects.Add(new Hdf5ObjectInfo(cpath, "dataset", info.TypeName, info.ShapeText, info.Layout.ToString(),
                            SafeAttributes(h5, d, cpath, caps, warnings)));
                    }
                    catch (ProblemFileException e)
                    {
                        objects.Add(new Hdf5ObjectInfo(cpath, "dataset", "?", "?", "?", []));
                        warnings.Add($"{cpath}: {e.Reason}");
                    }
                }
            }
        }

        return new Hdf5WalkReport(objects, warnings);
    }

    private static List<string> SafeAttributes(H5Access h5, IH5Object obj, string path, Hdf5WalkCaps caps, List<string> warnings)
    {
        try
        {
            return h5.AttributeNames(obj, path, caps.MaxAttributesPerObject);
        }
        catch (ProblemFileException e)
        {
            warnings.Add($"{path}: {e.Reason}");
            return [];
        }
    }
}
