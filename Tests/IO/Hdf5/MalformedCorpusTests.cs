using NUnit.Framework;
using PureHDF;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

/// <summary>
/// The malformed corpus of REL §11.2, generated at test time (PureHDF raw writes and byte-level mutation) or taken
/// from the generator-script fixtures. Each case asserts the exact <see cref="ProblemFileError"/> and that no other
/// exception type escapes. Run in-process (the out-of-process child open belongs to the CLI).
/// </summary>
[TestFixture]
public class MalformedCorpusTests
{
    // ------------------------------------------------------------------ a test-only raw writer

    private struct Complex
    {
        public double r;
        public double i;
    }

    private enum ShapeEnum : long { A = 0, B = 3 }

    /// <summary>Writes the 3×3 tridiagonal problem with hooks to corrupt any part of it.</summary>
    private static string Raw(Action<H5Group, H5Group>? mutate = null, Action<H5File>? root = null)
    {
        var a = new H5Group
        {
            ["indptr"] = new[] { 0, 2, 5, 7 },
            ["indices"] = new[] { 0, 1, 0, 1, 2, 1, 2 },
            ["data"] = new[] { 4.0, -1, -1, 4, -1, -1, 4 },
        };
        a.Attributes["storage"] = "csr";
        a.Attributes["shape"] = new long[] { 3, 3 };
        var p = new H5Group { ["A"] = a, ["b"] = new[] { 3.0, 2, 3 } };
        p.Attributes["kind"] = "linear_system";
        p.Attributes["name"] = "raw";
        var f = new H5File { ["problems"] = new H5Group { ["000000"] = p } };
        f.Attributes["format"] = "problem-set";
        f.Attributes["format_version"] = "1.0.0";
        mutate?.Invoke(p, a);
        root?.Invoke(f);
        string path = TempFile("raw.h5");
        f.Write(path);
        return path;
    }

    private static void ExpectError(ProblemFileError error, string path, ProblemReaderOptions? options = null, string? messagePart = null)
    {
        var e = ThrowsProblem(error, () => ReadAll(path, options), Path.GetFileName(path));
        if (messagePart is not null) Assert.That(e.Message, Does.Contain(messagePart));
    }

    private static void ReadAll(string path, ProblemReaderOptions? options = null)
    {
        using var r = ProblemSetReader.Open(path, options);
        foreach (string id in r.ProblemIds) _ = r.ReadProblem(id);
    }

    [Test]
    public void RawWriter_BaseFile_IsValid()
    {
        var p = ReadOnly(Raw());
        Assert.That(p.GetRightHandSide(0), Is.EqualTo(new double[] { 3, 2, 3 }));
    }

    // ------------------------------------------------------------------ truncation

    private static string ValidSetForMutation()
    {
        string path = TempFile("valid.h5");
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", Tridiagonal(3000)), new ProblemWriteOptions { Compression = 0 });
        w.Add(Problem("000001", Tridiagonal(200)));
        w.Write(path);
        return path;
    }

    [TestCase(0L)]
    [TestCase(8L)]
    [TestCase(100L)]
    [TestCase(-1L)]
    [TestCase(-10L)]
    [TestCase(-50L)]
    [TestCase(-90L)]
    [TestCase(-99L)]
    public void Truncation_IsMalformed(long cut)
    {
        string valid = ValidSetForMutation();
        var bytes = File.ReadAllBytes(valid);
        long length = cut >= 0 ? cut : bytes.LongLength * -cut / 100;
        string path = TempFile("cut.h5");
        File.WriteAllBytes(path, bytes.AsSpan(0, (int)length).ToArray());
        var expected = length < 8 ? ProblemFileError.UnsupportedFormat : ProblemFileError.Malformed;
        ExpectError(expected, path);
    }

    // ------------------------------------------------------------------ bit flips

    [TestCase("native_plain.h5")]
    [TestCase("native_gzip_shuffle.h5")]
    [TestCase("writer")]
    public void BitFlips_InMetadata_SucceedOrFailWithProblemFileException(string source)
    {
        string original = source == "writer" ? ValidSetForMutation() : Fixture(source);
        var bytes = File.ReadAllBytes(original);
        var rng = new Random(source.Length * 7919 + 17);
        int region = Math.Min(4096, bytes.Length);
        var outcomes = new Dictionary<string, int>();
        for (int k = 0; k < 64; k++)
        {
            var copy = (byte[])bytes.Clone();
            int flips = 1 + rng.Next(2);
            for (int f = 0; f < flips; f++) copy[rng.Next(region)] ^= (byte)(1 << rng.Next(8));
            string path = TempFile($"flip{k}.h5");
            File.WriteAllBytes(path, copy);
            var task = Task.Run(() =>
            {
                try
                {
                    ReadAll(path, new ProblemReaderOptions { MemoryBudgetBytes = 64L << 20 });
                    return "ok";
                }
                catch (ProblemFileException e)
                {
                    return e.Error.ToString();
                }
                catch (Exception e)
                {
                    return "ESCAPED " + e.GetType().FullName + ": " + e.Message;
                }
            });
            Assert.That(task.Wait(TimeSpan.FromSeconds(20)), Is.True, $"flip {k}: the read did not finish (hang)");
            string outcome = task.Result;
            Assert.That(outcome, Does.Not.StartWith("ESCAPED"), $"flip {k}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        TestContext.Out.WriteLine(string.Join(", ", outcomes.Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    // ------------------------------------------------------------------ huge declared sizes

    [Test]
    public void HugeShapeAttribute_IsLimitExceeded()
    {
        ExpectError(ProblemFileError.LimitExceeded, Raw((_, a) => a.Attributes["shape"] = new long[] { 1L << 31, 1L << 31 }));
    }

    [Test]
    public void IndptrDeclaring2Pow40Entries_IsLimitExceeded_WithSmallAllocation()
    {
        string path = Raw((_, a) =>
        {
            a.Attributes["shape"] = new long[] { 2, 2 };
            a["indptr"] = new long[] { 0, 1, 1L << 40 };
            a["indices"] = new[] { 0, 1, 1 };
            a["data"] = new[] { 1.0, 2, 3 };
        });
        long before = GC.GetAllocatedBytesForCurrentThread();
        ExpectError(ProblemFileError.LimitExceeded, path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(32L << 20), "bytes allocated while refusing");
    }

    [Test]
    public void UnallocatedChunkedDatasetOf2Pow40Elements_IsLimitExceeded_WithSmallAllocation()
    {
        // Written by the generator script: PureHDF itself spends seconds writing such a (sparse) file.
        string path = Fixture("huge_unallocated.h5");
        long before = GC.GetAllocatedBytesForCurrentThread();
        ExpectError(ProblemFileError.LimitExceeded, path);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(32L << 20));
    }

    [Test]
    public void ContiguousDatasetLargerThanTheFile_IsMalformed()
    {
        string valid = ValidSetForMutation(); // 000000 is uncompressed: contiguous datasets of ~72 KB
        var bytes = File.ReadAllBytes(valid);
        string path = TempFile("short.h5");
        File.WriteAllBytes(path, bytes.AsSpan(0, 20_000).ToArray());
        var e = ThrowsProblem(ProblemFileError.Malformed, () => ReadAll(path));
        TestContext.Out.WriteLine(e.Message);
    }

    [Test]
    public void MemoryBudget_IsCumulativeAndNamesTheOption()
    {
        string path = ValidSetForMutation();
        var e = ThrowsProblem(ProblemFileError.LimitExceeded, () => ReadAll(path, new ProblemReaderOptions { MemoryBudgetBytes = 100_000 }));
        Assert.That(e.Message, Does.Contain("MemoryBudgetBytes").And.Contain("--max-memory"));
    }

    // ------------------------------------------------------------------ wrong dtypes

    [Test]
    public void WrongDtypes_AreTypeMismatchOrUnsupported()
    {
        ExpectError(ProblemFileError.TypeMismatch, Raw((_, a) => a["indptr"] = new[] { "0", "2", "5", "7" }), messagePart: "indptr");
        ExpectError(ProblemFileError.TypeMismatch, Raw((_, a) => a["indices"] = new[] { 0.0, 1, 0, 1, 2, 1, 2 }), messagePart: "indices");
        ExpectError(ProblemFileError.TypeMismatch, Raw((_, a) => a["data"] = new sbyte[] { 4, -1, -1, 4, -1, -1, 4 }), messagePart: "int8");
        ExpectError(ProblemFileError.TypeMismatch, Raw((p, _) => p["b"] = new[] { new DateTimeOffsetLike { Ticks = 1, Offset = 2 }, default, default }));
        ExpectError(ProblemFileError.TypeMismatch, Raw((_, a) => a.Attributes["shape"] = new[] { ShapeEnum.B, ShapeEnum.B }), messagePart: "shape");
        ExpectError(ProblemFileError.UnsupportedFeature, Raw((_, a) => a["data"] = Enumerable.Repeat(new Complex { r = 1, i = 0 }, 7).ToArray()), messagePart: "complex");
    }

    private struct DateTimeOffsetLike
    {
        public long Ticks;
        public int Offset;
    }

    // ------------------------------------------------------------------ wrong shapes

    [Test]
    public void WrongShapes_AreShapeMismatch()
    {
        ExpectError(ProblemFileError.ShapeMismatch, Raw((p, _) => p["b"] = new[] { 3.0, 2 }), messagePart: "/b");
        ExpectError(ProblemFileError.ShapeMismatch, Raw((p, _) => p["b"] = new double[1, 1, 3]));
        ExpectError(ProblemFileError.ShapeMismatch, Raw((p, _) =>
        {
            p["b"] = new double[2, 3];
            p["x0"] = new double[3, 3];
        }), messagePart: "x0");
        ExpectError(ProblemFileError.ShapeMismatch, Raw((p, _) =>
        {
            var g = new H5Group { ["x"] = new[] { 0.0, 1 } };
            g.Attributes["axes"] = new[] { "x" };
            p["grid"] = g;
        }), messagePart: "grid");
        ExpectError(ProblemFileError.ShapeMismatch, Raw((p, _) => p["A"] = StencilGroup(new double[,] { { 1, 2, 3 } })), messagePart: "coefficients");
    }

    private static H5Group StencilGroup(object coefficients, long n = 3)
    {
        var g = new H5Group
        {
            ["offsets"] = new[,] { { -1 }, { 0 }, { 1 } },
            ["coefficients"] = coefficients,
        };
        g.Attributes["storage"] = "stencil";
        g.Attributes["shape"] = new[] { n, n };
        g.Attributes["grid_shape"] = new[] { n };
        g.Attributes["boundary"] = "dirichlet";
        return g;
    }

    // ------------------------------------------------------------------ schema violations

    [Test]
    public void SchemaViolations_HaveTheirDocumentedErrors()
    {
        ExpectError(ProblemFileError.SchemaViolation, Raw(root: f => f.Attributes.Remove("format")), messagePart: "format");
        ExpectError(ProblemFileError.UnsupportedFormat, Raw(root: f => f.Attributes["format_version"] = "2.0.0"));
        ExpectError(ProblemFileError.SchemaViolation, Raw((_, a) => a.Attributes["storage"] = "bsr"), messagePart: "unknown storage");
        ExpectError(ProblemFileError.SchemaViolation, Raw((p, _) => p.Attributes.Remove("kind")), messagePart: "kind");
        ExpectError(ProblemFileError.SchemaViolation, Raw((p, _) => p.Remove("A")));
        ExpectError(ProblemFileError.SchemaViolation, Raw((p, _) => p.Attributes["symmetric"] = (sbyte)2));
        ExpectError(ProblemFileError.SchemaViolation, Raw(root: f => ((H5Group)f["problems"]).Attributes["order"] = new[] { "000000", "zzz" }));
    }

    [Test]
    public void StoredTriangleLower_WithUpperEntry_IsInvalidSparseStructure()
    {
        ExpectError(ProblemFileError.InvalidSparseStructure, Raw((_, a) =>
        {
            a.Attributes["symmetry"] = "symmetric";
            a.Attributes["stored_triangle"] = "lower";
        }), messagePart: "(0, 1)");
    }

    [Test]
    public void PatternFrom_ChainOrOutsideProblems_IsSchemaViolation()
    {
        static H5Group PatternGroup(string target)
        {
            var g = new H5Group { ["data"] = new[] { 1.0, 2, 3, 4, 5, 6, 7 } };
            g.Attributes["storage"] = "pattern_from";
            g.Attributes["shape"] = new long[] { 3, 3 };
            g.Attributes["pattern_from"] = target;
            return g;
        }

        string chain = Raw(root: f =>
        {
            var problems = (H5Group)f["problems"];
            var p0 = (H5Group)problems["000000"];
            var p1 = new H5Group { ["A"] = PatternGroup("/problems/000000/A"), ["b"] = new[] { 1.0, 2, 3 } };
            p1.Attributes["kind"] = "linear_system";
            p1.Attributes["name"] = "p1";
            var p2 = new H5Group { ["A"] = PatternGroup("/problems/000001/A"), ["b"] = new[] { 1.0, 2, 3 } };
            p2.Attributes["kind"] = "linear_system";
            p2.Attributes["name"] = "p2";
            problems["000001"] = p1;
            problems["000002"] = p2;
            _ = p0;
        });
        using (var r = ProblemSetReader.Open(chain))
        {
            Assert.That(r.ReadProblem("000001").A, Is.InstanceOf<CsrMatrix>());
            ThrowsProblem(ProblemFileError.SchemaViolation, () => r.ReadProblem("000002"), "chain");
        }

        ExpectError(ProblemFileError.SchemaViolation, Raw((p, a) =>
        {
            p["A"] = PatternGroup("/elsewhere/A");
        }), messagePart: "/problems");
    }

    // ------------------------------------------------------------------ inconsistent CSR, one file per rule of REL §7.1

    private static readonly (string Name, Action<H5Group> Mutate, string MessagePart)[] CsrCases =
    [
        ("short indptr", a => a["indptr"] = new[] { 0, 2, 5 }, "indptr"),
        ("indptr[0] = 1", a => a["indptr"] = new[] { 1, 2, 5, 7 }, "indptr[0] = 1"),
        ("decreasing indptr", a => a["indptr"] = new[] { 0, 5, 2, 7 }, "row 1"),
        ("indptr[rows] != nnz", a => a["indptr"] = new[] { 0, 2, 5, 6 }, "indptr[3] = 6"),
        ("len(data) != len(indices)", a => a["data"] = new[] { 4.0, -1, -1, 4, -1, -1 }, "data"),
        ("negative index", a => a["indices"] = new[] { 0, 1, 0, -1, 2, 1, 2 }, "column index -1 at row 1 (position 3)"),
        ("index = cols", a => a["indices"] = new[] { 0, 1, 0, 1, 3, 1, 2 }, "column index 3 at row 1 (position 4)"),
        ("unsorted row", a => a["indices"] = new[] { 0, 1, 1, 0, 2, 1, 2 }, "not sorted"),
        ("duplicate entry", a => a["indices"] = new[] { 0, 1, 0, 0, 2, 1, 2 }, "duplicate entry (1, 0)"),
        ("shape disagrees with indptr", a => a.Attributes["shape"] = new long[] { 4, 3 }, "indptr"),
    ];

    private static IEnumerable<TestCaseData> CsrCaseData() => CsrCases.Select((c, i) => new TestCaseData(i).SetName("InconsistentCsr_" + c.Name.Replace(' ', '_').Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal).Replace("!=", "ne", StringComparison.Ordinal).Replace("=", "eq", StringComparison.Ordinal)));

    [TestCaseSource(nameof(CsrCaseData))]
    public void InconsistentCsr_IsInvalidSparseStructure(int index)
    {
        var (_, mutate, part) = CsrCases[index];
        ExpectError(ProblemFileError.InvalidSparseStructure, Raw((_, a) => mutate(a)), messagePart: part);
    }

    [Test]
    public void UnsortedRow_WithSortIndices_IsRepairedWithWarning()
    {
        string path = Raw((_, a) =>
        {
            a["indices"] = new[] { 1, 0, 2, 1, 0, 2, 1 };
            a["data"] = new[] { -1.0, 4, -1, 4, -1, 4, -1 };
        });
        var e = ThrowsProblem(ProblemFileError.InvalidSparseStructure, () => ReadOnly(path));
        Assert.That(e.Message, Does.Contain("--sort-indices").And.Contain("SortIndices"));
        var p = ReadOnly(path, new ProblemReaderOptions { SortIndices = true });
        Assert.That(((CsrMatrix)p.A).ToDense(), Is.EqualTo(new double[,] { { 4, -1, 0 }, { -1, 4, -1 }, { 0, -1, 4 } }));
        Assert.That(p.Report.Warnings, Has.Some.Contains("sorted"));
    }

    [Test]
    public void DuplicateEntries_WithSumDuplicates_AreSummedAndReported()
    {
        string path = Raw((_, a) =>
        {
            a["indices"] = new[] { 0, 0, 0, 1, 2, 2, 2 };
            a["data"] = new[] { 3.0, 1, -1, 4, -1, 1, 3 };
        });
        var e = ThrowsProblem(ProblemFileError.InvalidSparseStructure, () => ReadOnly(path));
        Assert.That(e.Message, Does.Contain("--sum-duplicates"));
        var p = ReadOnly(path, new ProblemReaderOptions { SumDuplicates = true });
        Assert.That(((CsrMatrix)p.A).ToDense(), Is.EqualTo(new double[,] { { 4, 0, 0 }, { -1, 4, -1 }, { 0, 0, 4 } }));
        Assert.That(p.Report.Warnings, Has.Some.Contains("summed 2 duplicate"));
    }

    [Test]
    public void UnsortedWithDuplicates_BothRepairs_GiveTheSummedMatrix()
    {
        string path = Raw((_, a) =>
        {
            a["indices"] = new[] { 1, 0, 2, 0, 2, 2, 1 };
            a["data"] = new[] { -1.0, 4, -1, -1, 2, 1, 4 };
        });
        ExpectError(ProblemFileError.InvalidSparseStructure, path, new ProblemReaderOptions { SortIndices = true }, "duplicate");
        var p = ReadOnly(path, new ProblemReaderOptions { SortIndices = true, SumDuplicates = true });
        Assert.That(((CsrMatrix)p.A).ToDense(), Is.EqualTo(new double[,] { { 4, -1, 0 }, { -1, 0, 1 }, { 0, 4, 1 } }));
    }

    // ------------------------------------------------------------------ non-finite values

    [Test]
    public void NonFiniteValues_AreReportedWithTheirIndex()
    {
        var e1 = ThrowsProblem(ProblemFileError.NonFiniteValue, () => ReadOnly(Raw((_, a) => a["data"] = new[] { 4.0, -1, -1, 4, double.NaN, -1, 4 })));
        Assert.That(e1.Message, Does.Contain("1 non-finite").And.Contain("(row 1, column 2) (position 4): NaN"));
        var e2 = ThrowsProblem(ProblemFileError.NonFiniteValue, () => ReadOnly(Raw((p, _) => p["b"] = new[] { 3.0, double.PositiveInfinity, 3 })));
        Assert.That(e2.Message, Does.Contain("index 1: Infinity"));
        var e3 = ThrowsProblem(ProblemFileError.NonFiniteValue, () => ReadOnly(Raw((p, _) => p["x0"] = new[] { 0.0, 0, double.NegativeInfinity })));
        Assert.That(e3.ObjectPath, Does.EndWith("/x0"));
        Assert.That(e3.Message, Does.Contain("index 2"));
        var e4 = ThrowsProblem(ProblemFileError.NonFiniteValue, () => ReadOnly(Raw((p, _) => p["A"] = StencilGroup(new[] { 1.0, double.NaN, 1 }))));
        Assert.That(e4.Message, Does.Contain("index 1"));
        var allowed = ReadOnly(Raw((p, _) => p["b"] = new[] { 3.0, double.NaN, 3 }), new ProblemReaderOptions { AllowNonFinite = true });
        Assert.That(allowed.Report.Warnings, Has.Some.Contains("non-finite"));
    }

    [Test]
    public void NotHdf5_AndMissingFile_HaveTheirErrors()
    {
        string text = TempFile("x.h5");
        File.WriteAllText(text, "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n");
        ExpectError(ProblemFileError.UnsupportedFormat, text);
        ExpectError(ProblemFileError.NotFound, Path.Combine(TempDir(), "missing.h5"));
        using var r = ProblemSetReader.Open(Raw());
        ThrowsProblem(ProblemFileError.NotFound, () => r.ReadProblem("nope"));
    }

    [Test]
    public void Cancellation_PassesThrough()
    {
        using var r = ProblemSetReader.Open(Raw());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => r.ReadProblem("000000", cts.Token));
    }
}

/// <summary>Symmetric storage variants (PS §4.8) and COO duplicates (PS §4.4) on raw files.</summary>
[TestFixture]
public class SymmetricStorageTests
{
    private static string Raw(Action<H5Group> mutateA)
    {
        var a = new H5Group();
        a.Attributes["shape"] = new long[] { 3, 3 };
        mutateA(a);
        var p = new H5Group { ["A"] = a, ["b"] = new[] { 1.0, 2, 3 } };
        p.Attributes["kind"] = "linear_system";
        p.Attributes["name"] = "sym";
        var f = new H5File { ["problems"] = new H5Group { ["000000"] = p } };
        f.Attributes["format"] = "problem-set";
        f.Attributes["format_version"] = "1.0.0";
        string path = TempFile("sym.h5");
        f.Write(path);
        return path;
    }

    private static Action<H5Group> Csr(string symmetry, string triangle, int[] indptr, int[] indices, double[] data) => a =>
    {
        a.Attributes["storage"] = "csr";
        a.Attributes["symmetry"] = symmetry;
        a.Attributes["stored_triangle"] = triangle;
        a["indptr"] = indptr;
        a["indices"] = indices;
        a["data"] = data;
    };

    [Test]
    public void UpperTriangle_IsMirrored()
    {
        var p = ReadOnly(Raw(Csr("symmetric", "upper", [0, 2, 3, 4], [0, 2, 1, 2], [4.0, 1, 5, 6])));
        Assert.That(((CsrMatrix)p.A).ToDense(), Is.EqualTo(new double[,] { { 4, 0, 1 }, { 0, 5, 0 }, { 1, 0, 6 } }));
        Assert.That(p.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.True);
    }

    [Test]
    public void SkewSymmetricLower_IsMirroredNegated_AndDiagonalRefused()
    {
        var p = ReadOnly(Raw(Csr("skew-symmetric", "lower", [0, 0, 1, 3], [0, 0, 1], [2.0, 3, -4])));
        Assert.That(((CsrMatrix)p.A).ToDense(), Is.EqualTo(new double[,] { { 0, -2, -3 }, { 2, 0, 4 }, { 3, -4, 0 } }));
        Assert.That(p.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.False);
        var e = ThrowsProblem(ProblemFileError.InvalidSparseStructure,
            () => ReadOnly(Raw(Csr("skew-symmetric", "lower", [0, 1, 1, 1], [0], [1.0]))));
        Assert.That(e.Message, Does.Contain("diagonal"));
    }

    [Test]
    public void StoredTriangleWithGeneralSymmetry_IsSchemaViolation()
    {
        ThrowsProblem(ProblemFileError.SchemaViolation, () => ReadOnly(Raw(Csr("general", "lower", [0, 1, 2, 3], [0, 1, 2], [1.0, 1, 1]))));
    }

    [Test]
    public void CooDuplicates_AreSummedAndReported()
    {
        var p = ReadOnly(Raw(a =>
        {
            a.Attributes["storage"] = "coo";
            a["row"] = new[] { 2, 0, 0, 1 };
            a["col"] = new long[] { 2, 0, 0, 1 };
            a["data"] = new[] { 3.0, 1, 0.5, 2 };
        }));
        Assert.That(((CsrMatrix)p.A).ToDense(), Is.EqualTo(new double[,] { { 1.5, 0, 0 }, { 0, 2, 0 }, { 0, 0, 3 } }));
        Assert.That(p.Report.Warnings, Has.Some.Contains("summed 1 duplicate COO"));
        var e = ThrowsProblem(ProblemFileError.InvalidSparseStructure, () => ReadOnly(Raw(a =>
        {
            a.Attributes["storage"] = "coo";
            a["row"] = new[] { 0, 3 };
            a["col"] = new[] { 0, 0 };
            a["data"] = new[] { 1.0, 1 };
        })));
        Assert.That(e.Message, Does.Contain("row index 3 of entry 1"));
    }
}
