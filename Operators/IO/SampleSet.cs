using System.Globalization;

namespace Solvers.IO;

/// <summary>Stored element type of a sample-set field (REL §6: f64, f32, f16, uint8, int8 … int64).</summary>
public enum SampleElementType
{
    /// <summary>IEEE binary64 (<see cref="double"/>).</summary>
    Float64,
    /// <summary>IEEE binary32 (<see cref="float"/>).</summary>
    Float32,
    /// <summary>IEEE binary16 (<see cref="Half"/>).</summary>
    Float16,
    /// <summary>Unsigned 8-bit integer (<see cref="byte"/>), for masks and indicator fields.</summary>
    UInt8,
    /// <summary>Signed 8-bit integer (<see cref="sbyte"/>).</summary>
    Int8,
    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64,
}

/// <summary>
/// One field of a sample set (<c>inputs/&lt;name&gt;</c> or <c>outputs/&lt;name&gt;</c>, PS §5): the data exactly as
/// stored (a flat C-order array of the stored .NET type), its shape (sample axis first) and, when it differs from the
/// set's default, its own layout.
/// </summary>
public sealed class SampleField
{
    /// <summary>Creates a field from a flat C-order array of a supported element type.</summary>
    /// <param name="data">A 1-D <c>double[]</c>, <c>float[]</c>, <c>Half[]</c>, <c>byte[]</c>, <c>sbyte[]</c>, <c>short[]</c>, <c>int[]</c> or <c>long[]</c>.</param>
    /// <param name="shape">Dimensions in storage order, sample axis first; their product equals the data length.</param>
    /// <param name="layout">Axis tokens when they differ from the set's layout; null to use the set's.</param>
    /// <exception cref="ArgumentException">Unsupported element type, a multi-dimensional array, or a shape that does not match the data.</exception>
    public SampleField(Array data, long[] shape, IReadOnlyList<string>? layout = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (data.Rank != 1)
            throw new ArgumentException("Field data must be a flat (1-D, C-order) array.", nameof(data));
        ElementType = ElementTypeOf(data.GetType().GetElementType()!)
            ?? throw new ArgumentException($"Element type {data.GetType().GetElementType()!.Name} is not supported in sample sets " +
                "(double, float, Half, byte, sbyte, short, int, long).", nameof(data));
        if (shape.Length == 0)
            throw new ArgumentException("A field needs at least the sample axis.", nameof(shape));
        long count = 1;
        foreach (long s in shape)
        {
            if (s < 0) throw new ArgumentException("Shape entries must be ≥ 0.", nameof(shape));
            count = checked(count * s);
        }

        if (count != data.LongLength)
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Shape ({string.Join(", ", shape)}) has {count} elements, but the data has {data.LongLength}."),
                nameof(shape));
        Data = data;
        Shape = (long[])shape.Clone();
        Layout = layout is null ? null : [.. layout];
    }

    /// <summary>The stored element type.</summary>
    public SampleElementType ElementType { get; }

    /// <summary>Short type name: f64, f32, f16, uint8, int8, int16, int32, int64.</summary>
    public string TypeName => TypeNameOf(ElementType);

    /// <summary>Bytes per element.</summary>
    public int ElementSize => SizeOf(ElementType);

    /// <summary>The field's own axis tokens, or null when it uses the set's <see cref="SampleSet.Layout"/>.</summary>
    public IReadOnlyList<string>? Layout { get; }

    /// <summary>Dimensions in storage order; <c>Shape[0]</c> is the number of samples.</summary>
    public long[] Shape { get; }

    /// <summary>The data as stored: a flat C-order array of the stored .NET type (see <see cref="ElementType"/>).</summary>
    public Array Data { get; }

    /// <summary>Number of elements.</summary>
    public long Count => Data.LongLength;

    /// <summary>Number of samples (<c>Shape[0]</c>).</summary>
    public long SampleCount => Shape[0];

    /// <summary>The data as <typeparamref name="T"/>[]; throws when <typeparamref name="T"/> is not the stored type.</summary>
    /// <exception cref="InvalidOperationException">The stored type is not <typeparamref name="T"/>.</exception>
    public T[] As<T>() where T : unmanaged =>
        Data as T[] ?? throw new InvalidOperationException($"The field is stored as {TypeName}, not {typeof(T).Name}.");

    /// <summary>
    /// A new array with every value widened to <see cref="double"/>. Exact for every stored type except int64 values
    /// beyond ±2⁵³, which round to the nearest double.
    /// </summary>
    public double[] ToDouble()
    {
        var r = new double[Data.LongLength];
        switch (Data)
        {
            case double[] d: d.CopyTo(r, 0); break;
            case float[] f: for (long i = 0; i < f.LongLength; i++) r[i] = f[i]; break;
            case Half[] h: for (long i = 0; i < h.LongLength; i++) r[i] = (double)h[i]; break;
            case byte[] b: for (long i = 0; i < b.LongLength; i++) r[i] = b[i]; break;
            case sbyte[] s: for (long i = 0; i < s.LongLength; i++) r[i] = s[i]; break;
            case short[] s: for (long i = 0; i < s.LongLength; i++) r[i] = s[i]; break;
            case int[] n: for (long i = 0; i < n.LongLength; i++) r[i] = n[i]; break;
            case long[] l: for (long i = 0; i < l.LongLength; i++) r[i] = l[i]; break;
        }

        return r;
    }

    /// <summary>The sample-set element type of a .NET element type, or null when unsupported.</summary>
    public static SampleElementType? ElementTypeOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(double)) return SampleElementType.Float64;
        if (type == typeof(float)) return SampleElementType.Float32;
        if (type == typeof(Half)) return SampleElementType.Float16;
        if (type == typeof(byte)) return SampleElementType.UInt8;
        if (type == typeof(sbyte)) return SampleElementType.Int8;
        if (type == typeof(short)) return SampleElementType.Int16;
        if (type == typeof(int)) return SampleElementType.Int32;
        if (type == typeof(long)) return SampleElementType.Int64;
        return null;
    }

    /// <summary>Short type name of an element type (f64, f32, f16, uint8, int8, …).</summary>
    public static string TypeNameOf(SampleElementType type) => type switch
    {
        SampleElementType.Float64 => "f64",
        SampleElementType.Float32 => "f32",
        SampleElementType.Float16 => "f16",
        SampleElementType.UInt8 => "uint8",
        SampleElementType.Int8 => "int8",
        SampleElementType.Int16 => "int16",
        SampleElementType.Int32 => "int32",
        _ => "int64",
    };

    /// <summary>Bytes per element of an element type.</summary>
    public static int SizeOf(SampleElementType type) => type switch
    {
        SampleElementType.Float64 or SampleElementType.Int64 => 8,
        SampleElementType.Float32 or SampleElementType.Int32 => 4,
        SampleElementType.Float16 or SampleElementType.Int16 => 2,
        _ => 1,
    };
}

/// <summary>
/// Per-sample parameters and per-set constants of a sample set (<c>params/</c>, PS §5). Per-sample arrays have one
/// entry per sample; names are unique across <see cref="Float64"/>, <see cref="Int64"/> and <see cref="Strings"/>.
/// </summary>
public sealed class SampleParams
{
    /// <summary>Per-sample f64 values (<c>params/&lt;name&gt;</c>, shape (N,)).</summary>
    public IDictionary<string, double[]> Float64 { get; } = new Dictionary<string, double[]>(StringComparer.Ordinal);

    /// <summary>Per-sample int64 values (<c>params/&lt;name&gt;</c>, shape (N,)).</summary>
    public IDictionary<string, long[]> Int64 { get; } = new Dictionary<string, long[]>(StringComparer.Ordinal);

    /// <summary>Per-sample strings, such as a configuration text (<c>params/&lt;name&gt;</c>, shape (N,)).</summary>
    public IDictionary<string, string[]> Strings { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal);

    /// <summary>
    /// Constants of the whole set (attributes of <c>params/</c>): <see cref="double"/>, <see cref="long"/>,
    /// <see cref="string"/>, or arrays of those.
    /// </summary>
    public IDictionary<string, object> Constants { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Number of per-sample parameter arrays.</summary>
    public int PerSampleCount => Float64.Count + Int64.Count + Strings.Count;
}

/// <summary>
/// A PDE sample set (<c>/samples/&lt;name&gt;</c>, PS §5): fields in sample-major layout, grid coordinates,
/// parameters and provenance. Read with <see cref="Hdf5.ProblemSetReader.ReadSamples"/> or imported with
/// <see cref="Hdf5.PdeBenchReader"/>; written with <see cref="Hdf5.ProblemSetWriter.Add(SampleSet, Hdf5.SampleWriteOptions?)"/>.
/// </summary>
public sealed class SampleSet
{
    /// <summary>Creates an empty sample set; add fields, grid and parameters through the dictionaries.</summary>
    /// <param name="name">Group name, matching <c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$</c>.</param>
    /// <param name="pde">PDE identifier, e.g. <c>darcy2d</c>, <c>burgers1d</c>.</param>
    /// <param name="layout">Default axis tokens of the fields in storage order, <c>sample</c> first (e.g. sample, x, y).</param>
    /// <param name="gridShape">Spatial sizes, one per spatial axis (1 to 3 entries).</param>
    public SampleSet(string name, string pde, IReadOnlyList<string> layout, long[] gridShape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pde);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(gridShape);
        Name = name;
        Pde = pde;
        Layout = [.. layout];
        GridShape = (long[])gridShape.Clone();
    }

    /// <summary>The set's name (group name under <c>/samples</c>).</summary>
    public string Name { get; }

    /// <summary>The PDE identifier (<c>@pde</c>).</summary>
    public string Pde { get; }

    /// <summary>Default axis tokens of the fields (<c>@layout</c>), <c>sample</c> first.</summary>
    public IReadOnlyList<string> Layout { get; }

    /// <summary>Spatial sizes (<c>@grid_shape</c>).</summary>
    public long[] GridShape { get; }

    /// <summary>Input fields (<c>inputs/</c>) by name.</summary>
    public IDictionary<string, SampleField> Inputs { get; } = new Dictionary<string, SampleField>(StringComparer.Ordinal);

    /// <summary>Output fields (<c>outputs/</c>) by name; trajectories have <c>t</c> in their layout.</summary>
    public IDictionary<string, SampleField> Outputs { get; } = new Dictionary<string, SampleField>(StringComparer.Ordinal);

    /// <summary>Grid coordinates by axis name (<c>x</c>, <c>y</c>, <c>z</c>, <c>t</c>), each 1-D f64.</summary>
    public IDictionary<string, double[]> Grid { get; } = new Dictionary<string, double[]>(StringComparer.Ordinal);

    /// <summary>Per-sample parameters and per-set constants (<c>params/</c>).</summary>
    public SampleParams Params { get; } = new();

    /// <summary>Provenance and other attributes of the set as strings (<c>source</c>, <c>license</c>, …).</summary>
    public IDictionary<string, string> Attributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Index in the file of the first sample held (non-zero after a partial read).</summary>
    public int FirstSample { get; init; }

    /// <summary>Number of samples in the file when read from one; null for a set built in memory.</summary>
    public int? FileSampleCount { get; init; }

    /// <summary>What the load did (warnings, bytes read, time); empty for a set built in memory.</summary>
    public LoadReport Report { get; init; } = new();

    /// <summary>Number of samples held: the sample-axis length of the fields (0 when there are none).</summary>
    public int SampleCount
    {
        get
        {
            foreach (var f in Inputs.Values.Concat(Outputs.Values)) return (int)Math.Min(f.SampleCount, int.MaxValue);
            return 0;
        }
    }

    /// <summary>The axis tokens of <paramref name="field"/>: its own layout, else the set's.</summary>
    public IReadOnlyList<string> LayoutOf(SampleField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Layout ?? Layout;
    }
}
