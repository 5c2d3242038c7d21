using System.Diagnostics;
using System.Globalization;
using System.Text;
using PureHDF;

namespace Solvers.IO.Hdf5;

/// <summary>Options of <see cref="MatlabV73Reader"/> (PS §10.2): variable paths, id, reader options.</summary>
public sealed record MatlabImportOptions
{
    /// <summary>Path of A (<c>--A</c>); default <c>/A</c>, else <c>/Problem/A</c>.</summary>
    public string? A { get; init; }

    /// <summary>Path of b (<c>--b</c>); default <c>/b</c>, else <c>/Problem/b</c>; absent means b = A·1.</summary>
    public string? B { get; init; }

    /// <summary>Path of x0 (<c>--x0</c>); default <c>/x0</c>, else <c>/Problem/x0</c>.</summary>
    public string? X0 { get; init; }

    /// <summary>Path of the exact solution (<c>--x-exact</c>); default <c>/x</c>, else <c>/Problem/x</c>.</summary>
    public string? XExact { get; init; }

    /// <summary>Id of the imported problem.</summary>
    public string Id { get; init; } = "000000";

    /// <summary>Budget, trust and repair options.</summary>
    public ProblemReaderOptions Reader { get; init; } = ProblemReaderOptions.Default;
}

/// <summary>Imports MATLAB v7.3 (HDF5-based) MAT-files (PS §10.2).</summary>
public static class MatlabV73Reader
{
    private static readonly string[] NumericClasses =
        ["double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "logical"];

    private static readonly string[] StructTextFields = ["title", "kind", "date", "author", "ed", "notes"];

    /// <summary>Reads A, b, x0 and x from a MATLAB v7.3 file into a validated problem.</summary>
    /// <exception cref="ProblemFileException">Not a v7.3 file, a missing or unsupported variable, or invalid data.</exception>
    public static LinearProblem ReadProblem(string path, MatlabImportOptions? options = null, CancellationToken ct = default)
    {
        options ??= new MatlabImportOptions();
        var ro = options.Reader;
        var sw = Stopwatch.StartNew();
        CheckHeader(path);
        using var h = H5Access.Open(path, ro.Untrusted, ro.MemoryBudgetBytes, ro.Logger);
        var report = new LoadReport();
        h.Report = report;
        var ops = new OperatorGroupReader(h, new SparseRepairs(ro.SortIndices, ro.SumDuplicates, ro.AllowNonFinite));

        string aPath = options.A ?? Default(h, "A") ?? throw h.Error("/A", ProblemFileError.SchemaViolation,
            "no variable 'A' at the root or in struct 'Problem'; choose one with --A <path>");
        ct.ThrowIfCancellationRequested();
        var a = ReadMatrix(h, ops, aPath, ro.AllowNonFinite);
        string? bPath = options.B ?? Default(h, "b");
        (double[,]? b, bool bVec) = bPath is null ? (null, true) : ReadVectors(h, bPath, ro.AllowNonFinite, required: options.B is not null);
        string? x0Path = options.X0 ?? Default(h, "x0");
        var (x0, _) = x0Path is null ? (null, false) : ReadVectors(h, x0Path, ro.AllowNonFinite, required: options.X0 is not null);
        string? xPath = options.XExact ?? Default(h, "x");
        var (xe, _) = xPath is null ? (null, false) : ReadVectors(h, xPath, ro.AllowNonFinite, required: options.XExact is not null);

        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        string name = Path.GetFileNameWithoutExtension(path);
        if (h.TryGroup("/Problem") is { } pg && IsClass(h, pg, "/Problem", "struct"))
        {
            if (ReadText(h, "/Problem/name") is { } n) name = n;
            foreach (string f in StructTextFields)
            {
                if (ReadText(h, "/Problem/" + f) is { } v) meta[f] = v;
            }

            if (h.TryDataset("/Problem/id") is { Count: 1 } idd && h.ReadDoubles(idd, importer: true, warnF32: false) is [var idv])
                meta["id"] = idv.ToString(CultureInfo.InvariantCulture);
            foreach (string skipped in new[] { "Zeros", "aux" })
            {
                if (h.TryGet("/Problem/" + skipped) is not null)
                    h.Warn($"/Problem/{skipped} is present and not imported");
            }
        }

        var problem = ImportSupport.Build(h, "matlab", aPath, options.Id, name, a, b, bVec, x0, xe, meta, report, sw);
        h.Report = null;
        return problem;
    }

    /// <summary>Checks the 128-byte MAT header in the user block (text, version, endian indicator).</summary>
    private static void CheckHeader(string path)
    {
        if (!File.Exists(path)) throw new ProblemFileException(path, null, ProblemFileError.NotFound, "file not found");
        var head = new byte[128];
        int got;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            got = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        string text = Encoding.ASCII.GetString(head, 0, Math.Min(got, 116));
        long sig = H5Access.FindSignature(path, new FileInfo(path).Length);
        if (text.StartsWith("MATLAB 5.0 MAT-file", StringComparison.Ordinal) && sig < 0)
            throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFormat,
                "MAT level 5 file (saved with -v7, -v6 or -v4); re-save with save(…, '-v7.3') or export to Matrix Market");
        if (got < 128 || sig < 512 || !text.StartsWith("MATLAB", StringComparison.Ordinal))
            throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFormat,
                "not a MATLAB v7.3 MAT-file (no 'MATLAB 7.3 MAT-file' header in a user block before the HDF5 data)");
        if (head[126] == (byte)'M' && head[127] == (byte)'I')
            throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFeature,
                "big-endian MAT header (endian indicator 'MI'); re-save the file on a little-endian machine");
        if (head[126] != (byte)'I' || head[127] != (byte)'M')
            throw new ProblemFileException(path, null, ProblemFileError.Malformed, "invalid MAT header endian indicator (expected 'IM')");
    }

    private static string? Default(H5Access h, string name)
    {
        if (h.TryGet("/" + name) is not null) return "/" + name;
        if (h.TryGet("/Problem/" + name) is not null) return "/Problem/" + name;
        return null;
    }

    private static string? ClassOf(H5Access h, IH5Object o, string path) => h.StringAttribute(o, path, "MATLAB_class");

    private static bool IsClass(H5Access h, IH5Object o, string path, string cls) => ClassOf(h, o, path) == cls;

    private static ILinearOperator ReadMatrix(H5Access h, OperatorGroupReader ops, string path, bool allowNonFinite)
    {
        var obj = h.TryGet(path) ?? throw h.Error(path, ProblemFileError.NotFound, "variable not found");
        string cls = ClassOf(h, obj, path) ?? throw h.Error(path, ProblemFileError.SchemaViolation, "not a MATLAB variable (no MATLAB_class)");
        if (obj is IH5Group g)
        {
            if (!h.HasAttribute(g, path, "MATLAB_sparse"))
                throw h.Error(path, ProblemFileError.TypeMismatch, $"MATLAB {cls} group is not a sparse matrix");
            return ReadSparse(h, ops, g, path, cls);
        }

        var d = h.Describe((IH5Dataset)obj, path);
        CheckNumeric(h, obj, path, cls, d);
        if (d.Rank != 2) throw h.Error(path, ProblemFileError.ShapeMismatch, $"a matrix must be 2-D, found {d.ShapeText}");
        long m = d.Dims[1], n = d.Dims[0];
        if (m >= int.MaxValue || n >= int.MaxValue) throw h.Error(path, ProblemFileError.LimitExceeded, "matrix dimension beyond 2^31 − 1");
        var flat = h.ReadDoubles(d, importer: true, warnF32: false);
        SparseAssembly.ScanFinite(h, path, flat, allowNonFinite, p => string.Create(CultureInfo.InvariantCulture, $"(row {p % m}, column {p / m})"));
        h.Reserve(flat.LongLength * 8, path);
        var a = new double[m * n];
        for (long j = 0; j < n; j++)
            for (long i = 0; i < m; i++) a[i * n + j] = flat[j * m + i];
        return DenseFactory.Create((int)m, (int)n, a);
    }

    private static void CheckNumeric(H5Access h, IH5Object obj, string path, string cls, H5DatasetInfo d)
    {
        if (h.ScalarIntegerAttribute(obj, path, "MATLAB_empty") is 1)
            throw h.Error(path, ProblemFileError.ShapeMismatch, "the variable is empty");
        if (cls is "cell" or "struct" or "char" || !NumericClasses.Contains(cls))
            throw h.Error(path, ProblemFileError.TypeMismatch, $"MATLAB class '{cls}' is not a numeric matrix or vector");
        if (d.Class == H5DataTypeClass.Compound)
            throw h.Error(path, ProblemFileError.UnsupportedFeature, "complex values are not supported in schema v1 (real solvers only)");
    }

    private static Operators.CsrMatrix ReadSparse(H5Access h, OperatorGroupReader ops, IH5Group g, string path, string cls)
    {
        if (cls is not ("double" or "logical"))
            throw h.Error(path, ProblemFileError.TypeMismatch, $"sparse MATLAB class '{cls}' (expected double or logical)");
        long rows = h.ScalarIntegerAttribute(g, path, "MATLAB_sparse")!.Value;
        var jcInfo = h.Dataset(H5Access.Join(path, "jc"));
        var irInfo = h.Dataset(H5Access.Join(path, "ir"));
        if (jcInfo.Rank != 1 || irInfo.Rank != 1) throw h.Error(path, ProblemFileError.ShapeMismatch, "jc and ir must be 1-D");
        long cols = jcInfo.Count - 1;
        if (cols < 0) throw h.Error(jcInfo.Path, ProblemFileError.InvalidSparseStructure, "jc is empty (it needs columns + 1 entries)");
        var (r, c) = ops.CheckShape([rows, cols], path + "@MATLAB_sparse");
        var dataInfo = h.TryDataset(H5Access.Join(path, "data"));
        long nnz = irInfo.Count;
        if (dataInfo is null && nnz != 0)
            throw h.Error(path, ProblemFileError.SchemaViolation, $"'data' is missing but ir has {nnz} entries");
        if (dataInfo is not null && dataInfo.Count != nnz)
            throw h.Error(dataInfo.Path, ProblemFileError.InvalidSparseStructure, $"has {dataInfo.Count} entries, but ir has {nnz}");
        if (dataInfo is { Class: H5DataTypeClass.Compound })
            throw h.Error(dataInfo.Path, ProblemFileError.UnsupportedFeature, "complex values are not supported in schema v1 (real solvers only)");
        var ptr = SparseAssembly.CheckPointers(h, jcInfo.Path, h.ReadIntegers(jcInfo), cols, nnz, csc: true);
        var idx = h.ReadIndices(irInfo);
        var val = dataInfo is null ? [] : h.ReadDoubles(dataInfo, importer: true);
        return ops.Assemble(path, r, c, csc: true, ptr, idx, val, StoredSymmetry.General, StoredTriangle.Full, remember: false,
            dataInfo?.Path ?? H5Access.Join(path, "data"));
    }

    private static (double[,]? Block, bool IsVector) ReadVectors(H5Access h, string path, bool allowNonFinite, bool required)
    {
        var obj = h.TryGet(path);
        if (obj is null)
        {
            if (required) throw h.Error(path, ProblemFileError.NotFound, "variable not found");
            return (null, true);
        }

        string cls = ClassOf(h, obj, path) ?? throw h.Error(path, ProblemFileError.SchemaViolation, "not a MATLAB variable (no MATLAB_class)");
        if (obj is IH5Group g && h.HasAttribute(g, path, "MATLAB_sparse"))
        {
            h.Warn($"{path}: sparse right-hand side converted to dense");
            var s = ReadSparse(h, new OperatorGroupReader(h, new SparseRepairs(false, false, allowNonFinite)), g, path, cls);
            var dense = s.ToDense();
            // MATLAB n×k: one vector per column; the block wants one per row.
            var block = new double[dense.GetLength(1), dense.GetLength(0)];
            for (int i = 0; i < dense.GetLength(0); i++)
                for (int j = 0; j < dense.GetLength(1); j++) block[j, i] = dense[i, j];
            return (block, block.GetLength(0) == 1);
        }

        if (obj is not IH5Dataset ds) throw h.Error(path, ProblemFileError.TypeMismatch, $"MATLAB {cls} group is not a vector");
        var d = h.Describe(ds, path);
        CheckNumeric(h, obj, path, cls, d);
        if (d.Rank != 2) throw h.Error(path, ProblemFileError.ShapeMismatch, $"a MATLAB vector is 2-D in HDF5, found {d.ShapeText}");
        var flat = h.ReadDoubles(d, importer: true, warnF32: false);
        SparseAssembly.ScanFinite(h, path, flat, allowNonFinite, p => SparseAssembly.FlatPosition(p, d.Dims));
        // HDF5 (k, n) is MATLAB n×k: already one vector per row. (n, 1) is a 1×n row vector: one vector too.
        bool column = d.Dims[0] == 1;
        long k = column ? 1 : d.Dims[1] == 1 ? 1 : d.Dims[0];
        long n = column ? d.Dims[1] : d.Dims[1] == 1 ? d.Dims[0] : d.Dims[1];
        var m = new double[k, n];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return (m, k == 1);
    }

    private static string? ReadText(H5Access h, string path)
    {
        var d = h.TryGet(path) is IH5Dataset ds ? h.Describe(ds, path) : null;
        if (d is null) return null;
        if (ClassOf(h, d.Dataset, path) != "char") return null;
        if (h.ScalarIntegerAttribute(d.Dataset, path, "MATLAB_empty") is 1) return "";
        return new string(h.ReadChars(d)).TrimEnd('\0');
    }
}
