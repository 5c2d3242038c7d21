using System.Globalization;
using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>Wraps an imported matrix as a <see cref="LinearProblem"/> with the provenance of PS §10.9.</summary>
internal static class ProblemFactory
{
    public static LinearProblem Create(string path, string format, string importer, CsrMatrix a, string name,
        double[,]? b, double[,]? xExact, double[,]? x0, bool symmetric, List<string> warnings, string sha256,
        IReadOnlyDictionary<string, string> extraMeta, long bytesRead, TimeSpan elapsed)
    {
        if (symmetric && (a.Properties & OperatorProperties.Symmetric) == 0) a = a.WithProperties(a.Properties | OperatorProperties.Symmetric);
        bool single = true;
        if (b is null)
        {
            double[] x;
            if (xExact is not null)
            {
                x = new double[a.Columns];
                for (int i = 0; i < x.Length; i++) x[i] = xExact[0, i];
                warnings.Add("no right-hand side in the file; using b = A·x_exact");
            }
            else
            {
                x = new double[a.Columns];
                Array.Fill(x, 1.0);
                xExact = LinearProblem.AsBlock(x);
                warnings.Add("no right-hand side in the file; using b = A·1");
            }

            var y = new double[a.Rows];
            a.Apply(x, y);
            b = LinearProblem.AsBlock(y);
        }
        else
        {
            single = b.GetLength(0) == 1;
        }

        var report = new LoadReport { Format = format, BytesRead = bytesRead, Elapsed = elapsed };
        report.Warnings.AddRange(warnings);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in extraMeta) meta[kv.Key] = kv.Value;
        meta["source_sha256"] = sha256;
        meta["importer"] = importer;
        meta["import_warnings"] = string.Join("\n", warnings);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["source"] = string.Create(CultureInfo.InvariantCulture, $"{format}:{Path.GetFileName(path)}"),
            ["symmetric"] = symmetric ? "1" : "0",
        };
        var kind = a.Rows == a.Columns ? ProblemKind.LinearSystem : ProblemKind.LeastSquares;
        return new LinearProblem("000000", name, kind, a, b, xExact, x0, null, null,
            new Dictionary<string, double[]>(StringComparer.Ordinal), meta, report)
        {
            Attributes = attributes,
            IsSingleRightHandSide = single,
        };
    }
}
