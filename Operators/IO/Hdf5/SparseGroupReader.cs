using System.Diagnostics;
using PureHDF;

namespace Solvers.IO.Hdf5;

/// <summary>Options of <see cref="SparseGroupReader"/> (PS §10.4).</summary>
public sealed record SparseGroupImportOptions
{
    /// <summary>Path of the matrix group (<c>--A</c>); null finds the single group holding data/indices/indptr.</summary>
    public string? A { get; init; }

    /// <summary>Layout for groups without a marker (<c>--layout csr|csc</c>); overrides nothing that the file declares.</summary>
    public string? Layout { get; init; }

    /// <summary>Path of a right-hand-side dataset (<c>--b</c>); null means b = A·1 with a warning.</summary>
    public string? B { get; init; }

    /// <summary>Path of an initial-guess dataset (<c>--x0</c>).</summary>
    public string? X0 { get; init; }

    /// <summary>Path of an exact-solution dataset (<c>--x-exact</c>).</summary>
    public string? XExact { get; init; }

    /// <summary>Id of the imported problem.</summary>
    public string Id { get; init; } = "000000";

    /// <summary>Budget, trust and repair options.</summary>
    public ProblemReaderOptions Reader { get; init; } = ProblemReaderOptions.Default;
}

/// <summary>Imports a CSR/CSC matrix group: anndata, h5sparse, 10x Genomics or scipy-style (PS §10.4).</summary>
public static class SparseGroupReader
{
    /// <summary>Reads the sparse group (and optional vectors) into a validated problem.</summary>
    /// <exception cref="ProblemFileException">Missing group, unknown layout, inconsistent structure, or over budget.</exception>
    public static LinearProblem ReadProblem(string path, SparseGroupImportOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SparseGroupImportOptions();
        var ro = options.Reader;
        var sw = Stopwatch.StartNew();
        using var h = H5Access.Open(path, ro.Untrusted, ro.MemoryBudgetBytes, ro.Logger);
        var report = new LoadReport();
        h.Report = report;
        string groupPath = options.A ?? FindGroup(h);
        var g = h.TryGroup(groupPath) ?? throw h.Error(groupPath, ProblemFileError.NotFound, "matrix group not found");
        var (family, csc, shape) = Identify(h, g, groupPath, options.Layout);
        var ops = new OperatorGroupReader(h, new SparseRepairs(ro.SortIndices, ro.SumDuplicates, ro.AllowNonFinite));
        var (rows, cols) = ops.CheckShape(shape, groupPath + " shape");
        long major = csc ? cols : rows;
        var indptr = h.Dataset(H5Access.Join(groupPath, "indptr"));
        var indices = h.Dataset(H5Access.Join(groupPath, "indices"));
        var data = h.Dataset(H5Access.Join(groupPath, "data"));
        foreach (var d in new[] { indptr, indices, data })
        {
            if (d.Rank != 1) throw h.Error(d.Path, ProblemFileError.ShapeMismatch, $"must be 1-D, found {d.ShapeText}");
        }

        if (indptr.Count != major + 1)
            throw h.Error(indptr.Path, ProblemFileError.InvalidSparseStructure,
                $"has {indptr.Count} entries, but shape ({rows}, {cols}) as {(csc ? "CSC" : "CSR")} needs {major + 1}");
        if (indices.Count != data.Count)
            throw h.Error(data.Path, ProblemFileError.InvalidSparseStructure, $"has {data.Count} entries, but indices has {indices.Count}");
        var ptr = SparseAssembly.CheckPointers(h, indptr.Path, h.ReadIntegers(indptr), major, indices.Count, csc);
        ct.ThrowIfCancellationRequested();
        var idx = h.ReadIndices(indices);
        var val = h.ReadDoubles(data, importer: true);
        ct.ThrowIfCancellationRequested();
        var a = ops.Assemble(groupPath, rows, cols, csc, ptr, idx, val, StoredSymmetry.General, StoredTriangle.Full, remember: false, data.Path);
        var (b, bVec) = ImportSupport.ReadPlainBlock(h, options.B, ro.AllowNonFinite);
        var (x0, _) = ImportSupport.ReadPlainBlock(h, options.X0, ro.AllowNonFinite);
        var (xe, _) = ImportSupport.ReadPlainBlock(h, options.XExact, ro.AllowNonFinite);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["layout"] = csc ? "csc" : "csr" };
        string name = $"{Path.GetFileName(path)}#{groupPath}";
        var problem = ImportSupport.Build(h, family, groupPath, options.Id, name, a, b, bVec, x0, xe, meta, report, sw);
        h.Report = null;
        return problem;
    }

    private static string FindGroup(H5Access h)
    {
        var found = new List<string>();
        var stack = new Stack<(string Path, IH5Group Group, int Depth)>();
        stack.Push(("/", h.Root, 0));
        int visited = 0;
        while (stack.Count > 0)
        {
            var (p, g, depth) = stack.Pop();
            if (++visited > 10_000) break;
            var children = h.Children(g, p);
            var names = children.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            if (names.Contains("data") && names.Contains("indices") && names.Contains("indptr")) found.Add(p);
            if (depth >= 4) continue;
            foreach (var (n, o) in children)
            {
                if (o is IH5Group cg) stack.Push((H5Access.Join(p, n), cg, depth + 1));
            }
        }

        return found.Count switch
        {
            1 => found[0],
            0 => throw h.Error(null, ProblemFileError.UnsupportedFormat, "no group with data/indices/indptr datasets found"),
            _ => throw h.Error(null, ProblemFileError.SchemaViolation,
                $"several sparse groups ({string.Join(", ", found.Order(StringComparer.Ordinal))}); choose one with --A <path>"),
        };
    }

    private static (string Family, bool Csc, long[] Shape) Identify(H5Access h, IH5Group g, string path, string? layoutOption)
    {
        if (h.StringAttribute(g, path, "encoding-type") is { } enc)
        {
            bool csc = enc switch
            {
                "csr_matrix" => false,
                "csc_matrix" => true,
                _ => throw h.Error(path + "@encoding-type", ProblemFileError.UnsupportedFormat, $"anndata encoding-type '{enc}' is not a sparse matrix"),
            };
            var shape = h.IntegerAttribute(g, path, "shape") ?? throw h.Error(path, ProblemFileError.SchemaViolation, "anndata group without 'shape'");
            return ("anndata", csc, shape);
        }

        if (h.StringAttribute(g, path, "h5sparse_format") is { } hf)
        {
            bool csc = hf switch
            {
                "csr" => false,
                "csc" => true,
                _ => throw h.Error(path + "@h5sparse_format", ProblemFileError.UnsupportedFormat, $"h5sparse_format '{hf}' is not csr or csc"),
            };
            var shape = h.IntegerAttribute(g, path, "h5sparse_shape") ?? throw h.Error(path, ProblemFileError.SchemaViolation, "h5sparse group without 'h5sparse_shape'");
            return ("h5sparse", csc, shape);
        }

        if (h.TryDataset(H5Access.Join(path, "shape")) is { } sd)
        {
            if (sd.Rank != 1 || sd.Count != 2) throw h.Error(sd.Path, ProblemFileError.ShapeMismatch, $"10x shape must hold 2 entries, found {sd.ShapeText}");
            return ("10x", true, h.ReadIntegers(sd));
        }

        var attrShape = h.IntegerAttribute(g, path, "shape")
            ?? throw h.Error(path, ProblemFileError.SchemaViolation, "sparse group without a 'shape' attribute or dataset");
        string? layout = h.StringAttribute(g, path, "format") ?? layoutOption;
        return layout switch
        {
            "csr" => ("scipy", false, attrShape),
            "csc" => ("scipy", true, attrShape),
            null => throw h.Error(path, ProblemFileError.SchemaViolation,
                "the group has no layout marker (no 'format' attribute); CSR and CSC cannot be told apart, and the wrong guess yields Aᵀ: pass --layout csr|csc"),
            _ => throw h.Error(path, ProblemFileError.SchemaViolation, $"unknown layout '{layout}'; pass --layout csr|csc"),
        };
    }
}
