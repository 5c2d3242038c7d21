using NUnit.Framework;
using Solvers.IO.Text;
using Solvers.Operators;

namespace Solvers.Tests.IO.Text;

/// <summary>Writer → reader round trips must be bit-identical (tolerance 0).</summary>
[TestFixture]
public class MatrixMarketWriterTests
{
    private TextTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TextTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    private static double Awkward(Random rng) => rng.Next(6) switch
    {
        0 => rng.NextDouble(),
        1 => -rng.NextDouble() * 1e300,
        2 => double.Epsilon * rng.Next(1, 1000),
        3 => BitConverter.Int64BitsToDouble(rng.NextInt64(0, 0x7FEFFFFFFFFFFFFF)),
        4 => 0.1 * rng.Next(-50, 50),
        _ => Math.PI * Math.Pow(10, rng.Next(-300, 300)),
    };

    [Test]
    public void RoundTrip_General_IsBitIdentical()
    {
        var rng = new Random(11);
        var dense = new double[40, 30];
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 30; j++)
                if (rng.NextDouble() < 0.3) dense[i, j] = Awkward(rng);
        var a = CsrMatrix.FromDense(dense);
        string path = _files.PathOf("g.mtx");
        MatrixMarketWriter.Write(path, a, "random awkward values\nsecond comment line");
        var d = MatrixMarketReader.Read(path);
        Assert.Multiple(() =>
        {
            Assert.That(d.Symmetry, Is.EqualTo("general"));
            Assert.That(d.Matrix!.RowPointers.ToArray(), Is.EqualTo(a.RowPointers.ToArray()));
            Assert.That(d.Matrix.ColumnIndices.ToArray(), Is.EqualTo(a.ColumnIndices.ToArray()));
            Assert.That(d.Matrix.Values.ToArray().Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(a.Values.ToArray().Select(BitConverter.DoubleToInt64Bits)), "bit patterns");
            Assert.That(d.Warnings, Is.Empty);
        });
    }

    [Test]
    public void RoundTrip_SymmetricWritesLowerTriangleAndReadsBackExactly()
    {
        var rng = new Random(12);
        var dense = new double[25, 25];
        for (int i = 0; i < 25; i++)
            for (int j = 0; j <= i; j++)
                if (rng.NextDouble() < 0.3 || i == j) dense[i, j] = dense[j, i] = Awkward(rng);
        var a = CsrMatrix.FromDense(dense);
        string path = _files.PathOf("s.mtx");
        MatrixMarketWriter.Write(path, a, symmetric: true);
        var lines = File.ReadAllLines(path);
        Assert.That(lines[0], Is.EqualTo("%%MatrixMarket matrix coordinate real symmetric"));
        var d = MatrixMarketReader.Read(path);
        Assert.That(d.DeclaredEntries, Is.EqualTo((a.NonZeroCount + 25) / 2), "lower triangle only");
        Assert.That(d.Matrix!.ToDense(), Is.EqualTo(dense), "exact");
        Assert.That(d.Matrix.Properties & OperatorProperties.Symmetric, Is.EqualTo(OperatorProperties.Symmetric));
    }

    [Test]
    public void SymmetricRequestedForUnsymmetricMatrix_WritesGeneral()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 1, 2 }, { 3, 4 } });
        string path = _files.PathOf("u.mtx");
        MatrixMarketWriter.Write(path, a, symmetric: true);
        var d = MatrixMarketReader.Read(path);
        Assert.That(d.Symmetry, Is.EqualTo("general"));
        Assert.That(d.Matrix!.ToDense(), Is.EqualTo(new double[,] { { 1, 2 }, { 3, 4 } }), "exact");
    }

    [Test]
    public void RoundTrip_VectorAndDense_AreBitIdentical()
    {
        var rng = new Random(13);
        double[] v = [.. Enumerable.Range(0, 50).Select(_ => Awkward(rng))];
        string vp = _files.PathOf("v.mtx");
        MatrixMarketWriter.WriteVector(vp, v);
        var dv = MatrixMarketReader.Read(vp);
        Assert.That(dv.Vector!.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(v.Select(BitConverter.DoubleToInt64Bits)), "bit patterns");
        Assert.That(dv.Format, Is.EqualTo("array"));

        var dense = new double[4, 3];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++) dense[i, j] = Awkward(rng);
        string dp = _files.PathOf("d.mtx");
        MatrixMarketWriter.WriteDense(dp, dense);
        Assert.That(MatrixMarketReader.Read(dp).Dense, Is.EqualTo(dense), "exact");
    }

    [Test]
    public void Write_ReplacesTheTargetAndLeavesNoTemporaryFiles()
    {
        string path = _files.PathOf("r.mtx");
        File.WriteAllText(path, "old content");
        MatrixMarketWriter.Write(path, CsrMatrix.Identity(3));
        Assert.That(MatrixMarketReader.Read(path).Matrix!.NonZeroCount, Is.EqualTo(3));
        Assert.That(Directory.GetFiles(_files.Directory), Has.Length.EqualTo(1));
    }

    [Test]
    public void NonFiniteValue_IsArgumentExceptionAndNoFile()
    {
        var a = CsrMatrix.FromDense(new double[,] { { double.NaN } });
        string path = _files.PathOf("n.mtx");
        Assert.Throws<ArgumentException>(() => MatrixMarketWriter.Write(path, a));
        Assert.Throws<ArgumentException>(() => MatrixMarketWriter.WriteVector(path, [1, double.PositiveInfinity]));
        Assert.That(File.Exists(path), Is.False);
    }
}
