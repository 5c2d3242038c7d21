using System.Globalization;
using PureHDF;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

public sealed partial class ProblemSetWriter
{
    private static string? StructuredStorage(ILinearOperator op) => op switch
    {
        KroneckerOperator => "kronecker",
        DenseOperator => "dense",
        StencilOperator or Laplacian2D or Laplacian3D or DiffusionStencil2D or DiffusionStencil3D => "stencil",
        _ => null,
    };

    private static H5Group DenseGroup(ILinearOperator op, int level, string selfPath)
    {
        var flat = DenseFactory.RowMajor(op)
            ?? throw new ArgumentException($"{selfPath}: {op.GetType().Name} cannot be stored as a dense matrix.");
        var g = NewOperatorGroup("dense", op.Rows, op.Columns, op.Properties.HasFlag(OperatorProperties.Symmetric) ? "symmetric" : "general");
        H5WriteHelpers.RequireFinite(flat, selfPath + "/data");
        g["data"] = H5WriteHelpers.Dataset(flat, level, [(ulong)op.Rows, (ulong)op.Columns]);
        return g;
    }

    private H5Group KroneckerGroup(ILinearOperator op, int level, string selfPath, int depth, bool dryRun)
    {
        if (op is not KroneckerOperator k)
            throw new ArgumentException($"{selfPath}: {op.GetType().Name} is not a Kronecker operator.");
        var g = NewOperatorGroup("kronecker", k.Rows, k.Columns, k.Properties.HasFlag(OperatorProperties.Symmetric) ? "symmetric" : "general");
        g.Attributes["combine"] = k.Combine == KroneckerCombine.Product ? "product" : "sum";
        var factors = new H5Group();
        for (int i = 0; i < k.Factors.Count; i++)
        {
            string name = i.ToString(CultureInfo.InvariantCulture);
            factors[name] = OperatorGroup(k.Factors[i], null, "full", level, selfPath + "/factors/" + name, depth + 1, dryRun);
        }

        g["factors"] = factors;
        return g;
    }

    private static H5Group StencilGroup(ILinearOperator op, int level, string selfPath)
    {
        var (s, spacing) = op switch
        {
            StencilOperator so => (so, (double[]?)null),
            Laplacian2D l => (l.ToStencil(), new[] { l.Hx, l.Hy }),
            Laplacian3D l => (l.ToStencil(), new[] { l.Hx, l.Hy, l.Hz }),
            DiffusionStencil2D l => (l.ToStencil(), new[] { l.Hx, l.Hy }),
            DiffusionStencil3D l => (l.ToStencil(), new[] { l.Hx, l.Hy, l.Hz }),
            _ => throw new ArgumentException($"{selfPath}: {op.GetType().Name} is not a stencil operator."),
        };
        var shape = s.GridShape;
        int d = shape.Length;
        var g = NewOperatorGroup("stencil", s.Rows, s.Columns, op.Properties.HasFlag(OperatorProperties.Symmetric) ? "symmetric" : "general");
        g.Attributes["grid_shape"] = shape.Select(x => (long)x).ToArray();
        g.Attributes["spacing"] = spacing ?? Enumerable.Repeat(1.0, d).ToArray();
        g.Attributes["boundary"] = s.Boundary.Select(b => b.ToString().ToLowerInvariant()).ToArray();
        g["offsets"] = new H5Dataset(s.Offsets, fileDims: [(ulong)s.StencilSize, (ulong)d]);
        var coefficients = s.Coefficients.ToArray();
        H5WriteHelpers.RequireFinite(coefficients, selfPath + "/coefficients");
        ulong[] dims = s.IsVariable ? [(ulong)s.StencilSize, .. shape.Select(x => (ulong)x)] : [(ulong)s.StencilSize];
        g["coefficients"] = H5WriteHelpers.Dataset(coefficients, level, dims);
        return g;
    }
}
