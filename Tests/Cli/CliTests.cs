using NUnit.Framework;
using Solvers.IO.Hdf5;

namespace Solvers.Tests.Cli;

[TestFixture]
[NonParallelizable]
public class CliTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private string P(string name) => Path.Combine(_dir, name);

    private static ResultRun Run(string file, string problem, string run) =>
        ResultFileReader.Read(file).Runs.Single(r => r.ProblemId == problem && r.RunName == run);

    [Test]
    public void GenerateThenSolve_ConvergesAndWritesResults()
    {
        var gen = CliRunner.Run("generate", "poisson2d", "--n", "24", "-o", P("p.h5"));
        Assert.That(gen.ExitCode, Is.EqualTo(0), gen.All);
        var solve = CliRunner.Run("solve", P("p.h5"), "--rtol", "1e-10", "--pc", "jacobi");
        Assert.That(solve.ExitCode, Is.EqualTo(0), solve.All);
        Assert.That(solve.Stdout, Does.Contain("ConvergedRelativeTolerance"));
        string results = P("p.results.h5");
        Assert.That(File.Exists(results), Is.True, "default results path <stem>.results.h5");
        var run = Run(results, "000000", "cg-jacobi");
        Assert.That(run.Result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(run.X, Has.Length.EqualTo(24 * 24));
        Assert.That(run.RelativeTrueResidual, Is.LessThanOrEqualTo(1e-10 * 10), "true residual within the S2 slack of rtol (tolerance ×10)");
    }

    [Test]
    public void Solve_IndefiniteMatrixMarket_ExitsNotConvergedWithReason()
    {
        File.WriteAllText(P("indef.mtx"), "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 2\n2 2 -1\n");
        var o = CliRunner.Run("solve", P("indef.mtx"), "-o", P("indef.results.h5"));
        Assert.That(o.ExitCode, Is.EqualTo(2), o.All);
        Assert.That(o.All, Does.Contain("DivergedIndefiniteOperator"));
        var run = Run(P("indef.results.h5"), "000000", "cg");
        Assert.That(run.Result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator));
        Assert.That(run.Result.BreakdownIteration, Is.EqualTo(2), "b = A·1 = (2, −1): p₁ᵀAp₁ < 0 in iteration 2");
    }

    [Test]
    public void Solve_JacobiOnNonPositiveDiagonal_ExitsBadInput()
    {
        File.WriteAllText(P("neg.mtx"), "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 2\n2 2 -1\n");
        var o = CliRunner.Run("solve", P("neg.mtx"), "--pc", "jacobi", "--no-output");
        Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
        Assert.That(o.Stderr, Does.Contain("preconditioner refused"));
    }

    [TestCase("missing")]
    [TestCase("truncated")]
    [TestCase("nan")]
    [TestCase("nonsquare")]
    [TestCase("badcsr")]
    [TestCase("garbage")]
    public void Solve_BadInput_ExitsOneWithMessage(string kind)
    {
        string file = P("bad.mtx");
        switch (kind)
        {
            case "missing":
                file = P("does-not-exist.h5");
                break;
            case "truncated":
                Assert.That(CliRunner.Run("generate", "poisson2d", "--n", "8", "--storage", "csr", "-o", P("full.h5")).ExitCode, Is.EqualTo(0));
                var bytes = File.ReadAllBytes(P("full.h5"));
                file = P("trunc.h5");
                File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
                break;
            case "nan":
                File.WriteAllText(file, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 nan\n2 2 1\n");
                break;
            case "nonsquare":
                File.WriteAllText(file, "%%MatrixMarket matrix coordinate real general\n2 3 2\n1 1 1\n2 2 1\n");
                break;
            case "badcsr":
                File.WriteAllText(file, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n3 2 1\n");
                break;
            case "garbage":
                File.WriteAllText(file, "this is not a matrix\n");
                break;
        }

        var o = CliRunner.Run("solve", file, "--no-output");
        Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
        Assert.That(o.Stderr, Does.Contain("error"));
        Assert.That(o.All, Does.Not.Contain("Unhandled exception"));
        Assert.That(o.All, Does.Not.Contain("   at "), "no stack trace");
    }

    [TestCase("abort", "crashed")]
    [TestCase("stackoverflow", "crashed")]
    [TestCase("hang", "did not finish")]
    public void IsolatedValidation_ChildFailure_ReportedAsFileError(string mode, string expected)
    {
        Assert.That(CliRunner.Run("generate", "poisson2d", "--n", "8", "-o", P("ok.h5")).ExitCode, Is.EqualTo(0));
        var o = CliRunner.Run(new Dictionary<string, string> { ["SOLVERS_TEST_CRASH"] = mode },
            "solve", P("ok.h5"), "--validate-timeout", "3", "--no-output");
        Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
        Assert.That(o.Stderr, Does.Contain(expected));
        // --trusted skips the child entirely, so the same file then solves.
        var t = CliRunner.Run(new Dictionary<string, string> { ["SOLVERS_TEST_CRASH"] = mode }, "solve", P("ok.h5"), "--trusted", "--no-output");
        Assert.That(t.ExitCode, Is.EqualTo(0), t.All);
    }

    [Test]
    public void Inspect_ReportsShapeStorageAndSymmetry()
    {
        Assert.That(CliRunner.Run("generate", "diffusion2d", "--n", "10", "--storage", "csr", "-o", P("d.h5")).ExitCode, Is.EqualTo(0));
        var o = CliRunner.Run("inspect", P("d.h5"));
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("ProblemSet"));
        Assert.That(o.Stdout, Does.Contain("100 × 100"));
        Assert.That(o.Stdout, Does.Contain("csr"));
        Assert.That(o.Stdout, Does.Contain("yes"));
    }

    [Test]
    public void Convert_MatrixMarketToNativeAndBack_PreservesMatrix()
    {
        File.WriteAllText(P("a.mtx"), "%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n1 1 4\n2 1 -1\n2 2 4\n3 2 -1\n3 3 4\n");
        var c1 = CliRunner.Run("convert", P("a.mtx"), P("a.h5"));
        Assert.That(c1.ExitCode, Is.EqualTo(0), c1.All);
        var c2 = CliRunner.Run("convert", P("a.h5"), P("b.mtx"));
        Assert.That(c2.ExitCode, Is.EqualTo(0), c2.All);
        var a = Solvers.IO.Text.MatrixMarketReader.Read(P("b.mtx")).Matrix!;
        Assert.That(a.NonZeroCount, Is.EqualTo(7));
        Assert.That(a[0, 0], Is.EqualTo(4.0));
        Assert.That(a[1, 0], Is.EqualTo(-1.0));
        Assert.That(a[0, 1], Is.EqualTo(-1.0));
        var s = CliRunner.Run("solve", P("a.h5"), "--no-output");
        Assert.That(s.ExitCode, Is.EqualTo(0), s.All);
    }

    [Test]
    public void Inspect_ListsSampleSets()
    {
        var set = new Solvers.IO.SampleSet("darcy", "darcy2d", ["sample", "x", "y"], [4, 3]);
        set.Inputs["nu"] = new Solvers.IO.SampleField(new float[2 * 12], [2, 4, 3]);
        set.Outputs["u"] = new Solvers.IO.SampleField(new double[2 * 12], [2, 4, 3]);
        set.Params.Constants["beta"] = 0.5;
        var w = new ProblemSetWriter();
        w.Add(set);
        w.Write(P("s.h5"));
        var o = CliRunner.Run("inspect", P("s.h5"));
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("sample set darcy"));
        Assert.That(o.Stdout, Does.Contain("darcy2d"));
        Assert.That(o.Stdout, Does.Contain("sample,x,y"));
        Assert.That(o.Stdout, Does.Contain("4 × 3"));
        Assert.That(o.Stdout, Does.Contain("inputs/nu"));
        Assert.That(o.Stdout, Does.Contain("f32 (2, 4, 3)"));
        Assert.That(o.Stdout, Does.Contain("f64 (2, 4, 3)"));
    }
}
