using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;

namespace Solvers.Tests.Cli;

/// <summary>
/// REL §11.6: the constructed cases of REL §10.8 carried through files and the CLI. `solvers solve` must write the
/// documented reason, iterations, breakdown iteration and value, and true residual into the results file.
/// </summary>
[TestFixture]
[NonParallelizable]
public class NumericalOutcomeCorpusTests
{
    private static string _dir = "";
    private static string _set = "";

    [OneTimeSetUp]
    public void WriteCorpus()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-outcomes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _set = Path.Combine(_dir, "outcomes.h5");
        var w = new ProblemSetWriter { Description = "REL §10.8 constructed cases" };
        w.Add(Make("zero_rhs", Diag(1, 1), [0, 0], x0: [5, 5]));
        w.Add(Make("pap_zero", Diag(1, -1), [1, 1]));
        w.Add(Make("pap_negative_later", Diag(2, -1), [1, 1]));
        w.Add(Make("indefinite_pc", Diag(1, 1), [1, 2], m: new PreconditionerData(Diag(1, -1), PreconditionerForm.Inverse, "diag(1, -1)")));
        w.Add(Make("divergence", Diag(1, 100), [10, 1]));
        w.Add(Make("iteration_cap", Diag(1, 2, 3), [1, 1, 1]));
        var lap = Laplacian1D(50);
        var b = new double[50];
        lap.Apply(Enumerable.Range(0, 50).Select(i => Math.Sin(0.3 * i) + 1).ToArray(), b);
        w.Add(Make("unattainable", lap, b));
        w.Write(_set);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static CsrMatrix Diag(params double[] d)
    {
        var dense = new double[d.Length, d.Length];
        for (int i = 0; i < d.Length; i++) dense[i, i] = d[i];
        return CsrMatrix.FromDense(dense);
    }

    private static CsrMatrix Laplacian1D(int n)
    {
        var dense = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            dense[i, i] = 2;
            if (i > 0) dense[i, i - 1] = -1;
            if (i + 1 < n) dense[i, i + 1] = -1;
        }

        return CsrMatrix.FromDense(dense, OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite);
    }

    private static LinearProblem Make(string id, CsrMatrix a, double[] b, double[]? x0 = null, PreconditionerData? m = null) =>
        new(id, id, ProblemKind.LinearSystem, a, LinearProblem.AsBlock(b), null, x0 is null ? null : LinearProblem.AsBlock(x0), m, null,
            new Dictionary<string, double[]>(), new Dictionary<string, string>(), new LoadReport());

    private static ResultRun Solve(string id, string run, params string[] extra)
    {
        string output = Path.Combine(_dir, id + ".results.h5");
        var o = CliRunner.Run(["solve", _set, "--problem", id, "-o", output, .. extra]);
        Assert.That(o.ExitCode, Is.AnyOf(0, 2), o.All);
        return ResultFileReader.Read(output).Runs.Single(r => r.ProblemId == id && r.RunName == run);
    }

    [Test]
    public void ZeroRightHandSide_ConvergedWithZeroSolution()
    {
        var r = Solve("zero_rhs", "cg");
        Assert.That(r.Result.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(r.Result.Iterations, Is.Zero);
        Assert.That(r.Result.TrueResidualNorm, Is.Zero);
        Assert.That(r.X, Is.EqualTo(new double[] { 0, 0 }));
    }

    [Test]
    public void ZeroCurvature_IndefiniteAtIterationOne()
    {
        var r = Solve("pap_zero", "cg");
        Assert.That(r.Result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator));
        Assert.That(r.Result.BreakdownIteration, Is.EqualTo(1));
        Assert.That(r.Result.BreakdownValue, Is.EqualTo(0.0));
        Assert.That(r.Result.Iterations, Is.Zero);
        Assert.That(r.X, Is.EqualTo(new double[] { 0, 0 }), "x = x0");
    }

    [Test]
    public void NegativeCurvatureLater_BreakdownValueMinus72()
    {
        var r = Solve("pap_negative_later", "cg");
        Assert.That(r.Result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefiniteOperator));
        Assert.That(r.Result.BreakdownIteration, Is.EqualTo(2));
        Assert.That(r.Result.BreakdownValue, Is.EqualTo(-72.0).Within(1e-12));
        Assert.That(r.Result.Iterations, Is.EqualTo(1));
        Assert.That(r.Result.FinalResidualNorm, Is.EqualTo(3 * Math.Sqrt(2)).Within(1e-12));
    }

    [Test]
    public void StoredIndefinitePreconditioner_BreakdownValueMinus3()
    {
        var r = Solve("indefinite_pc", "cg-file", "--pc", "file");
        Assert.That(r.Result.Reason, Is.EqualTo(ConvergenceReason.DivergedIndefinitePreconditioner));
        Assert.That(r.Result.BreakdownIteration, Is.EqualTo(1));
        Assert.That(r.Result.BreakdownValue, Is.EqualTo(-3.0).Within(1e-12));
    }

    [Test]
    public void Divergence_DivergedToleranceAtIterationOne()
    {
        var r = Solve("divergence", "cg", "--dtol", "2");
        Assert.That(r.Result.Reason, Is.EqualTo(ConvergenceReason.DivergedTolerance));
        Assert.That(r.Result.Iterations, Is.EqualTo(1));
        Assert.That(r.Result.FinalResidualNorm / r.Result.InitialResidualNorm, Is.EqualTo(4.95).Within(0.005));
    }

    [Test]
    public void IterationCap_DivergedMaxIterationsWithTrueResidual()
    {
        var r = Solve("iteration_cap", "cg", "--max-iterations", "1", "--rtol", "1e-12");
        Assert.That(r.Result.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(r.Result.Iterations, Is.EqualTo(1));
        Assert.That(double.IsFinite(r.Result.TrueResidualNorm) && r.Result.TrueResidualNorm > 0, Is.True);
    }

    [Test]
    public void UnattainableTolerance_StagnatesBeforeTheCap()
    {
        var r = Solve("unattainable", "cg", "--rtol", "1e-30", "--max-iterations", "10000");
        Assert.That(r.Result.Reason, Is.EqualTo(ConvergenceReason.Stagnated));
        Assert.That(r.Result.Iterations, Is.LessThan(1000), "well before the cap of 10 000");
        Assert.That(r.Result.TrueResidualNorm / r.BNorm, Is.LessThan(1e-12), "true residual at round-off level");
    }
}
