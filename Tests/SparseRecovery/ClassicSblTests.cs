using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using Solvers.Operators;
using Solvers.Sampling;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Classic SBL (spec §2.2, §3.5, §5.1 tests 9, 10 and 15).</summary>
[TestFixture]
public class ClassicSblTests
{
    /// <summary>A seeded Gaussian M×N dictionary (row-major).</summary>
    internal static DenseOperator Gaussian(int m, int n, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var a = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) a[i, j] = rng.NextNormal();
        return new DenseOperator(a);
    }

    /// <summary>y = Φx (+ noise of the given standard deviation) for an x with the given support and values.</summary>
    internal static (double[] X, double[] Y) Sparse(DenseOperator phi, int[] support, double[] values, double noiseStd, ulong seed)
    {
        var x = new double[phi.Columns];
        for (int k = 0; k < support.Length; k++) x[support[k]] = values[k];
        var y = new double[phi.Rows];
        phi.Apply(x, y);
        var rng = new Xoshiro256StarStar(seed);
        for (int i = 0; i < y.Length; i++) y[i] += noiseStd * rng.NextNormal();
        return (x, y);
    }

    [Test]
    public void EStepMatchesDensePosterior()
    {
        // Tolerance: max abs difference 1e-12 for μ and diag Σ_x (spec §5.1 test 10: M = 8, N = 20).
        const int m = 8, n = 20;
        var phi = Gaussian(m, n, 11);
        var rng = new Xoshiro256StarStar(12);
        var y = new double[m];
        for (int i = 0; i < m; i++) y[i] = rng.NextNormal();
        var gamma = new double[n];
        for (int j = 0; j < n; j++) gamma[j] = 0.2 + rng.NextDouble();
        const double sigma2 = 0.3;
        var mu = new double[n];
        var variance = new double[n];
        var (l, r) = ClassicSbl.Posterior(phi, y, gamma, sigma2, mu, variance);

        var a = Matrix<double>.Build.DenseOfArray(phi.ToArray());
        var sigmaX = (a.TransposeThisAndMultiply(a) / sigma2 + Matrix<double>.Build.DiagonalOfDiagonalArray(gamma.Select(g => 1 / g).ToArray())).Inverse();
        var yv = Vector<double>.Build.DenseOfArray(y);
        var muRef = sigmaX * (a.TransposeThisAndMultiply(yv)) / sigma2;
        for (int j = 0; j < n; j++)
        {
            Assert.That(mu[j], Is.EqualTo(muRef[j]).Within(1e-12), $"μ[{j}]");
            Assert.That(variance[j], Is.EqualTo(sigmaX[j, j]).Within(1e-12), $"Σ_x[{j},{j}]");
        }
        // By-products, 1e-10 relative: L = log|Σ_y| + yᵀΣ_y⁻¹y and ‖y − Φμ‖.
        var sigmaY = a * Matrix<double>.Build.DiagonalOfDiagonalArray(gamma) * a.Transpose() + sigma2 * Matrix<double>.Build.DenseIdentity(m);
        double lRef = sigmaY.Determinant() is var det ? Math.Log(det) + yv * sigmaY.Solve(yv) : 0;
        Assert.That(l, Is.EqualTo(lRef).Within(1e-10 * Math.Abs(lRef)));
        double rRef = (yv - a * Vector<double>.Build.DenseOfArray(mu)).L2Norm();
        Assert.That(r, Is.EqualTo(rRef).Within(1e-10 * rRef));
    }

    [Test]
    public void EStepWithZeroGammaEqualsReducedDictionary()
    {
        // Tolerance 1e-13 abs: a zero γ_j gives μ_j = Σ_jj = 0, and the others equal the E-step without column j.
        const int m = 6, n = 9;
        var phi = Gaussian(m, n, 21);
        var rng = new Xoshiro256StarStar(22);
        var y = Enumerable.Range(0, m).Select(_ => rng.NextNormal()).ToArray();
        var gamma = Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        gamma[3] = 0;
        var mu = new double[n];
        var v = new double[n];
        ClassicSbl.Posterior(phi, y, gamma, 0.1, mu, v);
        Assert.That(mu[3], Is.Zero);
        Assert.That(v[3], Is.Zero);
        var full = phi.ToArray();
        var reduced = new double[m, n - 1];
        for (int i = 0; i < m; i++)
            for (int j = 0, c = 0; j < n; j++)
                if (j != 3) reduced[i, c++] = full[i, j];
        var g2 = gamma.Where((_, j) => j != 3).ToArray();
        var mu2 = new double[n - 1];
        var v2 = new double[n - 1];
        ClassicSbl.Posterior(new DenseOperator(reduced), y, g2, 0.1, mu2, v2);
        for (int j = 0, c = 0; j < n; j++)
        {
            if (j == 3) continue;
            Assert.That(mu[j], Is.EqualTo(mu2[c]).Within(1e-13));
            Assert.That(v[j], Is.EqualTo(v2[c]).Within(1e-13));
            c++;
        }
    }

    [Test]
    public void EmUpdateNeverIncreasesCost([Values] bool learnNoise)
    {
        // Tolerance: L(γ⁽ᵗ⁾, σ²) non-increasing with slack 1e-10·|L| (spec §5.1 test 9); pruning off, 50 iterations.
        var phi = Gaussian(12, 30, 31);
        var (_, y) = Sparse(phi, [2, 11, 25], [1.5, -2.0, 0.8], 0.1, 32);
        var options = new ClassicSblOptions
        {
            NoiseVariance = learnNoise ? null : 0.01,
            PruneRatio = 0,
            RelativeTolerance = 0,
            MaxIterations = 50,
            RecordHistory = true,
        };
        var result = ClassicSbl.Solve(phi, y, options);
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        var h = result.History!;
        Assert.That(h, Has.Count.EqualTo(50));
        for (int t = 1; t < h.Count; t++)
            Assert.That(h[t].NegativeLogEvidence, Is.LessThanOrEqualTo(h[t - 1].NegativeLogEvidence + 1e-10 * Math.Abs(h[t - 1].NegativeLogEvidence)),
                $"iteration {t + 1}");
    }

    [Test]
    public void NoiselessRecoveryIsExact()
    {
        // Known tiny σ² = 1e-10 on noiseless data; tolerance: support exact and max |x̂ − x| ≤ 1e-8.
        var phi = Gaussian(20, 40, 41);
        var (x, y) = Sparse(phi, [3, 17, 30], [1.0, -1.5, 2.0], 0, 0);
        var result = ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = 1e-10, MaxIterations = 500 });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(result.Support, Is.EqualTo(new[] { 3, 17, 30 }));
        Assert.That(result.SignificantSupport, Is.EqualTo(new[] { 3, 17, 30 }));
        for (int j = 0; j < x.Length; j++) Assert.That(result.Coefficients[j], Is.EqualTo(x[j]).Within(1e-8), $"x̂[{j}]");
        Assert.That(result.Summary.TrueResidualNorm, Is.LessThan(1e-7));
    }

    [Test]
    public void EmAndMacKayAgreeOnEasyProblem()
    {
        // M = 40, N = 100, 4 nonzeros, 40 dB (spec §5.1 test 10): same significant support, x̂ within 1e-3 relative (‖·‖₂).
        var phi = Gaussian(40, 100, 51);
        var (x, y0) = Sparse(phi, [5, 37, 60, 91], [1.0, -0.7, 1.3, -1.1], 0, 0);
        double signal = y0.Sum(v => v * v) / y0.Length;
        double noiseVar = signal * 1e-4;
        var (_, y) = Sparse(phi, [5, 37, 60, 91], [1.0, -0.7, 1.3, -1.1], Math.Sqrt(noiseVar), 52);
        var em = ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = noiseVar, MaxIterations = 1000, RelativeTolerance = 1e-8 });
        var mk = ClassicSbl.Solve(phi, y, new ClassicSblOptions
        {
            NoiseVariance = noiseVar, Update = SblGammaUpdate.MacKay, MaxIterations = 1000, RelativeTolerance = 1e-8,
        });
        Assert.That(em.SignificantSupport, Is.EqualTo(new[] { 5, 37, 60, 91 }));
        Assert.That(mk.SignificantSupport, Is.EqualTo(em.SignificantSupport));
        double diff = Math.Sqrt(em.Coefficients.Zip(mk.Coefficients, (a, b) => (a - b) * (a - b)).Sum());
        double norm = Math.Sqrt(em.Coefficients.Sum(v => v * v));
        Assert.That(diff, Is.LessThanOrEqualTo(1e-3 * norm));
        Assert.That(SparseRecoveryMetrics.NmseDb(em.Coefficients, x), Is.LessThan(-20));
    }

    [Test]
    public void UnknownNoiseIsLearned([Values] NoiseUpdateRule rule)
    {
        // Tolerance: σ̂²/σ² within [0.3, 3] on M = 60, N = 100, 4 nonzeros, σ = 0.05 (a loose sanity bound); support exact.
        var phi = Gaussian(60, 100, 61);
        var (_, y) = Sparse(phi, [1, 40, 77, 98], [1.0, -2.0, 1.5, 1.2], 0.05, 62);
        var result = ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseUpdate = rule, MaxIterations = 500 });
        Assert.That(result.NoiseVarianceLearned, Is.True);
        Assert.That(result.NoiseVariance / 0.0025, Is.InRange(0.3, 3.0));
        Assert.That(result.SignificantSupport, Is.EqualTo(new[] { 1, 40, 77, 98 }));
    }

    [Test]
    public void ZeroDataGivesZeroRightHandSide()
    {
        // Exact: x̂ = 0, 0 iterations.
        var phi = Gaussian(5, 8, 71);
        var result = ClassicSbl.Solve(phi, new double[5]);
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(result.Summary.Iterations, Is.Zero);
        Assert.That(result.Coefficients, Is.All.EqualTo(0.0));
        Assert.That(result.Support, Is.Empty);
    }

    [Test]
    public void IterationCapReturnsFinalEStepMean()
    {
        // Exact reason and count; x̂ equals the final E-step (Posterior with the returned γ and σ²) to 1e-14 abs.
        var phi = Gaussian(10, 25, 81);
        var (_, y) = Sparse(phi, [4, 9], [1.0, 2.0], 0.01, 82);
        var result = ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = 1e-4, MaxIterations = 2 });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(result.Summary.Iterations, Is.EqualTo(2));
        var mu = new double[25];
        var v = new double[25];
        ClassicSbl.Posterior(phi, y, result.Gamma!, 1e-4, mu, v);
        for (int j = 0; j < 25; j++)
        {
            Assert.That(result.Coefficients[j], Is.EqualTo(mu[j]).Within(1e-14));
            Assert.That(result.PosteriorVariance![j], Is.EqualTo(v[j]).Within(1e-14));
        }
        Assert.That(result.Coefficients.Any(c => c != 0), Is.True);
    }

    [Test]
    public void EverythingPrunedIsBreakdown()
    {
        // Exact: r_abs above every γ empties the kept set at t = 1 ⇒ DivergedBreakdown, iteration 1, value = max γ = 1, x̂ = 0.
        var phi = Gaussian(6, 10, 91);
        var (_, y) = Sparse(phi, [2], [1.0], 0.01, 92);
        var result = ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = 1e-3, AbsolutePruneThreshold = 1e12 });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedBreakdown));
        Assert.That(result.Summary.BreakdownIteration, Is.EqualTo(1));
        Assert.That(result.Summary.BreakdownValue, Is.EqualTo(1.0));
        Assert.That(result.Support, Is.Empty);
        Assert.That(result.SignificantSupport, Is.Empty);
        Assert.That(result.Coefficients, Is.All.EqualTo(0.0));
    }

    [Test]
    public void PreCancelledTokenGivesCancelled()
    {
        // Exact: Cancelled after 0 iterations, x̂ = 0.
        var phi = Gaussian(6, 10, 101);
        var (_, y) = Sparse(phi, [2], [1.0], 0.01, 102);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = ClassicSbl.Solve(phi, y, null, new SolverHooks(CancellationToken: cts.Token));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(result.Summary.Iterations, Is.Zero);
        Assert.That(result.Coefficients, Is.All.EqualTo(0.0));
    }

    [Test]
    public void BadInputThrows()
    {
        var phi = Gaussian(4, 7, 111);
        var y = new double[] { 1, 2, 3, 4 };
        var ex = Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, new double[3]));
        Assert.That(ex!.Message, Does.Contain("3").And.Contain("4"));
        ex = Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, new double[] { 1, double.NaN, 3, 4 }));
        Assert.That(ex!.ParamName, Is.EqualTo("y"));
        Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = 0 }));
        Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = double.NaN }));
        Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, y, new ClassicSblOptions { PruneRatio = 1 }));
        Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, y, new ClassicSblOptions { PruneRatio = -0.1 }));
        Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, y, new ClassicSblOptions { MaxIterations = 0 }));
        Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(phi, y, new ClassicSblOptions { InitialGamma = 0 }));
        Assert.Throws<ArgumentNullException>(() => ClassicSbl.Solve(null!, y));
    }

    [Test]
    public void InputsAreUntouched()
    {
        // Exact: y and Φ are bit-identical after Solve.
        var phi = Gaussian(8, 15, 121);
        var (_, y) = Sparse(phi, [1, 7], [1.0, -1.0], 0.05, 122);
        var yCopy = (double[])y.Clone();
        var phiCopy = phi.Data.ToArray();
        ClassicSbl.Solve(phi, y);
        Assert.That(y, Is.EqualTo(yCopy));
        Assert.That(phi.Data.ToArray(), Is.EqualTo(phiCopy));
    }
}
