using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using Solvers.Dense;
using Solvers.Operators;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>
/// The Kronecker E-step (spec sparse-bayesian §2.6, §5.1 tests 1, 2, 3 and 14) against the dense posterior built from an
/// explicit A = A₁ ⊗ … ⊗ A_K and Σ_y = σ²I + AΓAᵀ (test-only; the class itself never forms them).
/// </summary>
[TestFixture]
public class KroneckerPosteriorTests
{
    private sealed record Problem(DenseOperator[] Factors, double[][] Gamma, double Sigma2, double[] Y);

    private sealed record Dense(double[] Mean, double[] Variance, double Cost, double Residual, double OmegaSum, double[] GammaFull);

    private static DenseOperator RandomFactor(Random rng, int m, int n)
    {
        var data = new double[m * n];
        for (int i = 0; i < data.Length; i++) data[i] = 2 * rng.NextDouble() - 1;
        return new DenseOperator(m, n, data);
    }

    /// <summary>Random factors of sizes M_k ∈ 3..6, N_k ∈ 4..8, γ_k ∈ [0.2, 2] with some exact zeros, σ² = 0.3, y random.</summary>
    private static Problem RandomProblem(int k, int seed, bool zeros)
    {
        var rng = new Random(seed);
        var factors = new DenseOperator[k];
        var gamma = new double[k][];
        int m = 1;
        for (int t = 0; t < k; t++)
        {
            int mk = rng.Next(3, 7), nk = rng.Next(4, 9);
            factors[t] = RandomFactor(rng, mk, nk);
            gamma[t] = new double[nk];
            for (int j = 0; j < nk; j++) gamma[t][j] = 0.2 + 1.8 * rng.NextDouble();
            if (zeros) gamma[t][rng.Next(nk)] = 0;
            m *= mk;
        }

        var y = new double[m];
        for (int i = 0; i < m; i++) y[i] = 2 * rng.NextDouble() - 1;
        return new Problem(factors, gamma, 0.3, y);
    }

    /// <summary>The spec's problem: factors 3×5, 4×6, 2×4, γ_k &gt; 0, σ² = 0.3.</summary>
    private static Problem SpecProblem(int seed)
    {
        var rng = new Random(seed);
        int[] ms = [3, 4, 2], ns = [5, 6, 4];
        var factors = new DenseOperator[3];
        var gamma = new double[3][];
        for (int t = 0; t < 3; t++)
        {
            factors[t] = RandomFactor(rng, ms[t], ns[t]);
            gamma[t] = new double[ns[t]];
            for (int j = 0; j < ns[t]; j++) gamma[t][j] = 0.2 + 1.8 * rng.NextDouble();
        }

        var y = new double[24];
        for (int i = 0; i < y.Length; i++) y[i] = 2 * rng.NextDouble() - 1;
        return new Problem(factors, gamma, 0.3, y);
    }

    private static Matrix<double> Kron(Matrix<double> a, Matrix<double> b)
    {
        var c = Matrix<double>.Build.Dense(a.RowCount * b.RowCount, a.ColumnCount * b.ColumnCount);
        for (int i = 0; i < a.RowCount; i++)
        for (int j = 0; j < a.ColumnCount; j++)
        for (int p = 0; p < b.RowCount; p++)
        for (int q = 0; q < b.ColumnCount; q++)
            c[i * b.RowCount + p, j * b.ColumnCount + q] = a[i, j] * b[p, q];
        return c;
    }

    private static Matrix<double> ExplicitA(DenseOperator[] factors)
    {
        var a = Matrix<double>.Build.DenseOfRowMajor(factors[0].Rows, factors[0].Columns, factors[0].Data.ToArray());
        for (int t = 1; t < factors.Length; t++)
            a = Kron(a, Matrix<double>.Build.DenseOfRowMajor(factors[t].Rows, factors[t].Columns, factors[t].Data.ToArray()));
        return a;
    }

    private static double[] KronVector(double[][] v)
    {
        var r = Vector<double>.Build.Dense(1, 1.0);
        foreach (var f in v)
        {
            var next = Vector<double>.Build.Dense(r.Count * f.Length);
            for (int i = 0; i < r.Count; i++)
            for (int j = 0; j < f.Length; j++)
                next[i * f.Length + j] = r[i] * f[j];
            r = next;
        }

        return r.ToArray();
    }

    /// <summary>Woodbury form: μ = ΓAᵀΣ_y⁻¹y, diag Σ_x = γ − diag(ΓAᵀΣ_y⁻¹AΓ), L by Cholesky of the explicit Σ_y.</summary>
    private static Dense DenseWoodbury(Problem p)
    {
        var a = ExplicitA(p.Factors);
        var g = KronVector(p.Gamma);
        var gm = Matrix<double>.Build.DenseOfDiagonalArray(g);
        var sy = p.Sigma2 * Matrix<double>.Build.DenseIdentity(a.RowCount) + a * gm * a.Transpose();
        var chol = sy.Cholesky();
        var y = Vector<double>.Build.DenseOfArray(p.Y);
        var siy = chol.Solve(y);
        var mean = gm * a.Transpose() * siy;
        var siag = chol.Solve(a * gm);
        var variance = new double[g.Length];
        double omega = 0;
        for (int j = 0; j < g.Length; j++)
        {
            double q = g[j] * (a.Column(j) * siag.Column(j));
            variance[j] = g[j] - q;
            if (g[j] > 0) omega += 1 - variance[j] / g[j];
        }

        double cost = chol.DeterminantLn + y * siy;
        double residual = (y - a * mean).L2Norm();
        return new Dense(mean.ToArray(), variance, cost, residual, omega, g);
    }

    private static double MaxAbs(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double x in v) m = Math.Max(m, Math.Abs(x));
        return m;
    }

    private static double MaxAbsDiff(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.That(a.Length, Is.EqualTo(b.Length));
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    private static double RelDiff(double a, double b) => Math.Abs(a - b) / Math.Max(Math.Abs(b), 1e-300);

    private static KroneckerPosterior Run(Problem p, IDenseBackend? backend = null)
    {
        var post = new KroneckerPosterior(p.Factors, backend);
        Assert.That(post.Update(p.Gamma, p.Sigma2, p.Y), Is.EqualTo(KroneckerPosteriorStatus.Success));
        return post;
    }

    // SBL-0 (§5.1 test 1 and 2) on random problems with exact zeros in γ. Tolerances: μ and diag Σ_x to 1e−12 absolute,
    // relative to the scale max(1, max|value|) of the dense reference; L, ‖y − Aμ‖ and Σω to 1e−10 relative. K = 1 is
    // the classic SBL dense posterior (§2.2).
    [TestCase(1, 11)]
    [TestCase(1, 12)]
    [TestCase(2, 21)]
    [TestCase(2, 22)]
    [TestCase(3, 31)]
    [TestCase(3, 32)]
    public void EStep_EqualsDenseWoodburyPosterior(int k, int seed)
    {
        var p = RandomProblem(k, seed, zeros: true);
        var dense = DenseWoodbury(p);
        var post = Run(p);

        double meanScale = Math.Max(1, MaxAbs(dense.Mean)), varScale = Math.Max(1, MaxAbs(dense.Variance));
        Assert.That(MaxAbsDiff(post.Mean, dense.Mean), Is.LessThanOrEqualTo(1e-12 * meanScale), "μ");
        Assert.That(MaxAbsDiff(post.PosteriorVarianceDiagonal, dense.Variance), Is.LessThanOrEqualTo(1e-12 * varScale), "diag Σ_x");
        Assert.That(MaxAbsDiff(post.Gamma, dense.GammaFull), Is.LessThanOrEqualTo(1e-15), "γ = ⊗γ_k");
        for (int j = 0; j < dense.GammaFull.Length; j++)
        {
            if (dense.GammaFull[j] == 0)
            {
                Assert.That(post.Mean[j], Is.EqualTo(0.0), $"μ at pruned {j}");
                Assert.That(post.PosteriorVarianceDiagonal[j], Is.EqualTo(0.0), $"Σ_x at pruned {j}");
            }
        }

        Assert.That(RelDiff(post.NegativeLogEvidence, dense.Cost), Is.LessThanOrEqualTo(1e-10), "L");
        Assert.That(RelDiff(post.ResidualNorm, dense.Residual), Is.LessThanOrEqualTo(1e-10), "‖y − Aμ‖");
        Assert.That(RelDiff(post.OmegaSum, dense.OmegaSum), Is.LessThanOrEqualTo(1e-10), "Σω");
    }

    // §5.1 test 2 on the spec's 3-mode problem (3×5, 4×6, 2×4, σ² = 0.3): L from the eigenvalues, ‖y − Aμ‖ = σ²‖d ∘ z‖
    // and Σ_j ω_j against a dense Cholesky of the explicit Σ_y and the explicit residual, to 1e−10 relative. (The random
    // problems above cover K = 1, 2, 3 with pruned entries.)
    [TestCase(13)]
    [TestCase(14)]
    public void ByProducts_SpecProblem(int seed)
    {
        var p = SpecProblem(seed);
        var dense = DenseWoodbury(p);
        var post = Run(p);
        Assert.That(RelDiff(post.NegativeLogEvidence, dense.Cost), Is.LessThanOrEqualTo(1e-10), "L");
        Assert.That(RelDiff(post.ResidualNorm, dense.Residual), Is.LessThanOrEqualTo(1e-10), "‖y − Aμ‖");
        Assert.That(RelDiff(post.OmegaSum, dense.OmegaSum), Is.LessThanOrEqualTo(1e-10), "Σω");
    }

    // §5.1 test 1 exactly: factors 3×5, 4×6, 2×4, γ > 0, σ² = 0.3, against the direct inverse Σ_x = (σ⁻²AᵀA + Γ⁻¹)⁻¹ and
    // μ = σ⁻²Σ_xAᵀy. Tolerance: max abs difference ≤ 1e−12 (values are O(1)).
    [Test]
    public void EStep_EqualsDirectInverse_SpecProblem()
    {
        var p = SpecProblem(5);
        var a = ExplicitA(p.Factors);
        var g = KronVector(p.Gamma);
        var precision = a.Transpose() * a / p.Sigma2 + Matrix<double>.Build.DenseOfDiagonalArray(g.Select(v => 1 / v).ToArray());
        var sx = precision.Inverse();
        var mean = sx * a.Transpose() * Vector<double>.Build.DenseOfArray(p.Y) / p.Sigma2;
        var post = Run(p);
        Assert.That(MaxAbsDiff(post.Mean, mean.ToArray()), Is.LessThanOrEqualTo(1e-12), "μ");
        Assert.That(MaxAbsDiff(post.PosteriorVarianceDiagonal, sx.Diagonal().ToArray()), Is.LessThanOrEqualTo(1e-12), "diag Σ_x");
    }

    // ‖y − Aμ‖ = σ²‖d ∘ z‖ against an independent KroneckerOperator mat-vec of μ (and DenseOperator for K = 1).
    // Tolerance 1e−10 relative.
    [TestCase(1, 41)]
    [TestCase(2, 42)]
    [TestCase(3, 43)]
    public void ResidualNorm_EqualsOperatorMatVec(int k, int seed)
    {
        var p = RandomProblem(k, seed, zeros: true);
        var post = Run(p);
        var am = new double[p.Y.Length];
        ILinearOperator a = k == 1 ? p.Factors[0] : KroneckerOperator.Product(p.Factors);
        a.Apply(post.Mean, am);
        double s = 0;
        for (int i = 0; i < am.Length; i++) s += (p.Y[i] - am[i]) * (p.Y[i] - am[i]);
        Assert.That(RelDiff(post.ResidualNorm, Math.Sqrt(s)), Is.LessThanOrEqualTo(1e-10));
    }

    // The KroneckerOperator constructor gives the same results as the factor-list constructor. Tolerance 1e−14 relative
    // to max|value|, not 0: MKL's results depend on the alignment of the buffers.
    [Test]
    public void OperatorConstructor_EqualsFactorList()
    {
        var p = SpecProblem(6);
        var fromList = Run(p);
        var fromOp = new KroneckerPosterior(KroneckerOperator.Product(p.Factors));
        Assert.That(fromOp.Update(p.Gamma, p.Sigma2, p.Y), Is.EqualTo(KroneckerPosteriorStatus.Success));
        Assert.That(MaxAbsDiff(fromOp.Mean, fromList.Mean), Is.LessThanOrEqualTo(1e-14 * MaxAbs(fromList.Mean)));
        Assert.That(MaxAbsDiff(fromOp.PosteriorVarianceDiagonal, fromList.PosteriorVarianceDiagonal),
            Is.LessThanOrEqualTo(1e-14 * MaxAbs(fromList.PosteriorVarianceDiagonal)));
        Assert.That(RelDiff(fromOp.NegativeLogEvidence, fromList.NegativeLogEvidence), Is.LessThanOrEqualTo(1e-14));
    }

    // Index order (§5.1 test 14): the mode-product helper with factors 3×5, 4×6, 2×4 equals KroneckerOperator for Ax and
    // Aᵀy, to 1e−14 relative to the largest entry.
    [Test]
    public void ModeProducts_MatchKroneckerOperator()
    {
        var p = SpecProblem(7);
        var op = KroneckerOperator.Product(p.Factors);
        var backend = DenseBackend.Current;
        // A row-major M_k×N_k factor is a column-major N_k×M_k matrix: A_k = op with Transpose.Yes.
        var stored = p.Factors.Select(f => f.Data.ToArray()).ToArray();
        int[] rows = p.Factors.Select(f => f.Columns).ToArray(), cols = p.Factors.Select(f => f.Rows).ToArray();
        var rng = new Random(8);
        var x = Enumerable.Range(0, op.Columns).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var y = Enumerable.Range(0, op.Rows).Select(_ => rng.NextDouble() - 0.5).ToArray();

        var ax = new double[op.Rows];
        var axRef = new double[op.Rows];
        KroneckerPosterior.ApplyModeProducts(backend, stored, rows, cols, Transpose.Yes, x, ax,
            new double[KroneckerPosterior.ModeProductWorkspaceLength(rows, cols, Transpose.Yes)]);
        op.Apply(x, axRef);
        Assert.That(MaxAbsDiff(ax, axRef), Is.LessThanOrEqualTo(1e-14 * MaxAbs(axRef)), "Ax");

        var aty = new double[op.Columns];
        var atyRef = new double[op.Columns];
        KroneckerPosterior.ApplyModeProducts(backend, stored, rows, cols, Transpose.No, y, aty,
            new double[KroneckerPosterior.ModeProductWorkspaceLength(rows, cols, Transpose.No)]);
        op.ApplyAdjoint(y, atyRef);
        Assert.That(MaxAbsDiff(aty, atyRef), Is.LessThanOrEqualTo(1e-14 * MaxAbs(atyRef)), "Aᵀy");
    }

    // Ordering consistent with KroneckerOperator: square invertible factors of different sizes (3, 4, 2), y = Ax through
    // KroneckerOperator, noiseless-like σ² = 1e−8 and γ_k = 1e3 (γ = 1e9): μ recovers x to 1e−8 relative (the bias is
    // about σ²/(γ s_min²)).
    [Test]
    public void NoiselessLargeGamma_RecoversX_InKroneckerOperatorOrder()
    {
        var rng = new Random(9);
        int[] sizes = [3, 4, 2];
        var factors = new DenseOperator[3];
        for (int t = 0; t < 3; t++)
        {
            var data = new double[sizes[t] * sizes[t]];
            for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() - 0.5;
            for (int i = 0; i < sizes[t]; i++) data[i * sizes[t] + i] += 2; // diagonally dominant: invertible
            factors[t] = new DenseOperator(sizes[t], sizes[t], data);
        }

        var op = KroneckerOperator.Product(factors);
        var x = Enumerable.Range(0, op.Columns).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var y = new double[op.Rows];
        op.Apply(x, y);
        var post = new KroneckerPosterior(op);
        var gamma = sizes.Select(n => Enumerable.Repeat(1e3, n).ToArray()).ToArray();
        Assert.That(post.Update(gamma, 1e-8, y), Is.EqualTo(KroneckerPosteriorStatus.Success));
        Assert.That(MaxAbsDiff(post.Mean, x), Is.LessThanOrEqualTo(1e-8 * MaxAbs(x)));
    }

    // §5.1 test 3: (cγ₁, γ₂, γ₃/c) with c = 1e3 gives the same μ and diag Σ_x, to 1e−12 relative to max|value|.
    [Test]
    public void ScaleInvariance()
    {
        var p = SpecProblem(10);
        var a = Run(p);
        var mean = a.Mean.ToArray();
        var variance = a.PosteriorVarianceDiagonal.ToArray();
        var scaled = new[] { p.Gamma[0].Select(v => v * 1e3).ToArray(), p.Gamma[1], p.Gamma[2].Select(v => v / 1e3).ToArray() };
        Assert.That(a.Update(scaled, p.Sigma2, p.Y), Is.EqualTo(KroneckerPosteriorStatus.Success));
        Assert.That(MaxAbsDiff(a.Mean, mean), Is.LessThanOrEqualTo(1e-12 * MaxAbs(mean)), "μ");
        Assert.That(MaxAbsDiff(a.PosteriorVarianceDiagonal, variance), Is.LessThanOrEqualTo(1e-12 * MaxAbs(variance)), "diag Σ_x");
    }

    // A second Update allocates nothing itself (GC.GetAllocatedBytesForCurrentThread, exact 0 bytes once the bytes
    // allocated inside the backend calls are subtracted). The backend calls are excluded because every backend here
    // allocates a little per call (measured: ManagedBackend packs into temporary arrays; the MKL and OpenBLAS wrappers
    // showed 96 bytes per gemm and 32 per syevd), which is the backend's concern, not this class's.
    [Test]
    public void SecondUpdate_AllocatesNothingOutsideTheBackend()
    {
        var p = RandomProblem(3, 51, zeros: true);
        var backend = new ShiftedEigenBackend(DenseBackend.Current, 0.0);
        var post = new KroneckerPosterior(p.Factors, backend);
        post.Update(p.Gamma, p.Sigma2, p.Y);
        // Smallest of five rounds: runtime bookkeeping on this thread shows in one round at most.
        long best = long.MaxValue, allocated = 0, inBackend = 0;
        var status = KroneckerPosteriorStatus.Success;
        for (int round = 0; round < 5; round++)
        {
            backend.BackendBytes = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            status = post.Update(p.Gamma, p.Sigma2, p.Y);
            long total = GC.GetAllocatedBytesForCurrentThread() - before;
            if (total - backend.BackendBytes < best)
            {
                best = total - backend.BackendBytes;
                allocated = total;
                inBackend = backend.BackendBytes;
            }
        }
        Assert.That(status, Is.EqualTo(KroneckerPosteriorStatus.Success));
        Assert.That(best, Is.Zero, $"backend {DenseBackend.Current.Name} allocated {inBackend} of {allocated} bytes");
    }

    // σ² + λ_l ≤ 0 gives IndefiniteOperator and a non-finite eigenvalue gives NonFinite; neither throws, and L is NaN.
    [Test]
    public void NumericalFailures_AreStatuses()
    {
        var p = RandomProblem(1, 61, zeros: false);
        var indefinite = new KroneckerPosterior(p.Factors, new ShiftedEigenBackend(new ManagedBackend(), -1e6));
        Assert.That(indefinite.Update(p.Gamma, p.Sigma2, p.Y), Is.EqualTo(KroneckerPosteriorStatus.IndefiniteOperator));
        Assert.That(indefinite.Status, Is.EqualTo(KroneckerPosteriorStatus.IndefiniteOperator));
        Assert.That(double.IsNaN(indefinite.NegativeLogEvidence));

        var nan = new KroneckerPosterior(p.Factors, new ShiftedEigenBackend(new ManagedBackend(), double.NaN));
        Assert.That(nan.Update(p.Gamma, p.Sigma2, p.Y), Is.EqualTo(KroneckerPosteriorStatus.NonFinite));

        // γ_k scaled by 1e110 keeps every G_k finite (ManagedBackend's eigensolver fails with IndexOutOfRangeException
        // for entries near 1e200, a backend defect) while λ = λ₁λ₂λ₃ ≈ 1e330 overflows.
        var q = RandomProblem(3, 62, zeros: false);
        var overflow = new KroneckerPosterior(q.Factors);
        var huge = q.Gamma.Select(g => g.Select(v => v * 1e110).ToArray()).ToArray();
        Assert.That(overflow.Update(huge, q.Sigma2, q.Y), Is.EqualTo(KroneckerPosteriorStatus.NonFinite), "λ = λ₁λ₂λ₃ overflows");

        var y = (double[])q.Y.Clone();
        y[3] = double.NaN;
        Assert.That(overflow.Update(q.Gamma, q.Sigma2, y), Is.EqualTo(KroneckerPosteriorStatus.NonFinite), "NaN in y");
    }

    // Misuse throws ArgumentException whose message names the sizes or the offending entry.
    [Test]
    public void BadInput_Throws()
    {
        var p = SpecProblem(12);
        var post = new KroneckerPosterior(p.Factors);
        var e = Assert.Throws<ArgumentException>(() => post.Update(p.Gamma, p.Sigma2, new double[23]));
        Assert.That(e!.Message, Does.Contain("23").And.Contain("24"));
        e = Assert.Throws<ArgumentException>(() => post.Update(p.Gamma.Take(2).ToArray(), p.Sigma2, p.Y));
        Assert.That(e!.Message, Does.Contain("2 γ factors").And.Contain("3 Kronecker factors"));
        e = Assert.Throws<ArgumentException>(() => post.Update([p.Gamma[0], new double[5], p.Gamma[2]], p.Sigma2, p.Y));
        Assert.That(e!.Message, Does.Contain("γ factor 1 has length 5").And.Contain("6 columns"));
        var negative = p.Gamma.Select(g => (double[])g.Clone()).ToArray();
        negative[2][3] = -1;
        e = Assert.Throws<ArgumentException>(() => post.Update(negative, p.Sigma2, p.Y));
        Assert.That(e!.Message, Does.Contain("γ factor 2 has entry 3"));
        Assert.Throws<ArgumentException>(() => post.Update(p.Gamma, 0.0, p.Y));
        Assert.Throws<ArgumentException>(() => post.Update(p.Gamma, -1.0, p.Y));
        Assert.Throws<ArgumentException>(() => post.Update(p.Gamma, double.NaN, p.Y));
        Assert.Throws<ArgumentException>(() => _ = new KroneckerPosterior(Array.Empty<DenseOperator>()));
        var sum = KroneckerOperator.Sum(new DenseOperator(2, 2, [2, 0, 0, 2]), new DenseOperator(2, 2, [2, 0, 0, 2]));
        Assert.Throws<ArgumentException>(() => _ = new KroneckerPosterior(sum));
        var mixed = KroneckerOperator.Product(p.Factors[0], KroneckerOperator.Product(p.Factors[1], p.Factors[2]));
        Assert.Throws<ArgumentException>(() => _ = new KroneckerPosterior(mixed));
    }
}

/// <summary>
/// Delegates to another backend, shifting every symmetric eigenvalue by a constant (to force σ² + λ ≤ 0 or NaN), and
/// counts the bytes allocated inside gemm, the eigensolver and the SVD (the calls of the Kronecker E-step and M-steps).
/// </summary>
internal sealed class ShiftedEigenBackend(IDenseBackend inner, double shift) : IDenseBackend
{
    public long BackendBytes { get; set; }
    public string Name => "shifted";
    public string Description => "test";
    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        inner.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        BackendBytes += GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public void Gemv(Transpose transA, int m, int n, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> x,
        double beta, Span<double> y) => inner.Gemv(transA, m, n, alpha, a, lda, x, beta, y);
    public void Syrk(Triangle triangle, Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta,
        Span<double> c, int ldc) => inner.Syrk(triangle, trans, n, k, alpha, a, lda, beta, c, ldc);
    public void TriangularSolve(Side side, Triangle triangle, Transpose transA, Diagonal diagonal, int m, int n, double alpha,
        ReadOnlySpan<double> a, int lda, Span<double> b, int ldb) =>
        inner.TriangularSolve(side, triangle, transA, diagonal, m, n, alpha, a, lda, b, ldb);
    public void CholeskyFactor(Triangle triangle, int n, Span<double> a, int lda) => inner.CholeskyFactor(triangle, n, a, lda);
    public void CholeskySolve(Triangle triangle, int n, int nrhs, ReadOnlySpan<double> factor, int lda, Span<double> b, int ldb) =>
        inner.CholeskySolve(triangle, n, nrhs, factor, lda, b, ldb);
    public void CholeskyInverse(Triangle triangle, int n, Span<double> factor, int lda) => inner.CholeskyInverse(triangle, n, factor, lda);
    public void LuFactor(int m, int n, Span<double> a, int lda, Span<int> pivots) => inner.LuFactor(m, n, a, lda, pivots);
    public void LuSolve(Transpose trans, int n, int nrhs, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<int> pivots,
        Span<double> b, int ldb) => inner.LuSolve(trans, n, nrhs, factor, lda, pivots, b, ldb);
    public void QrFactor(int m, int n, Span<double> a, int lda, Span<double> tau) => inner.QrFactor(m, n, a, lda, tau);
    public void ApplyQ(Transpose trans, int m, int n, int k, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<double> tau,
        Span<double> c, int ldc) => inner.ApplyQ(trans, m, n, k, factor, lda, tau, c, ldc);
    public void LeastSquares(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb) =>
        inner.LeastSquares(m, n, nrhs, a, lda, b, ldb);
    public void Svd(int m, int n, Span<double> a, int lda, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        inner.Svd(m, n, a, lda, s, u, ldu, vt, ldvt);
        BackendBytes += GC.GetAllocatedBytesForCurrentThread() - before;
    }
    public void SymmetricEigen(Triangle triangle, int n, Span<double> a, int lda, Span<double> w)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        inner.SymmetricEigen(triangle, n, a, lda, w);
        BackendBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        for (int i = 0; i < n; i++) w[i] += shift;
    }
}
