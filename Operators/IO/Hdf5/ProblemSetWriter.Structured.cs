using PureHDF;

namespace Solvers.IO.Hdf5;

public sealed partial class ProblemSetWriter
{
    private static string? StructuredStorage(ILinearOperator op)
    {
        _ = op;
        return null;
    }

    private static H5Group DenseGroup(ILinearOperator op, int level, string selfPath)
    {
        var dense = ToCsr(op, selfPath).ToDense();
        var g = NewOperatorGroup("dense", dense.GetLength(0), dense.GetLength(1));
        var flat = new double[dense.Length];
        Buffer.BlockCopy(dense, 0, flat, 0, flat.Length * sizeof(double));
        H5WriteHelpers.RequireFinite(flat, selfPath + "/data");
        g["data"] = H5WriteHelpers.Dataset(flat, level, [(ulong)dense.GetLength(0), (ulong)dense.GetLength(1)]);
        return g;
    }

    private H5Group KroneckerGroup(ILinearOperator op, int level, string selfPath, int depth, bool dryRun)
    {
        _ = (op, level, depth, dryRun, _sparseGroups);
        throw new ArgumentException($"{selfPath}: kronecker storage is not available yet.");
    }

    private static H5Group StencilGroup(ILinearOperator op, int level, string selfPath)
    {
        _ = (op, level);
        throw new ArgumentException($"{selfPath}: stencil storage is not available yet.");
    }
}
