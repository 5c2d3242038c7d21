using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;
using Solvers.IO.Text;
using Solvers.Operators;

namespace Solvers.Tests.IO.Text;

/// <summary>
/// <see cref="RutherfordBoeingWriter"/>: every written file is read back by <see cref="HarwellBoeingReader"/> and must give
/// bit-identical CSR arrays (values compared by their bits, so -0.0 and subnormals count); general files are also read
/// by scipy's <c>hb_read</c> when <c>/usr/bin/python3</c> has scipy.
/// </summary>
[TestFixture]
public class RutherfordBoeingWriterTests
{
    private TextTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TextTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    /// <summary>Values that stress the format: extreme exponents (3 digits), subnormals, signed zeros, 17-digit values.</summary>
    private static readonly double[] Extremes =
    [
        1e-300, 1e300, -1e300, double.MaxValue, -double.MaxValue, double.Epsilon, -double.Epsilon, 2.2250738585072009e-308,
        2.2250738585072014e-308, 1e-308, 4.9406564584124654e-320, -0.0, 0.0, 0.1, 1.0 / 3, -2.0 / 3, 9007199254740993, 1e100,
        1e-100, 1e99, 9.9999999999999999e99, 0.30000000000000004, 123456789.12345679, -1e-10, 5e-324 * 7,
    ];

    /// <summary>A random finite double: uniform bits (any exponent, subnormals, zeros of both signs) or an extreme value.</summary>
    private static double RandomValue(Random rng)
    {
        int kind = rng.Next(4);
        if (kind == 0) return Extremes[rng.Next(Extremes.Length)];
        if (kind == 1) return (rng.NextDouble() * 2) - 1;
        while (true)
        {
            double v = BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue));
            if (double.IsFinite(v)) return v;
        }
    }

    private static CsrMatrix RandomMatrix(int rows, int cols, double density, int seed, Func<Random, double>? value = null)
    {
        var rng = new Random(seed);
        var r = new List<int>();
        var c = new List<int>();
        var v = new List<double>();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                if (rng.NextDouble() >= density) continue;
                r.Add(i);
                c.Add(j);
                v.Add((value ?? RandomValue)(rng));
            }
        }

        return CsrMatrix.FromCoordinates(rows, cols, r.ToArray(), c.ToArray(), v.ToArray(), sumDuplicates: false, out _);
    }

    /// <summary>An exactly symmetric matrix: a random lower triangle mirrored with the same bits.</summary>
    private static CsrMatrix RandomSymmetric(int n, double density, int seed)
    {
        var rng = new Random(seed);
        var r = new List<int>();
        var c = new List<int>();
        var v = new List<double>();
        for (int j = 0; j < n; j++)
        {
            for (int i = j; i < n; i++)
            {
                if (i != j && rng.NextDouble() >= density) continue;
                double x = RandomValue(rng);
                r.Add(i); c.Add(j); v.Add(x);
                if (i != j) { r.Add(j); c.Add(i); v.Add(x); }
            }
        }

        return CsrMatrix.FromCoordinates(n, n, r.ToArray(), c.ToArray(), v.ToArray(), sumDuplicates: false, out _);
    }

    private static void AssertBitIdentical(CsrMatrix expected, CsrMatrix actual)
    {
        Assert.That(actual.Rows, Is.EqualTo(expected.Rows), "rows");
        Assert.That(actual.Columns, Is.EqualTo(expected.Columns), "columns");
        Assert.That(actual.RowPointers.ToArray(), Is.EqualTo(expected.RowPointers.ToArray()), "row pointers");
        Assert.That(actual.ColumnIndices.ToArray(), Is.EqualTo(expected.ColumnIndices.ToArray()), "column indices");
        AssertBits(expected.Values, actual.Values, "values");
    }

    private static void AssertBits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what + " length");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]: expected {expected[i]:R}, read {actual[i]:R}"));
        }
    }

    private HarwellBoeingData WriteAndRead(string name, CsrMatrix a, bool symmetric = false, double[]? b = null, double[]? x0 = null, double[]? x = null)
    {
        string path = _files.PathOf(name);
        RutherfordBoeingWriter.Write(path, a, "RANDOM TEST MATRIX " + name, "RBTEST", symmetric, b, x0, x);
        return HarwellBoeingReader.Read(path);
    }

    private string[] Lines(string name) => File.ReadAllText(_files.PathOf(name)).Split('\n')[..^1];

    [TestCase(1, 30, 30, 0.15)]
    [TestCase(2, 64, 64, 0.05)]
    [TestCase(3, 5, 5, 0.9)]
    [TestCase(4, 200, 200, 0.02)]
    public void General_RoundTripsBitIdentically(int seed, int rows, int cols, double density)
    {
        var a = RandomMatrix(rows, cols, density, seed);
        var d = WriteAndRead("g.rua", a);
        Assert.That(d.TypeCode, Is.EqualTo("RUA"));
        Assert.That(d.Title, Is.EqualTo("RANDOM TEST MATRIX g.rua"));
        Assert.That(d.Key, Is.EqualTo("RBTEST"));
        Assert.That(d.Warnings.Where(w => !w.Contains("explicit zero", StringComparison.Ordinal)), Is.Empty);
        AssertBitIdentical(a, d.Matrix);
    }

    [TestCase(5, 40, 0.1)]
    [TestCase(6, 7, 0.8)]
    [TestCase(7, 150, 0.03)]
    public void Symmetric_WritesLowerTriangleAsRsa(int seed, int n, double density)
    {
        var a = RandomSymmetric(n, density, seed);
        Assert.That(RutherfordBoeingWriter.IsExactlySymmetric(a), Is.True);
        var d = WriteAndRead("s.rsa", a, symmetric: true);
        Assert.That(d.TypeCode, Is.EqualTo("RSA"));
        Assert.That(d.IsSymmetric, Is.True);
        int lower = 0;
        for (int i = 0; i < n; i++)
            for (int p = a.RowPointers[i]; p < a.RowPointers[i + 1]; p++)
                if (a.ColumnIndices[p] <= i) lower++;
        Assert.That(d.DeclaredEntries, Is.EqualTo(lower), "only the lower triangle is stored");
        AssertBitIdentical(a, d.Matrix);

        // Without the flag the same matrix is written in full as RUA.
        var g = WriteAndRead("s.rua", a);
        Assert.That(g.TypeCode, Is.EqualTo("RUA"));
        Assert.That(g.DeclaredEntries, Is.EqualTo(a.NonZeroCount));
        AssertBitIdentical(a, g.Matrix);
    }

    [TestCase("ulp")]
    [TestCase("signed-zero")]
    [TestCase("pattern")]
    public void SymmetricRequested_NotExactlySymmetric_WritesRua(string flaw)
    {
        var a = RandomSymmetric(12, 0.4, 11);
        var r = new List<int>();
        var c = new List<int>();
        var v = new List<double>();
        for (int i = 0; i < a.Rows; i++)
        {
            for (int p = a.RowPointers[i]; p < a.RowPointers[i + 1]; p++)
            {
                r.Add(i); c.Add(a.ColumnIndices[p]); v.Add(a.Values[p]);
            }
        }

        int at = Enumerable.Range(0, r.Count).First(k => r[k] > c[k]);
        int mirror = Enumerable.Range(0, r.Count).First(k => r[k] == c[at] && c[k] == r[at]);
        switch (flaw)
        {
            case "ulp":
                // The two sides differ in the last bit.
                v[at] = v[mirror] == double.MaxValue ? Math.BitDecrement(v[mirror]) : Math.BitIncrement(v[mirror]);
                break;
            case "signed-zero":
                // +0.0 opposite -0.0 compares equal but is not the same bits: the lower triangle would lose the sign.
                v[at] = 0.0;
                v[mirror] = -0.0;
                break;
            default:
                // An explicit zero without its mirror: numerically symmetric, structurally not.
                var (i0, j0) = Enumerable.Range(0, 12).SelectMany(i => Enumerable.Range(0, i).Select(j => (i, j)))
                    .First(e => !Enumerable.Range(0, r.Count).Any(k => (r[k] == e.i && c[k] == e.j) || (r[k] == e.j && c[k] == e.i)));
                r.Add(i0); c.Add(j0); v.Add(0.0);
                break;
        }

        var b = CsrMatrix.FromCoordinates(12, 12, r.ToArray(), c.ToArray(), v.ToArray(), sumDuplicates: false, out _);
        Assert.That(RutherfordBoeingWriter.IsExactlySymmetric(b), Is.False);
        Assert.That(RutherfordBoeingWriter.TypeCode(b, symmetric: true), Is.EqualTo("RUA"));
        var d = WriteAndRead("n.rb", b, symmetric: true);
        Assert.That(d.TypeCode, Is.EqualTo("RUA"));
        AssertBitIdentical(b, d.Matrix);
    }

    [TestCase(8, 7, 13)]
    [TestCase(9, 13, 7)]
    [TestCase(10, 1, 20)]
    [TestCase(11, 20, 1)]
    public void Rectangular_WritesRra(int seed, int rows, int cols)
    {
        var a = RandomMatrix(rows, cols, 0.3, seed);
        var d = WriteAndRead("r.rra", a, symmetric: true);
        Assert.That(d.TypeCode, Is.EqualTo("RRA"));
        AssertBitIdentical(a, d.Matrix);
    }

    [Test]
    public void EmptyColumnsAndRows_RoundTrip()
    {
        // Columns 0, 3, 4 and 9 and rows 1 and 9 are empty.
        var a = CsrMatrix.FromCoordinates(10, 10, [0, 2, 3, 5, 8, 0, 7], [1, 2, 5, 6, 7, 8, 2], [1.5, -0.0, 1e300, 1e-300, 4, 5e-324, -7],
            sumDuplicates: false, out _);
        var d = WriteAndRead("e.rua", a);
        AssertBitIdentical(a, d.Matrix);
        Assert.That(d.ExplicitZeros, Is.EqualTo(1), "the explicit -0.0 is kept as structure");
    }

    [TestCase(4, 6)]
    [TestCase(5, 5)]
    [TestCase(1, 1)]
    [TestCase(0, 0)]
    public void NoEntries_RoundTrips(int rows, int cols)
    {
        var a = CsrMatrix.FromCoordinates(rows, cols, [], [], [], sumDuplicates: false, out _);
        var d = WriteAndRead("z.rb", a, symmetric: true);
        Assert.That(d.Matrix.NonZeroCount, Is.Zero);
        AssertBitIdentical(a, d.Matrix);
        var lines = Lines("z.rb");
        Assert.That(lines[1].TrimEnd(), Is.EqualTo(I14(1) + I14(1) + I14(0) + I14(0) + I14(0)), "one pointer card, no index or value cards");
        Assert.That(lines, Has.Length.EqualTo(5));
        Assert.That(lines[4].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(Enumerable.Repeat("1", cols + 1)), "NCOL + 1 pointers, all 1");
    }

    private static string I14(long v) => v.ToString(CultureInfo.InvariantCulture).PadLeft(14);

    [Test]
    public void ExtremeValues_OnTheDiagonal_RoundTrip()
    {
        int n = Extremes.Length;
        var idx = Enumerable.Range(0, n).ToArray();
        var a = CsrMatrix.FromCoordinates(n, n, idx, idx, Extremes, sumDuplicates: false, out _);
        var d = WriteAndRead("x.rsa", a, symmetric: true);
        Assert.That(d.TypeCode, Is.EqualTo("RSA"));
        AssertBitIdentical(a, d.Matrix);
        var b = Extremes.Reverse().ToArray();
        var d2 = WriteAndRead("x.rua", a, b: b, x0: Extremes, x: b);
        AssertBits(b, d2.RightHandSide, "b");
        AssertBits(Extremes, d2.InitialGuess, "x0");
        AssertBits(b, d2.ExactSolution, "x");
    }

    [Test]
    public void FormatValue_HasSeventeenDigitsAndThreeDigitExponent()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RutherfordBoeingWriter.FormatValue(1.0), Is.EqualTo("0.10000000000000000E+001"));
            Assert.That(RutherfordBoeingWriter.FormatValue(-2.5), Is.EqualTo("-0.25000000000000000E+001"));
            Assert.That(RutherfordBoeingWriter.FormatValue(0.0), Is.EqualTo("0.00000000000000000E+000"));
            Assert.That(RutherfordBoeingWriter.FormatValue(-0.0), Is.EqualTo("-0.00000000000000000E+000"));
            Assert.That(RutherfordBoeingWriter.FormatValue(0.1), Is.EqualTo("0.10000000000000001E+000"));
            Assert.That(RutherfordBoeingWriter.FormatValue(1e300), Is.EqualTo("0.10000000000000001E+301"));
            Assert.That(RutherfordBoeingWriter.FormatValue(1e-300), Is.EqualTo("0.10000000000000000E-299"));
            Assert.That(RutherfordBoeingWriter.FormatValue(-double.MaxValue), Is.EqualTo("-0.17976931348623157E+309"));
            Assert.That(RutherfordBoeingWriter.FormatValue(double.Epsilon), Is.EqualTo("0.49406564584124654E-323"));
            Assert.That(RutherfordBoeingWriter.FormatValue(0.05), Is.EqualTo("0.50000000000000003E-001"));
        });

        // Every finite double (random bit patterns) fits 25 columns and parses back to the same bits, both with .NET's
        // parser and with the reader's field parser for the declared format.
        Assert.That(FortranFormat.TryParse(RutherfordBoeingWriter.ValueFormat, out var f, out string error), Is.True, error);
        Assert.That((f.PerLine, f.Kind, f.Width, f.Decimals), Is.EqualTo((3, 'E', 26, 17)));
        var rng = new Random(2024);
        for (int k = 0; k < 200_000; k++)
        {
            double v = k < Extremes.Length ? Extremes[k] : BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue));
            if (!double.IsFinite(v)) continue;
            string s = RutherfordBoeingWriter.FormatValue(v);
            Assert.That(s.Length, Is.LessThanOrEqualTo(25), s);
            double back = double.Parse(s, CultureInfo.InvariantCulture);
            Assert.That(f.TryParseReal(System.Text.Encoding.ASCII.GetBytes(s.PadLeft(26)), out double viaReader), Is.True, s);
            if (BitConverter.DoubleToInt64Bits(back) != BitConverter.DoubleToInt64Bits(v) || BitConverter.DoubleToInt64Bits(viaReader) != BitConverter.DoubleToInt64Bits(v))
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{v:R} written as {s} reads back as {back:R} / {viaReader:R}"));
        }
    }

    [Test]
    public void Header_HasFixedColumnsAndCardCounts()
    {
        // 3×4, 5 entries: pointers 1..6 need width 2 (40 per card), row indices 1..3 width 2, values 3 per card.
        var a = CsrMatrix.FromCoordinates(3, 4, [0, 2, 1, 0, 2], [0, 0, 1, 3, 3], [1, 2, 3, 4, 5], sumDuplicates: false, out _);
        string path = _files.PathOf("h.rra");
        RutherfordBoeingWriter.Write(path, a, "HEADER TEST", "HDR");
        var lines = Lines("h.rra");
        Assert.That(lines.Take(4).Select(l => l.Length), Is.All.EqualTo(80), "header cards are 80 columns");
        Assert.That(lines[0], Is.EqualTo("HEADER TEST".PadRight(72) + "HDR     "));
        Assert.That(lines[1].TrimEnd(), Is.EqualTo(I14(4) + I14(1) + I14(1) + I14(2) + I14(0)));
        Assert.That(lines[2].TrimEnd(), Is.EqualTo("RRA" + new string(' ', 11) + I14(3) + I14(4) + I14(5) + I14(0)));
        Assert.That(lines[3].TrimEnd(), Is.EqualTo("(40I2)".PadRight(16) + "(40I2)".PadRight(16) + "(3E26.17)"));
        Assert.That(lines[4], Is.EqualTo(" 1 3 4 4 6"));
        Assert.That(lines[5], Is.EqualTo(" 1 3 2 1 3"));
        Assert.That(lines[6], Is.EqualTo("  0.10000000000000000E+001  0.20000000000000000E+001  0.30000000000000000E+001"));
        Assert.That(lines[6].Length, Is.EqualTo(78), "a full value card is exactly 3 × 26 columns");
        Assert.That(lines[7].Length, Is.EqualTo(52));
        Assert.That(lines, Has.Length.EqualTo(8));
    }

    [Test]
    public void LargeIndices_WidenTheIntegerFormat()
    {
        var a = CsrMatrix.FromCoordinates(123_456, 3, [0, 123_455, 77], [0, 1, 2], [1, 2, 3], sumDuplicates: false, out _);
        var d = WriteAndRead("w.rra", a);
        AssertBitIdentical(a, d.Matrix);
        Assert.That(Lines("w.rra")[3], Does.StartWith("(40I2)".PadRight(16) + "(11I7)".PadRight(16)));
    }

    [TestCase(true, true)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(false, false)]
    public void RightHandSideBlock_RoundTrips(bool guess, bool exact)
    {
        var a = RandomMatrix(25, 25, 0.2, 12);
        var rng = new Random(13);
        double[] V() => Enumerable.Range(0, 25).Select(_ => RandomValue(rng)).ToArray();
        double[] b = V(), x0 = V(), x = V();
        string path = _files.PathOf("rhs.rua");
        RutherfordBoeingWriter.Write(path, a, "RHS TEST", "RHS", false, b, guess ? x0 : null, exact ? x : null);
        var d = HarwellBoeingReader.Read(path);
        AssertBitIdentical(a, d.Matrix);
        Assert.That(d.RightHandSideCount, Is.EqualTo(1));
        AssertBits(b, d.RightHandSide, "b");
        if (guess) AssertBits(x0, d.InitialGuess, "x0"); else Assert.That(d.InitialGuess, Is.Null);
        if (exact) AssertBits(x, d.ExactSolution, "x"); else Assert.That(d.ExactSolution, Is.Null);

        var lines = Lines("rhs.rua");
        int perVector = 9; // 25 values, 3 per card
        int vectors = 1 + (guess ? 1 : 0) + (exact ? 1 : 0);
        Assert.That(lines[1][56..70].Trim(), Is.EqualTo((perVector * vectors).ToString(CultureInfo.InvariantCulture)), "RHSCRD");
        Assert.That(lines[3][52..72].Trim(), Is.EqualTo(RutherfordBoeingWriter.ValueFormat), "RHSFMT");
        Assert.That(lines[4][..3], Is.EqualTo("F" + (guess ? "G" : " ") + (exact ? "X" : " ")));
        Assert.That(lines[4][14..28].Trim(), Is.EqualTo("1"), "NRHS");

        var p = HarwellBoeingReader.ReadProblem(path);
        AssertBits(b, p.GetRightHandSide(0), "problem b");
        Assert.That(p.Report.Warnings, Has.None.Contains("right-hand side in the file"));
        if (guess) AssertBits(x0, p.GetInitialGuess(0), "problem x0");
        if (exact) AssertBits(x, p.GetExactSolution(0), "problem x_exact");
    }

    [Test]
    public void SymmetricWithRightHandSide_RoundTrips()
    {
        var a = RandomSymmetric(30, 0.2, 14);
        var b = Enumerable.Range(0, 30).Select(i => i * 0.1 - 1).ToArray();
        var d = WriteAndRead("srhs.rsa", a, symmetric: true, b: b, x: b);
        Assert.That(d.TypeCode, Is.EqualTo("RSA"));
        AssertBitIdentical(a, d.Matrix);
        AssertBits(b, d.RightHandSide, "b");
        AssertBits(b, d.ExactSolution, "x");
    }

    [Test]
    public void Overwrite_ReplacesTheFileAndLeavesNoTemporaryFile()
    {
        string path = _files.Write("o.rua", "old content\n");
        var a = RandomMatrix(6, 6, 0.5, 15);
        RutherfordBoeingWriter.Write(path, a, "T", "K");
        AssertBitIdentical(a, HarwellBoeingReader.Read(path).Matrix);
        Assert.That(Directory.GetFiles(_files.Directory), Is.EqualTo(new[] { path }), "no temporary file is left behind");
    }

    private static IEnumerable<TestCaseData> BadArguments()
    {
        var a = CsrMatrix.FromCoordinates(2, 2, [0, 1], [0, 1], [1.0, 2.0], sumDuplicates: false, out _);
        var r = CsrMatrix.FromCoordinates(2, 3, [0, 1], [0, 1], [1.0, 2.0], sumDuplicates: false, out _);
        var nan = CsrMatrix.FromCoordinates(2, 2, [0, 1], [0, 1], [1.0, double.NaN], sumDuplicates: false, out _);
        var inf = CsrMatrix.FromCoordinates(2, 2, [0, 1], [0, 1], [double.NegativeInfinity, 1.0], sumDuplicates: false, out _);
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, nan, "T", "K")), "NaN").SetName("NaN value");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, inf, "T", "K")), "infinite").SetName("Infinite value");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "T", "K", false, [1, double.PositiveInfinity])), "right-hand-side entry 1").SetName("Infinite b");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "T", "K", false, [1, 2], [double.NaN, 0])), "starting-guess entry 0").SetName("NaN x0");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "T", "K", false, [1, 2], null, [0, double.NaN])), "exact-solution entry 1").SetName("NaN x");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, new string('t', 73), "K")), "at most 72").SetName("Long title");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "T", "KEY456789")), "at most 8").SetName("Long key");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "line\nbreak", "K")), "printable ASCII").SetName("Newline in title");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "T", "clé")), "printable ASCII").SetName("Non-ASCII key");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "T", "K", false, null, [1, 2])), "together with a right-hand side").SetName("Guess without b");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, a, "T", "K", false, [1, 2, 3])), "length 3").SetName("Wrong b length");
        yield return new TestCaseData(new Action<string>(p => RutherfordBoeingWriter.Write(p, r, "T", "K", false, [1, 2], null, [1, 2])), "NROW").SetName("Solution of a rectangular matrix");
    }

    [TestCaseSource(nameof(BadArguments))]
    public void BadArguments_ThrowArgumentExceptionAndWriteNothing(Action<string> write, string message)
    {
        string path = _files.PathOf("bad.rua");
        var e = Assert.Throws<ArgumentException>(() => write(path));
        Assert.That(e!.Message, Does.Contain(message));
        Assert.That(Directory.GetFiles(_files.Directory), Is.Empty);
    }

    private const string ScipyScript = """
import sys
import numpy as np
import scipy.io
for path in sys.argv[1:]:
    a = scipy.io.hb_read(path)
    y = a @ np.ones(a.shape[1])
    print(a.shape[0], a.shape[1], a.nnz, " ".join(repr(float(v)) for v in y))
""";

    private static bool PythonHasScipy()
    {
        if (!File.Exists("/usr/bin/python3")) return false;
        var r = RunProcess("/usr/bin/python3", ["-c", "import scipy.io"], null);
        return r.Code == 0;
    }

    private static (int Code, string Output) RunProcess(string exe, string[] args, string? stdin)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var s in args) psi.ArgumentList.Add(s);
        using var p = Process.Start(psi)!;
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("python3 did not finish within 2 minutes");
        }

        p.WaitForExit();
        return (p.ExitCode, o.Result + e.Result);
    }

    /// <summary>
    /// scipy 1.10's <c>hb_read</c> reads only unsymmetric assembled matrices without a right-hand side, reads each
    /// section as its full cards (exactly <c>repeat × width</c> columns) plus the last line, and splits fields on blanks.
    /// A·1 computed by scipy must match the suite's to 1e-15 relative per row (both sum each row in column order).
    /// </summary>
    [Test]
    public void Scipy_HbRead_ReadsGeneralFiles()
    {
        if (!PythonHasScipy())
            Assert.Ignore("/usr/bin/python3 cannot import scipy.io (install python3-scipy): scipy cross-check skipped");
        var rng = new Random(16);
        // Values bounded so that A·1 stays finite: random magnitudes 1e-300 … 1e300, subnormals, signed zeros.
        double Bounded(Random r)
        {
            if (r.Next(5) == 0)
            {
                double e = Extremes[r.Next(Extremes.Length)];
                return Math.Abs(e) <= 1e300 ? e : -1e-300;
            }

            return (r.NextDouble() - 0.5) * Math.Pow(10, r.Next(-300, 300));
        }

        var matrices = new[]
        {
            RandomMatrix(40, 40, 0.1, 17, Bounded),
            RandomMatrix(300, 300, 0.01, 18, Bounded),
            RandomMatrix(9, 9, 0.6, 19, _ => rng.Next(-5, 5)),
            RandomSymmetric(20, 0.2, 20), // written in full (RUA): scipy reads no RSA files
        };
        var sym = matrices[3];
        for (int i = 0; i < sym.Values.Length; i++)
            if (Math.Abs(sym.Values[i]) > 1e300) sym.MutableValues[i] = 1;
        var paths = new List<string>();
        for (int k = 0; k < matrices.Length; k++)
        {
            string path = _files.PathOf($"scipy{k}.rua");
            RutherfordBoeingWriter.Write(path, matrices[k], "SCIPY CROSS-CHECK", "SCIPY" + k);
            paths.Add(path);
        }

        var r = RunProcess("/usr/bin/python3", ["-", .. paths], ScipyScript);
        Assert.That(r.Code, Is.Zero, r.Output);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => char.IsAsciiDigit(l[0])).ToArray();
        Assert.That(lines, Has.Length.EqualTo(matrices.Length), r.Output);
        for (int k = 0; k < matrices.Length; k++)
        {
            var a = matrices[k];
            var f = lines[k].Split(' ');
            Assert.That((int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture)),
                Is.EqualTo((a.Rows, a.Columns, a.NonZeroCount)), $"matrix {k}: shape and nnz (explicit zeros kept)");
            var y = new double[a.Rows];
            a.Apply(Enumerable.Repeat(1.0, a.Columns).ToArray(), y);
            for (int i = 0; i < a.Rows; i++)
            {
                double scale = 0;
                for (int p = a.RowPointers[i]; p < a.RowPointers[i + 1]; p++) scale += Math.Abs(a.Values[p]);
                double s = double.Parse(f[3 + i], CultureInfo.InvariantCulture);
                Assert.That(Math.Abs(s - y[i]), Is.LessThanOrEqualTo(1e-15 * scale), $"matrix {k}, row {i}: scipy {s:R}, suite {y[i]:R}");
            }
        }
    }
}
