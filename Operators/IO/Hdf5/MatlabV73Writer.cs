using System.Globalization;
using PureHDF;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>Options of <see cref="MatlabV73Writer"/>.</summary>
public sealed record MatlabWriteOptions
{
    /// <summary>The default options: a SuiteSparse-style <c>Problem</c> struct, compression level 6.</summary>
    public static MatlabWriteOptions Default { get; } = new();

    /// <summary>
    /// Write <c>A</c>, <c>b</c>, <c>x0</c> and <c>x</c> (the exact solution) as root variables instead of fields of the
    /// struct <c>Problem</c>; the name and metadata are then not written.
    /// </summary>
    public bool AtRoot { get; init; }

    /// <summary>0 = no compression; 1–9 = shuffle + deflate level for datasets of 16 KiB and more (default 6).</summary>
    public int Compression { get; init; } = 6;
}

/// <summary>
/// Writes one problem as a MATLAB v7.3 MAT-file (PS §10.2) that <see cref="MatlabV73Reader"/>, MATLAB-style HDF5
/// readers (h5py, libhdf5) and PureHDF open:
/// <list type="bullet">
/// <item>a 512-byte user block with the MAT header (text, version 0x0200, endian indicator "IM");</item>
/// <item>by default a struct group <c>Problem</c> (<c>MATLAB_class = "struct"</c>) with the SuiteSparse fields
/// <c>A</c> (sparse), <c>b</c>, <c>x</c> (exact solution), <c>x0</c>, <c>name</c> (char) and, when present in
/// <see cref="LinearProblem.Meta"/>, <c>title</c>, <c>id</c>, <c>kind</c>, <c>date</c>, <c>author</c>, <c>ed</c>,
/// <c>notes</c>;</item>
/// <item><c>A</c> as a sparse group: <c>MATLAB_class = "double"</c>, <c>MATLAB_sparse</c> = rows (uint64), and
/// the CSC arrays <c>jc</c> (uint64), <c>ir</c> (uint64), <c>data</c> (f64), also when nnz = 0;</item>
/// <item>dense blocks with MATLAB's reversed dimensions: an n-vector is HDF5 <c>(1, n)</c>, k vectors are <c>(k, n)</c>;</item>
/// <item><c>MATLAB_class</c> as a fixed-length, NULLTERM, ASCII string (PureHDF writes UTF-8; the file is patched).</item>
/// </list>
/// The struct carries no <c>MATLAB_fields</c> attribute: MATLAB stores it as a variable-length sequence of 1-character
/// strings, and PureHDF 2.2.0 can only write variable-length sequences of integers or of strings with the file-wide
/// fixed length (6 here), so any value it could write would have the wrong type. The fields are the group's members.
/// Empty text fields are not written. The file goes to a temporary name and is renamed into place.
/// </summary>
public static class MatlabV73Writer
{
    // Every string in the file is a MATLAB_class value; the longest used ("double", "struct") sets the fixed length.
    private const int ClassLength = 6;

    private static readonly string[] TextFields = ["title", "kind", "date", "author", "ed", "notes"];

    /// <summary>Writes <paramref name="problem"/> to <paramref name="path"/> (replacing an existing file).</summary>
    /// <exception cref="ArgumentException">
    /// A cannot be assembled as a sparse matrix, a block has the wrong length, a value is not finite, or the options are invalid.
    /// </exception>
    public static void Write(string path, LinearProblem problem, MatlabWriteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(problem);
        options ??= MatlabWriteOptions.Default;
        if (options.Compression is < 0 or > 9)
            throw new ArgumentException($"Compression must be 0–9 (got {options.Compression}).", nameof(options));
        var csr = problem.A as CsrMatrix ?? (problem.A as IConvertibleToCsr)?.ToCsr()
            ?? throw new ArgumentException($"A ({problem.A.GetType().Name}) cannot be assembled as a sparse matrix.", nameof(problem));
        H5WriteHelpers.RequireFinite(csr.Values, "A");
        Check(problem.B, csr.Rows, null, "b");
        int k = problem.B.GetLength(0);
        if (problem.XExact is { } xe) Check(xe, csr.Columns, k, "x_exact");
        if (problem.X0 is { } x0) Check(x0, csr.Columns, k, "x0");

        int level = options.Compression;
        var variables = new List<(string Name, object Value)> { ("A", Sparse(csr, level)), ("b", Dense(problem.B, level)) };
        if (problem.X0 is { } x0v) variables.Add(("x0", Dense(x0v, level)));
        if (problem.XExact is { } xev) variables.Add(("x", Dense(xev, level)));

        var file = new H5File();
        int classes = variables.Count; // MATLAB_class attributes written, checked against the patch below
        if (options.AtRoot)
        {
            foreach (var (name, value) in variables) file[name] = value;
        }
        else
        {
            var g = new H5Group();
            g.Attributes["MATLAB_class"] = "struct";
            classes++;
            if (Text(problem.Name) is { } n)
            {
                g["name"] = n;
                classes++;
            }

            foreach (string f in TextFields)
            {
                if (problem.Meta.TryGetValue(f, out var v) && Text(v) is { } t)
                {
                    g[f] = t;
                    classes++;
                }
            }

            if (problem.Meta.TryGetValue("id", out var id)
                && double.TryParse(id, NumberStyles.Float, CultureInfo.InvariantCulture, out double idv) && double.IsFinite(idv))
            {
                g["id"] = Dense(new double[,] { { idv } }, 0);
                classes++;
            }

            foreach (var (name, value) in variables) g[name] = value;
            file["Problem"] = g;
        }

        byte[] header = MatlabFilePatcher.Header(DateTime.Now);
        var writeOptions = new H5WriteOptions(DefaultStringLength: ClassLength, UserBlockSize: MatlabFilePatcher.UserBlockSize);
        H5WriteHelpers.WriteAtomically(file, path, writeOptions, tmp =>
        {
            int patched = MatlabFilePatcher.Patch(tmp, header);
            if (patched != classes)
                throw new InvalidOperationException(
                    $"marked {patched} of {classes} MATLAB_class attributes ASCII; the HDF5 writer's object-header layout has changed");
        });
    }

    private static void Check(double[,] block, int n, int? k, string what)
    {
        if (block.GetLength(1) != n)
            throw new ArgumentException($"{what} has length {block.GetLength(1)}, but A has {n} {(what == "b" ? "rows" : "columns")}.");
        if (k is { } kk && block.GetLength(0) != 1 && block.GetLength(0) != kk)
            throw new ArgumentException($"{what} holds {block.GetLength(0)} vectors, but b holds {kk}.");
        var flat = new double[block.Length];
        Buffer.BlockCopy(block, 0, flat, 0, flat.Length * sizeof(double));
        H5WriteHelpers.RequireFinite(flat, what);
    }

    /// <summary>A sparse group: the CSR arrays of Aᵀ are the CSC arrays of A.</summary>
    private static H5Group Sparse(CsrMatrix a, int level)
    {
        var t = a.Transpose();
        var g = new H5Group();
        g.Attributes["MATLAB_class"] = "double";
        g.Attributes["MATLAB_sparse"] = (ulong)a.Rows;
        g["jc"] = H5WriteHelpers.Dataset(ToUInt64(t.RowPointers), level);
        g["ir"] = H5WriteHelpers.Dataset(ToUInt64(t.ColumnIndices), level);
        g["data"] = H5WriteHelpers.Dataset(t.Values.ToArray(), level);
        return g;
    }

    private static ulong[] ToUInt64(ReadOnlySpan<int> v)
    {
        var r = new ulong[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = (ulong)v[i];
        return r;
    }

    /// <summary>A k×n block as HDF5 (k, n): MATLAB's n×k matrix with the dimensions reversed.</summary>
    private static H5Dataset Dense(double[,] block, int level)
    {
        var ds = H5WriteHelpers.Dataset2D(block, level);
        var d = ds as H5Dataset ?? new H5Dataset(ds);
        d.Attributes["MATLAB_class"] = "double";
        return d;
    }

    /// <summary>A MATLAB 1×L char row vector: UTF-16 code units as uint16, HDF5 dims (L, 1); null when empty.</summary>
    private static H5Dataset? Text(string s)
    {
        if (s.Length == 0) return null;
        var units = new ushort[s.Length];
        for (int i = 0; i < s.Length; i++) units[i] = s[i];
        var d = new H5Dataset(units, fileDims: [(ulong)s.Length, 1]);
        d.Attributes["MATLAB_class"] = "char";
        d.Attributes["MATLAB_int_decode"] = 2;
        return d;
    }
}
