using System.Globalization;
using System.Numerics;
using PureHDF;

namespace Solvers.IO.Hdf5;

/// <summary>
/// The rules of <c>/samples</c> shared by the reader, the writer and the PDEBench importer (PS §5, REL §6, §7.3, §8):
/// layout tokens, axis sizes against <c>grid_shape</c>, N and <c>len(grid/t)</c>, accepted stored types, and the
/// non-finite scan in the stored type.
/// </summary>
internal static class SampleSchema
{
    /// <summary>Spatial axis tokens in the order of <c>grid_shape</c>.</summary>
    public static readonly string[] SpatialAxes = ["x", "y", "z"];

    /// <summary>Every valid layout token.</summary>
    public static readonly string[] Tokens = ["sample", "x", "y", "z", "t", "channel"];

    /// <summary>Attributes of a sample-set group that the schema defines (not copied to <see cref="SampleSet.Attributes"/>).</summary>
    public static readonly string[] ReservedAttributes = ["kind", "pde", "layout", "grid_shape"];

    /// <summary>Splits a layout attribute ("sample,x,y") into tokens.</summary>
    public static string[] Parse(string text) => text.Split(',').Select(s => s.Trim()).ToArray();

    /// <summary>Joins tokens into the attribute form.</summary>
    public static string Join(IReadOnlyList<string> tokens) => string.Join(",", tokens);

    /// <summary>Checks a grid_shape: 1 to 3 entries, each ≥ 1; returns the reason or null.</summary>
    public static string? GridShapeProblem(IReadOnlyList<long> gridShape)
    {
        if (gridShape.Count is < 1 or > 3) return $"grid_shape must have 1 to 3 entries, found {gridShape.Count}";
        for (int i = 0; i < gridShape.Count; i++)
        {
            if (gridShape[i] < 1)
                return string.Create(CultureInfo.InvariantCulture, $"grid_shape[{i}] is {gridShape[i]}; spatial sizes must be ≥ 1");
        }

        return null;
    }

    /// <summary>
    /// Checks layout tokens (REL §7.3): <c>sample</c> first, tokens from {sample, x, y, z, t, channel}, none twice, and
    /// exactly the first <paramref name="spatialDims"/> spatial axes. Returns the reason or null.
    /// </summary>
    public static string? LayoutProblem(IReadOnlyList<string> tokens, int spatialDims)
    {
        if (tokens.Count == 0 || tokens[0] != "sample")
            return $"layout '{Join(tokens)}' does not start with 'sample'";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string t in tokens)
        {
            if (!Tokens.Contains(t))
                return $"layout '{Join(tokens)}' has unknown axis token '{t}' (expected sample, x, y, z, t, channel)";
            if (!seen.Add(t)) return $"layout '{Join(tokens)}' names axis '{t}' twice";
        }

        for (int i = 0; i < SpatialAxes.Length; i++)
        {
            bool present = seen.Contains(SpatialAxes[i]);
            if (i < spatialDims && !present)
                return $"layout '{Join(tokens)}' lacks spatial axis '{SpatialAxes[i]}' (grid_shape has {spatialDims} entries)";
            if (i >= spatialDims && present)
                return $"layout '{Join(tokens)}' names axis '{SpatialAxes[i]}', but grid_shape has only {spatialDims} entries";
        }

        return null;
    }

    /// <summary>
    /// Checks a field's dimensions against its layout, <c>grid_shape</c>, the sample count N and the time length
    /// (REL §7.3). <paramref name="timeSteps"/> is the length of <c>grid/t</c> or of the first field with <c>t</c>
    /// (−1 while unknown; set here on first use), <paramref name="timeSource"/> names where it came from.
    /// Returns the reason or null.
    /// </summary>
    public static string? ShapeProblem(IReadOnlyList<string> layout, IReadOnlyList<long> dims, IReadOnlyList<long> gridShape, long n,
        ref long timeSteps, ref string timeSource, string fieldName)
    {
        string shape = "(" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        if (dims.Count != layout.Count)
            return $"shape {shape} has {dims.Count} axes, but its layout '{Join(layout)}' has {layout.Count}";
        for (int a = 0; a < layout.Count; a++)
        {
            long size = dims[a];
            switch (layout[a])
            {
                case "sample" when size != n:
                    return string.Create(CultureInfo.InvariantCulture, $"shape {shape} holds {size} samples, but the set has N = {n}");
                case "x" or "y" or "z":
                {
                    int i = Array.IndexOf(SpatialAxes, layout[a]);
                    if (size != gridShape[i])
                        return string.Create(CultureInfo.InvariantCulture,
                            $"shape {shape}: axis '{layout[a]}' has size {size}, but grid_shape[{i}] is {gridShape[i]}");
                    break;
                }

                case "t":
                    if (timeSteps < 0)
                    {
                        timeSteps = size;
                        timeSource = $"field '{fieldName}'";
                    }
                    else if (size != timeSteps)
                    {
                        return string.Create(CultureInfo.InvariantCulture,
                            $"shape {shape}: axis 't' has {size} steps, but {timeSource} has {timeSteps}");
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>The sample-set element type of a stored HDF5 type, or null when REL §6 refuses it.</summary>
    public static SampleElementType? ElementType(H5DatasetInfo d) => (d.Class, d.ElementSize, d.Signed) switch
    {
        (H5DataTypeClass.FloatingPoint, 8, _) => SampleElementType.Float64,
        (H5DataTypeClass.FloatingPoint, 4, _) => SampleElementType.Float32,
        (H5DataTypeClass.FloatingPoint, 2, _) => SampleElementType.Float16,
        (H5DataTypeClass.FixedPoint, 1, false) => SampleElementType.UInt8,
        (H5DataTypeClass.FixedPoint, 1, true) => SampleElementType.Int8,
        (H5DataTypeClass.FixedPoint, 2, true) => SampleElementType.Int16,
        (H5DataTypeClass.FixedPoint, 4, true) => SampleElementType.Int32,
        (H5DataTypeClass.FixedPoint, 8, true) => SampleElementType.Int64,
        _ => null,
    };

    /// <summary>Refuses a field of a type REL §6 does not accept in <c>/samples</c> (TypeMismatch).</summary>
    public static SampleElementType RequireFieldType(H5Access h, H5DatasetInfo d) =>
        ElementType(d) ?? throw h.Error(d.Path, ProblemFileError.TypeMismatch,
            $"found {d.TypeName}; a sample field must be f64, f32, f16, uint8 or int8 … int64 (strings and compounds are refused)");

    /// <summary>Count and first index of the non-finite values of a floating-point array, in its stored type.</summary>
    public static (long Count, long First) NonFinite<T>(ReadOnlySpan<T> values) where T : IFloatingPointIeee754<T>
    {
        long count = 0, first = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                if (first < 0) first = i;
                count++;
            }
        }

        return (count, first);
    }

    /// <summary>Count, first index and value text of the non-finite entries of a stored field array (0 for integers).</summary>
    public static (long Count, long First, string Value) NonFinite(Array data)
    {
        switch (data)
        {
            case double[] d:
            {
                var (c, f) = NonFinite<double>(d);
                return (c, f, c > 0 ? d[f].ToString(CultureInfo.InvariantCulture) : "");
            }

            case float[] s:
            {
                var (c, f) = NonFinite<float>(s);
                return (c, f, c > 0 ? s[f].ToString(CultureInfo.InvariantCulture) : "");
            }

            case Half[] h:
            {
                var (c, f) = NonFinite<Half>(h);
                return (c, f, c > 0 ? h[f].ToString(CultureInfo.InvariantCulture) : "");
            }

            default:
                return (0, -1, "");
        }
    }

    /// <summary>
    /// Scans a field read from the file for NaN and ±Inf in its stored type (REL §8). <paramref name="offset"/> is the
    /// flat file index of the array's first element, so the message gives the position in the file.
    /// </summary>
    public static void ScanField(H5Access h, string path, Array data, long offset, long[] fileDims, bool allow)
    {
        var (count, first, value) = NonFinite(data);
        if (count == 0) return;
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{count} non-finite value(s); first at {SparseAssembly.FlatPosition(offset + first, fileDims)}: {value}");
        if (allow)
        {
            h.Warn($"{path}: {text} (AllowNonFinite)");
            return;
        }

        throw h.Error(path, ProblemFileError.NonFiniteValue, text);
    }
}
