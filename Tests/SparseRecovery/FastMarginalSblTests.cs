using MathNet.Numerics.LinearAlgebra;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Solvers.Operators;
using Solvers.SparseRecovery;
using Solvers.Tests.Krylov;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Fast marginal-likelihood SBL (spec §2.3, §3.5, §5.1 test 11).</summary>
[TestFixture]
public class FastMarginalSblTests
{
    /// <summary>L(γ, σ²) = log|Σ_y| + yᵀΣ_y⁻¹y by the classic M×M E-step, independent of fast SBL's p×p algebra.</summary>
    private static double ClassicL(DenseOperator phi, double[] y, double[] gamma, double sigma2)
    {
        var mu = new double[phi.Columns];
        var v = new double[phi.Columns];
        return ClassicSbl.Posterior(phi, y, gamma, sigma2, mu, v).NegativeLogEvidence;
    }

    /// <summary>
    /// An overdetermined problem for the learned-noise runs (M = 100, N = 60, 4 nonzeros, σ = 0.05): with N &gt; M the
    /// jointly learned σ² collapses towards 0 (see <see cref="LearnedNoiseCollapsesWhenNExceedsM"/>); here it settles.
    /// </summary>
    private static (DenseOperator Phi, double[] Y) NoiseProblem()
    {
        var phi = ClassicSblTests.Gaussian(100, 60, 211);
        var (_, y) = ClassicSblTests.Sparse(phi, [2, 19, 33, 58], [1.0, -2.0, 1.5, 1.2], 0.05, 212);
        return (phi, y);
    }

    /// <summary>The easy problem of spec §5.1 test 10 (as in ClassicSblTests.EmAndMacKayAgreeOnEasyProblem).</summary>
    private static (DenseOperator Phi, double[] X, double[] Y, double Sigma2) EasyProblem(double snrDb = 40)
    {
        var phi = ClassicSblTests.Gaussian(40, 100, 51);
        var (x, y0) = ClassicSblTests.Sparse(phi, [5, 37, 60, 91], [1.0, -0.7, 1.3, -1.1], 0, 0);
        double noiseVar = y0.Sum(v => v * v) / y0.Length * Math.Pow(10, -snrDb / 10);
        var (_, y) = ClassicSblTests.Sparse(phi, [5, 37, 60, 91], [1.0, -0.7, 1.3, -1.1], Math.Sqrt(noiseVar), 52);
        return (phi, x, y, noiseVar);
    }

    [Test]
    public void NoiselessRecoveryIsExact([Values] bool rankOne)
    {
        // Known tiny σ² = 1e-10 on noiseless data; tolerance: support exact and max |x̂ − x| ≤ 1e-8.
        var phi = ClassicSblTests.Gaussian(20, 40, 41);
        var (x, y) = ClassicSblTests.Sparse(phi, [3, 17, 30], [1.0, -1.5, 2.0], 0, 0);
        var result = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 1e-10, UseRankOneUpdates = rankOne });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(result.Support, Is.EqualTo(new[] { 3, 17, 30 }));
        for (int j = 0; j < x.Length; j++) Assert.That(result.Coefficients[j], Is.EqualTo(x[j]).Within(1e-8), $"x̂[{j}]");
    }

    /// <summary>The test-10 problem at known σ² (it adds, re-estimates and deletes), or the overdetermined one with σ² learned.</summary>
    private static (DenseOperator Phi, double[] Y, FastMarginalSblOptions Options) StepProblem(bool learnNoise, bool rankOne)
    {
        if (learnNoise)
        {
            var (phiN, yN) = NoiseProblem();
            return (phiN, yN, new FastMarginalSblOptions { NoiseUpdateEvery = 3, UseRankOneUpdates = rankOne });
        }
        var (phi, _, y, sigma2) = EasyProblem();
        return (phi, y, new FastMarginalSblOptions { NoiseVariance = sigma2, UseRankOneUpdates = rankOne });
    }

    [Test]
    public void IncrementalSAndQMatchDirectRecomputation([Values] bool learnNoise)
    {
        // Spec §5.1 test 11: after every step of the rank-one path, max_i |S_i − S_i^direct| ≤ 1e-10·max_i |S_i^direct| and the
        // same for Q (relative to the vector's largest entry: the direct S_i of a well-determined basis is itself a
        // difference of O(β‖φ_i‖²) terms, so an entrywise bound would measure the direct path's cancellation, not the update).
        // With σ² learned every 3 steps the check also covers the direct recomputation after a noise update.
        var (phi, y, options) = StepProblem(learnNoise, rankOne: true);
        var actions = new HashSet<FastSblAction>();
        double worstS = 0, worstQ = 0;
        int steps = 0;
        FastMarginalSbl.Solve(phi, y, options, default, step =>
        {
            actions.Add(step.Action);
            steps = step.Step;
            double sScale = step.DirectS.Max(Math.Abs), qScale = step.DirectQ.Max(Math.Abs);
            double sErr = step.S.Zip(step.DirectS, (a, b) => Math.Abs(a - b)).Max() / sScale;
            double qErr = step.Q.Zip(step.DirectQ, (a, b) => Math.Abs(a - b)).Max() / qScale;
            worstS = Math.Max(worstS, sErr);
            worstQ = Math.Max(worstQ, qErr);
            Assert.That(sErr, Is.LessThanOrEqualTo(1e-10), $"S after step {step.Step} ({step.Action} {step.Index})");
            Assert.That(qErr, Is.LessThanOrEqualTo(1e-10), $"Q after step {step.Step} ({step.Action} {step.Index})");
        });
        TestContext.Out.WriteLine($"steps {steps}, worst relative S error {worstS:E2}, Q error {worstQ:E2}");
        Assert.That(steps, Is.GreaterThan(10));
        if (!learnNoise)
            Assert.That(actions, Is.SupersetOf(new[] { FastSblAction.Add, FastSblAction.Reestimate, FastSblAction.Delete }),
                "the problem must exercise every update formula");
    }

    [Test]
    public void RealisedEvidenceChangeEqualsPredicted([Values] bool rankOne, [Values] bool learnNoise)
    {
        // Spec §5.1 test 11: for every step, 2ΔL > 0 and the realised L(γ_{t−1}, σ²) − L(γ_t, σ²) (both by the classic M×M
        // E-step, σ² = the value the action was taken at) equals the predicted 2ΔL to 1e-8 relative. L itself carries
        // round-off of order ε·yᵀy/σ² (yᵀΣ_y⁻¹y ≈ M is what is left of yᵀy/σ² ≈ 4e5 here), measured up to 1.7e-16·yᵀy/σ²
        // (7e-11 absolute), while late re-estimates gain as little as 1e-8; so the bound is
        // |realised − 2ΔL| ≤ 1e-8·2ΔL + 1e-15·yᵀy/σ².
        var (phi, y, options) = StepProblem(learnNoise, rankOne);
        double[]? previousGamma = null;
        double worstRelative = 0, worstFloor = 0;
        int steps = 0;
        FastMarginalSbl.Solve(phi, y, options, default, step =>
        {
            if (previousGamma is not null)
            {
                double before = ClassicL(phi, y, previousGamma, step.ActionNoiseVariance);
                double after = ClassicL(phi, y, step.Gamma, step.ActionNoiseVariance);
                double error = Math.Abs(before - after - step.PredictedGain);
                double floor = y.Sum(v => v * v) / step.ActionNoiseVariance;
                if (step.PredictedGain > 1e-4) worstRelative = Math.Max(worstRelative, error / step.PredictedGain);
                worstFloor = Math.Max(worstFloor, error / floor);
                Assert.That(step.PredictedGain, Is.GreaterThan(0), $"step {step.Step}");
                Assert.That(error, Is.LessThanOrEqualTo(1e-8 * step.PredictedGain + 1e-15 * floor),
                    $"step {step.Step} ({step.Action} {step.Index}): realised {before - after:R}, predicted {step.PredictedGain:R}");
            }
            previousGamma = step.Gamma;
            steps = step.Step;
        });
        TestContext.Out.WriteLine($"steps {steps}, worst |error|/2ΔL where 2ΔL > 1e-4: {worstRelative:E2}; worst |error|/(yᵀy/σ²): {worstFloor:E2}");
        Assert.That(steps, Is.GreaterThan(10));
    }

    [Test]
    public void InitialAlphaIsTheOneBasisOptimum()
    {
        // Spec §2.3 step 2, recomputed with MathNet: i₀ = argmax |φ_iᵀy|/‖φ_i‖ and
        // α = ‖φ‖²/(|φᵀy|²/‖φ‖² − σ²), to 1e-12 relative; the model holds only i₀.
        var (phi, _, y, sigma2) = EasyProblem();
        var a = Matrix<double>.Build.DenseOfArray(phi.ToArray());
        var yv = Vector<double>.Build.DenseOfArray(y);
        int expectedIndex = -1;
        double bestScore = -1;
        for (int i = 0; i < a.ColumnCount; i++)
        {
            double score = Math.Abs(a.Column(i) * yv) / a.Column(i).L2Norm();
            if (score > bestScore) { bestScore = score; expectedIndex = i; }
        }
        var column = a.Column(expectedIndex);
        double norm2 = column * column, proj = column * yv;
        double expectedAlpha = norm2 / (proj * proj / norm2 - sigma2);
        int firstIndex = -1;
        double[]? firstGamma = null;
        FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = sigma2, MaxIterations = 1 }, default, step =>
        {
            if (step.Step == 0) (firstIndex, firstGamma) = (step.Index, step.Gamma);
        });
        Assert.That(firstIndex, Is.EqualTo(expectedIndex));
        Assert.That(firstGamma!.Count(g => g != 0), Is.EqualTo(1));
        Assert.That(1 / firstGamma![expectedIndex], Is.EqualTo(expectedAlpha).Within(1e-12 * expectedAlpha));
    }

    [Test]
    public void DirectAndRankOnePathsAgree()
    {
        // Same steps, support and actions; x̂ to 1e-10 relative (‖·‖₂) and L to 1e-10 relative.
        var (phi, _, y, sigma2) = EasyProblem();
        var direct = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = sigma2, RecordHistory = true });
        var rankOne = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = sigma2, RecordHistory = true, UseRankOneUpdates = true });
        Assert.That(rankOne.Summary.Iterations, Is.EqualTo(direct.Summary.Iterations));
        Assert.That(rankOne.History!.Select(h => (h.Action, h.Index)), Is.EqualTo(direct.History!.Select(h => (h.Action, h.Index))));
        Assert.That(rankOne.Support, Is.EqualTo(direct.Support));
        double diff = Math.Sqrt(direct.Coefficients.Zip(rankOne.Coefficients, (p, q) => (p - q) * (p - q)).Sum());
        double norm = Math.Sqrt(direct.Coefficients.Sum(v => v * v));
        Assert.That(diff, Is.LessThanOrEqualTo(1e-10 * norm));
        Assert.That(rankOne.NegativeLogEvidence, Is.EqualTo(direct.NegativeLogEvidence).Within(1e-10 * Math.Abs(direct.NegativeLogEvidence)));
    }

    [Test]
    public void HistoryRecordsActionsAndEvidence([Values] bool rankOne)
    {
        // History entry t: L after step t; L_{t−1} − L_t = 2ΔL of step t to 1e-8·2ΔL + 1e-15·yᵀy/σ² (σ² known; the second
        // term is L's round-off, see RealisedEvidenceChangeEqualsPredicted), 2ΔL > 0; the final L equals the classic E-step's L
        // at the returned γ to 1e-10 relative, and the last history entry (tracked as L − 2ΔL on the rank-one path) to 1e-9.
        var (phi, _, y, sigma2) = EasyProblem();
        var result = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = sigma2, RecordHistory = true, UseRankOneUpdates = rankOne });
        var h = result.History!;
        Assert.That(h, Has.Count.EqualTo(result.Summary.Iterations));
        for (int t = 1; t < h.Count; t++)
        {
            Assert.That(h[t].EvidenceGain, Is.GreaterThan(0));
            Assert.That(h[t - 1].NegativeLogEvidence - h[t].NegativeLogEvidence, Is.EqualTo(h[t].EvidenceGain).Within(1e-8 * h[t].EvidenceGain + 1e-15 * y.Sum(v => v * v) / sigma2),
                $"step {t + 1}");
        }
        double direct = ClassicL(phi, y, result.Gamma!, sigma2);
        Assert.That(result.NegativeLogEvidence, Is.EqualTo(direct).Within(1e-10 * Math.Abs(direct)));
        Assert.That(h[^1].NegativeLogEvidence, Is.EqualTo(direct).Within(1e-9 * Math.Abs(direct)));
    }

    [Test]
    public void EasyProblemReachesHigherEvidenceThanPrunedEm([Values] bool rankOne)
    {
        // Spec §5.1 test 11 on the test-10 problem (M = 40, N = 100, 4 nonzeros, 40 dB, σ² known). Measured: fast SBL ends
        // with 14 bases at L = −231.21, EM (τ = 1e-3) with 4 at L = −214.70. Both L values are valid (classic E-step at the
        // returned γ, 1e-10 relative), and EM's point is not a maximum of the evidence: at EM's γ, pruned bases still have
        // q_i² > s_i (positive add gain). The 10 extra bases fit noise with |x̂_j| ≤ 1.0e-2·max|x̂|, above the 1e-3 significance
        // threshold, so the significant supports differ; at 2e-2·max|x̂| the support equals EM's (and the truth), and
        // ‖x̂_fast − x̂_EM‖/‖x̂_EM‖ = 9.8e-3 ≤ 2e-2.
        var (phi, x, y, sigma2) = EasyProblem();
        var em = ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = sigma2, MaxIterations = 1000, RelativeTolerance = 1e-8 });
        var fast = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = sigma2, UseRankOneUpdates = rankOne });
        Assert.That(fast.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        int[] truth = [5, 37, 60, 91];
        Assert.That(em.SignificantSupport, Is.EqualTo(truth));
        double max = fast.Coefficients.Max(Math.Abs);
        Assert.That(Enumerable.Range(0, 100).Where(j => Math.Abs(fast.Coefficients[j]) > 2e-2 * max), Is.EqualTo(em.SignificantSupport));
        double diff = Math.Sqrt(em.Coefficients.Zip(fast.Coefficients, (a, b) => (a - b) * (a - b)).Sum());
        double norm = Math.Sqrt(em.Coefficients.Sum(v => v * v));
        Assert.That(diff, Is.LessThanOrEqualTo(2e-2 * norm));
        double lFast = ClassicL(phi, y, fast.Gamma!, sigma2), lEm = ClassicL(phi, y, em.Gamma!, sigma2);
        Assert.That(fast.NegativeLogEvidence, Is.EqualTo(lFast).Within(1e-10 * Math.Abs(lFast)));
        Assert.That(em.NegativeLogEvidence, Is.EqualTo(lEm).Within(1e-10 * Math.Abs(lEm)));
        Assert.That(lFast, Is.LessThan(lEm - 10));
        int profitable = ProfitableAdditions(phi, y, em.Gamma!, sigma2);
        TestContext.Out.WriteLine(
            $"fast: {fast.Summary.Iterations} steps, support {fast.Support.Length}, significant {fast.SignificantSupport.Length}, L {lFast:R}; " +
            $"EM: {em.Summary.Iterations} its, support {em.Support.Length}, L {lEm:R}, {profitable} pruned bases with q² > s; " +
            $"‖x̂_fast − x̂_EM‖/‖x̂_EM‖ = {diff / norm:E2}; largest extra |x̂|/max = " +
            $"{Enumerable.Range(0, 100).Where(j => !truth.Contains(j)).Max(j => Math.Abs(fast.Coefficients[j])) / max:E2}; " +
            $"NMSE fast {SparseRecoveryMetrics.NmseDb(fast.Coefficients, x):F2} dB, EM {SparseRecoveryMetrics.NmseDb(em.Coefficients, x):F2} dB");
        Assert.That(profitable, Is.GreaterThan(0));
    }

    [Test]
    public void HighSnrSignificantSupportEqualsEm([Values] bool rankOne)
    {
        // The test-10 problem at 80 dB (σ² known): the noise-fitting bases shrink with σ, so the significant supports (1e-3
        // threshold) are equal (and the truth); ‖x̂_fast − x̂_EM‖/‖x̂_EM‖ ≤ 1e-3 (measured: see the test output / report).
        var (phi, _, y, sigma2) = EasyProblem(80);
        var em = ClassicSbl.Solve(phi, y, new ClassicSblOptions { NoiseVariance = sigma2, MaxIterations = 1000, RelativeTolerance = 1e-8 });
        var fast = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = sigma2, UseRankOneUpdates = rankOne });
        Assert.That(fast.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(em.SignificantSupport, Is.EqualTo(new[] { 5, 37, 60, 91 }));
        Assert.That(fast.SignificantSupport, Is.EqualTo(em.SignificantSupport));
        double diff = Math.Sqrt(em.Coefficients.Zip(fast.Coefficients, (a, b) => (a - b) * (a - b)).Sum());
        double norm = Math.Sqrt(em.Coefficients.Sum(v => v * v));
        TestContext.Out.WriteLine($"fast support {fast.Support.Length}, L {fast.NegativeLogEvidence:R}; EM L {em.NegativeLogEvidence:R}; rel diff {diff / norm:E2}");
        Assert.That(diff, Is.LessThanOrEqualTo(1e-3 * norm));
    }

    /// <summary>How many bases with γ_i = 0 have Q_i² &gt; S_i at (γ, σ²), i.e. would raise the evidence if added (dense C⁻¹).</summary>
    private static int ProfitableAdditions(DenseOperator phi, double[] y, double[] gamma, double sigma2)
    {
        var a = Matrix<double>.Build.DenseOfArray(phi.ToArray());
        var c = a * Matrix<double>.Build.DiagonalOfDiagonalArray(gamma) * a.Transpose() + sigma2 * Matrix<double>.Build.DenseIdentity(phi.Rows);
        var cholesky = c.Cholesky();
        var yv = Vector<double>.Build.DenseOfArray(y);
        int count = 0;
        for (int i = 0; i < phi.Columns; i++)
        {
            if (gamma[i] != 0) continue;
            var column = a.Column(i);
            var solved = cholesky.Solve(column);
            double sBig = column * solved, qBig = yv * solved;
            if (qBig * qBig > sBig) count++;
        }
        return count;
    }

    [Test]
    public void LearnedNoiseIsNearTheTruth([Values] bool rankOne)
    {
        // σ² learned every 3 steps (Tipping's form) from 0.1·var(y) on the overdetermined problem (M = 100, N = 60,
        // 4 nonzeros, σ = 0.05): converged and σ̂²/σ² in [0.5, 1.5] (measured 0.73: the noise-fitting bases the evidence
        // admits, as on the test-10 problem, take their share of the residual). The four largest |x̂_j| are the truth and
        // every other |x̂_j| is below 5e-2·max|x̂| (measured: see the test output / report).
        var (phi, y) = NoiseProblem();
        var result = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseUpdateEvery = 3, UseRankOneUpdates = rankOne });
        int[] truth = [2, 19, 33, 58];
        double max = result.Coefficients.Max(Math.Abs);
        double extra = Enumerable.Range(0, 60).Where(j => !truth.Contains(j)).Max(j => Math.Abs(result.Coefficients[j])) / max;
        TestContext.Out.WriteLine($"σ̂²/σ² = {result.NoiseVariance / 0.0025:R}, steps {result.Summary.Iterations}, support {result.Support.Length}, " +
            $"largest extra |x̂|/max {extra:E2}, smallest true |x̂|/max {truth.Min(j => Math.Abs(result.Coefficients[j])) / max:E2}");
        Assert.That(result.NoiseVarianceLearned, Is.True);
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(result.NoiseVariance / 0.0025, Is.InRange(0.5, 1.5));
        Assert.That(Enumerable.Range(0, 60).Where(j => Math.Abs(result.Coefficients[j]) > 5e-2 * max), Is.EqualTo(truth));
    }

    [Test]
    public void LearnedNoiseCollapsesWhenNExceedsM()
    {
        // A property of the objective, not of the bookkeeping: on ClassicSblTests.UnknownNoiseIsLearned's problem (M = 60,
        // N = 100, σ = 0.05) with σ² re-estimated every 5 steps, every step and every noise update raises the evidence
        // (L non-increasing, slack 1e-10·|L|), yet σ² keeps falling as noise-fitting bases enter: after 200 steps σ̂² < 0.01·σ²
        // with more than 40 bases, and L is far below classic EM's (measured −398.5 vs −261.3).
        var phi = ClassicSblTests.Gaussian(60, 100, 61);
        var (_, y) = ClassicSblTests.Sparse(phi, [1, 40, 77, 98], [1.0, -2.0, 1.5, 1.2], 0.05, 62);
        double previous = double.PositiveInfinity;
        FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseUpdateEvery = 5, MaxIterations = 200 }, default, step =>
        {
            double l = ClassicL(phi, y, step.Gamma, step.NoiseVariance);
            Assert.That(l, Is.LessThanOrEqualTo(previous + 1e-10 * Math.Abs(l)), $"step {step.Step}");
            previous = l;
        });
        var fast = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseUpdateEvery = 5, MaxIterations = 200 });
        var em = ClassicSbl.Solve(phi, y, new ClassicSblOptions { MaxIterations = 500 });
        Assert.That(fast.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(fast.NoiseVariance, Is.LessThan(0.01 * 0.0025));
        Assert.That(fast.Support, Has.Length.GreaterThan(40));
        Assert.That(fast.NegativeLogEvidence, Is.LessThan(em.NegativeLogEvidence - 100));
    }

    [Test]
    public void LastBasisIsNeverDeleted()
    {
        // Pure-noise data (M = 30, N = 4) with σ² learned after every step from 0.5·var(y): the noise update lifts σ² above
        // the lone basis's |φᵀy|²/‖φ‖², so its θ = q² − s ≤ 0 (deleting it would be "profitable"), but the model never
        // empties. Exact: at least one such step over the seeds, and every step keeps ≥ 1 basis.
        int lonelyAndUnwanted = 0;
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var phi = ClassicSblTests.Gaussian(30, 4, 300 + seed);
            var (_, y) = ClassicSblTests.Sparse(phi, [], [], 1.0, 400 + seed);
            var options = new FastMarginalSblOptions { NoiseUpdateEvery = 1, InitialNoiseFactor = 0.5, MaxIterations = 50 };
            var result = FastMarginalSbl.Solve(phi, y, options, default, step =>
            {
                var active = Enumerable.Range(0, 4).Where(j => step.Gamma[j] > 0).ToArray();
                Assert.That(active, Is.Not.Empty, $"seed {seed}, step {step.Step}");
                if (active.Length != 1) return;
                int i = active[0];
                double alpha = 1 / step.Gamma[i], sBig = step.DirectS[i], qBig = step.DirectQ[i];
                double s = alpha * sBig / (alpha - sBig), q = alpha * qBig / (alpha - sBig);
                if (q * q - s <= 0) lonelyAndUnwanted++;
            });
            if (result.Summary.Reason != ConvergenceReason.ConvergedAbsoluteTolerance) Assert.That(result.Support, Is.Not.Empty);
        }
        TestContext.Out.WriteLine($"steps with a lone basis whose θ ≤ 0: {lonelyAndUnwanted}");
        Assert.That(lonelyAndUnwanted, Is.GreaterThan(0));
    }

    [Test]
    public void OutcomeCodes()
    {
        var phi = ClassicSblTests.Gaussian(10, 20, 81);
        // y = 0: exact reason, 0 steps, x̂ = 0.
        var zero = FastMarginalSbl.Solve(phi, new double[10]);
        Assert.That(zero.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(zero.Summary.Iterations, Is.Zero);
        Assert.That(zero.Coefficients, Is.All.EqualTo(0.0));
        // No basis above the noise (σ² = 1e6 ≫ max |φᵀy|²/‖φ‖²): ConvergedAbsoluteTolerance, empty support, x̂ = 0, one warning.
        var (_, y) = ClassicSblTests.Sparse(phi, [3, 8], [1.0, -1.0], 0.01, 82);
        var logger = new CapturingLogger(LogLevel.Warning);
        var none = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 1e6 }, new SolverHooks(Logger: logger));
        Assert.That(none.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedAbsoluteTolerance));
        Assert.That(none.Summary.Iterations, Is.Zero);
        Assert.That(none.Support, Is.Empty);
        Assert.That(none.SignificantSupport, Is.Empty);
        Assert.That(none.Coefficients, Is.All.EqualTo(0.0));
        Assert.That(logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Id.Id == 4722), Is.EqualTo(1));
        // Step cap: DivergedMaxIterations after exactly 1 step, x̂ = the posterior mean of the last model (classic E-step at
        // the returned γ, 1e-12 abs).
        var capped = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 1e-4, MaxIterations = 1 });
        Assert.That(capped.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(capped.Summary.Iterations, Is.EqualTo(1));
        Assert.That(capped.Support, Is.Not.Empty);
        var mu = new double[20];
        var v = new double[20];
        ClassicSbl.Posterior(phi, y, capped.Gamma!, 1e-4, mu, v);
        for (int j = 0; j < 20; j++) Assert.That(capped.Coefficients[j], Is.EqualTo(mu[j]).Within(1e-12), $"x̂[{j}]");
        // A pre-cancelled token: Cancelled with 0 steps; x̂ is the mean of the starting one-basis model.
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = 1e-4 }, new SolverHooks(CancellationToken: cts.Token));
        Assert.That(cancelled.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(cancelled.Summary.Iterations, Is.Zero);
        Assert.That(cancelled.Support, Has.Length.EqualTo(1));
        Assert.That(cancelled.Coefficients.Count(c => c != 0), Is.EqualTo(1));
    }

    [Test]
    public void BadInputThrowsAndInputsAreUntouched()
    {
        var phi = ClassicSblTests.Gaussian(10, 20, 91);
        var (_, y) = ClassicSblTests.Sparse(phi, [3, 8], [1.0, -1.0], 0.01, 92);
        var ex = Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, new double[9]));
        Assert.That(ex!.ParamName, Is.EqualTo("y"));
        Assert.That(Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseUpdateEvery = -1 }))!.ParamName,
            Is.EqualTo("options"));
        Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { MinDeltaLogAlpha = double.NaN }));
        Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { NoiseVariance = -1 }));
        Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { MaxIterations = 0 }));
        Assert.Throws<ArgumentNullException>(() => FastMarginalSbl.Solve(null!, y));
        var nan = (double[])y.Clone();
        nan[4] = double.NaN;
        ex = Assert.Throws<ArgumentException>(() => FastMarginalSbl.Solve(phi, nan));
        Assert.That(ex!.ParamName, Is.EqualTo("y"));
        Assert.That(ex.Message, Does.Contain("4"));
        // Exact: y and Φ bit-identical after a solve on either path.
        var yCopy = (double[])y.Clone();
        var phiCopy = phi.Data.ToArray();
        FastMarginalSbl.Solve(phi, y, new FastMarginalSblOptions { UseRankOneUpdates = true, NoiseUpdateEvery = 2 });
        FastMarginalSbl.Solve(phi, y);
        Assert.That(y, Is.EqualTo(yCopy));
        Assert.That(phi.Data.ToArray(), Is.EqualTo(phiCopy));
    }

    [Test]
    public void GeneralOperatorMatchesDenseOperator()
    {
        // Φ behind an adjointable wrapper (columns read as Φe_i) gives the same result as the DenseOperator fast path:
        // same support, x̂ to 1e-12 abs.
        var (phi, _, y, sigma2) = EasyProblem();
        var options = new FastMarginalSblOptions { NoiseVariance = sigma2, UseRankOneUpdates = true };
        var dense = FastMarginalSbl.Solve(phi, y, options);
        var wrapped = FastMarginalSbl.Solve(new AdjointableWrapper(phi), y, options);
        Assert.That(wrapped.Support, Is.EqualTo(dense.Support));
        for (int j = 0; j < phi.Columns; j++) Assert.That(wrapped.Coefficients[j], Is.EqualTo(dense.Coefficients[j]).Within(1e-12));
    }

    /// <summary>Hides DenseOperator's type so that fast SBL takes the general column path.</summary>
    private sealed class AdjointableWrapper(DenseOperator inner) : IAdjointableOperator
    {
        public int Rows => inner.Rows;
        public int Columns => inner.Columns;
        public OperatorProperties Properties => inner.Properties;
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => inner.Apply(x, y);
        public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y) => inner.ApplyAdjoint(x, y);
    }
}
