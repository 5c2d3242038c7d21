using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.LeastSquares;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.Tests.Cli;

/// <summary>
/// <c>solvers generate lstsq-*</c> and <c>solvers lstsq</c> end to end (spec sketched-regression §2.3–§2.5): the error-bar
/// table of sketch-and-solve, the SAP summary, the results file, and bad input (exit 1, one line, no stack trace).
/// </summary>
[TestFixture]
[NonParallelizable]
public class LstsqCliTests
{
    private string _dir = "";
    private string _incoherent = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-lstsq-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _incoherent = Path.Combine(_dir, "inc.h5");
        var g = CliRunner.Run("generate", "lstsq-incoherent", "--rows", "2000", "--cols", "20", "--kappa", "100", "--seed", "3", "-o", _incoherent);
        Assert.That(g.ExitCode, Is.EqualTo(0), g.All);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static void AssertOneLineError(CliRunner.Outcome o, string fragment)
    {
        Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
        Assert.That(o.Stderr, Does.Contain(fragment), o.All);
        Assert.That(o.All, Does.Not.Contain("   at "), "no stack trace: " + o.All);
        Assert.That(o.All, Does.Not.Contain("Unhandled exception"), o.All);
    }

    [Test]
    public void Generate_WritesLeastSquaresProblemSet_WithExactSolution()
    {
        using var source = ProblemSource.Open(_incoherent);
        var p = source.ReadProblem(source.ProblemIds[0]);
        Assert.That(p.Kind, Is.EqualTo(ProblemKind.LeastSquares));
        Assert.That((p.A.Rows, p.A.Columns), Is.EqualTo((2000, 20)));
        Assert.That(p.A, Is.InstanceOf<DenseOperator>());
        Assert.That(p.XExact, Is.Not.Null, "incoherent: x* = x₀ is stored as x_exact");
        var coherent = Path.Combine(_dir, "coh.h5");
        var g = CliRunner.Run("generate", "lstsq-coherent", "--rows", "500", "--cols", "10", "--storage", "csr", "-o", coherent);
        Assert.That(g.ExitCode, Is.EqualTo(0), g.All);
        using var s2 = ProblemSource.Open(coherent);
        var q = s2.ReadProblem(s2.ProblemIds[0]);
        Assert.That(q.A, Is.InstanceOf<CsrMatrix>());
        Assert.That((q.A.Rows, q.A.Columns), Is.EqualTo((500, 10)));
        Assert.That(q.XExact, Is.Null, "coherent: x* ≠ x₀, nothing stored");
    }

    [Test]
    public void Solve_PrintsErrorBarTable_AndWritesResults()
    {
        string results = Path.Combine(_dir, "out.results.h5");
        var o = CliRunner.Run("lstsq", _incoherent, "--true-residual", "--seed", "5", "--output", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("Solved"), o.All);
        Assert.That(o.Stdout, Does.Contain("ρ̂"), o.All);
        Assert.That(o.Stdout, Does.Contain("quantile q"), o.All);
        Assert.That(o.Stdout, Does.Contain("consistency"), o.All);
        Assert.That(o.Stdout, Does.Contain("± q·se_j"), o.All);
        Assert.That(o.Stdout, Does.Contain("sparse-sign, m = 200"), "default γ = 10: " + o.All);
        var contents = ResultFileReader.Read(results);
        Assert.That(contents.Runs, Has.Count.EqualTo(1));
        var run = contents.Runs[0];
        Assert.That(run.X, Has.Length.EqualTo(20));
        Assert.That(run.X.All(double.IsFinite), Is.True);
        // m = 10d: the error is ≈ √(d/m) of the noise level, far below ‖x*‖ (relative error ≪ 1; loose bound 0.5).
        Assert.That(run.ErrorNormRelative, Is.LessThan(0.5), o.All);
    }

    [Test]
    public void Precondition_Converges()
    {
        var o = CliRunner.Run("lstsq", _incoherent, "--mode", "precondition", "--sketch", "srht");
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("Converged"), o.All);
        Assert.That(o.Stdout, Does.Contain("backward error"), o.All);
        Assert.That(o.Stdout, Does.Contain("re-sketches"), o.All);
    }

    [Test]
    public void RankDeficientSketch_ExitsTwo()
    {
        // Coherent A (leverage 1 on the first d rows) with uniform row sampling at m = 2d misses heavy rows: flagged.
        var coherent = Path.Combine(_dir, "coh.h5");
        Assert.That(CliRunner.Run("generate", "lstsq-coherent", "--rows", "4096", "--cols", "32", "-o", coherent).ExitCode, Is.EqualTo(0));
        var o = CliRunner.Run("lstsq", coherent, "--sketch", "uniform", "--oversampling", "2");
        Assert.That(o.ExitCode, Is.EqualTo(2), o.All);
        Assert.That(o.Stdout, Does.Contain("RankDeficientSketch"), o.All);
    }

    [Test]
    public void BadInput_ExitsOne_WithOneLineMessage()
    {
        AssertOneLineError(CliRunner.Run("lstsq", Path.Combine(_dir, "missing.h5")), "error");
        AssertOneLineError(CliRunner.Run("lstsq", _incoherent, "--oversampling", "0.5"), "--oversampling");
        AssertOneLineError(CliRunner.Run("lstsq", _incoherent, "--delta", "2"), "--delta");
        AssertOneLineError(CliRunner.Run("lstsq", _incoherent, "--rows", "15"), "d + 2");
        AssertOneLineError(CliRunner.Run("generate", "lstsq-incoherent", "--rows", "10", "--cols", "20", "-o", Path.Combine(_dir, "x.h5")), "n ≥ d");

        // An under-determined least-squares problem (n < d), written with the library.
        var wide = Path.Combine(_dir, "wide.h5");
        var a = new DenseOperator(5, 10, [.. Enumerable.Range(0, 50).Select(i => (double)(i % 7))]);
        var p = new LinearProblem("000000", "wide", ProblemKind.LeastSquares, a, LinearProblem.AsBlock(new double[5]), null, null, null, null,
            new Dictionary<string, double[]>(), new Dictionary<string, string>(), new LoadReport());
        var writer = new ProblemSetWriter();
        writer.Add(p);
        writer.Write(wide);
        AssertOneLineError(CliRunner.Run("lstsq", wide), "n < d");
    }
    [Test]
    public void ReadmeLibraryExample_RunsVerbatim()
    {
        // README "Sketched least squares", verbatim apart from the output lines.
        var p = LeastSquaresTestProblems.Incoherent(n: 20_000, d: 50, kappa: 1e4, seed: 1);
        var (x, r) = SketchAndSolve.Solve(p.A, p.B, new SketchAndSolveOptions { Sketch = new SketchOptions { Kind = SketchKind.SparseSign, RowFactor = 10 } });
        Assert.That(r.Status, Is.EqualTo(SketchAndSolveStatus.Solved));
        Assert.That(r.Report!.HalfWidth(0), Is.GreaterThan(0));
        Assert.That(x.All(double.IsFinite), Is.True);
        var (y, s) = SketchAndPrecondition.Solve(p.A, p.B);
        Assert.That(s.Summary.Converged, Is.True, s.Summary.Reason.ToString());
        // Spec §6.1 item 13 (same size and κ): η ≤ 1e-13, relative error against x₀ ≤ 1e-9.
        Assert.That(s.BackwardError, Is.LessThanOrEqualTo(1e-13));
        Assert.That(LeastSquaresMetrics.RelativeL2Error(y, p.X0), Is.LessThanOrEqualTo(1e-9));
    }
}
