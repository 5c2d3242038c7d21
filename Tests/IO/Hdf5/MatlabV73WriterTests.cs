using System.Globalization;
using System.Text;
using NUnit.Framework;
using PureHDF;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using Solvers.Tests.Cli;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

/// <summary>
/// <see cref="MatlabV73Writer"/>: bit-exact round trips through <see cref="MatlabV73Reader"/>, the MAT header in the user
/// block, and interoperability with PureHDF, h5py/scipy and h5dump (ignored when those tools are absent).
/// </summary>
[TestFixture]
public class MatlabV73WriterTests
{
    private const string Python = "/usr/bin/python3";
    private const string H5Dump = "/usr/bin/h5dump";

    private static CsrMatrix RandomSparse(int m, int n, double density, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (rng.NextDouble() >= density) continue;
                rows.Add(i);
                cols.Add(j);
                // Values over several decades with full mantissas, so any rounding would show.
                vals.Add((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-3, 4)));
            }
        }

        return CsrMatrix.FromCoordinates(m, n, rows.ToArray(), cols.ToArray(), vals.ToArray(), false, out _);
    }

    private static double[,] RandomBlock(int k, int n, Random rng)
    {
        var b = new double[k, n];
        for (int r = 0; r < k; r++)
            for (int i = 0; i < n; i++) b[r, i] = rng.NextDouble() * 100 - 50;
        return b;
    }

    private static LinearProblem MakeProblem(ILinearOperator a, double[,] b, double[,]? xe, double[,]? x0, string name = "rand/test",
        Dictionary<string, string>? meta = null) =>
        new("000000", name, a.Rows == a.Columns ? ProblemKind.LinearSystem : ProblemKind.LeastSquares, a, b, xe, x0, null, null,
            new Dictionary<string, double[]>(), meta ?? new Dictionary<string, string>(), new LoadReport())
        {
            IsSingleRightHandSide = b.GetLength(0) == 1,
        };

    private static long[] Bits(double[,]? m) =>
        m is null ? [] : m.Cast<double>().Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static long[] Bits(ReadOnlySpan<double> v)
    {
        var r = new long[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = BitConverter.DoubleToInt64Bits(v[i]);
        return r;
    }

    private static void AssertSameBlock(double[,]? expected, double[,]? actual, string what)
    {
        Assert.That(actual is null, Is.EqualTo(expected is null), what + " presence");
        if (expected is null) return;
        Assert.That(actual!.GetLength(0), Is.EqualTo(expected.GetLength(0)), what + " vectors");
        Assert.That(actual.GetLength(1), Is.EqualTo(expected.GetLength(1)), what + " length");
        Assert.That(Bits(actual), Is.EqualTo(Bits(expected)), what + " bits");
    }

    private static void AssertSameMatrix(CsrMatrix expected, ILinearOperator actual)
    {
        Assert.That(actual, Is.InstanceOf<CsrMatrix>());
        var a = (CsrMatrix)actual;
        Assert.That((a.Rows, a.Columns), Is.EqualTo((expected.Rows, expected.Columns)));
        Assert.That(a.RowPointers.ToArray(), Is.EqualTo(expected.RowPointers.ToArray()));
        Assert.That(a.ColumnIndices.ToArray(), Is.EqualTo(expected.ColumnIndices.ToArray()));
        Assert.That(Bits(a.Values), Is.EqualTo(Bits(expected.Values)));
    }

    // m, n, density, k, x_exact, x0, at root, compression
    [TestCase(30, 30, 0.2, 1, true, true, false, 6, TestName = "RoundTrip_Square_k1_WithXExactAndX0")]
    [TestCase(40, 25, 0.15, 3, true, true, false, 6, TestName = "RoundTrip_Tall_k3")]
    [TestCase(12, 50, 0.3, 1, false, false, false, 0, TestName = "RoundTrip_Wide_NoSolutions_Uncompressed")]
    [TestCase(20, 20, 0.0, 1, false, false, false, 6, TestName = "RoundTrip_NnzZero")]
    [TestCase(15, 9, 0.0, 3, true, false, false, 6, TestName = "RoundTrip_NnzZero_Rectangular_k3")]
    [TestCase(25, 25, 0.2, 3, true, true, true, 6, TestName = "RoundTrip_AtRoot_k3")]
    [TestCase(600, 600, 0.01, 1, true, false, false, 6, TestName = "RoundTrip_ChunkedAndCompressed")]
    public void RoundTrip_IsBitExact(int m, int n, double density, int k, bool withXExact, bool withX0, bool atRoot, int compression)
    {
        var rng = new Random(m * 1000 + n + k);
        var a = RandomSparse(m, n, density, m + 7 * n);
        if (density == 0) Assert.That(a.NonZeroCount, Is.Zero);
        var b = RandomBlock(k, m, rng);
        var xe = withXExact ? RandomBlock(k, n, rng) : null;
        var x0 = withX0 ? RandomBlock(k, n, rng) : null;
        string path = TempFile("p.mat");
        MatlabV73Writer.Write(path, MakeProblem(a, b, xe, x0), new MatlabWriteOptions { AtRoot = atRoot, Compression = compression });

        Assert.That(ProblemSource.Detect(path), Is.EqualTo(ProblemFileFormat.MatlabV73));
        var p = MatlabV73Reader.ReadProblem(path);
        AssertSameMatrix(a, p.A);
        AssertSameBlock(b, p.B, "b");
        AssertSameBlock(xe, p.XExact, "x_exact");
        AssertSameBlock(x0, p.X0, "x0");
        Assert.That(p.IsSingleRightHandSide, Is.EqualTo(k == 1));
        Assert.That(p.Kind, Is.EqualTo(m == n ? ProblemKind.LinearSystem : ProblemKind.LeastSquares));
        Assert.That(p.Name, Is.EqualTo(atRoot ? "p" : "rand/test"));
        Assert.That(p.Attributes["source"], Is.EqualTo(atRoot ? "matlab:p.mat#/A" : "matlab:p.mat#/Problem/A"));
        Assert.That(p.Report.Warnings, Is.Empty);
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }), "no temporary file is left");
    }

    [Test]
    public void RoundTrip_ThroughProblemSource()
    {
        var a = RandomSparse(10, 10, 0.3, 3);
        string path = TempFile("s.mat");
        var b = LinearProblem.AsBlock(Apply(a, Ones(10)));
        MatlabV73Writer.Write(path, MakeProblem(a, b, null, null));
        using var source = ProblemSource.Open(path);
        Assert.That(source.Format, Is.EqualTo(ProblemFileFormat.MatlabV73));
        var p = source.ReadProblem(source.ProblemIds[0]);
        AssertSameMatrix(a, p.A);
        AssertSameBlock(b, p.B, "b");
    }

    [Test]
    public void Header_FollowsTheMatLayout()
    {
        string path = TempFile("h.mat");
        MatlabV73Writer.Write(path, MakeProblem(Tridiagonal(4), RandomBlock(1, 4, new Random(1)), null, null));
        var bytes = File.ReadAllBytes(path);
        string text = Encoding.ASCII.GetString(bytes, 0, 116);
        Assert.That(text, Does.StartWith("MATLAB 7.3 MAT-file, Platform: "));
        Assert.That(text, Does.Contain(", Created on: "));
        Assert.That(text.TrimEnd(' '), Does.EndWith(" HDF5 schema 1.00 ."));
        Assert.That(text.Length, Is.EqualTo(116));
        Assert.That(bytes[116..124], Is.All.EqualTo(0), "subsystem data offset");
        Assert.That(bytes[124..126], Is.EqualTo(new byte[] { 0x00, 0x02 }), "version 0x0200, little-endian");
        Assert.That(Encoding.ASCII.GetString(bytes, 126, 2), Is.EqualTo("IM"));
        Assert.That(bytes[128..512], Is.All.EqualTo(0));
        Assert.That(bytes[512..520], Is.EqualTo(new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A }));
    }

    [Test]
    public void PureHdf_ReadsTheVariablesAndAttributes()
    {
        string path = TempFile("v.mat");
        var a = Tridiagonal(5);
        MatlabV73Writer.Write(path, MakeProblem(a, RandomBlock(1, 5, new Random(2)), null, null, "Test/tri5"));
        using var f = H5File.OpenRead(path);
        var g = f.Group("Problem");
        Assert.That(g.Attribute("MATLAB_class").Read<string>(), Is.EqualTo("struct"));
        var ag = g.Group("A");
        Assert.That(ag.Attribute("MATLAB_class").Read<string>(), Is.EqualTo("double"));
        Assert.That(ag.Attribute("MATLAB_sparse").Read<ulong>(), Is.EqualTo(5UL));
        Assert.That(ag.Dataset("jc").Read<ulong[]>(), Is.EqualTo(new ulong[] { 0, 2, 5, 8, 11, 13 }));
        Assert.That(ag.Dataset("ir").Read<ulong[]>()[..3], Is.EqualTo(new ulong[] { 0, 1, 0 }));
        Assert.That(g.Dataset("b").Space.Dimensions, Is.EqualTo(new ulong[] { 1, 5 }));
        var name = g.Dataset("name");
        Assert.That(name.Space.Dimensions, Is.EqualTo(new ulong[] { 9, 1 }));
        Assert.That(name.Attribute("MATLAB_class").Read<string>(), Is.EqualTo("char"));
        Assert.That(name.Attribute("MATLAB_int_decode").Read<int>(), Is.EqualTo(2));
        Assert.That(new string(name.Read<ushort[]>().Select(c => (char)c).ToArray()), Is.EqualTo("Test/tri5"));
    }

    [Test]
    public void Metadata_TextFieldsAndId_RoundTrip()
    {
        string path = TempFile("m.mat");
        var meta = new Dictionary<string, string>
        {
            ["title"] = "a titled matrix ✓",
            ["author"] = "T. Davis",
            ["id"] = "1903",
            ["source_sha256"] = "not written",
        };
        MatlabV73Writer.Write(path, MakeProblem(Tridiagonal(3), RandomBlock(1, 3, new Random(3)), null, null, "HB/west0067", meta));
        var p = MatlabV73Reader.ReadProblem(path);
        Assert.That(p.Name, Is.EqualTo("HB/west0067"));
        Assert.That(p.Meta["title"], Is.EqualTo("a titled matrix ✓"));
        Assert.That(p.Meta["author"], Is.EqualTo("T. Davis"));
        Assert.That(p.Meta["id"], Is.EqualTo("1903"));
        Assert.That(p.Meta["source_sha256"], Is.Not.EqualTo("not written"));
    }

    [Test]
    public void InvalidProblems_AreRefused_AndLeaveNoFile()
    {
        string path = TempFile("bad.mat");
        var a = Tridiagonal(4);
        Assert.Throws<ArgumentException>(() => MatlabV73Writer.Write(path, MakeProblem(new MatrixFree(4), RandomBlock(1, 4, new Random(4)), null, null)));
        Assert.Throws<ArgumentException>(() => MatlabV73Writer.Write(path, MakeProblem(a, RandomBlock(1, 3, new Random(4)), null, null)));
        Assert.Throws<ArgumentException>(() => MatlabV73Writer.Write(path, MakeProblem(a, RandomBlock(2, 4, new Random(4)), RandomBlock(3, 4, new Random(5)), null)));
        var nan = RandomBlock(1, 4, new Random(4));
        nan[0, 2] = double.NaN;
        Assert.Throws<ArgumentException>(() => MatlabV73Writer.Write(path, MakeProblem(a, nan, null, null)));
        Assert.Throws<ArgumentException>(() => MatlabV73Writer.Write(path, MakeProblem(a, RandomBlock(1, 4, new Random(4)), null, null), new MatlabWriteOptions { Compression = 10 }));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.Empty);
    }

    [Test]
    public void Lookup3_KnownVectors()
    {
        // From the self-test of Bob Jenkins' lookup3.c (driver5).
        Assert.That(JenkinsLookup3.Hash([]), Is.EqualTo(0xdeadbeefu));
        Assert.That(JenkinsLookup3.Hash([], 0xdeadbeef), Is.EqualTo(0xbd5b7ddeu));
        Assert.That(JenkinsLookup3.Hash("Four score and seven years ago"u8), Is.EqualTo(0x17770551u));
        Assert.That(JenkinsLookup3.Hash("Four score and seven years ago"u8, 1), Is.EqualTo(0xcd628161u));
    }

    [Test]
    public void H5py_ReadsTheSparseGroup_AndReproducesAOnes()
    {
        if (!PythonHasH5py())
            Assert.Ignore("python3-h5py / python3-scipy are not installed (/usr/bin/python3 cannot import h5py, scipy): cross-library check skipped");
        var a = RandomSparse(40, 30, 0.2, 11);
        string path = TempFile("py.mat");
        MatlabV73Writer.Write(path, MakeProblem(a, RandomBlock(1, 40, new Random(5)), null, null, "Grp/név"));
        const string script = """
            import sys, h5py, numpy as np, scipy.sparse as sp
            f = h5py.File(sys.argv[1], 'r')
            assert f.userblock_size == 512, f.userblock_size
            g = f['Problem']
            def cls(o):
                # Read MATLAB_class the way C readers do: into a fixed-length ASCII memory type.
                aid = h5py.h5a.open(o.id, b'MATLAB_class')
                t = aid.get_type()
                assert t.get_cset() == h5py.h5t.CSET_ASCII, t.get_cset()
                mt = h5py.h5t.C_S1.copy()
                mt.set_size(t.get_size() + 1)
                buf = np.zeros((), dtype='S%d' % (t.get_size() + 1))
                aid.read(buf, mtype=mt)
                return buf.item().decode('ascii')
            A = g['A']
            assert [cls(g), cls(A), cls(g['b']), cls(g['name'])] == ['struct', 'double', 'double', 'char']
            m = int(A.attrs['MATLAB_sparse'])
            jc, ir, data = A['jc'][()], A['ir'][()], A['data'][()]
            assert jc.dtype == np.uint64 and ir.dtype == np.uint64 and data.dtype == np.float64
            M = sp.csc_matrix((data, ir.astype(np.int64), jc.astype(np.int64)), shape=(m, len(jc) - 1))
            y = M @ np.ones(M.shape[1])
            print('name', ''.join(chr(c) for c in g['name'][()].ravel()))
            print('int_decode', int(g['name'].attrs['MATLAB_int_decode']))
            print('shape', M.shape[0], M.shape[1], 'b', *g['b'].shape)
            print('y', ' '.join(repr(float(v)) for v in y))
            """;
        var r = Run(Python, "- " + path, stdin: script);
        Assert.That(r, Is.Not.Null);
        Assert.That(r!.Value.Code, Is.EqualTo(0), r.Value.Output);
        var lines = r.Value.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Does.Contain("name Grp/név"));
        Assert.That(lines, Does.Contain("int_decode 2"));
        Assert.That(lines, Does.Contain("shape 40 30 b 1 40"));
        var y = lines.Single(l => l.StartsWith("y ", StringComparison.Ordinal)).Split(' ')[1..]
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var expected = Apply(a, Ones(30));
        Assert.That(y, Has.Length.EqualTo(expected.Length));
        double scale = expected.Max(Math.Abs);
        double diff = y.Zip(expected, (u, v) => Math.Abs(u - v)).Max();
        Assert.That(diff, Is.LessThanOrEqualTo(1e-15 * scale));
    }

    [Test]
    public void H5dump_AcceptsTheFile()
    {
        if (!File.Exists(H5Dump)) Assert.Ignore("h5dump (hdf5-tools) is not installed: cross-library check skipped");
        string path = TempFile("d.mat");
        var a = RandomSparse(20, 20, 0.2, 12);
        MatlabV73Writer.Write(path, MakeProblem(a, RandomBlock(3, 20, new Random(6)), RandomBlock(3, 20, new Random(7)), null));
        var full = Run(H5Dump, path)!.Value;
        Assert.That(full.Code, Is.EqualTo(0), full.Output);
        Assert.That(full.Output, Does.Contain("H5T_CSET_ASCII"));
        Assert.That(full.Output, Does.Not.Contain("H5T_CSET_UTF8"));
        var super = Run(H5Dump, "-B -H " + path)!.Value;
        Assert.That(super.Code, Is.EqualTo(0), super.Output);
        Assert.That(super.Output, Does.Contain("USERBLOCK_SIZE 512"));
    }

    [Test]
    public void Cli_ConvertsMatrixMarketToMatAndBack()
    {
        string dir = TempDir();
        string P(string name) => Path.Combine(dir, name);
        File.WriteAllText(P("a.mtx"), "%%MatrixMarket matrix coordinate real general\n3 4 5\n1 1 4\n2 1 -1.5\n2 3 2.25\n3 2 -1\n3 4 7e-3\n");
        var c1 = CliRunner.Run("convert", P("a.mtx"), P("a.mat"), "--trusted");
        Assert.That(c1.ExitCode, Is.EqualTo(0), c1.All);
        Assert.That(c1.Stdout, Does.Contain("MATLAB v7.3"));
        Assert.That(ProblemSource.Detect(P("a.mat")), Is.EqualTo(ProblemFileFormat.MatlabV73));
        var c2 = CliRunner.Run("convert", P("a.mat"), P("b.mtx"));
        Assert.That(c2.ExitCode, Is.EqualTo(0), c2.All);
        var original = Solvers.IO.Text.MatrixMarketReader.Read(P("a.mtx")).Matrix!;
        var back = Solvers.IO.Text.MatrixMarketReader.Read(P("b.mtx")).Matrix!;
        Assert.That(back.ToDense(), Is.EqualTo(original.ToDense()));
    }

    /// <summary>An operator that cannot be assembled.</summary>
    private sealed class MatrixFree(int n) : ILinearOperator
    {
        public int Rows => n;

        public int Columns => n;

        public OperatorProperties Properties => OperatorProperties.None;

        public void Apply(ReadOnlySpan<double> x, Span<double> y) => x.CopyTo(y);
    }
}
