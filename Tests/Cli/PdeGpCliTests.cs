using NUnit.Framework;
using PureHDF;

namespace Solvers.Tests.Cli;

/// <summary><c>solvers pde gp</c> end to end: outputs of a short run, and bad input (exit 1, one line, no stack trace).</summary>
[TestFixture]
[NonParallelizable]
public class PdeGpCliTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-pde-gp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static void AssertPng(string path)
    {
        Assert.That(File.Exists(path), Is.True, path);
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Length, Is.GreaterThan(1000), path);
        Assert.That(bytes.Take(8).ToArray(), Is.EqualTo(PngMagic), path);
    }

    [Test]
    public void Case1_ThreeSteps_WritesSolutionHistoryAndPlots()
    {
        string outDir = Path.Combine(_dir, "out");
        var o = CliRunner.Run("pde", "gp", "--case", "1", "--steps", "3", "--checkpoints", "1", "--output", outDir);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("CompletedIterationBudget"), o.All);

        using (var h5 = H5File.OpenRead(Path.Combine(outDir, "solution.h5")))
        {
            var values = h5.Dataset("grid_values").Read<double[]>();
            Assert.That(values, Has.Length.EqualTo(400));
            Assert.That(values.All(double.IsFinite), Is.True);
            Assert.That(values.Any(v => v != 0), Is.True, "three Adam steps move U away from 0");
            Assert.That(h5.Dataset("axis_0").Read<double[]>(), Has.Length.EqualTo(400));
            Assert.That(h5.Dataset("prediction").Read<double[]>(), Has.Length.EqualTo(300));
            Assert.That(h5.Dataset("exact").Read<double[]>(), Has.Length.EqualTo(300));
            Assert.That(h5.Dataset("checkpoint_step").Read<long[]>(), Is.EqualTo(new long[] { 0 }));
            Assert.That(h5.Dataset("checkpoint_test_error").Read<double[]>()[0], Is.GreaterThan(0.5).And.LessThan(1.0));
            Assert.That(h5.Group("kernel_0").Dataset("frequencies").Read<double[]>(), Has.Length.EqualTo(30));
            Assert.That(h5.Attribute("case").Read<string>(), Is.EqualTo("poisson1d-sin100"));
            Assert.That(h5.Attribute("steps").Read<long>(), Is.EqualTo(3));
            Assert.That(h5.Attribute("reason").Read<string>(), Is.EqualTo("CompletedIterationBudget"));
        }

        var history = File.ReadAllLines(Path.Combine(outDir, "history.csv"));
        Assert.That(history[0], Does.StartWith("step,loss,"));
        Assert.That(history, Has.Length.EqualTo(2));
        Assert.That(history[1], Does.StartWith("0,"));
        AssertPng(Path.Combine(outDir, "solution.png"));
        AssertPng(Path.Combine(outDir, "spectrum.png"));
    }

    [Test]
    public void NoPlot_WritesNoPngs()
    {
        string outDir = Path.Combine(_dir, "np");
        var o = CliRunner.Run("pde", "gp", "--case", "poisson1d-sin100", "--steps", "1", "--checkpoints", "1", "--grid", "50", "--no-plot", "--output", outDir);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(File.Exists(Path.Combine(outDir, "solution.h5")), Is.True);
        Assert.That(Directory.GetFiles(outDir, "*.png"), Is.Empty);
    }

    [TestCase("--case", "nosuchcase", "--steps", "3", "nosuchcase")]
    [TestCase("--case", "1", "--steps", "0", "--steps")]
    [TestCase("--case", "1", "--steps", "3", "--grid", "2", "--grid")]
    [TestCase("--case", "1", "--steps", "3", "--grid", "abc", "--grid")]
    [TestCase("--case", "1", "--steps", "3", "--grid", "50x50", "--grid")]
    [TestCase("--case", "9", "--steps", "3", "--grid", "2x200", "--grid")]
    public void BadInput_ExitsOneWithOneLine(params string[] argsAndFragment)
    {
        string fragment = argsAndFragment[^1];
        string[] args = ["pde", "gp", .. argsAndFragment[..^1], "--output", Path.Combine(_dir, "bad")];
        var o = CliRunner.Run(args);
        Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
        var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Has.Length.EqualTo(1), o.All);
        Assert.That(lines[0], Does.StartWith("error:").And.Contain(fragment), o.All);
        Assert.That(o.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(Directory.Exists(Path.Combine(_dir, "bad")), Is.False, "nothing written on bad input");
    }

    // Plumbing of `bench gp` with step counts scaled down 1000× (rows not judged) and only the managed backend timed.
    [Test]
    public void BenchGp_ScaledSmokeRun_WritesTheReport()
    {
        string md = Path.Combine(_dir, "gp.md");
        var o = CliRunner.Run("bench", "gp", "--steps-scale", "0.001", "--backends", "managed", "--markdown", md);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        string report = File.ReadAllText(md);
        Assert.That(report, Does.Contain("Command: `solvers bench gp --steps-scale 0.001"));
        Assert.That(report, Does.Contain("| case 1, 10 000 steps | 10 | CompletedIterationBudget |"));
        Assert.That(report, Does.Contain("case 9 (code variant), 200×200, 1500 steps"));
        Assert.That(report, Does.Contain("not judged"));
        Assert.That(report, Does.Contain("| 1 poisson1d-sin100 | 400 | 6 | managed |"));
        Assert.That(report, Does.Contain("| 9 poisson2d-sin6cos20 | 200×200 | 6 | managed |"));
        Assert.That(report, Does.Not.Contain("FAIL"));
    }
}
