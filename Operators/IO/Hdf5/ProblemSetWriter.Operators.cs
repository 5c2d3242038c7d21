using PureHDF;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>The stored arrays of a csr/csc group written earlier (for pattern_from).</summary>
internal sealed record EncodedSparse(string Storage, int Rows, int Cols, int[] Ptr, int[] Idx, string Symmetry, string Triangle);

public sealed partial class ProblemSetWriter
{
    private H5Group OperatorGroup(ILinearOperator op, string? storage, string triangle, int level, string selfPath, int depth, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (depth > OperatorGroupReader.MaxDepth)
            throw new ArgumentException($"{selfPath}: operator nesting deeper than {OperatorGroupReader.MaxDepth}.");
        storage ??= DefaultStorage(op);
        if (triangle != "full" && storage is not ("csr" or "csc" or "coo"))
            throw new ArgumentException($"{selfPath}: StoredTriangle = {triangle} needs csr, csc or coo storage (got {storage}).");
        if (storage.StartsWith("pattern_from:", StringComparison.Ordinal))
            return PatternFromGroup(op, storage["pattern_from:".Length..], selfPath, level);
        return storage switch
        {
            "csr" or "csc" or "coo" => SparseGroup(ToCsr(op, selfPath), storage, triangle, level, selfPath, dryRun),
            "dense" => DenseGroup(op, level, selfPath),
            "kronecker" => KroneckerGroup(op, level, selfPath, depth, dryRun),
            "stencil" => StencilGroup(op, level, selfPath),
            _ => throw new ArgumentException($"{selfPath}: unknown storage '{storage}'."),
        };
    }

    private static CsrMatrix ToCsr(ILinearOperator op, string selfPath) => op switch
    {
        CsrMatrix c => c,
        IConvertibleToCsr c => c.ToCsr(),
        _ => throw new ArgumentException($"{selfPath}: {op.GetType().Name} cannot be stored as a sparse matrix."),
    };

    private static H5Group NewOperatorGroup(string storage, long rows, long cols, string symmetry = "general", string triangle = "full")
    {
        var g = new H5Group();
        g.Attributes["storage"] = storage;
        g.Attributes["shape"] = new long[] { rows, cols };
        g.Attributes["symmetry"] = symmetry;
        if (triangle != "full") g.Attributes["stored_triangle"] = triangle;
        return g;
    }

    private H5Group SparseGroup(CsrMatrix a, string storage, string triangle, int level, string selfPath, bool dryRun)
    {
        H5WriteHelpers.RequireFinite(a.Values, selfPath + "/data");
        string symmetry = "general";
        if (triangle == "lower")
        {
            if (!a.IsSymmetric(0.0))
                throw new ArgumentException($"{selfPath}: StoredTriangle = lower needs an exactly symmetric matrix.");
            symmetry = "symmetric";
            a = LowerTriangle(a);
        }
        else if (a.Properties.HasFlag(OperatorProperties.Symmetric))
        {
            symmetry = "symmetric";
        }

        var g = NewOperatorGroup(storage, a.Rows, a.Columns, symmetry, triangle);
        int[] ptr, idx;
        double[] val;
        if (storage == "csc")
        {
            var t = a.Transpose();
            (ptr, idx, val) = (t.RowPointers.ToArray(), t.ColumnIndices.ToArray(), t.Values.ToArray());
        }
        else
        {
            (ptr, idx, val) = (a.RowPointers.ToArray(), a.ColumnIndices.ToArray(), a.Values.ToArray());
        }

        if (storage == "coo")
        {
            var rows = new int[idx.Length];
            for (int i = 0; i < a.Rows; i++)
                for (int p = ptr[i]; p < ptr[i + 1]; p++) rows[p] = i;
            g["row"] = H5WriteHelpers.Dataset(rows, level);
            g["col"] = H5WriteHelpers.Dataset(idx, level);
        }
        else
        {
            g["indptr"] = H5WriteHelpers.Dataset(ptr, level);
            g["indices"] = H5WriteHelpers.Dataset(idx, level);
            if (!dryRun || !_sparseGroups.ContainsKey(selfPath))
                _sparseGroups[selfPath] = new EncodedSparse(storage, a.Rows, a.Columns, ptr, idx, symmetry, triangle);
        }

        g["data"] = H5WriteHelpers.Dataset(val, level);
        return g;
    }

    private static CsrMatrix LowerTriangle(CsrMatrix a)
    {
        var rp = new int[a.Rows + 1];
        var ci = new List<int>();
        var v = new List<double>();
        for (int i = 0; i < a.Rows; i++)
        {
            for (int p = a.RowPointers[i]; p < a.RowPointers[i + 1]; p++)
            {
                if (a.ColumnIndices[p] > i) break;
                ci.Add(a.ColumnIndices[p]);
                v.Add(a.Values[p]);
            }

            rp[i + 1] = ci.Count;
        }

        return new CsrMatrix(a.Rows, a.Columns, rp, [.. ci], [.. v]);
    }

    private H5Group PatternFromGroup(ILinearOperator op, string target, string selfPath, int level)
    {
        if (!_sparseGroups.TryGetValue(target, out var t))
            throw new ArgumentException($"{selfPath}: pattern_from target '{target}' is not a csr/csc group added earlier to this writer.");
        var a = ToCsr(op, selfPath);
        H5WriteHelpers.RequireFinite(a.Values, selfPath + "/data");
        if (t.Triangle != "full") a = LowerTriangle(a);
        if (t.Storage == "csc") a = a.Transpose();
        if (a.RowPointers.Length != t.Ptr.Length || !a.RowPointers.SequenceEqual(t.Ptr) || !a.ColumnIndices.SequenceEqual(t.Idx))
            throw new ArgumentException($"{selfPath}: the matrix's sparsity pattern differs from that of '{target}'.");
        var g = NewOperatorGroup("pattern_from", t.Rows, t.Cols, t.Symmetry, t.Triangle);
        g.Attributes["pattern_from"] = target;
        g["data"] = H5WriteHelpers.Dataset(a.Values.ToArray(), level);
        return g;
    }

    private static string DefaultStorage(ILinearOperator op) => op switch
    {
        CsrMatrix => "csr",
        _ => StructuredStorage(op) ?? (op is IConvertibleToCsr ? "csr"
            : throw new ArgumentException($"{op.GetType().Name} cannot be written to a problem file (no storage for it).")),
    };
}
