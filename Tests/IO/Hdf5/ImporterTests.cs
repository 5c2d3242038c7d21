using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

[TestFixture]
public class ImporterTests
{
    // The MATLAB fixtures hold the unsymmetric 3×3 matrix below (a missed transpose would show).
    private static readonly double[,] MatA = { { 4, -1, 0 }, { -1, 4, -1 }, { 0, -2, 4 } };

    // The sparse-group fixtures hold this 4×3 matrix; A·1 = (3, 3, 9, 6).
    private static readonly double[,] SpA = { { 1, 0, 2 }, { 0, 0, 3 }, { 4, 5, 0 }, { 0, 6, 0 } };

    private static double[,] Dense(ILinearOperator a) => ((IConvertibleToCsr)a).ToCsr().ToDense();

    private static double[] Row(double[,] m, int j) => Enumerable.Range(0, m.GetLength(1)).Select(i => m[j, i]).ToArray();

    [Test]
    public void Matlab_Dense_IsTransposedAndVectorsFlattened()
    {
        var p = MatlabV73Reader.ReadProblem(Fixture("mat_dense.mat"));
        Assert.That(Dense(p.A), Is.EqualTo(MatA));
        Assert.That(Row(p.B, 0), Is.EqualTo(new double[] { 3, 2, 2 }));
        Assert.That(p.IsSingleRightHandSide, Is.True);
        Assert.That(p.GetExactSolution(0), Is.EqualTo(Ones(3)));
        Assert.That(p.GetInitialGuess(0), Is.EqualTo(new double[3]));
        Assert.That(p.Attributes["source"], Is.EqualTo("matlab:mat_dense.mat#/A"));
        Assert.That(p.Meta["source_sha256"], Has.Length.EqualTo(64));
        Assert.That(p.Meta["importer"], Does.StartWith("matlab importer"));
        Assert.That(p.Report.Format, Is.EqualTo("matlab"));
    }

    [Test]
    public void Matlab_Sparse_CscBecomesCsr_IntegerBWidened()
    {
        var p = MatlabV73Reader.ReadProblem(Fixture("mat_sparse.mat"));
        Assert.That(p.A, Is.InstanceOf<CsrMatrix>());
        Assert.That(Dense(p.A), Is.EqualTo(MatA));
        Assert.That(Row(p.B, 0), Is.EqualTo(new double[] { 1, 2, 3 }));
    }

    [Test]
    public void Matlab_NoB_UsesAOnesWithWarning()
    {
        var p = MatlabV73Reader.ReadProblem(Fixture("mat_sparse_no_b.mat"));
        Assert.That(Row(p.B, 0), Is.EqualTo(new double[] { 3, 2, 2 }));
        Assert.That(p.GetExactSolution(0), Is.EqualTo(Ones(3)));
        Assert.That(p.Report.Warnings, Has.Some.Contains("b = A·1"));
        Assert.That(p.Meta["import_warnings"], Does.Contain("b = A·1"));
    }

    [Test]
    public void Matlab_SparseWithoutData_NnzZero()
    {
        var p = MatlabV73Reader.ReadProblem(Fixture("mat_sparse_nnz0.mat"));
        Assert.That(((CsrMatrix)p.A).NonZeroCount, Is.Zero);
        Assert.That(p.A.Rows, Is.EqualTo(3));
    }

    [Test]
    public void Matlab_ProblemStruct_BlockBAndMetadata()
    {
        var p = MatlabV73Reader.ReadProblem(Fixture("mat_struct.mat"));
        Assert.That(Dense(p.A), Is.EqualTo(MatA));
        Assert.That(p.RightHandSideCount, Is.EqualTo(2));
        Assert.That(Row(p.B, 0), Is.EqualTo(new double[] { 3, 2, 2 }));
        Assert.That(Row(p.B, 1), Is.EqualTo(new double[] { -1, 2, 6 }));
        Assert.That(p.GetExactSolution(1), Is.EqualTo(new double[] { 0, 1, 2 }));
        Assert.That(p.Name, Is.EqualTo("Test/tridiag3"));
        Assert.That(p.Meta["title"], Is.EqualTo("a test matrix"));
        Assert.That(p.Meta["id"], Is.EqualTo("42"));
        Assert.That(p.Attributes["source"], Is.EqualTo("matlab:mat_struct.mat#/Problem/A"));
    }

    [Test]
    public void Matlab_LogicalAndIntegerClasses_AreWidened()
    {
        var p = MatlabV73Reader.ReadProblem(Fixture("mat_logical.mat"));
        Assert.That(Dense(p.A), Is.EqualTo(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }));
        Assert.That(p.GetExactSolution(0), Is.EqualTo(new double[] { 1, 2, 3 }));
    }

    [Test]
    public void Matlab_ExplicitPaths_SelectVariables()
    {
        var p = MatlabV73Reader.ReadProblem(Fixture("mat_struct.mat"), new MatlabImportOptions { A = "/Problem/A", B = "/Problem/x", XExact = "/Problem/x" });
        Assert.That(Row(p.B, 0), Is.EqualTo(Ones(3)));
    }

    [TestCase("mat_empty.mat", ProblemFileError.ShapeMismatch)]
    [TestCase("mat_complex.mat", ProblemFileError.UnsupportedFeature)]
    [TestCase("mat_bigendian_header.mat", ProblemFileError.UnsupportedFeature)]
    [TestCase("mat_int_beyond_2p53.mat", ProblemFileError.TypeMismatch)]
    [TestCase("native_plain.h5", ProblemFileError.UnsupportedFormat)]
    public void Matlab_NegativeTwins_FailWithTheDocumentedError(string fixture, ProblemFileError error)
    {
        ThrowsProblem(error, () => MatlabV73Reader.ReadProblem(Fixture(fixture)), fixture);
    }

    [Test]
    public void Matlab_MissingVariable_NamesTheOption()
    {
        var e = ThrowsProblem(ProblemFileError.NotFound, () => MatlabV73Reader.ReadProblem(Fixture("mat_dense.mat"), new MatlabImportOptions { B = "/nope" }));
        Assert.That(e.ObjectPath, Is.EqualTo("/nope"));
    }

    [TestCase("anndata_csr.h5", "anndata", true)]
    [TestCase("h5sparse_csc.h5", "h5sparse", false)]
    [TestCase("tenx.h5", "10x", false)]
    [TestCase("scipy_csr.h5", "scipy", false)]
    public void SparseGroup_EveryFamily_ReadsTheSameMatrix(string fixture, string family, bool f32Warning)
    {
        var p = SparseGroupReader.ReadProblem(Fixture(fixture));
        Assert.That(Dense(p.A), Is.EqualTo(SpA));
        Assert.That(p.Kind, Is.EqualTo(ProblemKind.LeastSquares));
        Assert.That(Row(p.B, 0), Is.EqualTo(new double[] { 3, 3, 9, 6 }));
        Assert.That(p.Attributes["source"], Does.StartWith(family + ":" + fixture + "#/"));
        Assert.That(p.Report.Warnings.Any(w => w.Contains("f32", StringComparison.Ordinal)), Is.EqualTo(f32Warning));
    }

    [Test]
    public void SparseGroup_WithoutLayoutMarker_IsRefusedNamingTheOption()
    {
        var e = ThrowsProblem(ProblemFileError.SchemaViolation, () => SparseGroupReader.ReadProblem(Fixture("scipy_nolayout.h5")));
        Assert.That(e.Message, Does.Contain("--layout csr|csc"));
        var p = SparseGroupReader.ReadProblem(Fixture("scipy_nolayout.h5"), new SparseGroupImportOptions { Layout = "csr" });
        Assert.That(Dense(p.A), Is.EqualTo(SpA));
    }

    [Test]
    public void SparseGroup_NoGroup_IsUnsupportedFormat()
    {
        ThrowsProblem(ProblemFileError.UnsupportedFormat, () => SparseGroupReader.ReadProblem(Fixture("ext_target.h5")));
    }
}
