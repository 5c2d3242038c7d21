using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Text;
using Solvers.Operators;

namespace Solvers.Tests.IO.Text;

/// <summary>
/// The Matrix Market corpus (REL §11.3) and the reader's contract. All expected values are small decimals that parse
/// exactly, so every comparison is exact (tolerance 0) unless a test says otherwise.
/// </summary>
[TestFixture]
public class MatrixMarketReaderTests
{
    private TextTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TextTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    private static IEnumerable<TestCaseData> Corpus() =>
        MatrixMarketCorpus.All().Select(c => new TestCaseData(c).SetName("Corpus_" + c.Name));

    /// <summary>Every corpus file reads to its exact error kind and line, or to its exact values (tolerance 0) and warning count.</summary>
    [TestCaseSource(nameof(Corpus))]
    public void Corpus_ReadsAsExpected(MmCase c)
    {
        string path = _files.Write(c.Name + ".mtx", c.Text);
        if (c.Error is { } error)
        {
            var ex = ExpectProblemFileException(() => MatrixMarketReader.Read(path, c.Options));
            Assert.Multiple(() =>
            {
                Assert.That(ex.Error, Is.EqualTo(error), ex.Message);
                Assert.That(ex.Line, Is.Not.Null, "text parsers set Line");
                Assert.That(ex.Line, Is.GreaterThanOrEqualTo(1));
                if (c.Line is { } line) Assert.That(ex.Line, Is.EqualTo(line), ex.Message);
                if (c.MessageContains is { } s) Assert.That(ex.Message, Does.Contain(s));
                Assert.That(ex.FilePath, Is.EqualTo(path));
            });
            return;
        }

        var d = MatrixMarketReader.Read(path, c.Options);
        Assert.Multiple(() =>
        {
            Assert.That(d.Rows, Is.EqualTo(c.Rows), "rows");
            Assert.That(d.Columns, Is.EqualTo(c.Columns), "columns");
            if (c.Warnings is { } w) Assert.That(d.Warnings, Has.Count.EqualTo(w), string.Join(" | ", d.Warnings));
            if (c.Duplicates is { } dup) Assert.That(d.DuplicatesSummed, Is.EqualTo(dup), "duplicates");
            if (c.ExplicitZeros is { } z) Assert.That(d.ExplicitZeros, Is.EqualTo(z), "explicit zeros");
            if (c.StoredEntries is { } nnz) Assert.That(d.Matrix!.NonZeroCount, Is.EqualTo(nnz), "stored entries");
            if (c.Vector is { } v) Assert.That(d.Vector, Is.EqualTo(v), "vector (exact)");
            if (c.Dense is { } dense) Assert.That(d.Matrix!.ToDense(), Is.EqualTo(dense), "dense matrix (exact)");
            if (c.RowSums is { } sums)
            {
                var y = new double[d.Matrix!.Rows];
                d.Matrix.Apply(Enumerable.Repeat(1.0, d.Matrix.Columns).ToArray(), y);
                Assert.That(y, Is.EqualTo(sums), "A·1 (exact)");
            }
        });
    }

    internal static ProblemFileException ExpectProblemFileException(Action action)
    {
        try
        {
            action();
        }
        catch (ProblemFileException e)
        {
            return e;
        }
#pragma warning disable CA1031 // The point of the test: no other exception type may escape.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Assert.Fail($"{e.GetType().Name} escaped instead of ProblemFileException: {e}");
        }

        Assert.Fail("no exception was thrown");
        throw new InvalidOperationException("unreachable");
    }

    [Test]
    public void Corpus_CoversEveryBulletOfTheSpecification()
    {
        var names = MatrixMarketCorpus.All().Select(c => c.Name).ToList();
        string[] prefixes = ["Banner_", "Combination_", "Symmetric_", "Skew_", "Array", "Value_", "Index_", "Size_", "Count_", "Layout_", "Duplicates_", "ExplicitZeros_", "Vector_", "Tolerant_"];
        foreach (var p in prefixes) Assert.That(names.Any(n => n.StartsWith(p, StringComparison.Ordinal)), Is.True, p);
        Assert.That(names, Is.Unique);
        Assert.That(names, Has.Count.GreaterThan(150));
    }

    /// <summary>REL §4 item 6: a declared NNZ of 10¹² with one entry is refused without a large preallocation (&lt; 64 MB allocated).</summary>
    [Test]
    public void HugeDeclaredNnzWithOneEntry_AllocatesLittle()
    {
        string path = _files.Write("huge.mtx", "%%MatrixMarket matrix coordinate real general\n1000000 1000000 1000000000000\n1 1 1\n");
        // Warm up the code paths so that JIT allocations do not count.
        Assert.Throws<ProblemFileException>(() => MatrixMarketReader.Read(path));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ProblemFileException>(() => MatrixMarketReader.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(ex!.Error, Is.EqualTo(ProblemFileError.Malformed));
        Assert.That(ex.Message, Does.Contain("truncated"));
        Assert.That(allocated, Is.LessThan(64L << 20), "bytes allocated");
    }

    [Test]
    public void MemoryBudgetTooSmall_IsLimitExceeded()
    {
        var sb = new StringBuilder("%%MatrixMarket matrix coordinate real general\n100 100 100\n");
        for (int i = 1; i <= 100; i++) sb.Append(i).Append(' ').Append(i).Append(" 1\n");
        string path = _files.Write("budget.mtx", sb.ToString());
        var ex = ExpectProblemFileException(() => MatrixMarketReader.Read(path, new TextImportOptions { MemoryBudgetBytes = 1000 }));
        Assert.That(ex.Error, Is.EqualTo(ProblemFileError.LimitExceeded));
        Assert.That(ex.Message, Does.Contain("budget"));
    }

    [Test]
    public void MissingFile_IsNotFound()
    {
        var ex = ExpectProblemFileException(() => MatrixMarketReader.Read(_files.PathOf("absent.mtx")));
        Assert.That(ex.Error, Is.EqualTo(ProblemFileError.NotFound));
    }

    [Test]
    public void CancelledToken_PassesOperationCanceledThrough()
    {
        string path = _files.Write("c.mtx", "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => MatrixMarketReader.Read(path, null, cts.Token));
    }

    [Test]
    public void StreamThatFails_IsWrappedAsProblemFileException()
    {
        using var s = new FailingStream(Encoding.ASCII.GetBytes("%%MatrixMarket matrix coordinate real general\n"));
        var ex = ExpectProblemFileException(() => MatrixMarketReader.Read(s, "broken.mtx"));
        Assert.That(ex.Error, Is.EqualTo(ProblemFileError.Malformed));
        Assert.That(ex.InnerException, Is.InstanceOf<IOException>());
    }

    [Test]
    public void Sha256_IsTheHashOfTheInputBytes()
    {
        string text = "%%MatrixMarket matrix coordinate real general\n% c\n2 2 1\n1 1 3\n\n";
        string path = _files.Write("h.mtx", text);
        var d = MatrixMarketReader.Read(path);
        Assert.That(d.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))));
    }

    [Test]
    public void StreamOverload_GivesTheSameResultAsThePathOverload()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 3\n2 1 -1\n");
        using var ms = new MemoryStream(bytes);
        var d = MatrixMarketReader.Read(ms, "mem.mtx");
        Assert.That(d.Matrix!.ToDense(), Is.EqualTo(new double[,] { { 3, 0 }, { -1, 0 } }), "exact");
        Assert.That(d.Object, Is.EqualTo("matrix"));
        Assert.That(d.Format, Is.EqualTo("coordinate"));
        Assert.That(d.Field, Is.EqualTo("real"));
        Assert.That(d.Symmetry, Is.EqualTo("general"));
        Assert.That(d.DeclaredEntries, Is.EqualTo(2));
    }

    [Test]
    public void SuiteSparseHeader_FillsMetadata()
    {
        string text = """
            %%MatrixMarket matrix coordinate real symmetric
            %-------------------------------------------------------------------------------
            % UF Sparse Matrix Collection, Tim Davis
            % http://www.cise.ufl.edu/research/sparse/matrices/HB/demo
            % name: HB/demo
            % [A DEMO MATRIX, 1985.]
            % id: 42
            % date: 1985
            % author: A. Author
            % ed: I. Duff
            % fields: title A name id date author ed kind
            % kind: structural problem
            %-------------------------------------------------------------------------------
            % notes:
            % first note line
            % second note line
            %-------------------------------------------------------------------------------
            2 2 2
            1 1 4
            2 2 5

            """;
        var d = MatrixMarketReader.Read(_files.Write("demo.mtx", text));
        Assert.Multiple(() =>
        {
            Assert.That(d.Metadata["name"], Is.EqualTo("HB/demo"));
            Assert.That(d.Metadata["title"], Is.EqualTo("A DEMO MATRIX, 1985."));
            Assert.That(d.Metadata["id"], Is.EqualTo("42"));
            Assert.That(d.Metadata["date"], Is.EqualTo("1985"));
            Assert.That(d.Metadata["author"], Is.EqualTo("A. Author"));
            Assert.That(d.Metadata["ed"], Is.EqualTo("I. Duff"));
            Assert.That(d.Metadata["kind"], Is.EqualTo("structural problem"));
            Assert.That(d.Metadata["notes"], Does.Contain("first note line").And.Contain("second note line"));
            Assert.That(d.Metadata.ContainsKey("http"), Is.False);
            Assert.That(d.Warnings, Is.Empty);
        });
    }

    [Test]
    public void ReadProblem_WrapsMatrixWithProvenanceAndOnesSolution()
    {
        string path = _files.Write("sys.mtx", "%%MatrixMarket matrix coordinate real symmetric\n% name: Group/sys\n2 2 3\n1 1 4\n2 1 1\n2 2 3\n");
        var p = MatrixMarketReader.ReadProblem(path);
        Assert.Multiple(() =>
        {
            Assert.That(p.Id, Is.EqualTo("000000"));
            Assert.That(p.Name, Is.EqualTo("Group/sys"));
            Assert.That(p.Kind, Is.EqualTo(ProblemKind.LinearSystem));
            Assert.That(p.GetRightHandSide(0), Is.EqualTo(new double[] { 5, 4 }), "b = A·1 (exact)");
            Assert.That(p.GetExactSolution(0), Is.EqualTo(new double[] { 1, 1 }));
            Assert.That(p.Attributes["source"], Is.EqualTo("matrix-market:sys.mtx"));
            Assert.That(p.Attributes["symmetric"], Is.EqualTo("1"));
            Assert.That(p.Meta["source_sha256"], Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))));
            Assert.That(p.Meta["importer"], Does.StartWith("Solvers.IO.Text.MatrixMarketReader"));
            Assert.That(p.Meta["import_warnings"], Does.Contain("no right-hand side in the file; using b = A·1"));
            Assert.That(p.Report.Format, Is.EqualTo("matrix-market"));
            Assert.That(p.Report.Warnings, Has.Member("no right-hand side in the file; using b = A·1"));
            Assert.That(p.A.Properties & OperatorProperties.Symmetric, Is.EqualTo(OperatorProperties.Symmetric));
        });
    }

    [Test]
    public void ReadProblem_RectangularMatrix_IsLeastSquaresNamedAfterTheFile()
    {
        string path = _files.Write("rect.mtx", "%%MatrixMarket matrix coordinate real general\n3 2 2\n1 1 1\n3 2 2\n");
        var p = MatrixMarketReader.ReadProblem(path);
        Assert.That(p.Kind, Is.EqualTo(ProblemKind.LeastSquares));
        Assert.That(p.Name, Is.EqualTo("rect"));
        Assert.That(p.Attributes["symmetric"], Is.EqualTo("0"));
        Assert.That(p.GetRightHandSide(0), Is.EqualTo(new double[] { 1, 0, 2 }), "exact");
    }

    [Test]
    public void ReadProblem_CompanionFiles_BecomeBAndExactSolution()
    {
        string path = _files.Write("m.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 2\n2 2 4\n");
        _files.Write("m_b.mtx", "%%MatrixMarket matrix array real general\n2 1\n6\n8\n");
        _files.Write("m_x.mtx", "%%MatrixMarket matrix array real general\n2 1\n3\n2\n");
        var p = MatrixMarketReader.ReadProblem(path);
        Assert.That(p.GetRightHandSide(0), Is.EqualTo(new double[] { 6, 8 }), "exact");
        Assert.That(p.GetExactSolution(0), Is.EqualTo(new double[] { 3, 2 }), "exact");
        Assert.That(p.Report.Warnings, Has.None.Contains("no right-hand side"));
    }

    [Test]
    public void ReadProblem_CompanionOfWrongLength_IsShapeMismatch()
    {
        string path = _files.Write("w.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 2\n");
        _files.Write("w_b.mtx", "%%MatrixMarket matrix array real general\n3 1\n1\n2\n3\n");
        var ex = ExpectProblemFileException(() => MatrixMarketReader.ReadProblem(path));
        Assert.That(ex.Error, Is.EqualTo(ProblemFileError.ShapeMismatch));
    }

    [Test]
    public void ReadProblem_PatternWithoutPatternValuesOne_IsUnsupportedFeatureNamingTheFlag()
    {
        string path = _files.Write("p.mtx", "%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 1\n2 1\n");
        var ex = ExpectProblemFileException(() => MatrixMarketReader.ReadProblem(path));
        Assert.That(ex.Error, Is.EqualTo(ProblemFileError.UnsupportedFeature));
        Assert.That(ex.Message, Does.Contain("--pattern-values one"));
        var p = MatrixMarketReader.ReadProblem(path, new TextImportOptions { PatternValuesOne = true });
        Assert.That(p.GetRightHandSide(0), Is.EqualTo(new double[] { 1, 1 }), "exact");
    }

    [Test]
    public void ReadProblem_VectorFile_IsSchemaViolation()
    {
        string path = _files.Write("v.mtx", "%%MatrixMarket vector array real general\n2\n1\n2\n");
        var ex = ExpectProblemFileException(() => MatrixMarketReader.ReadProblem(path));
        Assert.That(ex.Error, Is.EqualTo(ProblemFileError.SchemaViolation));
    }

    [Test]
    public void InconsistentOptions_AreArgumentExceptions()
    {
        string path = _files.Write("o.mtx", "1 1 1\n");
        Assert.Throws<ArgumentException>(() => MatrixMarketReader.Read(path, new TextImportOptions { NoBanner = true, Triplets = true }));
        Assert.Throws<ArgumentException>(() => MatrixMarketReader.Read(path, new TextImportOptions { Triplets = true, IndexBase = 2 }));
        Assert.Throws<ArgumentException>(() => MatrixMarketReader.Read(path, new TextImportOptions { Triplets = true, Symmetry = "skew" }));
    }

    /// <summary>A stream that yields some bytes and then fails, like a broken disk or network share.</summary>
    private sealed class FailingStream(byte[] prefix) : Stream
    {
        private int _pos;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _pos; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_pos >= prefix.Length) throw new IOException("simulated device error");
            int n = Math.Min(count, prefix.Length - _pos);
            Array.Copy(prefix, _pos, buffer, offset, n);
            _pos += n;
            return n;
        }
    }
}
