using System.Diagnostics;
using System.Globalization;
using System.Text;
using PureHDF;

namespace Solvers.IO.Hdf5;

/// <summary>Options of <see cref="PdeBenchReader"/> (PS §10.5).</summary>
public sealed record PdeBenchImportOptions
{
    /// <summary>Name of the imported set; default: the file name without extension (characters outside [A-Za-z0-9_.-] become '_').</summary>
    public string? Name { get; init; }

    /// <summary>
    /// PDE identifier; default: <c>darcy2d</c> for the Darcy layout, otherwise inferred from the file name
    /// (Advection → advection1d, Burgers → burgers1d, diff-sorp → diffusion_sorption1d, ReacDiff → reaction_diffusion1d,
    /// CFD → cfd1d), else <c>pdebench&lt;d&gt;d</c>.
    /// </summary>
    public string? Pde { get; init; }

    /// <summary>SPDX license recorded as provenance (PS §7 rule 8); the PDEBench data sets are published on DaRUS under CC BY 4.0.</summary>
    public string License { get; init; } = "CC-BY-4.0";

    /// <summary>Budget, trust and non-finite options.</summary>
    public ProblemReaderOptions Reader { get; init; } = ProblemReaderOptions.Default;
}

/// <summary>
/// Imports PDEBench HDF5 files (PS §10.5) as <see cref="SampleSet"/>s. Supported layouts: 2-D Darcy (root <c>nu</c>
/// (N, X, Y), <c>tensor</c> (N, 1, X, Y), <c>x-coordinate</c>, <c>y-coordinate</c>, optional root attribute <c>beta</c>)
/// → <c>inputs/nu</c>, <c>outputs/u</c> with the time axis of length 1 squeezed, layout sample,x,y; and scalar
/// time-dependent sets (<c>tensor</c> (N, T, X[, Y[, Z]]) with coordinates) → <c>outputs/u</c>, layout sample,t,x[,y,z].
/// Root attributes become per-set constants (<c>params@beta</c>). Data keep their stored type; sample ranges are read
/// with hyperslabs within the memory budget.
/// </summary>
public static class PdeBenchReader
{
    private static readonly string[] CoordinateNames = ["x-coordinate", "y-coordinate", "z-coordinate"];

    /// <summary>Reads a PDEBench file, or the sample range <paramref name="samples"/> of it, into a validated sample set.</summary>
    /// <exception cref="ProblemFileException">Not a supported PDEBench layout, inconsistent shapes, refused types, non-finite values or over budget.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> lies outside the stored samples.</exception>
    public static SampleSet ReadSamples(string path, PdeBenchImportOptions? options = null, Range? samples = null, CancellationToken ct = default)
    {
        options ??= new PdeBenchImportOptions();
        var ro = options.Reader;
        var sw = Stopwatch.StartNew();
        using var h = H5Access.Open(path, ro.Untrusted, ro.MemoryBudgetBytes, ro.Logger);
        var report = new LoadReport { Format = "pdebench" };
        h.Report = report;

        var tensor = h.TryDataset("/tensor");
        if (tensor is null)
        {
            bool perSeed = h.Children(h.Root, "/", 100_000).Any(c => c.Object is IH5Group && c.Name.Length == 4 && c.Name.All(char.IsAsciiDigit));
            throw perSeed
                ? h.Error("/", ProblemFileError.UnsupportedFeature, "per-seed PDEBench sets (groups 0000, 0001, …) are not imported yet")
                : h.Error("/tensor", ProblemFileError.SchemaViolation, "no root dataset 'tensor' (not a PDEBench file?)");
        }

        // Declared shapes first (REL §4.5): coordinates, tensor, nu.
        var coords = new List<H5DatasetInfo>();
        foreach (string c in CoordinateNames)
        {
            if (h.TryDataset("/" + c) is not { } info) break;
            if (info.Rank != 1) throw h.Error(info.Path, ProblemFileError.ShapeMismatch, $"coordinates must be 1-D, found {info.ShapeText}");
            coords.Add(info);
        }

        if (coords.Count == 0) throw h.Error("/x-coordinate", ProblemFileError.SchemaViolation, "required dataset 'x-coordinate' is missing");
        int d = coords.Count;
        long[] gridShape = coords.Select(c => c.Dims[0]).ToArray();
        string expected = "(N, T, " + string.Join(", ", SampleSchema.SpatialAxes.Take(d).Select(a => a.ToUpperInvariant())) + ")";
        if (tensor.Rank != 2 + d)
            throw h.Error(tensor.Path, ProblemFileError.ShapeMismatch, $"shape {tensor.ShapeText} does not match {expected} for {d} coordinate dataset(s)");
        for (int i = 0; i < d; i++)
        {
            if (tensor.Dims[2 + i] != gridShape[i])
                throw h.Error(tensor.Path, ProblemFileError.ShapeMismatch,
                    string.Create(CultureInfo.InvariantCulture, $"axis {2 + i} of shape {tensor.ShapeText} has size {tensor.Dims[2 + i]}, but {CoordinateNames[i]} has {gridShape[i]} entries"));
        }

        SampleSchema.RequireFieldType(h, tensor);
        long n = tensor.Dims[0], steps = tensor.Dims[1];
        var nu = h.TryDataset("/nu");
        if (nu is not null)
        {
            SampleSchema.RequireFieldType(h, nu);
            if (nu.Rank != 1 + d || nu.Dims[0] != n || !nu.Dims.Skip(1).SequenceEqual(gridShape))
                throw h.Error(nu.Path, ProblemFileError.ShapeMismatch,
                    $"shape {nu.ShapeText} does not match (N, {string.Join(", ", gridShape)}) with N = {n} from tensor");
        }

        bool squeeze = steps == 1;
        H5DatasetInfo? tCoord = null;
        bool tHasEdge = false;
        if (!squeeze && h.TryDataset("/t-coordinate") is { } t)
        {
            if (t.Rank != 1) throw h.Error(t.Path, ProblemFileError.ShapeMismatch, $"coordinates must be 1-D, found {t.ShapeText}");
            if (t.Dims[0] == steps + 1) tHasEdge = true;
            else if (t.Dims[0] != steps)
                throw h.Error(t.Path, ProblemFileError.ShapeMismatch,
                    string.Create(CultureInfo.InvariantCulture, $"has {t.Dims[0]} entries, but tensor has {steps} time steps"));
            tCoord = t;
        }

        if (n > int.MaxValue)
            throw h.Error(tensor.Path, ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{n} samples exceed the supported 2^31 − 1"));
        var (first, count) = (samples ?? Range.All).GetOffsetAndLength((int)n);

        string fileName = Path.GetFileName(path);
        string name = options.Name ?? DefaultName(path);
        if (!ProblemSetReader.NamePattern().IsMatch(name))
            throw new ArgumentException($"Sample-set name '{name}' does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}}$.", nameof(options));
        string pde = options.Pde ?? InferPde(fileName, nu is not null && squeeze, d);
        var spatial = SampleSchema.SpatialAxes.Take(d).ToArray();
        string[] layout = squeeze ? ["sample", .. spatial] : ["sample", "t", .. spatial];
        var set = new SampleSet(name, pde, layout, gridShape) { FirstSample = first, FileSampleCount = (int)n, Report = report };

        // The whole plan against the budget before the first array is read (REL §4.2).
        long planned = coords.Sum(c => c.Count * 8 + c.Count * c.ElementSize) + (tCoord is null ? 0 : tCoord.Count * (8 + tCoord.ElementSize));
        foreach (var f in new[] { nu, tensor })
        {
            if (f is null) continue;
            long bytes = H5Access.SlabBytes(f, count);
            planned = planned > long.MaxValue - bytes ? long.MaxValue : planned + bytes;
        }

        h.CheckPlanned(planned, tensor.Path, string.Create(CultureInfo.InvariantCulture, $"samples {first}..{first + count} of {n}"));

        // Read: coordinates, then the sample range of each field.
        for (int i = 0; i < d; i++)
        {
            ct.ThrowIfCancellationRequested();
            set.Grid[spatial[i]] = ReadCoordinates(h, coords[i], coords[i].Dims[0]);
        }

        if (tCoord is not null)
        {
            set.Grid["t"] = ReadCoordinates(h, tCoord, steps);
            if (tHasEdge)
                h.Warn(string.Create(CultureInfo.InvariantCulture, $"/t-coordinate has {steps + 1} entries for {steps} time steps; using the first {steps}"));
        }

        if (nu is not null)
        {
            ct.ThrowIfCancellationRequested();
            var data = h.ReadSlab(nu, first, count, ct);
            SampleSchema.ScanField(h, nu.Path, data, first * (data.LongLength / Math.Max(count, 1)), nu.Dims, ro.AllowNonFinite);
            set.Inputs["nu"] = new SampleField(data, [count, .. gridShape]);
        }

        ct.ThrowIfCancellationRequested();
        var u = h.ReadSlab(tensor, first, count, ct);
        SampleSchema.ScanField(h, tensor.Path, u, first * (u.LongLength / Math.Max(count, 1)), tensor.Dims, ro.AllowNonFinite);
        set.Outputs["u"] = new SampleField(u, squeeze ? [count, .. gridShape] : [count, steps, .. gridShape]);

        ProblemSetReader.ReadConstants(h, h.Root, "/", set.Params.Constants);
        set.Attributes["source"] = $"pdebench:{fileName}#/tensor";
        set.Attributes["license"] = options.License;
        set.Attributes["source_sha256"] = ResultFileWriter.Sha256(path);
        set.Attributes["importer"] = $"pdebench importer, solvers {H5WriteHelpers.SuiteVersion}";
        if (report.Warnings.Count > 0) set.Attributes["import_warnings"] = string.Join("\n", report.Warnings);
        report.Elapsed = sw.Elapsed;
        return set;
    }

    private static double[] ReadCoordinates(H5Access h, H5DatasetInfo info, long take)
    {
        var c = h.ReadDoubles(info, importer: true, warnF32: false);
        if (take < c.Length) c = c[..(int)take];
        SparseAssembly.ScanFinite(h, info.Path, c, allow: false, p => SparseAssembly.FlatPosition(p, info.Dims));
        for (int i = 1; i < c.Length; i++)
        {
            if (!(c[i] > c[i - 1]))
                throw h.Error(info.Path, ProblemFileError.SchemaViolation, $"coordinates are not strictly increasing at index {i}");
        }

        return c;
    }

    /// <summary>The file name without extension, with characters outside [A-Za-z0-9_.-] replaced by '_', at most 64 long.</summary>
    internal static string DefaultName(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        var sb = new StringBuilder(stem.Length);
        foreach (char c in stem) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_');
        if (sb.Length == 0 || !char.IsAsciiLetterOrDigit(sb[0])) sb.Insert(0, 's');
        return sb.Length > 64 ? sb.ToString(0, 64) : sb.ToString();
    }

    private static string InferPde(string fileName, bool darcy, int d)
    {
        if (darcy) return "darcy2d";
        string dim = d.ToString(CultureInfo.InvariantCulture) + "d";
        foreach (var (key, pde) in new[]
                 {
                     ("Advection", "advection"), ("Burgers", "burgers"), ("diff-sorp", "diffusion_sorption"), ("ReacDiff", "reaction_diffusion"),
                     ("diff-react", "reaction_diffusion"), ("CFD", "cfd"),
                 })
        {
            if (fileName.Contains(key, StringComparison.OrdinalIgnoreCase)) return pde + dim;
        }

        return "pdebench" + dim;
    }
}
