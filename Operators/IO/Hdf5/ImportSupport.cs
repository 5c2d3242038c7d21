using System.Diagnostics;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>Shared steps of the HDF5 importers (PS §10.1, §10.9): vectors, default b, provenance.</summary>
internal static class ImportSupport
{
    /// <summary>Builds the imported problem with provenance and the default b = A·1 when b is absent.</summary>
    public static LinearProblem Build(H5Access h, string format, string objectPath, string id, string name, ILinearOperator a,
        double[,]? b, bool bIsVector, double[,]? x0, double[,]? xExact, Dictionary<string, string> meta, LoadReport report,
        Stopwatch sw)
    {
        if (b is null)
        {
            var ones = new double[a.Columns];
            Array.Fill(ones, 1.0);
            var y = new double[a.Rows];
            a.Apply(ones, y);
            b = LinearProblem.AsBlock(y);
            bIsVector = true;
            xExact ??= LinearProblem.AsBlock(ones);
            h.Warn("no right-hand side in the file; using b = A·1 (x_exact = ones)");
        }

        if (b.GetLength(1) != a.Rows)
            throw h.Error(objectPath, ProblemFileError.ShapeMismatch, $"b has length {b.GetLength(1)}, but A has {a.Rows} rows");
        foreach (var (label, m) in new[] { ("x0", x0), ("x_exact", xExact) })
        {
            if (m is null) continue;
            if (m.GetLength(1) != a.Columns)
                throw h.Error(objectPath, ProblemFileError.ShapeMismatch, $"{label} has length {m.GetLength(1)}, but A has {a.Columns} columns");
            if (m.GetLength(0) != 1 && m.GetLength(0) != b.GetLength(0))
                throw h.Error(objectPath, ProblemFileError.ShapeMismatch, $"{label} holds {m.GetLength(0)} vectors, but b holds {b.GetLength(0)}");
        }

        string fileName = Path.GetFileName(h.FilePath);
        meta["source_sha256"] = ResultFileWriter.Sha256(h.FilePath);
        meta["importer"] = $"{format} importer, solvers {H5WriteHelpers.SuiteVersion}";
        if (report.Warnings.Count > 0) meta["import_warnings"] = string.Join("\n", report.Warnings);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kind"] = a.Rows == a.Columns ? "linear_system" : "least_squares",
            ["name"] = name,
            ["source"] = $"{format}:{fileName}#{objectPath}",
        };
        report.Format = format;
        report.Elapsed = sw.Elapsed;
        if (a is CsrMatrix csr && csr.Rows == csr.Columns && !csr.Properties.HasFlag(OperatorProperties.Symmetric) && csr.IsSymmetric(0.0))
            a = csr.WithProperties(OperatorProperties.Symmetric);
        return new LinearProblem(id, name, a.Rows == a.Columns ? ProblemKind.LinearSystem : ProblemKind.LeastSquares, a, b, xExact, x0,
            null, null, new Dictionary<string, double[]>(), meta, report)
        {
            Attributes = attributes,
            IsSingleRightHandSide = bIsVector,
        };
    }

    /// <summary>Reads an optional plain vector dataset (n,) or block (k, n) for the generic importers.</summary>
    public static (double[,]? Block, bool IsVector) ReadPlainBlock(H5Access h, string? path, bool allowNonFinite)
    {
        if (path is null) return (null, false);
        var d = h.TryDataset(path) ?? throw h.Error(path, ProblemFileError.NotFound, "dataset not found");
        if (d.Rank is not (1 or 2))
            throw h.Error(path, ProblemFileError.ShapeMismatch, $"must be (n,) or (k, n), found {d.ShapeText}");
        var flat = h.ReadDoubles(d, importer: true, warnF32: false);
        SparseAssembly.ScanFinite(h, path, flat, allowNonFinite, p => SparseAssembly.FlatPosition(p, d.Dims));
        long k = d.Rank == 2 ? d.Dims[0] : 1;
        long n = d.Dims[^1];
        var m = new double[k, n];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return (m, d.Rank == 1);
    }
}
