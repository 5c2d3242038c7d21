using System.Globalization;
using NUnit.Framework;
using Solvers.IO.Text;
using Solvers.Operators;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Cli;

/// <summary>
/// <c>solvers convert</c> to and from Rutherford-Boeing (<c>.rb</c>, <c>.rsa</c>, <c>.rua</c>, <c>.rra</c>) and the Matrix
/// Market companions <c>&lt;stem&gt;_b.mtx</c> / <c>&lt;stem&gt;_x.mtx</c>, run as child processes. Matrices must survive
/// every chain bit for bit (values compared by their bits).
/// </summary>
[TestFixture]
[NonParallelizable]
public class ConvertRutherfordBoeingTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-cli-rb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private string P(string name) => Path.Combine(_dir, name);

    private static void Convert(params string[] args)
    {
        var o = CliRunner.Run(["convert", .. args]);
        Assert.That(o.ExitCode, Is.EqualTo(0), "solvers convert " + string.Join(' ', args) + "\n" + o.All);
    }

    private static readonly double[] Tricky =
    [
        -0.0, 0.0, 1e300, -1e-300, double.Epsilon, 2.2250738585072009e-308, 0.1, 1.0 / 3, -123456789.12345679, 9007199254740993, 1e-100,
    ];

    /// <summary>A random matrix with tricky values (signed zeros kept as explicit entries, subnormals, 3-digit exponents).</summary>
    private static CsrMatrix Random(int rows, int cols, int seed, bool symmetric = false)
    {
        var rng = new Random(seed);
        var r = new List<int>();
        var c = new List<int>();
        var v = new List<double>();
        for (int i = 0; i < rows; i++)
        {
            for (int j = symmetric ? i : 0; j < cols; j++)
            {
                if (i != j && rng.NextDouble() > 0.2) continue;
                double x = rng.Next(3) == 0 ? Tricky[rng.Next(Tricky.Length)] : (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 20));
                if (i == j && x == 0) x = 4; // keep b = A·1 free of exact cancellations on the diagonal
                r.Add(i); c.Add(j); v.Add(x);
                if (symmetric && i != j) { r.Add(j); c.Add(i); v.Add(x); }
            }
        }

        return CsrMatrix.FromCoordinates(rows, cols, r.ToArray(), c.ToArray(), v.ToArray(), sumDuplicates: false, out _);
    }

    private static void AssertBitIdentical(CsrMatrix expected, CsrMatrix actual, string what)
    {
        Assert.That((actual.Rows, actual.Columns), Is.EqualTo((expected.Rows, expected.Columns)), what + ": shape");
        Assert.That(actual.RowPointers.ToArray(), Is.EqualTo(expected.RowPointers.ToArray()), what + ": row pointers");
        Assert.That(actual.ColumnIndices.ToArray(), Is.EqualTo(expected.ColumnIndices.ToArray()), what + ": column indices");
        AssertBits(expected.Values, actual.Values, what + ": values");
    }

    private static void AssertBits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what + " length");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}"));
    }

    private static string Card(string path, int line) => File.ReadLines(path).ElementAt(line);

    [Test]
    public void MatrixMarket_ToRutherfordBoeing_ToNative_ToMatrixMarket_IsBitExact()
    {
        var a = Random(30, 30, 1);
        MatrixMarketWriter.Write(P("a.mtx"), a, "random test matrix");
        Convert(P("a.mtx"), P("a.rb"));
        Assert.That(Card(P("a.rb"), 2), Does.StartWith("RUA"));
        Assert.That(Card(P("a.rb"), 1)[56..70].Trim(), Is.EqualTo("0"), "b = A·1 from the importer: no right-hand-side block");
        AssertBitIdentical(a, HarwellBoeingReader.Read(P("a.rb")).Matrix, "a.rb");

        Convert(P("a.rb"), P("a.h5"));
        Convert(P("a.h5"), P("back.mtx"));
        AssertBitIdentical(a, MatrixMarketReader.Read(P("back.mtx")).Matrix!, "back.mtx");
        Assert.That(File.Exists(P("back_b.mtx")) || File.Exists(P("back_x.mtx")), Is.False, "b = A·1 and x_exact = 1 need no companion files");
    }

    [Test]
    public void SymmetricWithKeepTriangle_WritesRsa_AndSurvivesTheChain()
    {
        var a = Random(25, 25, 2, symmetric: true);
        MatrixMarketWriter.Write(P("s.mtx"), a, symmetric: true);
        Convert(P("s.mtx"), P("s.rb"), "--keep-triangle");
        Assert.That(Card(P("s.rb"), 2), Does.StartWith("RSA"));
        var d = HarwellBoeingReader.Read(P("s.rb"));
        Assert.That(d.DeclaredEntries, Is.EqualTo((a.NonZeroCount + 25) / 2), "lower triangle only");
        AssertBitIdentical(a, d.Matrix, "s.rb");

        Convert(P("s.mtx"), P("full.rb"));
        Assert.That(Card(P("full.rb"), 2), Does.StartWith("RUA"), "without --keep-triangle .rb stores every entry");

        Convert(P("s.rb"), P("s.h5"), "--keep-triangle");
        Convert(P("s.h5"), P("s2.rsa"));
        AssertBitIdentical(a, HarwellBoeingReader.Read(P("s2.rsa")).Matrix, "s2.rsa");
        Convert(P("s2.rsa"), P("s2.mtx"), "--keep-triangle");
        StringAssert.StartsWith("%%MatrixMarket matrix coordinate real symmetric", File.ReadAllText(P("s2.mtx")));
        AssertBitIdentical(a, MatrixMarketReader.Read(P("s2.mtx")).Matrix!, "s2.mtx");
    }

    [Test]
    public void Extension_MustMatchTheMatrix()
    {
        MatrixMarketWriter.Write(P("g.mtx"), Random(6, 6, 3), symmetric: false);
        MatrixMarketWriter.Write(P("r.mtx"), Random(4, 7, 4));
        foreach (var (input, output, message) in new[]
        {
            ("g.mtx", "g.rsa", "exactly symmetric"),
            ("r.mtx", "r.rua", "not square"),
            ("g.mtx", "g.rra", "is square"),
            ("g.mtx", "g.rbx", "unknown output extension"),
        })
        {
            var o = CliRunner.Run("convert", P(input), P(output));
            Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
            Assert.That(o.Stderr, Does.Contain(message));
            Assert.That(File.Exists(P(output)), Is.False);
        }

        Convert(P("r.mtx"), P("r.rra"));
        Assert.That(Card(P("r.rra"), 2), Does.StartWith("RRA"));
        AssertBitIdentical(MatrixMarketReader.Read(P("r.mtx")).Matrix!, HarwellBoeingReader.Read(P("r.rra")).Matrix, "r.rra");
    }

    [Test]
    public void RightHandSideAndSolution_TravelAsRhsBlockAndCompanionFiles()
    {
        var a = Random(20, 20, 5);
        var rng = new Random(6);
        var b = Enumerable.Range(0, 20).Select(_ => (rng.NextDouble() - 0.5) * 1e-7).ToArray();
        b[3] = -0.0;
        b[4] = 1e300;
        var x = Enumerable.Range(0, 20).Select(i => Math.Sqrt(i + 1)).ToArray();
        MatrixMarketWriter.Write(P("p.mtx"), a);
        MatrixMarketWriter.WriteVector(P("p_b.mtx"), b);
        MatrixMarketWriter.WriteVector(P("p_x.mtx"), x);

        Convert(P("p.mtx"), P("p.rua"));
        Assert.That(Card(P("p.rua"), 4)[..3], Is.EqualTo("F X"), "b and x_exact, no starting guess");
        var d = HarwellBoeingReader.Read(P("p.rua"));
        AssertBitIdentical(a, d.Matrix, "p.rua");
        AssertBits(b, d.RightHandSide, "p.rua b");
        AssertBits(x, d.ExactSolution, "p.rua x_exact");

        Convert(P("p.rua"), P("p.h5"));
        Convert(P("p.h5"), P("q.mtx"));
        Assert.That(File.Exists(P("q_b.mtx")) && File.Exists(P("q_x.mtx")), Is.True, "companions next to q.mtx");
        StringAssert.StartsWith("%%MatrixMarket matrix array real general", File.ReadAllText(P("q_b.mtx")));
        var q = MatrixMarketReader.ReadProblem(P("q.mtx"));
        AssertBitIdentical(a, (CsrMatrix)q.A, "q.mtx");
        AssertBits(b, q.GetRightHandSide(0), "q_b.mtx");
        AssertBits(x, q.GetExactSolution(0), "q_x.mtx");
        Assert.That(q.Report.Warnings, Has.None.Contains("no right-hand side"));
    }

    [TestCase("bcsstk01.rsa", ".rsa", "RSA", 224)]
    [TestCase("west0067.rua", ".rua", "RUA", 294)]
    public void SharedHarwellBoeingFile_ToMatrixMarketAndBack(string file, string ext, string type, int stored)
    {
        string? dir = SharedData.MatricesDirectory;
        if (dir is null) Assert.Ignore("shared matrices not found; set SOLVERS_SHARED_DIR (the directory holding data/matrices)");
        string source = Path.Combine(dir!, file);
        if (!File.Exists(source)) Assert.Ignore($"{source} is missing");
        var original = HarwellBoeingReader.Read(source);

        Convert(source, P("m.mtx"), "--keep-triangle");
        Assert.That(File.Exists(P("m_b.mtx")), Is.False, "the file has no right-hand side: b = A·1 is not exported");
        AssertBitIdentical(original.Matrix, MatrixMarketReader.Read(P("m.mtx")).Matrix!, "m.mtx");

        Convert(P("m.mtx"), P("back" + ext));
        var back = HarwellBoeingReader.Read(P("back" + ext));
        Assert.That(back.TypeCode, Is.EqualTo(type));
        Assert.That(back.DeclaredEntries, Is.EqualTo(stored));
        Assert.That(back.DeclaredEntries, Is.EqualTo(original.DeclaredEntries));
        Assert.That(back.Key, Is.EqualTo("m"), "the key comes from the Matrix Market problem's name (its file stem)");
        AssertBitIdentical(original.Matrix, back.Matrix, "back" + ext);
    }
}
