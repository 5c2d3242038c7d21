using System.Globalization;
using PureHDF;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

internal sealed partial class OperatorGroupReader
{
    private DenseOperator ReadDense(string path, int rows, int cols, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var d = _h.Dataset(H5Access.Join(path, "data"));
        if (d.Rank != 2 || d.Dims[0] != rows || d.Dims[1] != cols)
            throw _h.Error(d.Path, ProblemFileError.ShapeMismatch, $"has shape {d.ShapeText}, but the operator's shape is ({rows}, {cols})");
        var flat = _h.ReadDoubles(d, importer: false);
        SparseAssembly.ScanFinite(_h, d.Path, flat, _repairs.AllowNonFinite, p => SparseAssembly.FlatPosition(p, d.Dims));
        return DenseFactory.Create(rows, cols, flat);
    }

    private KroneckerOperator ReadKronecker(IH5Group g, string path, int rows, int cols, int depth, List<(object, ulong)> ancestors, CancellationToken ct)
    {
        string combineText = _h.StringAttribute(g, path, "combine")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'combine' is missing (product or sum)");
        var combine = combineText switch
        {
            "product" => KroneckerCombine.Product,
            "sum" => KroneckerCombine.Sum,
            _ => throw _h.Error(path + "@combine", ProblemFileError.SchemaViolation, $"unknown combine '{combineText}' (expected product or sum)"),
        };
        string fp = H5Access.Join(path, "factors");
        var fg = _h.TryGroup(fp) ?? throw _h.Error(fp, ProblemFileError.SchemaViolation, "required group 'factors' is missing");
        var children = _h.Children(fg, fp, KroneckerOperator.MaxFactors + 1);
        int k = children.Count;
        if (k is < KroneckerOperator.MinFactors or > KroneckerOperator.MaxFactors)
            throw _h.Error(fp, ProblemFileError.SchemaViolation, $"a kronecker operator needs 2 to 8 factors, found {k}");
        var factors = new ILinearOperator[k];
        for (int i = 0; i < k; i++)
        {
            string name = i.ToString(CultureInfo.InvariantCulture);
            if (!children.Any(c => c.Name == name))
                throw _h.Error(fp, ProblemFileError.SchemaViolation, $"factors must be named 0 … {k - 1}; '{name}' is missing");
            factors[i] = Read(H5Access.Join(fp, name), depth + 1, ancestors, ct);
        }

        long r = 1, c = 1;
        foreach (var f in factors)
        {
            if (combine == KroneckerCombine.Sum && f.Rows != f.Columns)
                throw _h.Error(fp, ProblemFileError.ShapeMismatch, $"a Kronecker sum needs square factors, found {f.Rows}×{f.Columns}");
            r = Math.Min(r * Math.Max(f.Rows, 0), long.MaxValue / 4);
            c = Math.Min(c * Math.Max(f.Columns, 0), long.MaxValue / 4);
        }

        if (r != rows || c != cols)
            throw _h.Error(path + "@shape", ProblemFileError.ShapeMismatch,
                $"declared shape ({rows}, {cols}) differs from the shape computed from the factors ({r}, {c})");
        try
        {
            return combine == KroneckerCombine.Product ? KroneckerOperator.Product(factors) : KroneckerOperator.Sum(factors);
        }
        catch (ArgumentException e)
        {
            throw new ProblemFileException(_h.FilePath, path, ProblemFileError.SchemaViolation, e.Message, null, e);
        }
    }

    private StencilOperator ReadStencil(IH5Group g, string path, int rows, int cols, CancellationToken ct)
    {
        var gridShape = _h.IntegerAttribute(g, path, "grid_shape")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'grid_shape' is missing");
        int d = gridShape.Length;
        if (d is < 1 or > 3)
            throw _h.Error(path + "@grid_shape", ProblemFileError.SchemaViolation, $"a stencil grid has 1 to 3 axes, found {d}");
        long n = 1;
        foreach (long s in gridShape)
        {
            if (s < 1) throw _h.Error(path + "@grid_shape", ProblemFileError.SchemaViolation, $"axis length {s} < 1");
            if (s > int.MaxValue) throw _h.Error(path + "@grid_shape", ProblemFileError.LimitExceeded, $"axis length {s} exceeds 2^31 − 1");
            n = checked(n * s);
            if (n > int.MaxValue) throw _h.Error(path + "@grid_shape", ProblemFileError.LimitExceeded, $"the grid has more than 2^31 − 1 points");
        }

        if (rows != n || cols != n)
            throw _h.Error(path + "@shape", ProblemFileError.ShapeMismatch, $"shape ({rows}, {cols}) differs from the grid's ({n}, {n})");
        var boundaryTokens = _h.StringArrayAttribute(g, path, "boundary")
            ?? throw _h.Error(path, ProblemFileError.SchemaViolation, "required attribute 'boundary' is missing");
        if (boundaryTokens.Length != 1 && boundaryTokens.Length != d)
            throw _h.Error(path + "@boundary", ProblemFileError.SchemaViolation, $"needs 1 or {d} entries, found {boundaryTokens.Length}");
        var boundary = new StencilBoundary[d];
        for (int a = 0; a < d; a++)
        {
            string t = boundaryTokens[boundaryTokens.Length == 1 ? 0 : a];
            boundary[a] = t switch
            {
                "dirichlet" => StencilBoundary.Dirichlet,
                "neumann" => StencilBoundary.Neumann,
                "periodic" => StencilBoundary.Periodic,
                _ => throw _h.Error(path + "@boundary", ProblemFileError.SchemaViolation, $"unknown boundary '{t}' (dirichlet, neumann or periodic)"),
            };
        }

        if (_h.DoubleAttribute(g, path, "spacing") is { } spacing && spacing.Length != d)
            throw _h.Error(path + "@spacing", ProblemFileError.SchemaViolation, $"needs {d} entries, found {spacing.Length}");

        var od = _h.Dataset(H5Access.Join(path, "offsets"));
        if (od.Rank != 2 || od.Dims[1] != d || od.Dims[0] < 1 || od.Dims[0] > StencilOperator.MaxStencilSize)
            throw _h.Error(od.Path, ProblemFileError.ShapeMismatch, $"must be (s, {d}) with 1 ≤ s ≤ {StencilOperator.MaxStencilSize}, found {od.ShapeText}");
        int sCount = (int)od.Dims[0];
        var cd = _h.Dataset(H5Access.Join(path, "coefficients"));
        bool constant = cd.Rank == 1 && cd.Dims[0] == sCount;
        bool variable = cd.Rank == d + 1 && cd.Dims[0] == sCount && cd.Dims.Skip(1).SequenceEqual(gridShape);
        if (!constant && !variable)
            throw _h.Error(cd.Path, ProblemFileError.ShapeMismatch,
                $"must be ({sCount},) or ({sCount}, {string.Join(", ", gridShape)}), found {cd.ShapeText}");
        var offsets = _h.ReadIndices(od);
        for (int k = 0; k < sCount; k++)
        {
            for (int a = 0; a < d; a++)
            {
                long o = offsets[k * d + a];
                if (Math.Abs(o) >= gridShape[a])
                    throw _h.Error(od.Path, ProblemFileError.SchemaViolation, $"offset [{k}, {a}] = {o}, but |offset| must be < {gridShape[a]}");
            }

            for (int k2 = 0; k2 < k; k2++)
            {
                if (offsets.AsSpan(k * d, d).SequenceEqual(offsets.AsSpan(k2 * d, d)))
                    throw _h.Error(od.Path, ProblemFileError.SchemaViolation, $"offset rows {k2} and {k} are equal");
            }
        }

        ct.ThrowIfCancellationRequested();
        var coefficients = _h.ReadDoubles(cd, importer: false);
        SparseAssembly.ScanFinite(_h, cd.Path, coefficients, _repairs.AllowNonFinite, p => SparseAssembly.FlatPosition(p, cd.Dims));
        try
        {
            return new StencilOperator(gridShape.Select(x => (int)x).ToArray(), offsets, coefficients, boundary);
        }
        catch (ArgumentException e)
        {
            throw new ProblemFileException(_h.FilePath, path, ProblemFileError.SchemaViolation, e.Message, null, e);
        }
    }
}
