using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

[TestFixture]
public class ProblemSetRoundTripTests
{
    private static void AssertSameCsr(CsrMatrix expected, ILinearOperator actual)
    {
        Assert.That(actual, Is.InstanceOf<CsrMatrix>());
        var a = (CsrMatrix)actual;
        Assert.That(a.Rows, Is.EqualTo(expected.Rows));
        Assert.That(a.Columns, Is.EqualTo(expected.Columns));
        Assert.That(a.RowPointers.ToArray(), Is.EqualTo(expected.RowPointers.ToArray()));
        Assert.That(a.ColumnIndices.ToArray(), Is.EqualTo(expected.ColumnIndices.ToArray()));
        AssertBitEqual(expected.Values.ToArray(), a.Values.ToArray());
    }

    private static void AssertBitEqual(double[] expected, double[] actual)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
            Assert.That(BitConverter.DoubleToInt64Bits(actual[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[i])), $"index {i}");
    }

    private static void AssertBitEqual(double[,] expected, double[,]? actual)
    {
        Assert.That(actual, Is.Not.Null);
        Assert.That(actual!.GetLength(0), Is.EqualTo(expected.GetLength(0)));
        Assert.That(actual.GetLength(1), Is.EqualTo(expected.GetLength(1)));
        AssertBitEqual(expected.Cast<double>().ToArray(), actual.Cast<double>().ToArray());
    }

    private static LinearProblem WriteAndRead(LinearProblem p, ProblemWriteOptions? o = null, ProblemReaderOptions? ro = null)
    {
        string path = TempFile();
        var w = new ProblemSetWriter();
        w.Add(p, o);
        w.Write(path);
        return ReadOnly(path, ro, p.Id);
    }

    [TestCase("csr", 0)]
    [TestCase("csr", 6)]
    [TestCase("csc", 6)]
    [TestCase("coo", 1)]
    [TestCase("csc", 0)]
    public void SparseStorage_RoundTrip_IsBitExact(string storage, int compression)
    {
        var a = Tridiagonal(5000); // large enough to be chunked and compressed
        var p = Problem("000000", a);
        var r = WriteAndRead(p, new ProblemWriteOptions { Storage = storage, Compression = compression });
        AssertSameCsr(a, r.A);
        AssertBitEqual(p.B, r.B);
        Assert.That(r.IsSingleRightHandSide, Is.True);
        Assert.That(r.Name, Is.EqualTo("test 000000"));
        Assert.That(r.Kind, Is.EqualTo(ProblemKind.LinearSystem));
        Assert.That(r.Report.Warnings, Is.Empty);
    }

    [Test]
    public void LowerTriangle_RoundTrip_ExpandsToTheFullSymmetricMatrix()
    {
        var a = SymmetricTridiagonal(50);
        var r = WriteAndRead(Problem("000000", a), new ProblemWriteOptions { StoredTriangle = "lower" });
        AssertSameCsr(a, r.A);
        Assert.That(r.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.True);
    }

    [Test]
    public void LowerTriangle_OfUnsymmetricMatrix_IsRefusedByTheWriter()
    {
        var w = new ProblemSetWriter();
        Assert.Throws<ArgumentException>(() => w.Add(Problem("000000", Tridiagonal(5)), new ProblemWriteOptions { StoredTriangle = "lower" }));
    }

    [Test]
    public void MultipleRightHandSides_RoundTrip_KeepKByM()
    {
        var a = Tridiagonal(7);
        var b = new double[3, 7];
        var x0 = new double[3, 7];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 7; i++) { b[j, i] = j * 10 + i + 0.5; x0[j, i] = -i * 0.25 + j; }
        var xe = LinearProblem.AsBlock(Ones(7));
        var p = Problem("000007", a, b, singleRhs: false) with { X0 = x0, XExact = xe };
        var r = WriteAndRead(p);
        AssertBitEqual(b, r.B);
        AssertBitEqual(x0, r.X0);
        AssertBitEqual(xe, r.XExact);
        Assert.That(r.RightHandSideCount, Is.EqualTo(3));
        Assert.That(r.IsSingleRightHandSide, Is.False);
        Assert.That(r.GetExactSolution(2), Is.EqualTo(Ones(7)));
    }

    [Test]
    public void AttributesGridFieldsMeta_RoundTrip()
    {
        var a = Tridiagonal(6);
        var grid = new GridInfo(["x", "y"], [[0.0, 0.5, 1.0], [0.0, 1.0]]);
        var p = Problem("seq.3", a) with
        {
            Grid = grid,
            Fields = new Dictionary<string, double[]> { ["kappa"] = [1, 2, 3, 4, 5, 6.5] },
            Meta = new Dictionary<string, string> { ["author"] = "me", ["note ü"] = "ünïcode ✓" },
            Attributes = new Dictionary<string, string>
            {
                ["source"] = "synthetic", ["license"] = "CC0-1.0", ["symmetric"] = "0", ["spd"] = "-1",
                ["cond2_estimate"] = "12345.678", ["sequence"] = "steps", ["sequence_index"] = "3", ["time"] = "0.125", ["notes"] = "n",
            },
        };
        var r = WriteAndRead(p);
        Assert.That(r.Id, Is.EqualTo("seq.3"));
        Assert.That(r.Grid!.Axes, Is.EqualTo(new[] { "x", "y" }));
        Assert.That(r.Grid.Coordinates[0], Is.EqualTo(grid.Coordinates[0]));
        Assert.That(r.Grid.Coordinates[1], Is.EqualTo(grid.Coordinates[1]));
        Assert.That(r.Fields["kappa"], Is.EqualTo(p.Fields["kappa"]));
        Assert.That(r.Meta, Is.EquivalentTo(p.Meta));
        foreach (var (k, v) in p.Attributes) Assert.That(r.Attributes[k], Is.EqualTo(v), k);
        Assert.That(r.Attributes["kind"], Is.EqualTo("linear_system"));
    }

    [Test]
    public void Preconditioner_BothForms_RoundTrip()
    {
        var a = SymmetricTridiagonal(10);
        // L: lower bidiagonal with positive diagonal.
        var l = CsrMatrix.FromCoordinates(10, 10, [.. Enumerable.Range(0, 10), .. Enumerable.Range(1, 9)],
            [.. Enumerable.Range(0, 10), .. Enumerable.Range(0, 9)], [.. Enumerable.Repeat(2.0, 10), .. Enumerable.Repeat(-0.5, 9)], false, out _);
        var rl = WriteAndRead(Problem("000000", a) with { M = new PreconditionerData(l, PreconditionerForm.CholeskyLower, "IC(0)") });
        Assert.That(rl.M!.Form, Is.EqualTo(PreconditionerForm.CholeskyLower));
        Assert.That(rl.M.Description, Is.EqualTo("IC(0)"));
        AssertSameCsr(l, rl.M.Operator);

        var inv = CsrMatrix.Identity(10);
        var ri = WriteAndRead(Problem("000000", a) with { M = new PreconditionerData(inv, PreconditionerForm.Inverse, null) });
        Assert.That(ri.M!.Form, Is.EqualTo(PreconditionerForm.Inverse));
        Assert.That(ri.M.Description, Is.Null);
        AssertSameCsr(inv, ri.M.Operator);
    }

    [Test]
    public void PatternFrom_SharesIndptrAndIndices()
    {
        var a0 = Tridiagonal(20);
        var v1 = a0.Values.ToArray().Select(v => v * 2 + 1).ToArray();
        var a1 = new CsrMatrix(20, 20, a0.RowPointers.ToArray(), a0.ColumnIndices.ToArray(), v1);
        string path = TempFile();
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", a0));
        w.Add(Problem("000001", a1), new ProblemWriteOptions { Storage = "pattern_from:/problems/000000/A" });
        w.Write(path);
        using var r = ProblemSetReader.Open(path);
        Assert.That(r.ProblemIds, Is.EqualTo(new[] { "000000", "000001" }));
        var p1 = r.ReadProblem("000001"); // before its target: the reader loads the target's pattern itself
        var p0 = r.ReadProblem("000000");
        AssertSameCsr(a1, p1.A);
        AssertSameCsr(a0, p0.A);
    }

    [Test]
    public void PatternFrom_CscTarget_ReordersValues()
    {
        var a0 = Tridiagonal(9);
        var a1 = new CsrMatrix(9, 9, a0.RowPointers.ToArray(), a0.ColumnIndices.ToArray(), a0.Values.ToArray().Select(v => -v).ToArray());
        string path = TempFile();
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", a0), new ProblemWriteOptions { Storage = "csc" });
        w.Add(Problem("000001", a1), new ProblemWriteOptions { Storage = "pattern_from:/problems/000000/A" });
        w.Write(path);
        using var r = ProblemSetReader.Open(path);
        AssertSameCsr(a1, r.ReadProblem("000001").A);
    }

    [Test]
    public void PatternFrom_DifferentPattern_IsRefusedByTheWriter()
    {
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", Tridiagonal(5)));
        Assert.Throws<ArgumentException>(() => w.Add(Problem("000001", CsrMatrix.Identity(5)),
            new ProblemWriteOptions { Storage = "pattern_from:/problems/000000/A" }));
    }

    [Test]
    public void Order_IsWrittenAndFollowed()
    {
        string path = TempFile();
        var w = new ProblemSetWriter { Description = "d", License = "CC0-1.0" };
        w.Add(Problem("b2", Tridiagonal(3)));
        w.Add(Problem("a1", Tridiagonal(4)));
        w.Write(path);
        using var r = ProblemSetReader.Open(path);
        Assert.That(r.ProblemIds, Is.EqualTo(new[] { "b2", "a1" }));
        Assert.That(r.RootAttributes["format"], Is.EqualTo("problem-set"));
        Assert.That(r.RootAttributes["format_version"], Is.EqualTo("1.0.0"));
        Assert.That(r.RootAttributes["description"], Is.EqualTo("d"));
        Assert.That(r.RootAttributes["created_by"], Does.StartWith("solvers "));
        Assert.That(r.RootAttributes.ContainsKey("created_utc"), Is.True);
        Assert.That(r.SampleSetNames, Is.Empty);
    }

    [Test]
    public void Write_ReplacesExistingFileAtomically_LeavesNoTemporaryFiles()
    {
        string path = TempFile();
        File.WriteAllText(path, "old");
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", Tridiagonal(3)));
        w.Write(path);
        Assert.That(ReadOnly(path).A.Rows, Is.EqualTo(3));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1));
    }

    [Test]
    public void SymmetricHint_Verified_SetsSymmetricProperty()
    {
        var a = SymmetricTridiagonal(8);
        var r = WriteAndRead(Problem("000000", a) with { Attributes = new Dictionary<string, string> { ["symmetric"] = "1", ["spd"] = "1" } });
        Assert.That(r.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.True);
        Assert.That(r.Report.Warnings, Is.Empty);
    }

    [Test]
    public void SymmetricHint_Disproved_WarnsOrFailsWithStrict()
    {
        var a = Tridiagonal(8);
        var p = Problem("000000", a) with { Attributes = new Dictionary<string, string> { ["symmetric"] = "1" } };
        var r = WriteAndRead(p);
        Assert.That(r.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.False);
        Assert.That(r.Report.Warnings, Has.Some.Contains("symmetric"));
        string path = TempFile();
        var w = new ProblemSetWriter();
        w.Add(p);
        w.Write(path);
        ThrowsProblem(ProblemFileError.SchemaViolation, () => ReadOnly(path, new ProblemReaderOptions { Strict = true }));
    }

    [Test]
    public void SpdHint_WithNonPositiveDiagonal_Warns()
    {
        var a = SymmetricTridiagonal(4);
        var v = a.Values.ToArray();
        v[0] = -1; // diagonal (0,0)
        var bad = new CsrMatrix(4, 4, a.RowPointers.ToArray(), a.ColumnIndices.ToArray(), v);
        var r = WriteAndRead(Problem("000000", bad) with { Attributes = new Dictionary<string, string> { ["spd"] = "1" } });
        Assert.That(r.Report.Warnings, Has.Some.Contains("SPD"));
    }

    [Test]
    public void LeastSquares_RectangularA_RoundTrip()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var r = WriteAndRead(Problem("ls", a));
        Assert.That(r.Kind, Is.EqualTo(ProblemKind.LeastSquares));
        AssertSameCsr(a, r.A);
    }

    [Test]
    public void EmptyMatrix_NnzZero_RoundTrip()
    {
        var a = new CsrMatrix(3, 3, new int[4], [], []);
        var r = WriteAndRead(Problem("000000", a, LinearProblem.AsBlock(new double[] { 1, 2, 3 })));
        Assert.That(((CsrMatrix)r.A).NonZeroCount, Is.Zero);
    }
}
