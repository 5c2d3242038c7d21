using NUnit.Framework;
using Solvers.Dense;
using Solvers.Operators;
using Solvers.Sampling;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>The pattern-coupled Kronecker SBL (PC-KroSBL, spec sparse-bayesian §2.9) in <see cref="KroneckerSbl"/>.</summary>
[TestFixture]
public class PatternCoupledSblTests
{
    private static KroneckerSparseProblem SmallProblem(ulong seed) =>
        SparseRecoveryProblems.Kronecker([3, 4, 2], [5, 6, 4], [2, 2, 2], 25, seed);

    private static double[] Positive(int n, ulong seed) => SparseRecoveryTestData.Positive(n, seed);

    private static double[] Kron(params double[][] vectors) => SparseRecoveryTestData.Kron(vectors);

    /// <summary>C_β·1: 1 + 2β inside, 1 + β at the ends (1 for a single entry).</summary>
    private static double[] CouplingOfOnes(int n, double beta) =>
        [.. Enumerable.Range(0, n).Select(i => 1 + (i > 0 ? beta : 0) + (i + 1 < n ? beta : 0))];

    private static double[][] Clone(double[][] g) => [.. g.Select(f => (double[])f.Clone())];

    private static KroneckerSblOptions Pc(double beta, double? noise = null) => new()
    {
        MStep = KroneckerMStep.AlternatingMinimization,
        Coupling = [beta, null, beta],
        NoiseVariance = noise,
    };

    // §2.9 initialisation: γ_k = 1, so γ̃_k = C_β·1 (1 + 2β inside, 1 + β at the ends), not normalised. A pre-cancelled
    // solve reports the start: its full-length γ equals C_β1 ⊗ 1 ⊗ C_β1 to 1e−14 relative, and the reported coupled factor
    // has the ratio (1 + 2β)/(1 + β) between an inner entry and an end (1e−14). The first E-step uses exactly this start: L
    // of the first history entry equals KroneckerPosterior's L at (C_β1, 1, C_β1) to 1e−12 relative. The absolute-pruning
    // breakdown value is max γ̃₁·max γ₂·max γ̃₃ = (1 + 2β)² of the unnormalised start (1e−14).
    [TestCase(0.8)]
    [TestCase(0.5)]
    public void InitialFactors_AreCouplingOfOnes(double beta)
    {
        var p = SmallProblem(3);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var start = KroneckerSbl.Solve(p.Factors, p.Y, Pc(beta, p.NoiseVariance), new SolverHooks(CancellationToken: cts.Token));
        Assert.That(start.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(start.Summary.Iterations, Is.Zero);
        double[] g1 = CouplingOfOnes(5, beta), g2 = [1, 1, 1, 1, 1, 1], g3 = CouplingOfOnes(4, beta);
        Assert.That(g1, Is.EqualTo(new[] { 1 + beta, 1 + 2 * beta, 1 + 2 * beta, 1 + 2 * beta, 1 + beta }).Within(1e-15));
        var expected = Kron(g1, g2, g3);
        var got = start.ExpandGamma()!;
        for (int j = 0; j < expected.Length; j++) Assert.That(got[j], Is.EqualTo(expected[j]).Within(1e-14 * expected[j]), $"γ[{j}]");
        var f1 = start.GammaFactors![0];
        Assert.That(f1[1] / f1[0], Is.EqualTo((1 + 2 * beta) / (1 + beta)).Within(1e-14));
        Assert.That(f1[4] / f1[0], Is.EqualTo(1.0).Within(1e-14));

        var first = KroneckerSbl.Solve(p.Factors, p.Y, Pc(beta, p.NoiseVariance) with { MaxIterations = 1, RecordHistory = true });
        var posterior = new KroneckerPosterior(p.Factors);
        Assert.That(posterior.Update([g1, g2, g3], p.NoiseVariance, p.Y), Is.EqualTo(KroneckerPosteriorStatus.Success));
        Assert.That(first.History![0].NegativeLogEvidence,
            Is.EqualTo(posterior.NegativeLogEvidence).Within(1e-12 * Math.Abs(posterior.NegativeLogEvidence)));

        var broken = KroneckerSbl.Solve(p.Factors, p.Y, Pc(beta, p.NoiseVariance) with { AbsolutePruneThreshold = 1e12 });
        Assert.That(broken.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedBreakdown));
        Assert.That(broken.Summary.BreakdownIteration, Is.EqualTo(1));
        Assert.That(broken.Summary.BreakdownValue, Is.EqualTo((1 + 2 * beta) * (1 + 2 * beta)).Within(1e-14 * 4));
    }

    // What is exactly comparable: with β = 0 and floor 0, C_β = I, so the NNLS solution is the AM target itself and the
    // coupled sweep IS the plain AM sweep. One sweep equals AlternatingSweep (normalised) bit for bit.
    [Test]
    public void ZeroCouplingSweep_EqualsAlternatingSweep_Exactly()
    {
        double[][] g = [Positive(5, 1), Positive(6, 2), Positive(4, 3)];
        g[0][2] = 0; // a pruned entry
        var lambda = Positive(120, 4);
        var plain = Clone(g);
        var coupled = Clone(g);
        KroneckerSbl.AlternatingSweep(plain, lambda, normalize: true);
        KroneckerSbl.PatternCoupledSweep(coupled, lambda, [0.0, 0.0, 0.0], floor: 0);
        for (int k = 0; k < 3; k++) Assert.That(coupled[k], Is.EqualTo(plain[k]), $"mode {k}, exact");
        Assert.That(coupled[0][2], Is.Zero);
    }

    // And a whole solve: PC with all β = 0, floor 0 and the same start (InitialFactors = ones, normalised on entry by both)
    // equals AM-KroSBL run with PC's inner constants (relative 1e−4, at most 9 sweeps), bit for bit on ManagedBackend (MKL's
    // results depend on buffer alignment, so only a deterministic backend allows an exact comparison): x̂, factors, σ²,
    // iterations, inner sweeps, cap hits and mode supports. Known and learned σ².
    [TestCase(true)]
    [TestCase(false)]
    public void ZeroCouplingSolve_EqualsAlternatingMinimization_Exactly(bool noiseKnown)
    {
        var p = SparseRecoveryProblems.Kronecker([4, 5, 3], [7, 8, 6], [2, 2, 2], 20, 5);
        var backend = new ManagedBackend();
        double[][] ones = [Enumerable.Repeat(1.0, 7).ToArray(), Enumerable.Repeat(1.0, 8).ToArray(), Enumerable.Repeat(1.0, 6).ToArray()];
        var am = new KroneckerSblOptions
        {
            MStep = KroneckerMStep.AlternatingMinimization, NoiseVariance = noiseKnown ? p.NoiseVariance : null, InitialFactors = ones,
            InnerToleranceRelative = true, InnerTolerance = 1e-4, MaxInnerSweeps = 9,
        };
        var pc = new KroneckerSblOptions
        {
            MStep = KroneckerMStep.AlternatingMinimization, NoiseVariance = noiseKnown ? p.NoiseVariance : null, InitialFactors = ones,
            Coupling = [0.0, 0.0, 0.0], CouplingFloor = 0,
        };
        var a = KroneckerSbl.Solve(p.Factors, p.Y, am, default, backend);
        var b = KroneckerSbl.Solve(p.Factors, p.Y, pc, default, backend);
        Assert.That(a.Summary.Iterations, Is.GreaterThan(3), "premise: several EM iterations");
        Assert.That(a.InnerSweeps, Is.GreaterThan(a.Summary.Iterations), "premise: several inner sweeps in some iteration");
        Assert.That(b.Summary.Reason, Is.EqualTo(a.Summary.Reason));
        Assert.That(b.Summary.Iterations, Is.EqualTo(a.Summary.Iterations));
        Assert.That(b.InnerSweeps, Is.EqualTo(a.InnerSweeps));
        Assert.That(b.InnerCapHits, Is.EqualTo(a.InnerCapHits));
        Assert.That(b.Coefficients, Is.EqualTo(a.Coefficients));
        for (int k = 0; k < 3; k++)
        {
            Assert.That(b.GammaFactors![k], Is.EqualTo(a.GammaFactors![k]), $"factor {k}");
            Assert.That(b.ModeSupports![k], Is.EqualTo(a.ModeSupports![k]), $"support {k}");
        }
        Assert.That(b.NoiseVariance, Is.EqualTo(a.NoiseVariance));
    }

    // Coupling = null and an all-null list are the same plain solve, bit for bit (ManagedBackend), for the default SVD M-step.
    [Test]
    public void AllNullCoupling_IsPlain()
    {
        var p = SmallProblem(7);
        var backend = new ManagedBackend();
        var a = KroneckerSbl.Solve(p.Factors, p.Y, null, default, backend);
        var b = KroneckerSbl.Solve(p.Factors, p.Y, new KroneckerSblOptions { Coupling = [null, null, null] }, default, backend);
        Assert.That(b.Coefficients, Is.EqualTo(a.Coefficients));
        Assert.That(b.Summary.Iterations, Is.EqualTo(a.Summary.Iterations));
    }

    // One coupled sweep is assembled as §2.9 says, in mode order: the AM target of each mode with the current effective
    // factors of the others; coupled modes solve NNLS with C_β restricted to the kept indices (an index pruned in the
    // middle decouples its neighbours) and take floor + C_βv; then the §2.5 normalisation. Rebuilt here from
    // BlockUpdate, NonNegativeLeastSquares and Normalize with dense matrices; agreement to 1e−14 relative (the solver
    // sums C_βv in a different order). A pruned entry stays exactly 0.
    [Test]
    public void CoupledSweep_FollowsSpec()
    {
        double[][] g = [Positive(5, 11), Positive(6, 12), Positive(4, 13)];
        g[0][2] = 0;
        var lambda = Positive(120, 14);
        double?[] coupling = [0.8, null, 0.5];
        const double floor = 1e-5;
        var expected = Clone(g);
        for (int k = 0; k < 3; k++)
        {
            var kept = Enumerable.Range(0, expected[k].Length).Where(i => expected[k][i] > 0).ToArray();
            KroneckerSbl.BlockUpdate(expected, lambda, k);
            if (coupling[k] is not { } beta) continue;
            int n = kept.Length;
            var c = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    c[i * n + j] = i == j ? 1 : Math.Abs(kept[i] - kept[j]) == 1 ? beta : 0;
            var target = kept.Select(i => expected[k][i]).ToArray();
            var v = new double[n];
            Assert.That(NonNegativeLeastSquares.SolveOnce(c, n, n, target, v).Converged, Is.True);
            for (int i = 0; i < n; i++)
            {
                double cv = 0;
                for (int j = 0; j < n; j++) cv += c[i * n + j] * v[j];
                expected[k][kept[i]] = floor + cv;
            }
        }
        KroneckerSbl.Normalize(expected);

        var got = Clone(g);
        KroneckerSbl.PatternCoupledSweep(got, lambda, coupling, floor);
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < got[k].Length; i++)
                Assert.That(got[k][i], Is.EqualTo(expected[k][i]).Within(1e-14 * expected[k].Max()), $"γ̃_{k}[{i}]");
        Assert.That(got[0][2], Is.Zero);
        Assert.That(got[0].Where((v, i) => i != 2), Is.All.GreaterThan(floor / 2), "kept coupled entries carry the floor");
    }

    // PC constants (§3.3): with coupling on, the inner test defaults to relative 1e−4 with at most 9 sweeps; otherwise
    // absolute 1e−5 with at most 100. Observable: InnerTolerance = 0 makes every EM iteration run exactly 9 sweeps and hit
    // the cap (InnerSweeps = 9·t, InnerCapHits = t); an explicit MaxInnerSweeps = 3 gives 3·t; SingleSweep runs one per
    // iteration.
    [Test]
    public void InnerDefaults_FollowPcMode()
    {
        var plain = new KroneckerSblOptions { MStep = KroneckerMStep.AlternatingMinimization };
        Assert.That((plain.EffectiveInnerTolerance, plain.EffectiveInnerToleranceRelative, plain.EffectiveMaxInnerSweeps), Is.EqualTo((1e-5, false, 100)));
        var pc = Pc(0.8);
        Assert.That((pc.EffectiveInnerTolerance, pc.EffectiveInnerToleranceRelative, pc.EffectiveMaxInnerSweeps), Is.EqualTo((1e-4, true, 9)));

        var p = SmallProblem(9);
        var fixedRun = Pc(0.8, p.NoiseVariance) with { InnerTolerance = 0, MaxIterations = 5, RelativeTolerance = 0, PruneRatios = [0, 0, 0] };
        var r = KroneckerSbl.Solve(p.Factors, p.Y, fixedRun);
        Assert.That(r.Summary.Iterations, Is.EqualTo(5));
        Assert.That(r.InnerSweeps, Is.EqualTo(45));
        Assert.That(r.InnerCapHits, Is.EqualTo(5));
        r = KroneckerSbl.Solve(p.Factors, p.Y, fixedRun with { MaxInnerSweeps = 3 });
        Assert.That(r.InnerSweeps, Is.EqualTo(15));
        r = KroneckerSbl.Solve(p.Factors, p.Y, fixedRun with { MStep = KroneckerMStep.SingleSweep });
        Assert.That(r.InnerSweeps, Is.EqualTo(5));
        Assert.That(r.InnerCapHits, Is.Zero);
    }

    // Outcome codes with coupling on (§3.5): y = 0, pre-cancelled, MaxIterations = 2 (x̂ from the final E-step, nonzero),
    // and a result whose reported factors are the effective ones: re-running the E-step at them reproduces x̂ (1e−10 relative).
    [Test]
    public void OutcomeCodes_WithCoupling()
    {
        var p = SmallProblem(21);
        var zero = KroneckerSbl.Solve(p.Factors, new double[24], Pc(0.8));
        Assert.That(zero.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(zero.Coefficients, Is.All.EqualTo(0.0));

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8), new SolverHooks(CancellationToken: cts.Token));
        Assert.That(cancelled.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(cancelled.Summary.Iterations, Is.Zero);

        var capped = KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8, p.NoiseVariance) with { MaxIterations = 2 });
        Assert.That(capped.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(capped.Summary.Iterations, Is.EqualTo(2));
        Assert.That(capped.Coefficients.Any(v => v != 0), Is.True);

        var full = KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8, p.NoiseVariance));
        Assert.That(full.Summary.Converged || full.Summary.Reason == ConvergenceReason.DivergedMaxIterations, Is.True, full.Summary.Reason.ToString());
        var posterior = new KroneckerPosterior(p.Factors);
        Assert.That(posterior.Update([.. full.GammaFactors!], p.NoiseVariance, p.Y), Is.EqualTo(KroneckerPosteriorStatus.Success));
        double scale = full.Coefficients.Max(Math.Abs);
        for (int j = 0; j < full.Coefficients.Length; j++)
            Assert.That(posterior.Mean[j], Is.EqualTo(full.Coefficients[j]).Within(1e-10 * scale), $"μ[{j}]");
    }

    // Misuse (§3.2): β < 0 or non-finite, a negative or non-finite floor, coupling with the SVD M-step (Validate, also at
    // Solve), and a coupling list whose length is not the number of factors (at Solve). Messages name the entry or sizes.
    [Test]
    public void BadCouplingOptions_Throw()
    {
        var p = SmallProblem(31);
        var e = Assert.Throws<ArgumentException>(() => (Pc(0.8) with { Coupling = [-0.1, null, 0.8] }).Validate());
        Assert.That(e!.Message, Does.Contain("Coupling[0]"));
        Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8) with { Coupling = [0.8, null, double.NaN] }));
        Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8) with { Coupling = [0.8, null, double.PositiveInfinity] }));
        Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8) with { CouplingFloor = -1e-5 }));
        Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8) with { CouplingFloor = double.NaN }));
        e = Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8) with { MStep = KroneckerMStep.Svd }));
        Assert.That(e!.Message, Does.Contain("AlternatingMinimization"));
        e = Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8) with { Coupling = [0.8, 0.8] }));
        Assert.That(e!.Message, Does.Contain("2 entries").And.Contain("3 factors"));
        Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve(p.Factors, p.Y, Pc(0.8) with { Coupling = [0.8, null, 0.8, null] }));
        Assert.Throws<ArgumentException>(() => (Pc(0.8) with { MaxInnerSweeps = 0 }).Validate());
        Assert.Throws<ArgumentException>(() => (Pc(0.8) with { InnerTolerance = -1 }).Validate());

        double[][] g = [Positive(5, 1), Positive(6, 2), Positive(4, 3)];
        var lambda = Positive(120, 4);
        Assert.Throws<ArgumentException>(() => KroneckerSbl.PatternCoupledSweep(g, lambda, [0.8, null], 1e-5));
        Assert.Throws<ArgumentException>(() => KroneckerSbl.PatternCoupledSweep(g, lambda, [0.8, null, -1.0], 1e-5));
        Assert.Throws<ArgumentException>(() => KroneckerSbl.PatternCoupledSweep(g, lambda, [0.8, null, 0.8], -1));
    }

    /// <summary>
    /// A real counterpart of a uniform-array steering dictionary: rows cos(πmθ_n)/√a and sin(πmθ_n)/√a for antennas
    /// m = 0…a−1 and the grid θ_n = −1 + 2n/N (the real and imaginary parts of e^{jπmθ}), so neighbouring columns are
    /// strongly coherent as in the IRS channel (§4.4).
    /// </summary>
    private static DenseOperator Steering(int antennas, int n)
    {
        var data = new double[2 * antennas * n];
        for (int m = 0; m < antennas; m++)
            for (int j = 0; j < n; j++)
            {
                double phase = Math.PI * m * (-1 + 2.0 * j / n);
                data[m * n + j] = Math.Cos(phase) / Math.Sqrt(antennas);
                data[(antennas + m) * n + j] = Math.Sin(phase) / Math.Sqrt(antennas);
            }
        return new DenseOperator(2 * antennas, n, data);
    }

    /// <summary>A run of <paramref name="length"/> adjacent nonzeros at a random start, magnitudes in [0.5, 1.5), random signs.</summary>
    private static double[] Cluster(Xoshiro256StarStar rng, int n, int length)
    {
        var x = new double[n];
        int start = (int)(rng.NextDouble() * (n - length + 1));
        for (int i = 0; i < length; i++) x[start + i] = (rng.NextDouble() < 0.5 ? -1 : 1) * (0.5 + rng.NextDouble());
        return x;
    }

    /// <summary>
    /// The clustered-support problem (IRS-like, real): steering factors for 6, 4 and 8 antennas (12×24, 8×12, 16×24),
    /// supports of modes 1 and 3 runs of 3 adjacent indices, mode 2 a single index, white noise at 20 dB.
    /// </summary>
    private static (DenseOperator[] Factors, double[] X, double[] Y, double NoiseVariance) ClusteredProblem(ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        DenseOperator[] factors = [Steering(6, 24), Steering(4, 12), Steering(8, 24)];
        var x = new double[24 * 12 * 24];
        KroneckerSbl.Expand([Cluster(rng, 24, 3), Cluster(rng, 12, 1), Cluster(rng, 24, 3)], x);
        var y = new double[12 * 8 * 16];
        KroneckerOperator.Product(factors).Apply(x, y);
        double power = y.Sum(v => v * v) / y.Length, sigma2 = power * Math.Pow(10, -20 / 10.0);
        for (int i = 0; i < y.Length; i++) y[i] += Math.Sqrt(sigma2) * rng.NextNormal();
        return (factors, x, y, sigma2);
    }

    // Clustered support (§2.9's motivation): PC-KroSBL with β = 0.8 and the reference IRS constants (prune ratios
    // (1e−2, 1e−1, 1e−2), absolute 1e−4) against SVD-KroSBL and AM-KroSBL with their §2.8 defaults, σ² known, seeds 1…6.
    // Measured (dB): PC median −26.3 (all six in −19.8…−29.6); SVD median +0.5 (two of six recovered, −26.5 and −33.4);
    // AM median −0.7 (none below −3.4). Gate: PC's median NMSE at least 10 dB below both (measured gap ≥ 25 dB).
    // Not claimed: that coupling is what wins. On 8 other draws of this set-up AM and SVD given the same IRS prune ratios
    // reached −31.4 and −32.4 dB median against PC's −19.0: the IRS pruning constants matter most here.
    [Test]
    public void ClusteredSupport_PcBeatsPlainMethods()
    {
        var nmse = new Dictionary<string, List<double>> { ["pc"] = [], ["svd"] = [], ["am"] = [] };
        for (ulong seed = 1; seed <= 6; seed++)
        {
            var (factors, x, y, sigma2) = ClusteredProblem(seed);
            var pc = new KroneckerSblOptions
            {
                MStep = KroneckerMStep.AlternatingMinimization, Coupling = [0.8, null, 0.8], NoiseVariance = sigma2,
                PruneRatios = [1e-2, 1e-1, 1e-2], AbsolutePruneThreshold = 1e-4,
            };
            var am = new KroneckerSblOptions { MStep = KroneckerMStep.AlternatingMinimization, NoiseVariance = sigma2 };
            foreach (var (name, options) in new[] { ("pc", pc), ("svd", new KroneckerSblOptions { NoiseVariance = sigma2 }), ("am", am) })
            {
                var r = KroneckerSbl.Solve(factors, y, options);
                nmse[name].Add(SparseRecoveryMetrics.Nmse(r.Coefficients, x));
                TestContext.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{name} seed {seed}: {r.Summary.Iterations} its, {r.InnerSweeps} sweeps, {r.Summary.Elapsed.TotalSeconds:F2} s"));
            }
        }
        var median = nmse.ToDictionary(e => e.Key, e => SparseRecoveryMetrics.MedianNmseDb(e.Value.ToArray()));
        string report = string.Join("; ", nmse.Select(e => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{e.Key} median {median[e.Key]:F1} dB [{string.Join(" ", e.Value.Select(v => (10 * Math.Log10(v)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}]")));
        TestContext.Out.WriteLine(report);
        Assert.That(median["pc"], Is.LessThanOrEqualTo(median["svd"] - 10), report);
        Assert.That(median["pc"], Is.LessThanOrEqualTo(median["am"] - 10), report);
    }
}
