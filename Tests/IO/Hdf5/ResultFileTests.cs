using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

[TestFixture]
public class ResultFileTests
{
    private static ResultRun SampleRun(string name, bool withHistory)
    {
        ConvergenceHistory? h = null;
        if (withHistory)
        {
            h = new ConvergenceHistory(16);
            for (int k = 0; k <= 5; k++) h.Record(k, Math.Pow(10, -k), 0.001 * k);
            h.RecordTrueResidual(5, 1.5e-5);
        }

        var result = new SolverResult(ConvergenceReason.ConvergedRelativeTolerance, 5, 1, 1e-5, 1.5e-5, TimeSpan.FromSeconds(0.25));
        return new ResultRun("000003", name, result, [1, 2, 3.5], h)
        {
            Method = "cg",
            Preconditioner = "jacobi",
            Options = new SolverOptions { RelativeTolerance = 1e-9, RecordHistory = true },
            BNorm = 2,
            ErrorNormRelative = 1e-7,
            LoadSeconds = 0.01,
            SetupSeconds = 0.02,
            TotalSeconds = 0.3,
            Threads = 3,
            Warnings = ["f32 widened", "symmetry doubt"],
            WriteElapsedSeconds = true,
        };
    }

    [Test]
    public void RoundTrip_AllAttributesAndHistory_AreReadBack()
    {
        string input = TempFile("in.h5");
        File.WriteAllText(input, "input bytes");
        string path = TempFile("in.results.h5");
        var w = new ResultFileWriter(input);
        var run = w.Add(SampleRun("cg-jacobi", true));
        var second = w.Add(SampleRun("cg-jacobi", false) with { RhsIndex = 1, Result = new SolverResult(ConvergenceReason.DivergedBreakdown, 2, 1, 0.5, 0.6, TimeSpan.Zero, 2, -3.5) });
        var third = w.Add(SampleRun("cg-jacobi", false));
        Assert.That(second.RunName, Is.EqualTo("cg-jacobi-2"));
        Assert.That(third.RunName, Is.EqualTo("cg-jacobi-3"));
        w.Write(path);

        var contents = ResultFileReader.Read(path);
        Assert.That(contents.Attributes["format"], Is.EqualTo("problem-set-results"));
        Assert.That(contents.Attributes["input_file"], Is.EqualTo("in.h5"));
        Assert.That(contents.Attributes["input_sha256"], Is.EqualTo(ResultFileWriter.Sha256(input)).And.Length.EqualTo(64));
        Assert.That(contents.Runs.Select(r => r.RunName), Is.EqualTo(new[] { "cg-jacobi", "cg-jacobi-2", "cg-jacobi-3" }));

        var r0 = contents.Runs[0];
        Assert.That(r0.ProblemId, Is.EqualTo("000003"));
        Assert.That(r0.ProblemPath, Is.EqualTo("/problems/000003"));
        Assert.That(r0.RhsIndex, Is.EqualTo(-1));
        Assert.That(r0.Method, Is.EqualTo("cg"));
        Assert.That(r0.Preconditioner, Is.EqualTo("jacobi"));
        Assert.That(r0.OptionsJson, Is.EqualTo(run.Options!.ToJson()));
        Assert.That(r0.Result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(r0.Result.Iterations, Is.EqualTo(5));
        Assert.That(r0.Result.TrueResidualNorm, Is.EqualTo(1.5e-5));
        Assert.That(r0.Result.BreakdownIteration, Is.Zero);
        Assert.That(double.IsNaN(r0.Result.BreakdownValue), Is.True);
        Assert.That(r0.RelativeTrueResidual, Is.EqualTo(1.5e-5 / 2));
        Assert.That(r0.SolveSeconds, Is.EqualTo(0.25));
        Assert.That(r0.Threads, Is.EqualTo(3));
        Assert.That(r0.DenseBackend, Is.EqualTo("managed"));
        Assert.That(r0.Runtime, Does.Contain(".NET"));
        Assert.That(r0.Warnings, Is.EqualTo(new[] { "f32 widened", "symmetry doubt" }));
        Assert.That(r0.X, Is.EqualTo(new[] { 1, 2, 3.5 }));
        Assert.That(r0.History!.ResidualNorms.ToArray(), Is.EqualTo(run.History!.ResidualNorms.ToArray()));
        Assert.That(r0.History.ResidualIterations.ToArray(), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(r0.History.ElapsedSeconds.ToArray(), Is.EqualTo(run.History.ElapsedSeconds.ToArray()));
        Assert.That(r0.History.TrueResiduals, Is.EqualTo(new[] { (5, 1.5e-5) }));

        var r1 = contents.Runs[1];
        Assert.That(r1.RhsIndex, Is.EqualTo(1));
        Assert.That(r1.Result.Reason, Is.EqualTo(ConvergenceReason.DivergedBreakdown));
        Assert.That(r1.Result.BreakdownIteration, Is.EqualTo(2));
        Assert.That(r1.Result.BreakdownValue, Is.EqualTo(-3.5));
        Assert.That(r1.History, Is.Null);
    }

    [Test]
    public void Read_ProblemSetFile_IsUnsupportedFormat()
    {
        string path = TempFile();
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", Tridiagonal(3)));
        w.Write(path);
        ThrowsProblem(ProblemFileError.UnsupportedFormat, () => ResultFileReader.Read(path));
    }

    [Test]
    public void Add_InvalidRunName_Throws()
    {
        var w = new ResultFileWriter("x.h5", "00");
        Assert.Throws<ArgumentException>(() => w.Add(SampleRun("bad name", false)));
    }
}
