using System.Globalization;
using NUnit.Framework;
using PureHDF;
using Solvers.Dense;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using Solvers.SparseRecovery;

namespace Solvers.Tests.Cli;

/// <summary>
/// <c>solvers generate sparse-kronecker</c> and <c>solvers sparse</c> end to end (spec sparse-bayesian §3.1 "Problem files",
/// §3.4, §4.1): the stored problem equals the generator's, the recoveries reach the spec's accuracy, the results file holds
/// x̂ and the metrics, and bad input ends with exit 1 and a message (no stack trace).
/// </summary>
[TestFixture]
[NonParallelizable]
public class SparseCliTests
{
    private string _dir = "";
    private string _paper = "";
    private string _small = "";

    [OneTimeSetUp]
    public void GenerateProblems()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-sparse-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _paper = Path.Combine(_dir, "paper.h5");
        var g = CliRunner.Run("generate", "sparse-kronecker", "-o", _paper);
        Assert.That(g.ExitCode, Is.EqualTo(0), g.All);
        _small = Path.Combine(_dir, "small.h5");
        g = CliRunner.Run("generate", "sparse-kronecker", "--rows", "4,5,6", "--cols", "6,7,8", "--support", "2", "--seed", "3", "-o", _small);
        Assert.That(g.ExitCode, Is.EqualTo(0), g.All);
    }

    [OneTimeTearDown]
    public void RemoveProblems()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static void AssertOneLineError(CliRunner.Outcome o, params string[] fragments)
    {
        TestContext.Out.WriteLine(o.Stderr.Trim());
        Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
        foreach (string f in fragments) Assert.That(o.Stderr, Does.Contain(f), o.All);
        Assert.That(o.All, Does.Not.Contain("   at "), "no stack trace: " + o.All);
        Assert.That(o.All, Does.Not.Contain("Unhandled exception"), o.All);
    }

    private static double RunAttribute(string results, string run, string name)
    {
        using var f = H5File.OpenRead(results);
        return f.Group("results/problems/000000/" + run).Attribute(name).Read<double>();
    }

    private static LinearProblem Read(string path)
    {
        using var source = ProblemSource.Open(path);
        return source.ReadProblem(source.ProblemIds[0]);
    }

    [Test]
    public void Generate_Default_StoresThePaperPointExactly()
    {
        var p = Read(_paper);
        var t = SparseRecoveryProblems.Paper(8, 3, 25, 1);
        Assert.That(p.Kind, Is.EqualTo(ProblemKind.LeastSquares));
        var k = p.A as KroneckerOperator;
        Assert.That(k, Is.Not.Null, "A is read back as a Kronecker operator");
        Assert.That(k!.Combine, Is.EqualTo(KroneckerCombine.Product));
        Assert.That(k.Factors.Select(f => (f.Rows, f.Columns)), Is.EqualTo(new[] { (8, 15), (12, 15), (15, 15) }));
        for (int i = 0; i < 3; i++)
        {
            var f = k.Factors[i] as DenseOperator;
            Assert.That(f, Is.Not.Null, $"factor {i} is dense");
            // Bitwise: the file stores the generator's f64 values unchanged.
            Assert.That(f!.Data.ToArray(), Is.EqualTo(t.Factors[i].Data.ToArray()), $"factor {i}");
        }

        Assert.That(p.GetRightHandSide(0), Is.EqualTo(t.Y), "b = y bitwise");
        Assert.That(p.GetExactSolution(0), Is.EqualTo(t.X), "x_exact = x bitwise");
        Assert.That(double.Parse(p.Meta["noise_variance"], CultureInfo.InvariantCulture), Is.EqualTo(t.NoiseVariance), "σ² round-trips exactly (R format)");
        Assert.That(p.Meta["snr_db"], Is.EqualTo("25"));
        Assert.That(p.Meta["seed"], Is.EqualTo("1"));
        Assert.That(p.Meta["support_sizes"], Is.EqualTo("3,3,3"));
        Assert.That(p.Meta["mode_supports"], Is.EqualTo(string.Join(';', t.ModeSupports.Select(s => string.Join(',', s)))));
    }

    [Test]
    public void KroSblSvd_PaperPoint_ReachesMinus30Db_AndWritesMetrics()
    {
        string results = Path.Combine(_dir, "paper-svd.results.h5");
        var o = CliRunner.Run("sparse", _paper, "-o", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("SVD-KroSBL"), o.All);
        Assert.That(o.Stdout, Does.Contain("per-mode sizes"), o.All);
        Assert.That(o.Stdout, Does.Contain("given (file meta/noise_variance)"), o.All);
        Assert.That(o.Stdout, Does.Contain("NMSE"), o.All);
        Assert.That(o.Stdout, Does.Contain("SRR"), o.All);

        var run = ResultFileReader.Read(results).Runs.Single();
        Assert.That(run.Method, Is.EqualTo("krosbl-svd"));
        Assert.That(run.Result.Converged, Is.True, o.All);
        var exact = SparseRecoveryProblems.Paper(8, 3, 25, 1);
        double nmseDb = SparseRecoveryMetrics.NmseDb(run.X, exact.X);
        // Spec SBL-1: median ≤ −30 dB at this point [prototype −39.1]; this seed measured −33.6 dB.
        Assert.That(nmseDb, Is.LessThanOrEqualTo(-30), o.All);
        Assert.That(RunAttribute(results, "krosbl-svd", "nmse_db"), Is.EqualTo(nmseDb).Within(1e-9), "the stored NMSE is that of the stored x̂");
        Assert.That(RunAttribute(results, "krosbl-svd", "srr"), Is.EqualTo(SparseRecoveryMetrics.SupportRecoveryRate(run.X, exact.X)).Within(1e-12));
        Assert.That(RunAttribute(results, "krosbl-svd", "sigma2"), Is.EqualTo(exact.NoiseVariance), "the known σ² from the file is used as is");
        Assert.That(RunAttribute(results, "krosbl-svd", "sigma2_learned"), Is.EqualTo(0));
        Assert.That(RunAttribute(results, "krosbl-svd", "modes"), Is.EqualTo(3));
        double modeProduct = RunAttribute(results, "krosbl-svd", "mode_support_size_0") * RunAttribute(results, "krosbl-svd", "mode_support_size_1")
            * RunAttribute(results, "krosbl-svd", "mode_support_size_2");
        Assert.That(RunAttribute(results, "krosbl-svd", "support_size"), Is.EqualTo(modeProduct), "a Kronecker support is the product of the mode supports");
        // Spec SBL-1 allows 0.2 s per trial; 10 s leaves room for JIT and a loaded CI machine (measured 0.7 s cold).
        Assert.That(run.SolveSeconds, Is.LessThan(10), o.All);
        Assert.That(run.History, Is.Not.Null, "the ‖y − Aμ‖ history per EM iteration is stored");
        Assert.That(run.History!.Count, Is.EqualTo(run.Result.Iterations + 1), "entry 0 = ‖y‖, then one per EM iteration");
    }

    [Test]
    public void KroSblSvd_FileResultEqualsDirectSolve()
    {
        string results = Path.Combine(_dir, "small-direct.results.h5");
        var o = CliRunner.Run("sparse", _small, "--backend", "managed", "-o", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        var run = ResultFileReader.Read(results).Runs.Single();

        var p = Read(_small);
        var managed = DenseBackend.Available["managed"].Backend!;
        double sigma2 = double.Parse(p.Meta["noise_variance"], CultureInfo.InvariantCulture);
        var direct = KroneckerSbl.Solve((KroneckerOperator)p.A, p.GetRightHandSide(0), new KroneckerSblOptions { NoiseVariance = sigma2 }, default, managed);
        Assert.That(run.Result.Iterations, Is.EqualTo(direct.Summary.Iterations));
        Assert.That(run.Result.Reason, Is.EqualTo(direct.Summary.Reason));
        double scale = direct.Coefficients.Max(Math.Abs);
        double diff = run.X.Zip(direct.Coefficients, (u, v) => Math.Abs(u - v)).Max();
        // Same data, options and backend: the same arithmetic; 1e-12 relative covers a different thread partition.
        Assert.That(diff, Is.LessThanOrEqualTo(1e-12 * scale), $"max |x̂_file − x̂_direct| = {diff:G3}");
    }

    [Test]
    public void Komp_PaperPoint_StopsAtTheNoiseLevel()
    {
        string results = Path.Combine(_dir, "paper-komp.results.h5");
        var o = CliRunner.Run("sparse", _paper, "--method", "komp", "-o", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("Kronecker OMP"), o.All);
        Assert.That(o.Stdout, Does.Contain("√(mσ²)/‖y‖"), "the known σ² sets ε (spec §6, pitfall 12): " + o.All);
        // KOMP trails SBL (spec §4.3); this seed measured −24.5 dB, so −15 dB is a loose floor that still fails for garbage.
        Assert.That(RunAttribute(results, "komp", "nmse_db"), Is.LessThanOrEqualTo(-15), o.All);
        for (int k = 0; k < 3; k++)
            Assert.That(RunAttribute(results, "komp", $"mode_support_size_{k}"), Is.InRange(1, 10), "s_k = 10 per mode caps each mode");
        var run = ResultFileReader.Read(results).Runs.Single();
        var exact = SparseRecoveryProblems.Paper(8, 3, 25, 1);
        double target = Math.Sqrt(exact.Y.Length * exact.NoiseVariance);
        Assert.That(run.Result.TrueResidualNorm, Is.LessThanOrEqualTo(target * (1 + 1e-12)), "converged means ‖y − Ax̂‖ ≤ √(mσ²)");
    }

    [Test]
    public void Sbl_SmallProblem_MaterialisesTheDictionary()
    {
        string results = Path.Combine(_dir, "small-sbl.results.h5");
        var o = CliRunner.Run("sparse", _small, "--method", "sbl", "-o", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("A made dense"), o.All);
        Assert.That(o.Stdout, Does.Contain("classic SBL"), o.All);
        // Classic SBL on 120×336 with 8 nonzeros at 25 dB: measured −23.5 dB; −15 dB is a floor with margin.
        Assert.That(RunAttribute(results, "sbl", "nmse_db"), Is.LessThanOrEqualTo(-15), o.All);
        Assert.That(RunAttribute(results, "sbl", "srr"), Is.GreaterThan(0), o.All);
    }

    [Test]
    public void Coupling_FileResultEqualsDirectPatternCoupledSolve()
    {
        // --coupling 0.5,,0.5 with krosbl-am = KroneckerSbl with Coupling [0.5, null, 0.5] (spec §2.9). Tolerance: 1e-12·max|x̂|
        // on the managed backend (same operations; only the file round trip in between).
        string results = Path.Combine(_dir, "small-coupled.results.h5");
        var o = CliRunner.Run("sparse", _small, "--method", "krosbl-am", "--coupling", "0.5,,0.5", "--backend", "managed", "-o", results);
        Assert.That(o.ExitCode, Is.AnyOf(0, 2), o.All);
        var run = ResultFileReader.Read(results).Runs.Single();

        var p = Read(_small);
        var managed = DenseBackend.Available["managed"].Backend!;
        double sigma2 = double.Parse(p.Meta["noise_variance"], CultureInfo.InvariantCulture);
        var options = new KroneckerSblOptions { NoiseVariance = sigma2, MStep = KroneckerMStep.AlternatingMinimization, Coupling = [0.5, null, 0.5] };
        var direct = KroneckerSbl.Solve((KroneckerOperator)p.A, p.GetRightHandSide(0), options, default, managed);
        Assert.That(run.Result.Iterations, Is.EqualTo(direct.Summary.Iterations));
        Assert.That(run.Result.Reason, Is.EqualTo(direct.Summary.Reason));
        double scale = direct.Coefficients.Max(Math.Abs);
        Assert.That(run.X.Zip(direct.Coefficients, (u, v) => Math.Abs(u - v)).Max(), Is.LessThanOrEqualTo(1e-12 * scale));
        var uncoupled = KroneckerSbl.Solve((KroneckerOperator)p.A, p.GetRightHandSide(0), options with { Coupling = null }, default, managed);
        Assert.That(direct.Coefficients.Zip(uncoupled.Coefficients, (u, v) => Math.Abs(u - v)).Max(), Is.GreaterThan(1e-9 * scale),
            "the coupling changes the estimate (the option is not ignored)");
    }

    [Test]
    public void Coupling_BadInput_IsRefused()
    {
        AssertOneLineError(CliRunner.Run("sparse", _small, "--method", "krosbl-svd", "--coupling", "0.8,,0.8", "--no-output"), "--coupling", "krosbl-am");
        AssertOneLineError(CliRunner.Run("sparse", _small, "--method", "krosbl-am", "--coupling", "0.8,x,0.8", "--no-output"), "'x'");
        AssertOneLineError(CliRunner.Run("sparse", _small, "--method", "krosbl-am", "--coupling", "-1,,", "--no-output"), "'-1'");
        AssertOneLineError(CliRunner.Run("sparse", _small, "--method", "ksbl", "--coupling", "0.8,0.8", "--no-output"), "2 entries", "3 factors");
    }

    // Floors on the 120×336 problem (8 nonzeros, 25 dB), measured −37.0 dB for the three Kronecker variants and −21.1 dB
    // for fast SBL on the full dictionary; each floor leaves ≥ 6 dB of margin and still fails for a wrong x̂ (≈ 0 dB).
    [TestCase("krosbl-am", -30.0)]
    [TestCase("ksbl", -30.0)]
    [TestCase("fast-sbl", -15.0)]
    public void OtherSblMethods_SmallProblem_ReachTheirFloor(string method, double floorDb)
    {
        string results = Path.Combine(_dir, $"small-{method}.results.h5");
        var o = CliRunner.Run("sparse", _small, "--method", method, "-o", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(RunAttribute(results, method, "nmse_db"), Is.LessThanOrEqualTo(floorDb), o.All);
        var run = ResultFileReader.Read(results).Runs.Single();
        Assert.That(run.X, Has.Length.EqualTo(336));
        Assert.That(run.Method, Is.EqualTo(method));
    }

    [Test]
    public void Omp_SmallProblem_StopsAtTheNoiseLevel()
    {
        string results = Path.Combine(_dir, "small-omp.results.h5");
        var o = CliRunner.Run("sparse", _small, "--method", "omp", "-o", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        var run = ResultFileReader.Read(results).Runs.Single();
        var p = Read(_small);
        double sigma2 = double.Parse(p.Meta["noise_variance"], CultureInfo.InvariantCulture);
        // ε = √(mσ²)/‖y‖ with the file's σ², so a converged OMP has ‖y − Ax̂‖ ≤ √(mσ²) (rounding slack 1e-12 relative).
        Assert.That(run.Result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance), o.All);
        Assert.That(run.Result.TrueResidualNorm, Is.LessThanOrEqualTo(Math.Sqrt(120 * sigma2) * (1 + 1e-12)), o.All);
        Assert.That(RunAttribute(results, "omp", "support_size"), Is.EqualTo(run.Result.Iterations), "one atom per OMP step");
    }

    [Test]
    public void LearnNoise_EstimatesTheFilesNoiseVariance()
    {
        string results = Path.Combine(_dir, "small-learn.results.h5");
        var o = CliRunner.Run("sparse", _small, "--learn-noise", "-o", results);
        Assert.That(o.ExitCode, Is.EqualTo(0), o.All);
        Assert.That(o.Stdout, Does.Contain("learned"), o.All);
        var p = Read(_small);
        double sigma2 = double.Parse(p.Meta["noise_variance"], CultureInfo.InvariantCulture);
        Assert.That(RunAttribute(results, "krosbl-svd", "sigma2_learned"), Is.EqualTo(1));
        // Spec SBL-4 gates the median σ̂²/σ² in [0.8, 1.25]; this seed measured 1.000.
        Assert.That(RunAttribute(results, "krosbl-svd", "sigma2") / sigma2, Is.InRange(0.8, 1.25), o.All);
    }

    [Test]
    public void BadInput_NonKroneckerOrNonDenseFactors_ForKronecker_ExitsOne()
    {
        string dense = Path.Combine(_dir, "dense.h5");
        Assert.That(CliRunner.Run("generate", "lstsq-incoherent", "--rows", "40", "--cols", "10", "-o", dense).ExitCode, Is.EqualTo(0));
        AssertOneLineError(CliRunner.Run("sparse", dense, "--no-output"), "Kronecker product", "DenseOperator");
        AssertOneLineError(CliRunner.Run("sparse", dense, "--method", "krosbl-am", "--no-output"), "Kronecker product");
        AssertOneLineError(CliRunner.Run("sparse", dense, "--method", "komp", "--no-output"), "Kronecker product");

        // A Kronecker product of sparse (csr) factors: Kronecker SBL needs dense ones.
        string sparse = Path.Combine(_dir, "csr-factors.h5");
        var f0 = CsrMatrix.FromDense(new double[,] { { 1, 0, 2 }, { 0, 3, 0 } });
        var f1 = CsrMatrix.FromDense(new double[,] { { 1, 1 }, { 0, 2 } });
        var a = KroneckerOperator.Product(f0, f1);
        var p = new LinearProblem("000000", "csr factors", ProblemKind.LeastSquares, a, LinearProblem.AsBlock([1.0, 2, 3, 4]), null, null, null,
            null, new Dictionary<string, double[]>(), new Dictionary<string, string>(), new LoadReport());
        var writer = new ProblemSetWriter();
        writer.Add(p);
        writer.Write(sparse);
        AssertOneLineError(CliRunner.Run("sparse", sparse, "--no-output"), "dense Kronecker factors", "factor 0");
    }

    [Test]
    public void BadInput_RightHandSide_WrongLengthOrNaN_ExitsOne()
    {
        // The reader refuses both before any solve (PS §3.3, §1: b has m entries, all finite), naming the object and the fact.
        AssertOneLineError(CliRunner.Run("sparse", WriteRaw("short-b.h5", [1, 2, 3, 4, 5]), "--no-output"), "/problems/000000/b", "length 5", "6 rows");
        AssertOneLineError(CliRunner.Run("sparse", WriteRaw("nan-b.h5", [1, 2, double.NaN, 4, 5, 6]), "--no-output"), "/problems/000000/b", "index 2", "NaN");
    }

    [Test]
    public void BadInput_Options_ExitOne()
    {
        var unknown = CliRunner.Run("sparse", _small, "--method", "lasso", "--no-output");
        Assert.That(unknown.ExitCode, Is.EqualTo(1), unknown.All);
        Assert.That(unknown.Stderr, Does.Contain("lasso"), unknown.All);
        AssertOneLineError(CliRunner.Run("sparse", _small, "--noise-variance", "0.1", "--learn-noise", "--no-output"), "--learn-noise");
        AssertOneLineError(CliRunner.Run("sparse", _small, "--noise-variance", "-1", "--no-output"), "--noise-variance");
        AssertOneLineError(CliRunner.Run("sparse", _small, "--prune-ratio", "1", "--no-output"), "--prune-ratio");
        AssertOneLineError(CliRunner.Run("sparse", _small, "--method", "komp", "--max-iterations", "5", "--no-output"), "--max-iterations");
        // The paper problem reads in ≈ 80 KB, but its dense A is 1440×3375 f64 = 37.1 MiB: refused, naming the size.
        var overBudget = CliRunner.Run("sparse", _paper, "--method", "omp", "--max-memory", "1M", "--no-output");
        AssertOneLineError(overBudget, "1440×3375", "37.1 MiB", "--max-memory");
        Assert.That(overBudget.Stderr.Trim(), Does.Not.Contain("\n"), "one line: " + overBudget.Stderr);
    }

    /// <summary>A problem set written field by field (the suite's writer refuses these defects): A = (2×3) ⊗ (3×4), 6×12.</summary>
    private string WriteRaw(string name, double[] b)
    {
        static H5Group Dense(int rows, int cols)
        {
            var g = new H5Group();
            g.Attributes["storage"] = "dense";
            g.Attributes["shape"] = new long[] { rows, cols };
            g["data"] = new H5Dataset(Enumerable.Range(0, rows * cols).Select(i => 1.0 + i % 5).ToArray(), fileDims: [(ulong)rows, (ulong)cols]);
            return g;
        }

        var a = new H5Group();
        a.Attributes["storage"] = "kronecker";
        a.Attributes["shape"] = new long[] { 6, 12 };
        a.Attributes["combine"] = "product";
        a["factors"] = new H5Group { ["0"] = Dense(2, 3), ["1"] = Dense(3, 4) };
        var problem = new H5Group { ["A"] = a, ["b"] = new H5Dataset(b) };
        problem.Attributes["kind"] = "least_squares";
        problem.Attributes["name"] = "raw";
        var file = new H5File { ["problems"] = new H5Group { ["000000"] = problem } };
        file.Attributes["format"] = "problem-set";
        file.Attributes["format_version"] = "1.0.0";
        string path = Path.Combine(_dir, name);
        file.Write(path);
        return path;
    }
}
