using System.Globalization;
using PureHDF;
using PureHDF.VOL.Native;

namespace Solvers.IO.Hdf5;

/// <summary>How <see cref="ProblemSetWriter"/> stores one sample set (PS §5, §7).</summary>
public sealed record SampleWriteOptions
{
    /// <summary>The default options.</summary>
    public static SampleWriteOptions Default { get; } = new();

    /// <summary>0 = chunked without filters; 1–9 = shuffle + deflate level of the field datasets (default 6).</summary>
    public int Compression { get; init; } = 6;
}

/// <content>PDE sample sets: <c>/samples/&lt;name&gt;</c> (PS §5).</content>
public sealed partial class ProblemSetWriter
{
    private readonly List<(string Name, H5Group Group)> _sampleSets = [];

    /// <summary>Number of sample sets added.</summary>
    public int SampleSetCount => _sampleSets.Count;

    /// <summary>
    /// Adds a sample set as <c>/samples/&lt;name&gt;</c>: attributes kind = "pde_samples", pde, layout, grid_shape (int64)
    /// and the set's <see cref="SampleSet.Attributes"/>; fields in their stored type (f32 allowed here) with sample-major
    /// chunks (one sample per chunk when it fits 1 MiB) and shuffle + deflate; <c>grid/</c>; <c>params/</c>. The arrays
    /// are referenced, not copied, until <see cref="Write"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Invalid or duplicate name, invalid layout or grid_shape, shapes that disagree with the layout, grid_shape, N or
    /// len(grid/t), non-finite values, or unsupported parameter types.
    /// </exception>
    public void Add(SampleSet set, SampleWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        options ??= SampleWriteOptions.Default;
        if (options.Compression is < 0 or > 9)
            throw new ArgumentException($"Compression must be 0–9 (got {options.Compression}).", nameof(options));
        if (!ProblemSetReader.NamePattern().IsMatch(set.Name))
            throw new ArgumentException($"Sample-set name '{set.Name}' does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}}$.", nameof(set));
        if (_sampleSets.Any(s => s.Name == set.Name))
            throw new ArgumentException($"A sample set named '{set.Name}' was already added.", nameof(set));
        _sampleSets.Add((set.Name, BuildSampleSet(set, options.Compression)));
    }

    private static H5Group BuildSampleSet(SampleSet set, int level)
    {
        string what = $"Sample set '{set.Name}'";
        if (string.IsNullOrWhiteSpace(set.Pde)) throw new ArgumentException($"{what}: pde is empty.", nameof(set));
        if (SampleSchema.GridShapeProblem(set.GridShape) is { } gs) throw new ArgumentException($"{what}: {gs}.", nameof(set));
        int d = set.GridShape.Length;
        if (SampleSchema.LayoutProblem(set.Layout, d) is { } lp) throw new ArgumentException($"{what}: {lp}.", nameof(set));
        var all = set.Inputs.Select(kv => (kv.Key, kv.Value, "inputs")).Concat(set.Outputs.Select(kv => (kv.Key, kv.Value, "outputs"))).ToList();
        if (all.Count == 0) throw new ArgumentException($"{what}: needs at least one input or output field.", nameof(set));

        long timeSteps = -1;
        string timeSource = "";
        if (set.Grid.TryGetValue("t", out var tc))
        {
            timeSteps = tc.Length;
            timeSource = "grid/t";
        }

        long n = all[0].Value.SampleCount;
        var g = new H5Group();
        g.Attributes["kind"] = "pde_samples";
        g.Attributes["pde"] = set.Pde;
        g.Attributes["layout"] = SampleSchema.Join(set.Layout);
        g.Attributes["grid_shape"] = set.GridShape.ToArray();
        foreach (var (key, value) in set.Attributes)
        {
            if (SampleSchema.ReservedAttributes.Contains(key))
                throw new ArgumentException($"{what}: attribute '{key}' is defined by the schema and cannot be set through Attributes.", nameof(set));
            g.Attributes[key] = value;
        }

        var groups = new Dictionary<string, H5Group>(StringComparer.Ordinal);
        foreach (var (name, field, group) in all)
        {
            string fw = $"{what}: {group}/{name}";
            if (!ProblemSetReader.NamePattern().IsMatch(name))
                throw new ArgumentException($"{fw}: the name does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}}$.", nameof(set));
            var layout = set.LayoutOf(field);
            if (field.Layout is not null && SampleSchema.LayoutProblem(field.Layout, d) is { } flp)
                throw new ArgumentException($"{fw}: {flp}.", nameof(set));
            if (SampleSchema.ShapeProblem(layout, field.Shape, set.GridShape, n, ref timeSteps, ref timeSource, name) is { } sp)
                throw new ArgumentException($"{fw}: {sp}.", nameof(set));
            var (bad, firstBad, value) = SampleSchema.NonFinite(field.Data);
            if (bad > 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{fw} holds {bad} non-finite value(s), first at index {firstBad}: {value}; problem files hold finite values only."), nameof(set));
            var ds = FieldDataset(field, level);
            if (field.Layout is not null && !field.Layout.SequenceEqual(set.Layout))
                ds.Attributes["layout"] = SampleSchema.Join(field.Layout);
            if (!groups.TryGetValue(group, out var fg)) groups[group] = fg = new H5Group();
            fg[name] = ds;
        }

        foreach (var (name, fg) in groups) g[name] = fg;

        if (set.Grid.Count > 0)
        {
            var gg = new H5Group();
            foreach (string axis in SampleSchema.SpatialAxes.Append("t"))
            {
                if (!set.Grid.TryGetValue(axis, out var c)) continue;
                int i = Array.IndexOf(SampleSchema.SpatialAxes, axis);
                if (i >= d)
                    throw new ArgumentException($"{what}: grid/{axis} is beyond grid_shape's {d} entries.", nameof(set));
                if (i >= 0 && c.Length != set.GridShape[i])
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{what}: grid/{axis} has {c.Length} coordinates, but grid_shape[{i}] is {set.GridShape[i]}."), nameof(set));
                H5WriteHelpers.RequireFinite(c, $"{what}: grid/{axis}");
                for (int k = 1; k < c.Length; k++)
                {
                    if (!(c[k] > c[k - 1]))
                        throw new ArgumentException($"{what}: grid/{axis} is not strictly increasing at index {k}.", nameof(set));
                }

                gg[axis] = H5WriteHelpers.Dataset(c, level);
            }

            foreach (string key in set.Grid.Keys)
            {
                if (key is not ("x" or "y" or "z" or "t"))
                    throw new ArgumentException($"{what}: unknown grid axis '{key}' (expected x, y, z, t).", nameof(set));
            }

            g["grid"] = gg;
        }

        if (set.Params.PerSampleCount > 0 || set.Params.Constants.Count > 0)
            g["params"] = ParamsGroup(set, n, level, what);
        return g;
    }

    private static H5Group ParamsGroup(SampleSet set, long n, int level, string what)
    {
        var pg = new H5Group();
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Check(string name, long length)
        {
            if (!ProblemSetReader.NamePattern().IsMatch(name))
                throw new ArgumentException($"{what}: parameter name '{name}' does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}}$.", nameof(set));
            if (!names.Add(name))
                throw new ArgumentException($"{what}: parameter '{name}' is given twice.", nameof(set));
            if (length != n)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: parameter '{name}' has {length} values, but the set has N = {n}."), nameof(set));
        }

        foreach (var (name, values) in set.Params.Float64)
        {
            Check(name, values.Length);
            H5WriteHelpers.RequireFinite(values, $"{what}: params/{name}");
            pg[name] = H5WriteHelpers.Dataset(values, level);
        }

        foreach (var (name, values) in set.Params.Int64)
        {
            Check(name, values.Length);
            pg[name] = H5WriteHelpers.Dataset(values, level);
        }

        foreach (var (name, values) in set.Params.Strings)
        {
            Check(name, values.Length);
            if (values.Any(v => v is null)) throw new ArgumentException($"{what}: params/{name} holds a null string.", nameof(set));
            pg[name] = values.ToArray();
        }

        foreach (var (name, value) in set.Params.Constants)
        {
            object stored = value switch
            {
                double v => double.IsFinite(v) ? v : throw new ArgumentException($"{what}: constant '{name}' is not finite.", nameof(set)),
                double[] v => v.All(double.IsFinite) ? v.ToArray() : throw new ArgumentException($"{what}: constant '{name}' is not finite.", nameof(set)),
                float v => double.IsFinite(v) ? (double)v : throw new ArgumentException($"{what}: constant '{name}' is not finite.", nameof(set)),
                long v => v,
                long[] v => v.ToArray(),
                int v => (long)v,
                string v => v,
                string[] v => v.ToArray(),
                _ => throw new ArgumentException(
                    $"{what}: constant '{name}' has type {value?.GetType().Name ?? "null"}; use double, long, string or arrays of those.", nameof(set)),
            };
            pg.Attributes[name] = stored;
        }

        return pg;
    }

    /// <summary>A field dataset: sample-major chunks (one sample per chunk when it fits 1 MiB), shuffle + deflate.</summary>
    private static H5Dataset FieldDataset(SampleField field, int level)
    {
        var dims = field.Shape.Select(s => (ulong)s).ToArray();
        if (field.Count == 0) return new H5Dataset(field.Data, fileDims: dims);
        var oneSample = (ulong[])dims.Clone();
        oneSample[0] = 1;
        var chunks = H5WriteHelpers.ChunkShape(oneSample, field.ElementSize);
        return level > 0
            ? new H5Dataset(field.Data, chunks: chunks, fileDims: dims, datasetCreation: H5WriteHelpers.Compression(level))
            : new H5Dataset(field.Data, chunks: chunks, fileDims: dims);
    }
}
