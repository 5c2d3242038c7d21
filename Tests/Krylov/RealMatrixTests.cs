using System.Globalization;
using NUnit.Framework;
using Solvers.IO.Text;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Preconditioners;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Krylov;

/// <summary>
/// CG and Jacobi-PCG on the real SuiteSparse matrices in ../shared/data/matrices, against the reference outcomes of
/// their MANIFEST.csv (b = A·1, x0 = 0, rtol 1e-8, at most 10n iterations; REL §10.7).
/// </summary>
[TestFixture]
public class RealMatrixTests
{
    public sealed record ManifestRow(string Name, int N, int Nnz, bool Spd, string Cg, string Jacobi, string File)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<ManifestRow> Rows()
    {
        string? dir = SharedData.MatricesDirectory;
        if (dir is null) yield break;
        foreach (var line in File.ReadLines(Path.Combine(dir, "MANIFEST.csv")).Skip(1))
        {
            var f = SplitCsv(line);
            yield return new ManifestRow(f[0], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture),
                f[5] == "1", f[7], f[8], f[9]);
        }
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(c);
        }

        fields.Add(cur.ToString());
        return fields;
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        var rows = Rows().ToList();
        if (rows.Count == 0)
        {
            yield return new TestCaseData(null!).SetName("SharedMatricesAbsent");
            yield break;
        }

        foreach (var r in rows) yield return new TestCaseData(r).SetName(r.Name);
    }

    private static CsrMatrix Load(ManifestRow row)
    {
        string path = Path.Combine(SharedData.MatricesDirectory!, row.File);
        if (row.File.EndsWith(".rsa", StringComparison.Ordinal) || row.File.EndsWith(".rua", StringComparison.Ordinal))
            return HarwellBoeingReader.Read(path).Matrix;
        var format = TextFormatDetector.Detect(path);
        var options = format == TextFormat.MatrixMarket ? null : new TextImportOptions { Triplets = true, Symmetry = "symmetric" };
        return MatrixMarketReader.Read(path, options).Matrix!;
    }

    private static int Reference(string cell) =>
        int.Parse(cell[(cell.IndexOf('@', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);

    [TestCaseSource(nameof(Cases))]
    public void CgAndJacobiPcg_MatchManifestOutcome(ManifestRow? row)
    {
        if (row is null) Assert.Ignore("../shared/data/matrices is not present beside the repository.");
        var a = Load(row!);
        Assert.That(a.Rows, Is.EqualTo(row!.N));
        Assert.That(a.NonZeroCount, Is.EqualTo(row.Nnz));
        var ones = new double[a.Columns];
        Array.Fill(ones, 1.0);
        var b = new double[a.Rows];
        a.Apply(ones, b);
        double bNorm = VectorMath.Norm2(b);
        var options = new SolverOptions { RelativeTolerance = 1e-8, MaxIterations = 10 * a.Rows, SymmetryCheck = SymmetryCheck.Off };

        var (x, cg) = ConjugateGradient.Solve(a, b, options);
        AssertOutcome(row.Cg, cg, a, x, b, bNorm, "CG");

        var jacobi = new JacobiPreconditioner();
        if (row.Jacobi.StartsWith("n/a", StringComparison.Ordinal))
        {
            // Manifest: "n/a (nonpositive diagonal)": Setup must refuse with the offending row.
            var ex = Assert.Throws<PreconditionerSetupException>(() => jacobi.Setup(a));
            var d = new double[a.Rows];
            a.CopyDiagonal(d);
            Assert.That(d[ex!.Row], Is.LessThanOrEqualTo(0.0), "the reported row has a non-positive diagonal");
            Assert.That(ex.Count, Is.EqualTo(d.Count(v => !(v > 0))));
            return;
        }

        jacobi.Setup(a);
        var (xj, pcg) = ConjugateGradient.Solve(a, b, options, jacobi);
        AssertOutcome(row.Jacobi, pcg, a, xj, b, bNorm, "Jacobi-PCG");
    }

    private static void AssertOutcome(string expected, SolverResult r, CsrMatrix a, double[] x, double[] b, double bNorm, string what)
    {
        Assert.That(x.All(double.IsFinite), Is.True, $"{what}: x stays finite");
        Assert.That(double.IsFinite(r.TrueResidualNorm), Is.True, $"{what}: the true residual is finite");
        // Independent recomputation of ‖b − A x‖.
        var ax = new double[a.Rows];
        a.Apply(x, ax);
        double res = Math.Sqrt(ax.Zip(b, (p, q) => (q - p) * (q - p)).Sum());
        Assert.That(r.TrueResidualNorm, Is.EqualTo(res).Within(1e-12 * bNorm + 1e-300), $"{what}: reported true residual");
        if (expected.StartsWith("converged@", StringComparison.Ordinal))
        {
            int reference = Reference(expected);
            Assert.That(r.Converged, Is.True, $"{what}: {r.Reason} after {r.Iterations}");
            Assert.That(res, Is.LessThanOrEqualTo(1e-8 * bNorm * 10), $"{what}: ‖b − Ax‖ ≤ 1e-8‖b‖ within the S2 slack (×10)");
            Assert.That(r.Iterations, Is.LessThanOrEqualTo((int)(1.5 * reference)), $"{what}: iterations vs the reference {reference} (≤ 1.5×)");
            TestContext.Out.WriteLine($"{what}: {r.Iterations} iterations (reference {reference}), relative residual {res / bNorm:E2}");
        }
        else
        {
            Assert.That(r.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator), $"{what}: {expected}");
            Assert.That(r.BreakdownValue, Is.LessThanOrEqualTo(0.0));
            if (expected.Contains('@', StringComparison.Ordinal))
                Assert.That(r.BreakdownIteration, Is.EqualTo(Reference(expected)), $"{what}: first pᵀAp ≤ 0 in the reference iteration");
        }
    }
}
