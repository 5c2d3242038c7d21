using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PureHDF;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>
/// Reads problem-set files (PS §2–§4, §8). Schema-directed: it opens only the paths the schema names, and everything
/// it returns has passed the size, structure and value checks of REL §4–§8. Every failure is a
/// <see cref="ProblemFileException"/>.
/// </summary>
/// <remarks>
/// In-process reading of an untrusted file carries a residual risk (a malformed file can crash PureHDF with a stack
/// overflow, PS §11 M1); the CLI validates such files in a child process first (<c>IsolatedValidator</c> in Cli).
/// </remarks>
public sealed partial class ProblemSetReader : IDisposable
{
    private static readonly HashSet<string> KnownProblemAttributes = new(StringComparer.Ordinal)
    {
        "kind", "name", "source", "license", "symmetric", "spd", "cond2_estimate", "sequence", "sequence_index", "time", "notes",
    };

    private static readonly HashSet<string> KnownProblemMembers = new(StringComparer.Ordinal)
    {
        "A", "b", "x_exact", "x0", "M", "grid", "fields", "meta",
    };

    private static readonly string[] GridAxes = ["x", "y", "z"];

    private readonly H5Access _h;
    private readonly ProblemReaderOptions _options;
    private readonly OperatorGroupReader _operators;
    private readonly HashSet<string> _loggedUnknown = new(StringComparer.Ordinal);

    private ProblemSetReader(H5Access h, ProblemReaderOptions options, IReadOnlyList<string> ids, IReadOnlyList<string> samples,
        IReadOnlyDictionary<string, string> rootAttributes)
    {
        _h = h;
        _options = options;
        ProblemIds = ids;
        SampleSetNames = samples;
        RootAttributes = rootAttributes;
        _operators = new OperatorGroupReader(h, new SparseRepairs(options.SortIndices, options.SumDuplicates, options.AllowNonFinite));
    }

    /// <summary>The problem ids in <c>/problems@order</c> order (unlisted ids follow in ordinal order).</summary>
    public IReadOnlyList<string> ProblemIds { get; }

    /// <summary>Names of the sample sets under <c>/samples</c>, in ordinal order.</summary>
    public IReadOnlyList<string> SampleSetNames { get; }

    /// <summary>Root attributes (format, format_version, description, created_by, …) as invariant strings.</summary>
    public IReadOnlyDictionary<string, string> RootAttributes { get; }

    /// <summary>The file path as given.</summary>
    public string FilePath => _h.FilePath;

    /// <summary>A name: <c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$</c> (PS §1).</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    internal static partial Regex NamePattern();

    /// <summary>Opens a problem-set file and reads its table of contents.</summary>
    /// <exception cref="ProblemFileException">The file is missing, not HDF5, not a problem set, or malformed.</exception>
    public static ProblemSetReader Open(string path, ProblemReaderOptions? options = null)
    {
        options ??= ProblemReaderOptions.Default;
        var h = H5Access.Open(path, options.Untrusted, options.MemoryBudgetBytes, options.Logger);
        try
        {
            var root = h.Root;
            string format = h.StringAttribute(root, "/", "format")
                ?? throw h.Error("/", ProblemFileError.SchemaViolation, "required root attribute 'format' is missing (not a problem-set file?)");
            if (format != "problem-set")
                throw h.Error("/@format", ProblemFileError.UnsupportedFormat, $"format is '{format}', expected 'problem-set'");
            string version = h.StringAttribute(root, "/", "format_version")
                ?? throw h.Error("/", ProblemFileError.SchemaViolation, "required root attribute 'format_version' is missing");
            CheckVersion(h, version);

            var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string name in h.AttributeNames(root, "/"))
            {
                try
                {
                    attrs[name] = h.AttributeAsString(root, "/", name);
                }
                catch (ProblemFileException e) when (e.Error is ProblemFileError.TypeMismatch)
                {
                    h.Debug($"{path}: root attribute '{name}' skipped: {e.Reason}");
                }
            }

            var ids = ReadIds(h);
            var samples = new List<string>();
            if (h.TryGroup("/samples") is { } sg)
            {
                foreach (var (name, obj) in h.Children(sg, "/samples"))
                {
                    if (obj is IH5Group) samples.Add(name);
                }
            }

            return new ProblemSetReader(h, options, ids, samples, attrs);
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    private static void CheckVersion(H5Access h, string version)
    {
        var parts = version.Split('.');
        if (parts.Length is < 1 or > 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major))
            throw h.Error("/@format_version", ProblemFileError.SchemaViolation, $"format_version '{version}' is not a semantic version");
        if (major != 1)
            throw h.Error("/@format_version", ProblemFileError.UnsupportedFormat,
                $"format_version {version} has major version {major}; this reader reads 1.x");
    }

    private static List<string> ReadIds(H5Access h)
    {
        var ids = new List<string>();
        if (h.TryGroup("/problems") is not { } pg) return ids;
        var members = new List<string>();
        foreach (var (name, obj) in h.Children(pg, "/problems"))
        {
            if (obj is not IH5Group)
                throw h.Error("/problems/" + name, ProblemFileError.SchemaViolation, "a problem must be a group");
            if (!NamePattern().IsMatch(name))
                throw h.Error("/problems/" + name, ProblemFileError.SchemaViolation, "problem id does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");
            members.Add(name);
        }

        var order = h.StringArrayAttribute(pg, "/problems", "order") ?? [];
        var set = new HashSet<string>(members, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in order)
        {
            if (!set.Contains(id))
                throw h.Error("/problems@order", ProblemFileError.SchemaViolation, $"lists '{id}', which does not exist");
            if (!seen.Add(id))
                throw h.Error("/problems@order", ProblemFileError.SchemaViolation, $"lists '{id}' twice");
            ids.Add(id);
        }

        ids.AddRange(members.Where(m => !seen.Contains(m)));
        return ids;
    }

    /// <inheritdoc />
    public void Dispose() => _h.Dispose();

    /// <summary>Reads, validates and returns one problem.</summary>
    /// <exception cref="ProblemFileException">The problem is missing, malformed, inconsistent or over budget.</exception>
    public LinearProblem ReadProblem(string id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var sw = Stopwatch.StartNew();
        var report = new LoadReport { Format = "problem-set" };
        _h.Report = report;
        _h.ResetBudget();
        try
        {
            string path = "/problems/" + id;
            if (!NamePattern().IsMatch(id) || _h.TryGroup(path) is not { } g)
                throw _h.Error(path, ProblemFileError.NotFound, $"no problem '{id}' in this file");
            var problem = ReadProblemCore(g, path, id, report, ct);
            report.Elapsed = sw.Elapsed;
            return problem;
        }
        finally
        {
            _h.Report = null;
        }
    }

    private LinearProblem ReadProblemCore(IH5Group g, string path, string id, LoadReport report, CancellationToken ct)
    {
        string kindText = _h.StringAttribute(g, path, "kind")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'kind' is missing");
        var kind = kindText switch
        {
            "linear_system" => ProblemKind.LinearSystem,
            "least_squares" => ProblemKind.LeastSquares,
            _ => throw _h.Error(path + "@kind", ProblemFileError.SchemaViolation, $"unknown kind '{kindText}' (expected linear_system or least_squares)"),
        };
        string name = _h.StringAttribute(g, path, "name")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'name' is missing");
        var attributes = ReadProblemAttributes(g, path, kindText, name);
        foreach (var (member, _) in _h.Children(g, path, 1000))
        {
            if (!KnownProblemMembers.Contains(member)) LogUnknownOnce($"member '{member}' of {path}");
        }

        string aPath = path + "/A";
        if (_h.TryGet(aPath) is null) throw _h.Error(aPath, ProblemFileError.SchemaViolation, "required operator group 'A' is missing");
        var a = _operators.Read(aPath, ct);
        if (kind == ProblemKind.LinearSystem && a.Rows != a.Columns)
            throw _h.Error(aPath, ProblemFileError.ShapeMismatch, $"a linear_system needs a square A, found {a.Rows}×{a.Columns}");

        var (b, bIsVector) = ReadBlock(path + "/b", a.Rows, null, required: true, ct);
        int k = b!.GetLength(0);
        var (xExact, _) = ReadBlock(path + "/x_exact", a.Columns, k, required: false, ct);
        var (x0, _) = ReadBlock(path + "/x0", a.Columns, k, required: false, ct);
        var m = ReadPreconditioner(path + "/M", a.Columns, ct);
        var grid = ReadGrid(path + "/grid", a.Columns, ct);
        var fields = ReadFields(path + "/fields", grid, ct);
        var meta = ReadMeta(path + "/meta");
        a = ApplyHints(a, aPath, g, path);

        return new LinearProblem(id, name, kind, a, b, xExact, x0, m, grid, fields, meta, report)
        {
            Attributes = attributes,
            IsSingleRightHandSide = bIsVector,
        };
    }

    private Dictionary<string, string> ReadProblemAttributes(IH5Group g, string path, string kind, string name)
    {
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal) { ["kind"] = kind, ["name"] = name };
        foreach (string s in new[] { "source", "license", "sequence", "notes" })
        {
            if (_h.StringAttribute(g, path, s) is { } v) attrs[s] = v;
        }

        foreach (string s in new[] { "symmetric", "spd" })
        {
            if (_h.TriState(g, path, s) is { } v) attrs[s] = v.ToString(CultureInfo.InvariantCulture);
        }

        foreach (string s in new[] { "cond2_estimate", "time" })
        {
            if (_h.DoubleAttribute(g, path, s) is { } v)
            {
                if (v.Length != 1) throw _h.Error(path + "@" + s, ProblemFileError.SchemaViolation, "expected one number");
                attrs[s] = v[0].ToString("R", CultureInfo.InvariantCulture);
            }
        }

        if (_h.ScalarIntegerAttribute(g, path, "sequence_index") is { } si)
        {
            if (si < 0) throw _h.Error(path + "@sequence_index", ProblemFileError.SchemaViolation, $"negative sequence_index {si}");
            attrs["sequence_index"] = si.ToString(CultureInfo.InvariantCulture);
        }

        foreach (string n in _h.AttributeNames(g, path))
        {
            if (!KnownProblemAttributes.Contains(n)) LogUnknownOnce($"attribute '{n}' of {path}");
        }

        return attrs;
    }

    private void LogUnknownOnce(string what)
    {
        if (_loggedUnknown.Add(what)) _h.Debug($"{_h.FilePath}: ignoring unknown {what}");
    }

    /// <summary>Reads b, x0 or x_exact: (n,) or (k, n).</summary>
    private (double[,]? Block, bool IsVector) ReadBlock(string path, int n, int? k, bool required, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var d = _h.TryDataset(path);
        if (d is null)
        {
            if (required) throw _h.Error(path, ProblemFileError.SchemaViolation, "required dataset is missing");
            return (null, false);
        }

        string member = path[(path.LastIndexOf('/') + 1)..];
        string unit = member == "b" ? "rows of A" : "columns of A";
        if (d.Rank is not (1 or 2))
            throw _h.Error(path, ProblemFileError.ShapeMismatch, $"must be ({n},) or (k, {n}), found shape {d.ShapeText}");
        long len = d.Dims[^1];
        long rows = d.Rank == 2 ? d.Dims[0] : 1;
        if (len != n)
            throw _h.Error(path, ProblemFileError.ShapeMismatch, $"has length {len}, but A has {n} {unit}");
        if (d.Rank == 2 && rows < 1)
            throw _h.Error(path, ProblemFileError.ShapeMismatch, $"holds no right-hand side (shape {d.ShapeText})");
        if (k is { } kk && d.Rank == 2 && rows != kk)
            throw _h.Error(path, ProblemFileError.ShapeMismatch, $"holds {rows} vectors, but b holds {kk}");
        var flat = _h.ReadDoubles(d, importer: false);
        SparseAssembly.ScanFinite(_h, path, flat, _options.AllowNonFinite, p => SparseAssembly.FlatPosition(p, d.Dims));
        _h.Reserve(flat.LongLength * 8, path);
        var block = new double[rows, n];
        Buffer.BlockCopy(flat, 0, block, 0, flat.Length * sizeof(double));
        return (block, d.Rank == 1);
    }

    private PreconditionerData? ReadPreconditioner(string path, int n, CancellationToken ct)
    {
        var g = _h.TryGroup(path);
        if (g is null) return null;
        string formText = _h.StringAttribute(g, path, "form")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'form' is missing (inverse or cholesky_lower)");
        var form = formText switch
        {
            "inverse" => PreconditionerForm.Inverse,
            "cholesky_lower" => PreconditionerForm.CholeskyLower,
            _ => throw _h.Error(path + "@form", ProblemFileError.SchemaViolation, $"unknown form '{formText}' (expected inverse or cholesky_lower)"),
        };
        string? description = _h.StringAttribute(g, path, "description");
        if (form == PreconditionerForm.CholeskyLower && _h.StringAttribute(g, path, "storage") != "csr")
            throw _h.Error(path + "@storage", ProblemFileError.SchemaViolation, "a cholesky_lower factor must use csr storage");
        var op = _operators.Read(path, ct);
        if (op.Rows != n || op.Columns != n)
            throw _h.Error(path, ProblemFileError.ShapeMismatch, $"M is {op.Rows}×{op.Columns}, but A has {n} columns");
        if (form == PreconditionerForm.CholeskyLower)
        {
            var l = (CsrMatrix)op;
            var rp = l.RowPointers;
            var ci = l.ColumnIndices;
            var v = l.Values;
            for (int i = 0; i < l.Rows; i++)
            {
                bool diag = false;
                for (int p = rp[i]; p < rp[i + 1]; p++)
                {
                    if (ci[p] > i)
                        throw _h.Error(path, ProblemFileError.InvalidSparseStructure,
                            $"cholesky_lower factor has an entry above the diagonal at ({i}, {ci[p]}) (position {p})");
                    if (ci[p] == i)
                    {
                        diag = true;
                        if (!(v[p] > 0))
                            throw _h.Error(path, ProblemFileError.InvalidSparseStructure,
                                $"cholesky_lower factor has a non-positive diagonal entry {v[p].ToString(CultureInfo.InvariantCulture)} at row {i}");
                    }
                }

                if (!diag)
                    throw _h.Error(path, ProblemFileError.InvalidSparseStructure, $"cholesky_lower factor has no diagonal entry in row {i}");
            }
        }

        return new PreconditionerData(op, form, description);
    }

    private GridInfo? ReadGrid(string path, int n, CancellationToken ct)
    {
        var g = _h.TryGroup(path);
        if (g is null) return null;
        var axes = _h.StringArrayAttribute(g, path, "axes");
        if (axes is null)
        {
            axes = GridAxes.Where(a => _h.TryGet(H5Access.Join(path, a)) is not null).ToArray();
        }

        if (axes.Length is < 1 or > 3)
            throw _h.Error(path + "@axes", ProblemFileError.SchemaViolation, $"a grid has 1 to 3 axes, found {axes.Length}");
        var coords = new List<double[]>();
        long product = 1;
        foreach (string axis in axes)
        {
            ct.ThrowIfCancellationRequested();
            if (axis is not ("x" or "y" or "z"))
                throw _h.Error(path + "@axes", ProblemFileError.SchemaViolation, $"unknown axis '{axis}' (expected x, y, z)");
            var d = _h.Dataset(H5Access.Join(path, axis));
            if (d.Rank != 1) throw _h.Error(d.Path, ProblemFileError.ShapeMismatch, $"must be 1-D, found {d.ShapeText}");
            var c = _h.ReadDoubles(d, importer: false);
            SparseAssembly.ScanFinite(_h, d.Path, c, allow: false, p => SparseAssembly.FlatPosition(p, d.Dims));
            for (int i = 1; i < c.Length; i++)
            {
                if (!(c[i] > c[i - 1]))
                    throw _h.Error(d.Path, ProblemFileError.SchemaViolation, $"coordinates are not strictly increasing at index {i}");
            }

            product = checked(product * c.Length);
            coords.Add(c);
        }

        if (product != n)
            throw _h.Error(path, ProblemFileError.ShapeMismatch,
                $"grid shape ({string.Join(", ", coords.Select(c => c.Length))}) has {product} points, but A has {n} unknowns");
        return new GridInfo(axes, coords);
    }

    private Dictionary<string, double[]> ReadFields(string path, GridInfo? grid, CancellationToken ct)
    {
        var fields = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var g = _h.TryGroup(path);
        if (g is null) return fields;
        foreach (var (name, obj) in _h.Children(g, path, 1000))
        {
            ct.ThrowIfCancellationRequested();
            string fp = H5Access.Join(path, name);
            if (obj is not IH5Dataset ds) throw _h.Error(fp, ProblemFileError.SchemaViolation, "a field must be a dataset");
            var d = _h.Describe(ds, fp);
            if (grid is not null)
            {
                var shape = grid.Shape;
                if (d.Rank != shape.Length || !d.Dims.Select(x => (long)x).SequenceEqual(shape.Select(x => (long)x)))
                    throw _h.Error(fp, ProblemFileError.ShapeMismatch,
                        $"shape {d.ShapeText} differs from the grid shape ({string.Join(", ", shape)})");
            }

            var values = _h.ReadDoubles(d, importer: false);
            SparseAssembly.ScanFinite(_h, fp, values, _options.AllowNonFinite, p => SparseAssembly.FlatPosition(p, d.Dims));
            fields[name] = values;
        }

        return fields;
    }

    private Dictionary<string, string> ReadMeta(string path)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        var g = _h.TryGroup(path);
        if (g is null) return meta;
        if (_h.Children(g, path, 1).Count > 0)
            throw _h.Error(path, ProblemFileError.SchemaViolation, "meta/ holds attributes only, no datasets or groups");
        var names = _h.AttributeNames(g, path, 256);
        foreach (string n in names)
        {
            string v = _h.AttributeAsString(g, path, n);
            if (v.Length > 64 * 1024) throw _h.Error(path + "@" + n, ProblemFileError.LimitExceeded, "meta attribute exceeds 64 KiB");
            meta[n] = v;
        }

        return meta;
    }

    /// <summary>Verifies the symmetry/spd hints (REL §7.4); the operator's properties follow the facts.</summary>
    private ILinearOperator ApplyHints(ILinearOperator a, string aPath, IH5Group g, string path)
    {
        var ag = _h.Group(aPath);
        string symmetry = _h.StringAttribute(ag, aPath, "symmetry") ?? "general";
        string triangle = _h.StringAttribute(ag, aPath, "stored_triangle") ?? "full";
        sbyte symmetric = _h.TriState(g, path, "symmetric") ?? -1;
        sbyte spd = _h.TriState(g, path, "spd") ?? -1;
        bool claimsSymmetric = symmetric == 1 || spd == 1 || symmetry == "symmetric";
        bool? isSymmetric = null;
        if (claimsSymmetric && a.Rows == a.Columns)
        {
            if (a is CsrMatrix csr)
                isSymmetric = triangle != "full" && symmetry == "symmetric" ? true : csr.IsSymmetric(1e-12);
            else if (a is DenseOperator dense)
                isSymmetric = DenseFactory.IsSymmetric(dense, 1e-12);
            else
                isSymmetric = HintChecks.RandomSymmetryTest(a);
            if (isSymmetric == false)
                Disproved(aPath, $"the file declares A symmetric (symmetric = {symmetric}, symmetry = {symmetry}), but it is not (relative tolerance 1e-12)");
        }
        else if (claimsSymmetric)
        {
            isSymmetric = false;
            Disproved(aPath, $"the file declares a non-square {a.Rows}×{a.Columns} A symmetric");
        }

        if (symmetric == 0 && a is CsrMatrix c0 && c0.Properties.HasFlag(OperatorProperties.Symmetric))
            Disproved(aPath, "the file declares A not symmetric, but its storage makes it symmetric");

        if (spd == 1 && a is IHasDiagonal hd)
        {
            var diag = new double[Math.Min(a.Rows, a.Columns)];
            hd.CopyDiagonal(diag);
            int bad = Array.FindIndex(diag, x => !(x > 0));
            if (bad >= 0)
                Disproved(aPath, $"the file declares A SPD, but diagonal entry ({bad}, {bad}) = {diag[bad].ToString(CultureInfo.InvariantCulture)} is not positive");
        }

        var props = isSymmetric == true ? OperatorProperties.Symmetric : OperatorProperties.None;
        return HintChecks.WithProperties(a, props);
    }

    private void Disproved(string path, string message)
    {
        if (_options.Strict) throw _h.Error(path, ProblemFileError.SchemaViolation, message + " (Strict)");
        _h.Warn($"{path}: {message}");
    }
}
