using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using Solvers.Operators;
using Solvers.Sampling;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Kronecker OMP and plain OMP (spec §2.10, §3.5, §5.1 test 12 and the KOMP rows of test 15).</summary>
[TestFixture]
public class KroneckerOmpTests
{
    /// <summary>A random orthogonal n×n matrix (modified Gram–Schmidt on a seeded Gaussian matrix), row-major.</summary>
    private static DenseOperator Orthogonal(int n, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) q[i, j] = rng.NextNormal();
        for (int j = 0; j < n; j++)
        {
            for (int p = 0; p < j; p++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += q[i, p] * q[i, j];
                for (int i = 0; i < n; i++) q[i, j] -= dot * q[i, p];
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += q[i, j] * q[i, j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++) q[i, j] /= norm;
        }
        return new DenseOperator(q);
    }

    private static double[] Kron(params double[][] vectors)
    {
        double[] full = [1.0];
        foreach (var v in vectors)
        {
            var next = new double[full.Length * v.Length];
            for (int i = 0; i < full.Length; i++)
                for (int j = 0; j < v.Length; j++) next[i * v.Length + j] = full[i] * v[j];
            full = next;
        }
        return full;
    }

    private static double[] Apply(IReadOnlyList<DenseOperator> factors, double[] x)
    {
        if (factors.Count == 1)
        {
            var r = new double[factors[0].Rows];
            factors[0].Apply(x, r);
            return r;
        }
        var y = new double[factors.Aggregate(1, (p, f) => p * f.Rows)];
        KroneckerOperator.Product([.. factors]).Apply(x, y);
        return y;
    }

    private static double MaxRelativeError(double[] actual, double[] expected)
    {
        double err = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            err = Math.Max(err, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return err / scale;
    }

    // Test 12 (a): square orthogonal factors (4×4, 5×5, 3×3), noiseless, supports (2, 2, 2): ConvergedRelativeTolerance,
    // the support is exact (set equality) and x̂ is within 1e-10 relative (max-norm) of x.
    [Test]
    public void OrthogonalFactors_RecoverExactly()
    {
        DenseOperator[] a = [Orthogonal(4, 1), Orthogonal(5, 2), Orthogonal(3, 3)];
        double[] x1 = [0, 1.3, 0, -0.7], x2 = [0.9, 0, 0, -1.6, 0], x3 = [0, 2.1, 0.5];
        var x = Kron(x1, x2, x3);
        var y = Apply(a, x);
        var r = KroneckerOmp.Solve(a, y, new KroneckerOmpOptions { MaxIndicesPerMode = [2, 2, 2], RelativeResidualTolerance = 1e-10 });
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(r.Support, Is.EqualTo(SparseRecoveryMetrics.TrueSupport(x)));
        Assert.That(r.ModeSupports![0], Is.EqualTo(new[] { 1, 3 }));
        Assert.That(r.ModeSupports[1], Is.EqualTo(new[] { 0, 3 }));
        Assert.That(r.ModeSupports[2], Is.EqualTo(new[] { 1, 2 }));
        Assert.That(MaxRelativeError(r.Coefficients, x), Is.LessThan(1e-10));
        Assert.That(r.Summary.TrueResidualNorm, Is.LessThan(1e-10 * r.Summary.InitialResidualNorm));
        Assert.That(r.SignificantSupport, Is.EqualTo(r.Support));
    }

    // Generator problem (Gaussian, unnormalised 9×12, 10×11, 8×10; K_s = 2 per mode; noiseless, seed 3). Unnormalised
    // Gaussian columns are not a textbook condition for s = K_s, so s = 4 per mode (≤ M_k, so every fit is full rank): once
    // the chosen support covers the true one the fit is exact. The significant support is exact and x̂ within 1e-10
    // relative; the KroneckerOperator overload gives the same mode supports (exact) and x̂ to 1e-12 relative (the
    // backend's SVD need not be bitwise reproducible).
    [Test]
    public void GeneratedNoiseless_RecoversExactly()
    {
        var p = SparseRecoveryProblems.Kronecker([9, 10, 8], [12, 11, 10], [2, 2, 2], double.PositiveInfinity, 3);
        var options = new KroneckerOmpOptions { MaxIndicesPerMode = [4, 4, 4], RelativeResidualTolerance = 1e-12 };
        var r = KroneckerOmp.Solve(p.Factors, p.Y, options);
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(r.SignificantSupport, Is.EqualTo(p.Support));
        Assert.That(MaxRelativeError(r.Coefficients, p.X), Is.LessThan(1e-10));
        var viaOperator = KroneckerOmp.Solve(p.ToOperator(), p.Y, options);
        Assert.That(viaOperator.ModeSupports, Is.EqualTo(r.ModeSupports));
        Assert.That(MaxRelativeError(viaOperator.Coefficients, r.Coefficients), Is.LessThan(1e-12));
    }

    // Test 12 (b): the mode-product pseudo-inverse equals the pseudo-inverse of the explicit Kronecker sub-dictionary
    // (MathNet's SVD pinv), including |I₁| = 4 > M₁ = 3 and |I₃| = 3 > M₃ = 2; tolerance 1e-10 relative. Checked for the
    // fit KOMP returns on its chosen support and for OracleLeastSquares on a fixed support.
    [Test]
    public void PseudoInverse_EqualsExplicitKroneckerPseudoInverse()
    {
        var p = SparseRecoveryProblems.Kronecker([3, 4, 2], [5, 6, 4], [2, 2, 2], 30, 9);
        var r = KroneckerOmp.Solve(p.Factors, p.Y, new KroneckerOmpOptions { MaxIndicesPerMode = [4, 2, 3], RelativeResidualTolerance = 0 });
        Check(p, r.ModeSupports!, r.Coefficients);
        int[][] oracle = [[0, 1, 3, 4], [5, 2], [3, 0, 1]];
        Check(p, oracle, KroneckerOmp.OracleLeastSquares(p.Factors, p.Y, oracle));

        static void Check(KroneckerSparseProblem p, IReadOnlyList<int[]> sets, double[] coefficients)
        {
            int cols = sets.Aggregate(1, (q, s) => q * s.Length);
            var dictionary = Matrix<double>.Build.Dense(p.Y.Length, cols);
            var positions = new int[cols];
            int c = 0;
            foreach (int a in sets[0])
                foreach (int b in sets[1])
                    foreach (int d in sets[2])
                    {
                        var e = new double[p.X.Length];
                        positions[c] = (a * 6 + b) * 4 + d;
                        e[positions[c]] = 1;
                        dictionary.SetColumn(c++, Apply(p.Factors, e));
                    }
            var z = dictionary.PseudoInverse() * Vector<double>.Build.DenseOfArray(p.Y);
            var got = positions.Select(i => coefficients[i]).ToArray();
            Assert.That(MaxRelativeError(got, z.ToArray()), Is.LessThan(1e-10));
            Assert.That(coefficients.Where((v, i) => !positions.Contains(i)), Is.All.EqualTo(0.0));
        }
    }

    // Test 15 (KOMP rows): noisy data (20 dB) with ε = 1e-6 cannot converge, so every mode fills: DivergedMaxIterations,
    // |I_k| = s_k, and x̂ is the oracle LS fit on the chosen support (1e-12 relative).
    [Test]
    public void EveryModeFull_IsDivergedMaxIterations()
    {
        var p = SparseRecoveryProblems.Kronecker([6, 7, 5], [10, 9, 8], [2, 3, 2], 20, 21);
        var r = KroneckerOmp.Solve(p.Factors, p.Y, new KroneckerOmpOptions { MaxIndicesPerMode = [2, 3, 2], RelativeResidualTolerance = 1e-6 });
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(r.ModeSupports!.Select(s => s.Length), Is.EqualTo(new[] { 2, 3, 2 }));
        var oracle = KroneckerOmp.OracleLeastSquares(p.Factors, p.Y, r.ModeSupports!);
        Assert.That(MaxRelativeError(r.Coefficients, oracle), Is.LessThan(1e-12));
        Assert.That(r.Summary.FinalResidualNorm, Is.EqualTo(r.Summary.TrueResidualNorm).Within(1e-10).Percent);
    }

    // Stagnation, hand-traced: A₁ = I₂, A₂ = [[1, 0, 0.9], [0, 1, 0.9]], Y = [[1, 0], [0, 1]], s = (1, 3), ε = 0.
    // Pass 1 picks (0, 0); pass 2 picks (1, 1) and adds only 1 to mode 2; pass 3 picks (1, 1) again and adds nothing:
    // Stagnated after 3 passes with x̂ = e₀ (exact to 1e-15) and ‖R‖ = 1.
    [Test]
    public void NoNewIndex_IsStagnated()
    {
        DenseOperator[] a = [new(new double[,] { { 1, 0 }, { 0, 1 } }), new(new double[,] { { 1, 0, 0.9 }, { 0, 1, 0.9 } })];
        double[] y = [1, 0, 0, 1];
        var r = KroneckerOmp.Solve(a, y, new KroneckerOmpOptions { MaxIndicesPerMode = [1, 3], RelativeResidualTolerance = 0, RecordHistory = true });
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.Stagnated));
        Assert.That(r.Summary.Iterations, Is.EqualTo(3));
        Assert.That(r.ModeSupports![0], Is.EqualTo(new[] { 0 }));
        Assert.That(r.ModeSupports[1], Is.EqualTo(new[] { 0, 1 }));
        double[] expected = [1, 0, 0, 0, 0, 0];
        for (int i = 0; i < 6; i++) Assert.That(r.Coefficients[i], Is.EqualTo(expected[i]).Within(1e-15));
        Assert.That(r.Summary.FinalResidualNorm, Is.EqualTo(1).Within(1e-15));
        Assert.That(r.History!.Select(h => h.KeptSizes[1]), Is.EqualTo(new[] { 1, 2, 2 }));

        // Default s = 10 exceeds N_k here, so it acts as N_k; with the hook history the residual per pass is recorded (exact).
        var history = new ConvergenceHistory();
        var d = KroneckerOmp.Solve(a, y, new KroneckerOmpOptions { RelativeResidualTolerance = 0, RecordHistory = true },
            new SolverHooks(History: history));
        Assert.That(history.Count, Is.EqualTo(d.Summary.Iterations + 1));
        Assert.That(history.ResidualNorms[0], Is.EqualTo(Math.Sqrt(2)));
    }

    // y = 0: ConvergedZeroRightHandSide, x̂ = 0, 0 passes, empty support (exact). A pre-cancelled token: Cancelled, 0 passes.
    [Test]
    public void ZeroDataAndCancellation()
    {
        var p = SparseRecoveryProblems.Kronecker([3, 4], [5, 6], [2, 2], 20, 4);
        var r = KroneckerOmp.Solve(p.Factors, new double[12]);
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(r.Summary.Iterations, Is.EqualTo(0));
        Assert.That(r.Coefficients, Is.All.EqualTo(0.0));
        Assert.That(r.Support, Is.Empty);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var c = KroneckerOmp.Solve(p.Factors, p.Y, null, new SolverHooks(CancellationToken: cts.Token));
        Assert.That(c.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(c.Summary.Iterations, Is.EqualTo(0));
        Assert.That(c.Coefficients, Is.All.EqualTo(0.0));
    }

    // Misuse (§3.2): y length ≠ ΠM_k (names both), NaN in y (names the index), empty factor list, s_k < 1, wrong count of
    // s_k, negative ε, an empty factor (2×0), a Kronecker sum. y and the factors are untouched by a solve (exact).
    [Test]
    public void BadInput_Throws_AndInputsUntouched()
    {
        var p = SparseRecoveryProblems.Kronecker([3, 4], [5, 6], [2, 2], 20, 4);
        var e = Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve(p.Factors, new double[11]));
        Assert.That(e!.Message, Does.Contain("11").And.Contain("12"));
        var y = (double[])p.Y.Clone();
        y[3] = double.NaN;
        e = Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve(p.Factors, y));
        Assert.That(e!.Message, Does.Contain("y[3]"));
        Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve(Array.Empty<DenseOperator>(), p.Y));
        e = Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve(p.Factors, p.Y, new KroneckerOmpOptions { MaxIndicesPerMode = [2, 0] }));
        Assert.That(e!.Message, Does.Contain("MaxIndicesPerMode[1] = 0"));
        Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve(p.Factors, p.Y, new KroneckerOmpOptions { MaxIndicesPerMode = [2] }));
        Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve(p.Factors, p.Y, new KroneckerOmpOptions { RelativeResidualTolerance = -1 }));
        e = Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve([p.Factors[0], new DenseOperator(2, 0, [])], new double[6]));
        Assert.That(e!.Message, Does.Contain("2×0"));
        var square = new DenseOperator(new double[,] { { 2, 1 }, { 1, 2 } });
        Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve(KroneckerOperator.Sum(square, square), new double[4]));

        var yCopy = (double[])p.Y.Clone();
        var factorCopies = p.Factors.Select(f => f.Data.ToArray()).ToArray();
        KroneckerOmp.Solve(p.Factors, p.Y);
        Assert.That(p.Y, Is.EqualTo(yCopy));
        for (int k = 0; k < 2; k++) Assert.That(p.Factors[k].Data.ToArray(), Is.EqualTo(factorCopies[k]));
    }

    // The noise-level stop √(Mσ²)/‖y‖ (§3.3): y = (3, 4), σ² = 2 gives √4/5 = 0.4 (1e-15 relative); bad σ² or y = 0 throws.
    [Test]
    public void NoiseLevelTolerance_Formula()
    {
        Assert.That(KroneckerOmpOptions.NoiseLevelTolerance([3, 4], 2), Is.EqualTo(0.4).Within(1e-15).Percent);
        Assert.Throws<ArgumentException>(() => KroneckerOmpOptions.NoiseLevelTolerance([3, 4], -1));
        Assert.Throws<ArgumentException>(() => KroneckerOmpOptions.NoiseLevelTolerance([3, 4], double.NaN));
        Assert.Throws<ArgumentException>(() => KroneckerOmpOptions.NoiseLevelTolerance([0, 0], 1));
    }

    // Plain OMP, textbook case: Gaussian 40×80 (seed 5), 3 nonzeros, noiseless: support exact and x̂ within 1e-10 relative;
    // ModeSupports is null. y = 0 and a wrong length behave as for KOMP.
    [Test]
    public void Omp_RecoversExactly()
    {
        var rng = new Xoshiro256StarStar(5);
        var data = new double[40 * 80];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextNormal();
        var phi = new DenseOperator(40, 80, data);
        var x = new double[80];
        x[7] = 1.5; x[33] = -2.0; x[61] = 1.1;
        var y = new double[40];
        phi.Apply(x, y);
        var r = OrthogonalMatchingPursuit.Solve(phi, y, new OrthogonalMatchingPursuitOptions { MaxNonzeros = 3, RelativeResidualTolerance = 1e-12 });
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(r.Summary.Iterations, Is.EqualTo(3));
        Assert.That(r.Support, Is.EqualTo(new[] { 7, 33, 61 }));
        Assert.That(MaxRelativeError(r.Coefficients, x), Is.LessThan(1e-10));
        Assert.That(r.ModeSupports, Is.Null);

        var zero = OrthogonalMatchingPursuit.Solve(phi, new double[40]);
        Assert.That(zero.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        var e = Assert.Throws<ArgumentException>(() => OrthogonalMatchingPursuit.Solve(phi, new double[39]));
        Assert.That(e!.Message, Does.Contain("39").And.Contain("40"));
    }
}
