using System.Globalization;
using PureHDF;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>The stored pattern of a csr/csc group, kept for <c>pattern_from</c> groups (PS §4.9).</summary>
internal sealed record StoredPattern(long Rows, long Cols, bool Csc, int[] Ptr, int[] Idx, StoredSymmetry Symmetry,
    StoredTriangle Triangle, bool Shareable);

/// <summary>Reads operator groups (PS §4) with the checks of REL §4 and §7.</summary>
internal sealed partial class OperatorGroupReader
{
    /// <summary>Deepest operator nesting (REL §3).</summary>
    public const int MaxDepth = 4;

    private readonly H5Access _h;
    private readonly SparseRepairs _repairs;
    private readonly Dictionary<string, StoredPattern> _patterns = new(StringComparer.Ordinal);

    public OperatorGroupReader(H5Access h, SparseRepairs repairs)
    {
        _h = h;
        _repairs = repairs;
    }

    /// <summary>Reads the operator group at <paramref name="path"/>.</summary>
    public ILinearOperator Read(string path, CancellationToken ct) => Read(path, 1, [], ct);

    /// <summary>Reads the <c>shape</c> attribute: two entries, each ≥ 0 and &lt; 2³¹.</summary>
    public (int Rows, int Cols) ReadShape(IH5Object g, string path, string attribute = "shape")
    {
        var shape = _h.IntegerAttribute(g, path, attribute)
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, $"required attribute '{attribute}' is missing");
        return CheckShape(shape, path + "@" + attribute);
    }

    /// <summary>Checks a declared shape.</summary>
    public (int Rows, int Cols) CheckShape(long[] shape, string where)
    {
        if (shape.Length != 2)
            throw _h.Error(where, ProblemFileError.SchemaViolation, $"shape must have two entries, found {shape.Length}");
        foreach (long s in shape)
        {
            if (s < 0) throw _h.Error(where, ProblemFileError.SchemaViolation, $"negative dimension {s}");
            if (s >= int.MaxValue || s + 1 > Array.MaxLength)
                throw _h.Error(where, ProblemFileError.LimitExceeded, $"dimension {s} is not below 2^31 (the suite's dimensions are int)");
        }

        return ((int)shape[0], (int)shape[1]);
    }

    private ILinearOperator Read(string path, int depth, List<(object, ulong)> ancestors, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (depth > MaxDepth)
            throw _h.Error(path, ProblemFileError.LimitExceeded, $"operator nesting deeper than {MaxDepth}");
        var g = _h.Group(path);
        var id = PureHdfInternals.Identity(g);
        if (id is { } key)
        {
            if (ancestors.Contains(key))
                throw _h.Error(path, ProblemFileError.Malformed, "cycle: this group is one of its own ancestors (hard link)");
            ancestors = [.. ancestors, key];
        }

        string storage = _h.StringAttribute(g, path, "storage")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'storage' is missing");
        var (rows, cols) = ReadShape(g, path);
        var symmetry = ReadSymmetry(g, path);
        var triangle = ReadTriangle(g, path, symmetry, storage);
        return storage switch
        {
            "csr" => ReadCompressed(g, path, rows, cols, csc: false, symmetry, triangle, ct),
            "csc" => ReadCompressed(g, path, rows, cols, csc: true, symmetry, triangle, ct),
            "coo" => ReadCoo(g, path, rows, cols, symmetry, triangle, ct),
            "dense" => ReadDense(path, rows, cols, ct),
            "pattern_from" => ReadPatternFrom(g, path, rows, cols, symmetry, triangle, ct),
            "kronecker" => ReadKronecker(g, path, rows, cols, depth, ancestors, ct),
            "stencil" => ReadStencil(g, path, rows, cols, ct),
            _ => throw _h.Error(path + "@storage", ProblemFileError.SchemaViolation,
                $"unknown storage '{storage}' (expected csr, csc, coo, dense, kronecker, stencil or pattern_from)"),
        };
    }

    private StoredSymmetry ReadSymmetry(IH5Object g, string path)
    {
        string s = _h.StringAttribute(g, path, "symmetry") ?? "general";
        return s switch
        {
            "general" => StoredSymmetry.General,
            "symmetric" => StoredSymmetry.Symmetric,
            "skew-symmetric" => StoredSymmetry.SkewSymmetric,
            "hermitian" => throw _h.Error(path + "@symmetry", ProblemFileError.UnsupportedFeature, "'hermitian' is reserved for complex operators (not in schema v1)"),
            _ => throw _h.Error(path + "@symmetry", ProblemFileError.SchemaViolation, $"unknown symmetry '{s}'"),
        };
    }

    private StoredTriangle ReadTriangle(IH5Object g, string path, StoredSymmetry symmetry, string storage)
    {
        string s = _h.StringAttribute(g, path, "stored_triangle") ?? "full";
        var t = s switch
        {
            "full" => StoredTriangle.Full,
            "lower" => StoredTriangle.Lower,
            "upper" => StoredTriangle.Upper,
            _ => throw _h.Error(path + "@stored_triangle", ProblemFileError.SchemaViolation, $"unknown stored_triangle '{s}'"),
        };
        if (t != StoredTriangle.Full)
        {
            if (symmetry == StoredSymmetry.General)
                throw _h.Error(path + "@stored_triangle", ProblemFileError.SchemaViolation, $"stored_triangle = {s} needs symmetry ≠ general");
            if (storage is not ("csr" or "csc" or "coo" or "pattern_from"))
                throw _h.Error(path + "@stored_triangle", ProblemFileError.SchemaViolation, $"stored_triangle = {s} is allowed only with csr, csc or coo storage");
        }

        return t;
    }

    private H5DatasetInfo Vector(string path, string member)
    {
        var d = _h.Dataset(H5Access.Join(path, member));
        if (d.Rank != 1)
            throw _h.Error(d.Path, ProblemFileError.ShapeMismatch, $"must be 1-D, found shape {d.ShapeText}");
        return d;
    }

    // ------------------------------------------------------------------ csr / csc

    private CsrMatrix ReadCompressed(IH5Group g, string path, int rows, int cols, bool csc, StoredSymmetry symmetry,
        StoredTriangle triangle, CancellationToken ct)
    {
        _ = g;
        long major = csc ? cols : rows, minor = csc ? rows : cols;
        var indptrInfo = Vector(path, "indptr");
        var indicesInfo = Vector(path, "indices");
        var dataInfo = Vector(path, "data");
        if (indptrInfo.Count != major + 1)
            throw _h.Error(indptrInfo.Path, ProblemFileError.InvalidSparseStructure,
                $"has {indptrInfo.Count} entries, but shape ({rows}, {cols}) needs {major + 1} ({(csc ? "columns" : "rows")} + 1)");
        if (indicesInfo.Count != dataInfo.Count)
            throw _h.Error(dataInfo.Path, ProblemFileError.InvalidSparseStructure,
                $"has {dataInfo.Count} entries, but indices has {indicesInfo.Count}");
        if (indptrInfo.Class != H5DataTypeClass.FixedPoint)
            throw _h.Error(indptrInfo.Path, ProblemFileError.TypeMismatch, $"found {indptrInfo.TypeName}; expected an integer type");
        if (indicesInfo.Class != H5DataTypeClass.FixedPoint)
            throw _h.Error(indicesInfo.Path, ProblemFileError.TypeMismatch, $"found {indicesInfo.TypeName}; expected an integer type");
        if (dataInfo.Class != H5DataTypeClass.FloatingPoint || dataInfo.ElementSize is not (8 or 4))
            _ = _h.ReadDoubles(dataInfo, importer: false); // throws the TypeMismatch / UnsupportedFeature with the found type

        var ptr = SparseAssembly.CheckPointers(_h, indptrInfo.Path, _h.ReadIntegers(indptrInfo), major, indicesInfo.Count, csc);
        ct.ThrowIfCancellationRequested();
        var idx = _h.ReadIndices(indicesInfo);
        ct.ThrowIfCancellationRequested();
        var val = _h.ReadDoubles(dataInfo, importer: false);
        ct.ThrowIfCancellationRequested();
        return Assemble(path, rows, cols, csc, ptr, idx, val, symmetry, triangle, remember: true, dataInfo.Path);
    }

    /// <summary>Validates stored compressed arrays and builds the full CSR operator.</summary>
    internal CsrMatrix Assemble(string path, int rows, int cols, bool csc, int[] ptr, int[] idx, double[] val,
        StoredSymmetry symmetry, StoredTriangle triangle, bool remember, string dataPath)
    {
        long minor = csc ? rows : cols;
        int[] ptr0 = ptr;
        int[] idx0 = remember && (_repairs.SortIndices || _repairs.SumDuplicates) ? (int[])idx.Clone() : idx;
        bool repaired;
        (ptr, idx, val, repaired) = SparseAssembly.CheckIndices(_h, path, ptr, idx, val, minor, csc, _repairs);
        var p1 = ptr;
        var i1 = idx;
        SparseAssembly.ScanFinite(_h, dataPath, val, _repairs.AllowNonFinite, q => SparseAssembly.CsrPosition(p1, i1, q, csc));
        CsrMatrix stored;
        if (csc)
        {
            var (rp, ci, v) = SparseAssembly.Transpose(ptr, idx, val, rows);
            stored = new CsrMatrix(rows, cols, rp, ci, v);
        }
        else
        {
            stored = new CsrMatrix(rows, cols, ptr, idx, val);
        }

        var full = SparseAssembly.ExpandTriangle(_h, path, stored, symmetry, triangle);
        if (remember)
        {
            bool identity = !csc && triangle == StoredTriangle.Full && !repaired;
            _patterns[path] = new StoredPattern(rows, cols, csc, ptr0, idx0, symmetry, triangle, identity);
        }

        return full;
    }

    // ------------------------------------------------------------------ coo

    private CsrMatrix ReadCoo(IH5Group g, string path, int rows, int cols, StoredSymmetry symmetry, StoredTriangle triangle, CancellationToken ct)
    {
        _ = g;
        var rowInfo = Vector(path, "row");
        var colInfo = Vector(path, "col");
        var dataInfo = Vector(path, "data");
        if (rowInfo.Count != colInfo.Count || rowInfo.Count != dataInfo.Count)
            throw _h.Error(path, ProblemFileError.InvalidSparseStructure,
                $"row, col and data differ in length ({rowInfo.Count}, {colInfo.Count}, {dataInfo.Count})");
        if (rowInfo.Count > int.MaxValue)
            throw _h.Error(path, ProblemFileError.LimitExceeded, $"{rowInfo.Count} entries exceed 2^31 − 1");
        var r = _h.ReadIndices(rowInfo);
        var c = _h.ReadIndices(colInfo);
        ct.ThrowIfCancellationRequested();
        var v = _h.ReadDoubles(dataInfo, importer: false);
        for (int k = 0; k < r.Length; k++)
        {
            if (r[k] < 0 || r[k] >= rows)
                throw _h.Error(rowInfo.Path, ProblemFileError.InvalidSparseStructure, $"row index {r[k]} of entry {k} is outside [0, {rows})");
            if (c[k] < 0 || c[k] >= cols)
                throw _h.Error(colInfo.Path, ProblemFileError.InvalidSparseStructure, $"column index {c[k]} of entry {k} is outside [0, {cols})");
        }

        SparseAssembly.ScanFinite(_h, dataInfo.Path, v, _repairs.AllowNonFinite,
            k => string.Create(CultureInfo.InvariantCulture, $"entry {k} (row {r[k]}, column {c[k]})"));
        _h.Reserve((long)r.Length * 16, path);
        var stored = CsrMatrix.FromCoordinates(rows, cols, r, c, v, sumDuplicates: true, out int summed);
        if (summed > 0) _h.Warn($"{path}: summed {summed} duplicate COO entries");
        return SparseAssembly.ExpandTriangle(_h, path, stored, symmetry, triangle);
    }

    // ------------------------------------------------------------------ pattern_from

    private CsrMatrix ReadPatternFrom(IH5Group g, string path, int rows, int cols, StoredSymmetry symmetry, StoredTriangle triangle,
        CancellationToken ct)
    {
        string target = _h.StringAttribute(g, path, "pattern_from")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'pattern_from' is missing");
        if (!target.StartsWith("/problems/", StringComparison.Ordinal) || target.Contains("/../", StringComparison.Ordinal)
            || target.EndsWith("/..", StringComparison.Ordinal) || target.Contains("//", StringComparison.Ordinal))
            throw _h.Error(path + "@pattern_from", ProblemFileError.SchemaViolation,
                $"target '{target}' is not an absolute path under /problems");
        if (target == path) throw _h.Error(path + "@pattern_from", ProblemFileError.SchemaViolation, "refers to itself");
        if (!_patterns.TryGetValue(target, out var pattern))
        {
            var tg = _h.TryGroup(target)
                ?? throw _h.Error(path + "@pattern_from", ProblemFileError.SchemaViolation, $"target '{target}' does not exist");
            string storage = _h.StringAttribute(tg, target, "storage") ?? "";
            if (storage is not ("csr" or "csc"))
                throw _h.Error(path + "@pattern_from", ProblemFileError.SchemaViolation,
                    $"target '{target}' has storage '{storage}'; it must be csr or csc (no pattern_from chains)");
            _ = Read(target, 1, [], ct);
            pattern = _patterns[target];
        }

        if (pattern.Rows != rows || pattern.Cols != cols)
            throw _h.Error(path + "@shape", ProblemFileError.ShapeMismatch,
                $"shape ({rows}, {cols}) differs from the target's ({pattern.Rows}, {pattern.Cols})");
        if (pattern.Symmetry != symmetry || pattern.Triangle != triangle)
            throw _h.Error(path, ProblemFileError.SchemaViolation, "symmetry and stored_triangle must equal the target's");
        var dataInfo = Vector(path, "data");
        if (dataInfo.Count != pattern.Idx.Length)
            throw _h.Error(dataInfo.Path, ProblemFileError.InvalidSparseStructure,
                $"has {dataInfo.Count} entries, but the target '{target}' has {pattern.Idx.Length}");
        var val = _h.ReadDoubles(dataInfo, importer: false);
        if (pattern.Shareable)
        {
            // One indptr/indices instance shared by every operator that uses the pattern (PS §4.9).
            SparseAssembly.ScanFinite(_h, dataInfo.Path, val, _repairs.AllowNonFinite, q => SparseAssembly.CsrPosition(pattern.Ptr, pattern.Idx, q));
            var shared = new CsrMatrix(rows, cols, pattern.Ptr, pattern.Idx, val);
            return SparseAssembly.ExpandTriangle(_h, path, shared, symmetry, triangle);
        }

        // The target needed conversion or repair: rebuild from its stored pattern (same checks, new values).
        return Assemble(path, rows, cols, pattern.Csc, (int[])pattern.Ptr.Clone(), (int[])pattern.Idx.Clone(), val, symmetry, triangle,
            remember: false, dataInfo.Path);
    }
}
