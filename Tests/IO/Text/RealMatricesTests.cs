using System.Text;
using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Text;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.IO.Text;

/// <summary>
/// The eight SuiteSparse matrices of <c>shared/data/matrices</c>, read from there (never copied). Shapes and nnz
/// (full storage) are compared exactly with MANIFEST.csv; symmetry is checked with
/// <see cref="CsrMatrix.IsSymmetric"/> at its default relative tolerance 1e-12.
/// </summary>
[TestFixture]
public class RealMatricesTests
{
    /// <summary>The flags each file needs: nos4 and mesh2e1 are header-less triplets of the lower triangle.</summary>
    private static readonly Dictionary<string, TextImportOptions> Flags = new(StringComparer.Ordinal)
    {
        ["nos4.mtx"] = new TextImportOptions { Triplets = true, Symmetry = "symmetric" },
        ["mesh2e1.mtx"] = new TextImportOptions { Triplets = true, Symmetry = "symmetric" },
    };

    public sealed record ManifestRow(string Name, int N, int Nnz, bool Symmetric, string File);

    private static string Directory()
    {
        string? dir = SharedData.MatricesDirectory;
        if (dir is null)
            Assert.Ignore($"shared matrices not found (looked for <repository root>/../shared/data/matrices from {SharedData.RepositoryRoot}; set SOLVERS_SHARED_DIR to override)");
        return dir!;
    }

    private static List<ManifestRow> Manifest(string dir)
    {
        var rows = new List<ManifestRow>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "MANIFEST.csv")).Skip(1))
        {
            if (line.Trim().Length == 0) continue;
            var f = SplitCsv(line);
            rows.Add(new ManifestRow(f[0], int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), f[4] == "1", f[9]));
        }

        return rows;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }

        fields.Add(sb.ToString());
        return fields;
    }

    private static CsrMatrix Load(string dir, ManifestRow row, out IReadOnlyList<string> warnings)
    {
        string path = Path.Combine(dir, row.File);
        if (row.File.EndsWith(".mtx", StringComparison.Ordinal))
        {
            var d = MatrixMarketReader.Read(path, Flags.GetValueOrDefault(row.File));
            warnings = d.Warnings;
            return d.Matrix!;
        }

        var hb = HarwellBoeingReader.Read(path);
        warnings = hb.Warnings;
        return hb.Matrix;
    }

    [Test]
    public void AllEightMatrices_LoadWithManifestShapesAndSymmetry()
    {
        string dir = Directory();
        var manifest = Manifest(dir);
        Assert.That(manifest, Has.Count.EqualTo(8));
        Assert.Multiple(() =>
        {
            foreach (var row in manifest)
            {
                var a = Load(dir, row, out var warnings);
                Assert.That(a.Rows, Is.EqualTo(row.N), row.Name + " rows");
                Assert.That(a.Columns, Is.EqualTo(row.N), row.Name + " columns");
                Assert.That(a.NonZeroCount, Is.EqualTo(row.Nnz), row.Name + " nnz (full storage)");
                Assert.That(a.IsSymmetric(), Is.EqualTo(row.Symmetric), row.Name + " symmetric (rel. tol. 1e-12)");
                Assert.That(a.Values.ToArray().All(double.IsFinite), Is.True, row.Name + " finite");
                TestContext.Out.WriteLine($"{row.Name}: {a}; warnings: {string.Join(" | ", warnings)}");
            }
        });
    }

    [TestCase("nos4.mtx")]
    [TestCase("mesh2e1.mtx")]
    public void HeaderlessTriplets_WithoutFlags_AreRefusedWithTheHint(string file)
    {
        string path = Path.Combine(Directory(), file);
        var ex = MatrixMarketReaderTests.ExpectProblemFileException(() => MatrixMarketReader.Read(path));
        Assert.That(ex.Error, Is.EqualTo(ProblemFileError.UnsupportedFormat));
        Assert.That(ex.Message, Does.Contain("--triplets").And.Contain("--symmetry symmetric"));
        var ex2 = MatrixMarketReaderTests.ExpectProblemFileException(() => MatrixMarketReader.Read(path, new TextImportOptions { Triplets = true }));
        Assert.That(ex2.Error, Is.EqualTo(ProblemFileError.SchemaViolation));
        Assert.That(ex2.Message, Does.Contain("--symmetry symmetric"));
        Assert.That(TextFormatDetector.Detect(path), Is.EqualTo(TextFormat.Triplets));
    }

    [Test]
    public void IntegerField_Gr3030_LoadsAsIntegers()
    {
        var d = MatrixMarketReader.Read(Path.Combine(Directory(), "gr_30_30.mtx"));
        Assert.That(d.Field, Is.EqualTo("integer"));
        Assert.That(d.Matrix!.Values.ToArray().All(v => v == Math.Round(v)), Is.True, "integer values (exact)");
        Assert.That(d.Matrix[0, 0], Is.EqualTo(8.0), "exact");
    }

    [Test]
    public void EveryFile_ReadProblemGivesBEqualToAOnesAndDetectionMatches()
    {
        string dir = Directory();
        foreach (var row in Manifest(dir))
        {
            string path = Path.Combine(dir, row.File);
            bool mtx = row.File.EndsWith(".mtx", StringComparison.Ordinal);
            var p = mtx ? MatrixMarketReader.ReadProblem(path, Flags.GetValueOrDefault(row.File)) : HarwellBoeingReader.ReadProblem(path);
            var y = new double[p.A.Rows];
            p.A.Apply(Enumerable.Repeat(1.0, p.A.Columns).ToArray(), y);
            Assert.That(p.GetRightHandSide(0), Is.EqualTo(y), row.Name + ": b = A·1 (exact)");
            Assert.That(p.Attributes["symmetric"], Is.EqualTo(row.Symmetric ? "1" : "0"), row.Name);
            Assert.That(p.Kind, Is.EqualTo(ProblemKind.LinearSystem));
            var expected = mtx ? (Flags.ContainsKey(row.File) ? TextFormat.Triplets : TextFormat.MatrixMarket) : TextFormat.HarwellBoeing;
            Assert.That(TextFormatDetector.Detect(path), Is.EqualTo(expected), row.Name + " detection");
        }
    }
}
