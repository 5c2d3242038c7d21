using System.Diagnostics;
using System.Globalization;
using PureHDF;

namespace Solvers.IO.Hdf5;

/// <content>PDE sample sets: <c>/samples/&lt;name&gt;</c> (PS §5).</content>
public sealed partial class ProblemSetReader
{
    private static readonly string[] KnownSampleMembers = ["inputs", "outputs", "grid", "params"];

    private static readonly string[] GridOrder = ["x", "y", "z", "t"];

    /// <summary>What one field declares, checked before any array is read.</summary>
    private sealed record FieldPlan(string Name, bool IsInput, H5DatasetInfo Info, string[]? OwnLayout);

    /// <summary>
    /// Reads, validates and returns a sample set, or the sample range <paramref name="samples"/> of it (hyperslab reads
    /// that touch only the chunks of those samples). Layout, shapes (against <c>grid_shape</c>, N and
    /// <c>len(grid/t)</c>), stored types and the budget are checked before any array is read; float fields are
    /// scanned for NaN and ±Inf in their stored type (REL §4, §6, §7.3, §8). Fields keep their stored type.
    /// </summary>
    /// <param name="name">The set's name under <c>/samples</c>.</param>
    /// <param name="samples">Sample range to read (e.g. <c>10..20</c>); null for all.</param>
    /// <param name="ct">Checked between datasets and between hyperslab blocks.</param>
    /// <exception cref="ProblemFileException">The set is missing, malformed, inconsistent, non-finite or over budget.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> lies outside the stored samples.</exception>
    public SampleSet ReadSamples(string name, Range? samples = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sw = Stopwatch.StartNew();
        var report = new LoadReport { Format = "problem-set" };
        _h.Report = report;
        _h.ResetBudget();
        try
        {
            string path = "/samples/" + name;
            if (!NamePattern().IsMatch(name) || _h.TryGroup(path) is not { } g)
                throw _h.Error(path, ProblemFileError.NotFound, $"no sample set '{name}' in this file");
            var set = ReadSamplesCore(g, path, name, samples, report, ct);
            report.Elapsed = sw.Elapsed;
            return set;
        }
        finally
        {
            _h.Report = null;
        }
    }

    private SampleSet ReadSamplesCore(IH5Group g, string path, string name, Range? samples, LoadReport report, CancellationToken ct)
    {
        // 1. Attributes of the set.
        string kind = _h.StringAttribute(g, path, "kind")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'kind' is missing");
        if (kind != "pde_samples")
            throw _h.Error(path + "@kind", ProblemFileError.SchemaViolation, $"kind is '{kind}', expected 'pde_samples'");
        string pde = _h.StringAttribute(g, path, "pde")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'pde' is missing");
        string layoutText = _h.StringAttribute(g, path, "layout")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'layout' is missing");
        long[] gridShape = _h.IntegerAttribute(g, path, "grid_shape")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'grid_shape' is missing");
        if (SampleSchema.GridShapeProblem(gridShape) is { } gsProblem)
            throw _h.Error(path + "@grid_shape", ProblemFileError.SchemaViolation, gsProblem);
        var layout = SampleSchema.Parse(layoutText);
        if (SampleSchema.LayoutProblem(layout, gridShape.Length) is { } lProblem)
            throw _h.Error(path + "@layout", ProblemFileError.SchemaViolation, lProblem);
        foreach (var (member, _) in _h.Children(g, path, 1000))
        {
            if (!KnownSampleMembers.Contains(member)) LogUnknownOnce($"member '{member}' of {path}");
        }

        // 2. What every dataset declares: fields, grid, params (no array read yet).
        var fields = new List<FieldPlan>();
        foreach (var (group, isInput) in new[] { ("inputs", true), ("outputs", false) })
        {
            string gp = path + "/" + group;
            if (_h.TryGroup(gp) is not { } fg) continue;
            foreach (var (fname, obj) in _h.Children(fg, gp, 1000))
            {
                ct.ThrowIfCancellationRequested();
                string fp = H5Access.Join(gp, fname);
                if (obj is not IH5Dataset ds) throw _h.Error(fp, ProblemFileError.SchemaViolation, "a field must be a dataset");
                var info = _h.Describe(ds, fp);
                SampleSchema.RequireFieldType(_h, info);
                string[]? own = null;
                if (_h.StringAttribute(ds, fp, "layout") is { } ownText)
                {
                    own = SampleSchema.Parse(ownText);
                    if (SampleSchema.LayoutProblem(own, gridShape.Length) is { } p)
                        throw _h.Error(fp + "@layout", ProblemFileError.SchemaViolation, p);
                }

                fields.Add(new FieldPlan(fname, isInput, info, own));
            }
        }

        if (fields.Count == 0)
            throw _h.Error(path, ProblemFileError.SchemaViolation, "a sample set needs at least one field in inputs/ or outputs/");

        var gridPlans = new List<(string Axis, H5DatasetInfo Info)>();
        long timeSteps = -1;
        string timeSource = "";
        if (_h.TryGroup(path + "/grid") is { } gg)
        {
            foreach (var (axis, obj) in _h.Children(gg, path + "/grid", 100))
            {
                string ap = path + "/grid/" + axis;
                if (axis is not ("x" or "y" or "z" or "t"))
                {
                    LogUnknownOnce($"member '{axis}' of {path}/grid");
                    continue;
                }

                if (obj is not IH5Dataset ds) throw _h.Error(ap, ProblemFileError.SchemaViolation, "a coordinate must be a dataset");
                var info = _h.Describe(ds, ap);
                if (info.Rank != 1) throw _h.Error(ap, ProblemFileError.ShapeMismatch, $"coordinates must be 1-D, found {info.ShapeText}");
                if (axis == "t")
                {
                    timeSteps = info.Dims[0];
                    timeSource = "grid/t";
                }
                else
                {
                    int i = Array.IndexOf(SampleSchema.SpatialAxes, axis);
                    if (i >= gridShape.Length)
                        throw _h.Error(ap, ProblemFileError.SchemaViolation, $"axis '{axis}' is beyond grid_shape's {gridShape.Length} entries");
                    if (info.Dims[0] != gridShape[i])
                        throw _h.Error(ap, ProblemFileError.ShapeMismatch,
                            string.Create(CultureInfo.InvariantCulture, $"has {info.Dims[0]} coordinates, but grid_shape[{i}] is {gridShape[i]}"));
                }

                gridPlans.Add((axis, info));
            }
        }

        // 3. Axis sizes of every field against the layout, grid_shape, N and len(grid/t) (REL §7.3).
        var firstLayout = fields[0].OwnLayout ?? layout;
        if (fields[0].Info.Rank != firstLayout.Length)
            throw _h.Error(fields[0].Info.Path, ProblemFileError.ShapeMismatch,
                $"shape {fields[0].Info.ShapeText} has {fields[0].Info.Rank} axes, but its layout '{SampleSchema.Join(firstLayout)}' has {firstLayout.Length}");
        long n = fields[0].Info.Dims[0];
        foreach (var f in fields)
        {
            if (SampleSchema.ShapeProblem(f.OwnLayout ?? layout, f.Info.Dims, gridShape, n, ref timeSteps, ref timeSource, f.Name) is { } p)
                throw _h.Error(f.Info.Path, ProblemFileError.ShapeMismatch, p);
        }

        if (n > int.MaxValue)
            throw _h.Error(path, ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{n} samples exceed the supported 2^31 − 1"));
        var (first, count) = (samples ?? Range.All).GetOffsetAndLength((int)n);

        var paramPlans = new List<(string Name, H5DatasetInfo Info)>();
        var pg = _h.TryGroup(path + "/params");
        if (pg is not null)
        {
            foreach (var (pname, obj) in _h.Children(pg, path + "/params", 1000))
            {
                string pp = path + "/params/" + pname;
                if (obj is not IH5Dataset ds) throw _h.Error(pp, ProblemFileError.SchemaViolation, "a parameter must be a dataset");
                var info = _h.Describe(ds, pp);
                if (info.Rank != 1 || info.Dims[0] != n)
                    throw _h.Error(pp, ProblemFileError.ShapeMismatch,
                        string.Create(CultureInfo.InvariantCulture, $"per-sample parameters must have shape ({n},), found {info.ShapeText}"));
                if (info.Class is not (H5DataTypeClass.FloatingPoint or H5DataTypeClass.FixedPoint or H5DataTypeClass.String or H5DataTypeClass.VariableLength)
                    || info.Class == H5DataTypeClass.FloatingPoint && info.ElementSize is not (4 or 8))
                    throw _h.Error(pp, ProblemFileError.TypeMismatch, $"found {info.TypeName}; a parameter must be f64, an integer type or strings");
                paramPlans.Add((pname, info));
            }
        }

        // 4. The whole plan against the budget before the first array is read (REL §4.2): grid (f64, plus the stored
        //    array while widening), fields in their stored type, numeric parameters (plus widening), string references.
        gridPlans.Sort((a, b) => Array.IndexOf(GridOrder, a.Axis).CompareTo(Array.IndexOf(GridOrder, b.Axis)));
        long planned = 0;
        foreach (var (_, info) in gridPlans) planned = Add(planned, info.Count * 8 + (info.ElementSize == 8 ? 0 : info.Count * info.ElementSize));
        foreach (var f in fields) planned = Add(planned, H5Access.SlabBytes(f.Info, count));
        foreach (var (_, info) in paramPlans)
        {
            bool numeric = info.Class is H5DataTypeClass.FloatingPoint or H5DataTypeClass.FixedPoint;
            planned = Add(planned, numeric ? count * 8 + (info.ElementSize == 8 ? 0 : count * info.ElementSize) : count * 16);
        }

        _h.CheckPlanned(planned, path, string.Create(CultureInfo.InvariantCulture, $"samples {first}..{first + count} of {n}"));

        // 5. Read: grid, fields (hyperslab of the sample range), params.
        var set = new SampleSet(name, pde, layout, gridShape)
        {
            FirstSample = first,
            FileSampleCount = (int)n,
            Report = report,
        };
        foreach (var (axis, info) in gridPlans)
        {
            ct.ThrowIfCancellationRequested();
            var c = _h.ReadDoubles(info, importer: false);
            SparseAssembly.ScanFinite(_h, info.Path, c, allow: false, p => SparseAssembly.FlatPosition(p, info.Dims));
            for (int i = 1; i < c.Length; i++)
            {
                if (!(c[i] > c[i - 1]))
                    throw _h.Error(info.Path, ProblemFileError.SchemaViolation, $"coordinates are not strictly increasing at index {i}");
            }

            set.Grid[axis] = c;
        }

        foreach (var f in fields)
        {
            ct.ThrowIfCancellationRequested();
            var data = _h.ReadSlab(f.Info, first, count, ct);
            long perSample = count == 0 ? 0 : data.LongLength / count;
            SampleSchema.ScanField(_h, f.Info.Path, data, first * perSample, f.Info.Dims, _options.AllowNonFinite);
            var shape = (long[])f.Info.Dims.Clone();
            shape[0] = count;
            var field = new SampleField(data, shape, f.OwnLayout);
            (f.IsInput ? set.Inputs : set.Outputs)[f.Name] = field;
        }

        foreach (var (pname, info) in paramPlans)
        {
            ct.ThrowIfCancellationRequested();
            switch (info.Class)
            {
                case H5DataTypeClass.FloatingPoint:
                {
                    var raw = _h.ReadSlab(info, first, count, ct);
                    double[] values;
                    if (raw is double[] d) values = d;
                    else
                    {
                        _h.Reserve(raw.LongLength * 8, info.Path);
                        values = ((float[])raw).Select(v => (double)v).ToArray();
                        _h.Warn($"{info.Path}: f32 values widened to f64 (the schema asks for f64)");
                    }

                    SparseAssembly.ScanFinite(_h, info.Path, values, _options.AllowNonFinite, p => SparseAssembly.FlatPosition(first + p, info.Dims));
                    set.Params.Float64[pname] = values;
                    break;
                }

                case H5DataTypeClass.FixedPoint:
                {
                    var raw = _h.ReadSlab(info, first, count, ct);
                    if (raw is long[] l)
                    {
                        set.Params.Int64[pname] = l;
                        break;
                    }

                    _h.Reserve(raw.LongLength * 8, info.Path);
                    var values = new long[raw.LongLength];
                    for (long i = 0; i < values.LongLength; i++)
                    {
                        object v = raw.GetValue(i)!;
                        if (v is ulong u && u > long.MaxValue)
                            throw _h.Error(info.Path, ProblemFileError.LimitExceeded,
                                string.Create(CultureInfo.InvariantCulture, $"value {u} at index {first + i} exceeds the int64 range"));
                        values[i] = Convert.ToInt64(v, CultureInfo.InvariantCulture);
                    }

                    set.Params.Int64[pname] = values;
                    break;
                }

                default:
                    set.Params.Strings[pname] = _h.ReadStringSlab(info, first, count);
                    break;
            }
        }

        if (pg is not null) ReadConstants(pg, path + "/params", set.Params.Constants);
        foreach (string attr in _h.AttributeNames(g, path))
        {
            if (SampleSchema.ReservedAttributes.Contains(attr)) continue;
            try
            {
                set.Attributes[attr] = _h.AttributeAsString(g, path, attr);
            }
            catch (ProblemFileException e) when (e.Error is ProblemFileError.TypeMismatch)
            {
                _h.Debug($"{_h.FilePath}: attribute '{attr}' of {path} skipped: {e.Reason}");
            }
        }

        return set;
    }

    /// <summary>Per-set constants: attributes of <c>params/</c> as double, long, string or arrays of those.</summary>
    internal static void ReadConstants(H5Access h, IH5Object obj, string path, IDictionary<string, object> into)
    {
        foreach (string attr in h.AttributeNames(obj, path))
        {
            var a = h.TryAttribute(obj, path, attr)!;
            var cls = h.Guard(path + "@" + attr, () => a.Type.Class);
            object? value = cls switch
            {
                H5DataTypeClass.FloatingPoint => Scalar(h.DoubleAttribute(obj, path, attr)!),
                H5DataTypeClass.FixedPoint => Scalar(h.IntegerAttribute(obj, path, attr)!),
                H5DataTypeClass.String or H5DataTypeClass.VariableLength => Scalar(h.StringArrayAttribute(obj, path, attr)!),
                _ => null,
            };
            if (value is null) h.Debug($"{h.FilePath}: attribute '{attr}' of {path} of type {cls} skipped");
            else into[attr] = value;
        }
    }

    private void ReadConstants(IH5Object obj, string path, IDictionary<string, object> into) => ReadConstants(_h, obj, path, into);

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static object Scalar<T>(T[] values) => values.Length == 1 ? values[0]! : values;
}
