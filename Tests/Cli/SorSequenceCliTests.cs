using System.Globalization;
using NUnit.Framework;
using PureHDF;
using Solvers.IO.Hdf5;

namespace Solvers.Tests.Cli;

[TestFixture]
public class SorSequenceCliTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-sorseq-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private string P(string name) => Path.Combine(_dir, name);

    [Test]
    public void GenerateThenSolveTuned_WritesPerProblemOmegaAndCost()
    {
        var gen = CliRunner.Run("generate", "sor-sequence", "--distribution", "high", "--count", "20", "--seed", "5", "-o", P("s.h5"));
        Assert.That(gen.ExitCode, Is.EqualTo(0), gen.All);
        var solve = CliRunner.Run("solve", P("s.h5"), "--all", "--method", "sor", "--tune", "tsallis-inf", "--seed", "3", "-o", P("r.h5"));
        Assert.That(solve.ExitCode, Is.EqualTo(0), solve.All);
        Assert.That(solve.Stdout, Does.Contain("cumulative cost"));

        var runs = ResultFileReader.Read(P("r.h5")).Runs;
        Assert.That(runs, Has.Count.EqualTo(20));
        Assert.That(runs.All(r => r.RunName == "sor-tsallis-inf" && r.Result.Converged), Is.True);
        using var f = H5File.OpenRead(P("r.h5"));
        var grid = Enumerable.Range(0, 20).Select(i => 1 + 0.05 * i).ToArray();
        double cumulative = 0;
        for (int t = 0; t < 20; t++)
        {
            var g = f.Group("results").Group("problems").Group(t.ToString("D6", CultureInfo.InvariantCulture)).Group("sor-tsallis-inf");
            double omega = g.Attribute("omega").Read<double>();
            double cost = g.Attribute("cost").Read<double>();
            long iterations = g.Attribute("iterations").Read<long>();
            Assert.That(grid.Any(w => Math.Abs(w - omega) < 1e-12), Is.True, $"ω = {omega} is not an arm");
            Assert.That(cost, Is.EqualTo(Math.Max(1, iterations)));
            cumulative += cost;
            Assert.That(g.Attribute("cumulative_cost").Read<double>(), Is.EqualTo(cumulative));
            Assert.That(g.Attribute("context").Read<double>(), Is.InRange(-0.15, 0.45));
        }
    }

    [Test]
    public void SolveFixedOmegaSsorCg_OnAHeatSequence_Converges()
    {
        var gen = CliRunner.Run("generate", "heat-sequence", "--nx", "8", "--steps", "5", "-o", P("h.h5"));
        Assert.That(gen.ExitCode, Is.EqualTo(0), gen.All);
        var solve = CliRunner.Run("solve", P("h.h5"), "--all", "--method", "ssor-cg", "--omega", "1.5", "--no-output");
        Assert.That(solve.ExitCode, Is.EqualTo(0), solve.All);
        var chebcb = CliRunner.Run("solve", P("h.h5"), "--all", "--method", "ssor-cg", "--tune", "chebcb", "--no-output");
        Assert.That(chebcb.ExitCode, Is.EqualTo(0), chebcb.All);
    }

    [Test]
    public void Solve_BadOmegaOrTuneWithCg_IsBadInput()
    {
        var gen = CliRunner.Run("generate", "sor-sequence", "--count", "2", "-o", P("s.h5"));
        Assert.That(gen.ExitCode, Is.EqualTo(0), gen.All);
        var bad = CliRunner.Run("solve", P("s.h5"), "--all", "--method", "sor", "--omega", "2.5", "--no-output");
        Assert.That(bad.ExitCode, Is.EqualTo(1), bad.All);
        Assert.That(bad.Stderr, Does.Contain("--omega"));
        var cg = CliRunner.Run("solve", P("s.h5"), "--all", "--tune", "chebcb", "--no-output");
        Assert.That(cg.ExitCode, Is.EqualTo(1), cg.All);
    }
}
