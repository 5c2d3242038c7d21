using NUnit.Framework;
using Solvers.Dense;
using Solvers.LeastSquares;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.Tests.LeastSquares;

/// <summary>Sketch-and-solve and its error report (spec sketched-regression §2.3, §2.4, §6.1 items 8–11, 15).</summary>
[TestFixture]
public class SketchAndSolveTests
{
    // ---------------------------------------------------------------- private test sketches

    /// <summary>A stored dense S (row-major m×n), applied by a plain product.</summary>
    private sealed class DenseSketch(SketchKind kind, int rows, int columns, double[] s, ulong seed = 0) : ISketch
    {
        public SketchKind Kind => kind;
        public int Rows => rows;
        public int Columns => columns;
        public ulong Seed => seed;
        public int Attempt => 0;
        public double[] S => s;

        public void Apply(ReadOnlySpan<double> block, int k, Span<double> result)
        {
            result[..(rows * k)].Clear();
            if (k == 1)
            {
                for (int i = 0; i < rows; i++)
                    result[i] = System.Numerics.Tensors.TensorPrimitives.Dot(s.AsSpan((int)((long)i * columns), columns), block[..columns]);
                return;
            }
            for (int i = 0; i < rows; i++)
            {
                var yi = result.Slice(i * k, k);
                for (int l = 0; l < columns; l++)
                {
                    double sil = s[(long)i * columns + l];
                    var xl = block.Slice(l * k, k);
                    for (int j = 0; j < k; j++) yi[j] += sil * xl[j];
                }
            }
        }

        public void Apply(CsrMatrix matrix, Span<double> result) => Apply(matrix.ToArray2D(), matrix.Columns, result);

        public double[] Materialize() => (double[])s.Clone();
    }

    /// <summary>iid N(0, 1/m) entries from System.Random (Box–Muller), materialised.</summary>
    private static DenseSketch Gaussian(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var s = new double[(long)m * n];
        double scale = 1 / Math.Sqrt(m);
        for (long i = 0; i < s.LongLength; i += 2)
        {
            // Marsaglia's polar method: two independent N(0, 1) from one accepted point of the unit disc.
            double u, v, q;
            do
            {
                u = 2 * rng.NextDouble() - 1;
                v = 2 * rng.NextDouble() - 1;
                q = u * u + v * v;
            }
            while (q >= 1 || q == 0);
            double f = scale * Math.Sqrt(-2 * Math.Log(q) / q);
            s[i] = f * u;
            if (i + 1 < s.LongLength) s[i + 1] = f * v;
        }
        return new DenseSketch(SketchKind.Gaussian, m, n, s, (ulong)seed);
    }

    /// <summary>A random orthogonal n×n S (Q of a Gaussian matrix), so SᵀS = I exactly in exact arithmetic.</summary>
    private static DenseSketch Orthogonal(int n, int seed)
    {
        var g = Gaussian(n, n, seed).S; // row-major = column-major of Gᵀ; either is Gaussian
        var tau = new double[n];
        var be = DenseBackend.Current;
        be.QrFactor(n, n, g, n, tau);
        var q = new double[(long)n * n];
        for (int j = 0; j < n; j++) q[j + (long)j * n] = 1;
        be.ApplyQ(Transpose.No, n, n, n, g, n, tau, q, n);
        // q is column-major Q; as row-major it is Qᵀ, which is orthogonal too.
        return new DenseSketch(SketchKind.Gaussian, n, n, q);
    }

    private static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double x in v) s += x * x;
        return Math.Sqrt(s);
    }

    private static double RelativeError(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        double e = 0;
        for (int i = 0; i < x.Length; i++) e += (x[i] - reference[i]) * (x[i] - reference[i]);
        return Math.Sqrt(e) / Norm(reference);
    }

    // ---------------------------------------------------------------- §6.1 item 15: quantiles

    [Test]
    public void Quantiles_MatchPublishedValues()
    {
        // Tolerance 1e-6 absolute (spec item 15).
        Assert.That(Quantiles.Normal(1 - 5e-5), Is.EqualTo(3.890592).Within(1e-6));
        Assert.That(Quantiles.StudentT(300, 1 - 5e-5), Is.EqualTo(3.943542).Within(1e-6));
        Assert.That(Quantiles.StudentT(30, 0.9995), Is.EqualTo(3.645959).Within(1e-6));
        // The Bonferroni helper: d = 100, δ = 0.01 is normal at ν = 300 and Student-t below 100 (exact choice).
        Assert.That(Quantiles.Bonferroni(0.01, 100, 300, 100), Is.EqualTo((Quantiles.Normal(1 - 5e-5), false)));
        var (q, isT) = Quantiles.Bonferroni(0.01, 10, 30, 100);
        Assert.That(isT, Is.True);
        Assert.That(q, Is.EqualTo(3.645959).Within(1e-6));
    }

    // ---------------------------------------------------------------- §6.1 item 8: consistent system

    [Test]
    public void ConsistentSystem_ReturnsX0_WithResidualAtRoundoffWarning()
    {
        // Incoherent n = 2000, d = 20, κ = 10³, b = A·x₀ (residual ratio 0). Tolerances: x₀ to 1e-11 relative,
        // ρ̂ ≤ 1e-13·‖b‖ (spec item 8). A materialised Gaussian sketch with m = 10d.
        var p = LeastSquaresTestProblems.Incoherent(2000, 20, 1e3, seed: 8, residualRatio: 0);
        var x = new double[20];
        var result = SketchAndSolve.Solve(p.A, p.B, x, Gaussian(200, 2000, 81));
        Assert.That(result.Status, Is.EqualTo(SketchAndSolveStatus.Solved));
        Assert.That(RelativeError(x, p.X0), Is.LessThanOrEqualTo(1e-11));
        Assert.That(result.Report!.ResidualEstimate, Is.LessThanOrEqualTo(1e-13 * Norm(p.B)));
        Assert.That(result.Warnings.HasFlag(SketchWarnings.ResidualAtRoundoff), Is.True);
    }

    [Test]
    public void ConsistentSystem_DefaultSparseSign_ReturnsX0()
    {
        // As item 8 with the library's default sketch (sparse sign, s = 8, γ = 10). Same tolerances.
        var p = LeastSquaresTestProblems.Incoherent(2000, 20, 1e3, seed: 8, residualRatio: 0);
        var (x, result) = RealSketch(() => SketchAndSolve.Solve(p.A, p.B));
        Assert.That(result.Status, Is.EqualTo(SketchAndSolveStatus.Solved));
        Assert.That(result.SketchRows, Is.EqualTo(200));
        Assert.That(result.Kind, Is.EqualTo(SketchKind.SparseSign));
        Assert.That(RelativeError(x, p.X0), Is.LessThanOrEqualTo(1e-11));
        Assert.That(result.Report!.ResidualEstimate, Is.LessThanOrEqualTo(1e-13 * Norm(p.B)));
        Assert.That(result.Warnings.HasFlag(SketchWarnings.ResidualAtRoundoff), Is.True);
    }

    // ---------------------------------------------------------------- §6.1 item 9: Gaussian conditional law

    [Test]
    public void GaussianSketch_ErrorReportFollowsTheConditionalLaw()
    {
        // Incoherent n = 2000, d = 10, κ = 10², m = 40 (m − d = 30), 1000 materialised Gaussian draws (fixed seeds).
        // Pass criteria (spec item 9): pooled |z| ≤ t_{30,0.975} = 2.042 in [0.92, 0.98]; simultaneous coverage at
        // δ = 0.05 (Student-t) ≥ 0.93; mean ‖A(x′ − x*)‖²/‖r*‖² within 10 % of d/(m − d − 1) = 0.3448; mean m·ρ̂²/‖r*‖²
        // within 5 % of 1.
        const int n = 2000, d = 10, m = 40, draws = 1000;
        var p = LeastSquaresTestProblems.Incoherent(n, d, 1e2, seed: 9);
        double[] xStar = p.Solution!;
        double r2 = Math.Pow(Norm(p.Residual!), 2);
        var options = new SketchAndSolveOptions { Delta = 0.05 };
        var x = new double[d];
        var e = new double[d];
        var ae = new double[n];
        int inside = 0, covered = 0;
        double sumResidualRatio = 0, sumRho = 0;
        for (int k = 0; k < draws; k++)
        {
            var result = SketchAndSolve.Solve(p.A, p.B, x, Gaussian(m, n, 1000 + k), options);
            Assert.That(result.Status, Is.EqualTo(SketchAndSolveStatus.Solved));
            var report = result.Report!;
            Assert.That(report.QuantileKind, Is.EqualTo(QuantileKind.StudentT));
            Assert.That(report.ExactInLaw, Is.True);
            double maxZ = 0;
            for (int j = 0; j < d; j++)
            {
                e[j] = x[j] - xStar[j];
                double z = Math.Abs(e[j]) / report.StandardErrors[j];
                if (z <= 2.042) inside++;
                maxZ = Math.Max(maxZ, z);
            }
            if (maxZ <= report.Quantile) covered++;
            p.A.Apply(e, ae);
            sumResidualRatio += Math.Pow(Norm(ae), 2) / r2;
            sumRho += m * report.ResidualEstimate * report.ResidualEstimate / r2;
        }
        double fraction = inside / (double)(draws * d);
        Assert.That(fraction, Is.InRange(0.92, 0.98), "pooled |z| ≤ 2.042");
        Assert.That(covered / (double)draws, Is.GreaterThanOrEqualTo(0.93), "simultaneous coverage at δ = 0.05");
        double expected = d / (double)(m - d - 1);
        Assert.That(sumResidualRatio / draws, Is.EqualTo(expected).Within(0.10 * expected), "mean ‖A(x′ − x*)‖²/‖r*‖²");
        Assert.That(sumRho / draws, Is.EqualTo(1.0).Within(0.05), "mean m·ρ̂²/‖r*‖²");
    }

    // ---------------------------------------------------------------- §6.1 item 10: report formulas

    [Test]
    public void ReportFormulas_MatchNormalEquations()
    {
        // Tiny incoherent problem (n = 40, d = 4, κ = 10), materialised Gaussian S with m = 12. The normal equations
        // (SA)ᵀ(SA)x = (SA)ᵀSb are solved independently (MathNet); se_j, ρ̂, the ℓ2 estimate and the predicted ratio
        // agree to 1e-10 relative (spec item 10).
        const int n = 40, d = 4, m = 12;
        var p = LeastSquaresTestProblems.Incoherent(n, d, 10, seed: 10);
        var sketch = Gaussian(m, n, 1010);
        var x = new double[d];
        var result = SketchAndSolve.Solve(p.A, p.B, x, sketch);
        var report = result.Report!;

        var s = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(m, n, sketch.S);
        var sa = s * p.A.Matrix;
        var sb = s * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(p.B);
        var gram = sa.TransposeThisAndMultiply(sa);
        var gramInverse = gram.Inverse();
        var xn = gramInverse * (sa.TransposeThisAndMultiply(sb));
        double sketched2 = (sa * xn - sb).L2Norm();
        sketched2 *= sketched2;
        double rho2 = sketched2 / (m - d);
        for (int j = 0; j < d; j++)
        {
            Assert.That(x[j], Is.EqualTo(xn[j]).Within(1e-10 * Math.Abs(xn[j])), $"x′[{j}]");
            double se = Math.Sqrt(rho2 * gramInverse[j, j]);
            Assert.That(report.StandardErrors[j], Is.EqualTo(se).Within(1e-10 * se), $"se[{j}]");
            Assert.That(report.HalfWidth(j), Is.EqualTo(report.Quantile * se).Within(1e-10 * report.Quantile * se));
        }
        double rho = Math.Sqrt(rho2);
        Assert.That(report.ResidualEstimate, Is.EqualTo(rho).Within(1e-10 * rho));
        Assert.That(report.ResidualNormEstimate, Is.EqualTo(Math.Sqrt(m) * rho).Within(1e-10 * Math.Sqrt(m) * rho));
        double l2 = rho * Math.Sqrt(gramInverse.Trace()); // ‖R⁻¹‖_F² = trace((RᵀR)⁻¹)
        Assert.That(report.L2ErrorEstimate, Is.EqualTo(l2).Within(1e-10 * l2));
        double ratio = Math.Sqrt(1 + d / (double)(m - d - 1));
        Assert.That(report.PredictedResidualRatio, Is.EqualTo(ratio).Within(1e-15));
        Assert.That(report.PredictedTrueResidualNorm, Is.EqualTo(Math.Sqrt(m) * rho * ratio).Within(1e-10 * Math.Sqrt(m) * rho * ratio));
        // m − d = 8 < 100: Student-t quantile t_{8, 1 − 0.01/8} (to 1e-12 against the helper).
        Assert.That(report.QuantileKind, Is.EqualTo(QuantileKind.StudentT));
        Assert.That(report.Quantile, Is.EqualTo(Quantiles.StudentT(8, 1 - 0.01 / 8)).Within(1e-12));
        Assert.That(report.Delta, Is.EqualTo(0.01));
        Assert.That(double.IsNaN(report.TrueResidualNorm) && double.IsNaN(report.ResidualConsistency), Is.True);
        // κ̂(R) = ‖R‖₁‖R⁻¹‖₁ ≥ κ₂(SA)/d (norm equivalence); loose sanity bound against the SVD of SA.
        var sv = sa.Svd(false).S;
        double kappa2 = sv[0] / sv[d - 1];
        Assert.That(result.ConditionEstimate, Is.InRange(kappa2 / d, kappa2 * d));
    }

    [Test]
    public void TrueResidual_IsComputedAndConsistent()
    {
        // Incoherent n = 2000, d = 10, κ = 10², Gaussian m = 200. The true residual matches a direct computation to
        // 1e-12 relative; the consistency ratio of a good draw lies in [0.8, 1.2] (its spread is ≈ 1/√(2·190) = 0.05).
        var p = LeastSquaresTestProblems.Incoherent(2000, 10, 1e2, seed: 11);
        var x = new double[10];
        var result = SketchAndSolve.Solve(p.A, p.B, x, Gaussian(200, 2000, 111), new SketchAndSolveOptions { ComputeTrueResidual = true });
        var ax = new double[2000];
        p.A.Apply(x, ax);
        for (int i = 0; i < ax.Length; i++) ax[i] -= p.B[i];
        double r = Norm(ax);
        Assert.That(result.Report!.TrueResidualNorm, Is.EqualTo(r).Within(1e-12 * r));
        Assert.That(result.Report.ResidualConsistency, Is.InRange(0.8, 1.2));
        Assert.That(result.Warnings, Is.EqualTo(SketchWarnings.None));
    }

    // ---------------------------------------------------------------- orthogonal S, m = n: the exact LS solution

    [Test]
    public void OrthogonalSketchWithMEqualN_ReturnsTheExactLeastSquaresSolution()
    {
        // Issue acceptance: m = n and an orthogonal S (SᵀS = I) give x* itself. Incoherent n = 300, d = 10, κ = 10²;
        // compared with the dense Householder QR solution to 1e-10 relative.
        var p = LeastSquaresTestProblems.Incoherent(300, 10, 1e2, seed: 12);
        var x = new double[10];
        var result = SketchAndSolve.Solve(p.A, p.B, x, Orthogonal(300, 121));
        Assert.That(result.Status, Is.EqualTo(SketchAndSolveStatus.Solved));
        Assert.That(result.UsedDenseFallback, Is.False);
        var reference = LeastSquaresTestProblems.DenseQrSolve(p.A, p.B);
        Assert.That(RelativeError(x, reference), Is.LessThanOrEqualTo(1e-10));
    }

    [Test]
    public void RequestedRowsAtLeastN_FallsBackToDenseQr()
    {
        // Requested m = n (γ = 30 at d = 10, n = 300): no sketch is drawn; x is the dense QR solution to 1e-12 relative,
        // and the report describes an exact solve (zero standard errors, ‖r‖ exact to 1e-12 relative, ratio 1).
        var p = LeastSquaresTestProblems.Incoherent(300, 10, 1e2, seed: 13);
        var (x, result) = SketchAndSolve.Solve(p.A, p.B, new SketchAndSolveOptions { Sketch = new SketchOptions { RowFactor = 30 } });
        Assert.That(result.Status, Is.EqualTo(SketchAndSolveStatus.Solved));
        Assert.That(result.UsedDenseFallback, Is.True);
        Assert.That(result.Attempts, Is.Zero);
        Assert.That(result.SketchRows, Is.EqualTo(300));
        var reference = LeastSquaresTestProblems.DenseQrSolve(p.A, p.B);
        Assert.That(RelativeError(x, reference), Is.LessThanOrEqualTo(1e-12));
        var report = result.Report!;
        Assert.That(report.StandardErrors, Is.All.EqualTo(0.0));
        Assert.That(report.L2ErrorEstimate, Is.Zero);
        Assert.That(report.PredictedResidualRatio, Is.EqualTo(1.0));
        double r = Norm(p.Residual!);
        Assert.That(report.ResidualNormEstimate, Is.EqualTo(r).Within(1e-12 * r));
    }

    // ---------------------------------------------------------------- §6.1 item 11: rank check (real sketches)

    [TestCase(SketchKind.UniformRows, 4, 20)]
    [TestCase(SketchKind.CountSketch, 2, 19)]
    public void CoherentProblem_SamplingSketches_ReportRankDeficientSketch(SketchKind kind, int gamma, int minimumFlagged)
    {
        // Coherent n = 4096, d = 32, MaxResketches = 0, 20 seeds. Exact counts (spec item 11): uniform at m = 4d flags
        // 20/20, CountSketch at m = 2d flags ≥ 19/20; x is bit-identical (untouched) in every flagged case.
        const int n = 4096, d = 32;
        var p = LeastSquaresTestProblems.Coherent(n, d, seed: 14);
        int flagged = 0;
        for (ulong seed = 0; seed < 20; seed++)
        {
            var options = new SketchAndSolveOptions
            {
                MaxResketches = 0,
                Sketch = new SketchOptions { Kind = kind, Rows = gamma * d, Seed = seed },
            };
            var x = new double[d];
            Array.Fill(x, 42.0);
            var (_, result) = RealSketch(() => (x, SketchAndSolve.Solve(p.A, p.B, x, options)));
            if (result.Status == SketchAndSolveStatus.RankDeficientSketch)
            {
                flagged++;
                Assert.That(x, Is.All.EqualTo(42.0), "x untouched");
                Assert.That(result.Report, Is.Null);
                Assert.That(result.Attempts, Is.EqualTo(1));
                Assert.That(result.Resketches, Is.Zero);
            }
        }
        Assert.That(flagged, Is.GreaterThanOrEqualTo(minimumFlagged));
    }

    [Test]
    public void CoherentProblem_DefaultMaxResketches_RecordsOneResketchWithDoubledRows()
    {
        // Uniform sampling at m = 4d on the coherent problem (n = 4096, d = 32), default MaxResketches = 1: the first
        // sketch is rank-deficient, so the result records exactly 1 re-sketch and m = 8d (exact).
        const int n = 4096, d = 32;
        var p = LeastSquaresTestProblems.Coherent(n, d, seed: 14);
        var options = new SketchAndSolveOptions { Sketch = new SketchOptions { Kind = SketchKind.UniformRows, Rows = 4 * d, Seed = 3 } };
        var x = new double[d];
        Array.Fill(x, 42.0);
        var (_, result) = RealSketch(() => (x, SketchAndSolve.Solve(p.A, p.B, x, options)));
        Assert.That(result.Resketches, Is.EqualTo(1));
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(result.SketchRows, Is.EqualTo(8 * d));
        if (result.Status == SketchAndSolveStatus.RankDeficientSketch) Assert.That(x, Is.All.EqualTo(42.0), "x untouched");
    }

    // ---------------------------------------------------------------- operator paths and the library Gaussian sketch

    [Test]
    public void CsrAndMatrixFreeOperators_AgreeWithDense()
    {
        // Incoherent n = 1000, d = 10, κ = 10², default sparse-sign sketch (seed 5). The CSR and matrix-free
        // (AffineOperator 1·A) paths give the dense path's x to 1e-12 relative and the same m and status.
        var p = LeastSquaresTestProblems.Incoherent(1000, 10, 1e2, seed: 18);
        var options = new SketchAndSolveOptions { Sketch = new SketchOptions { Seed = 5 } };
        var (xDense, rDense) = SketchAndSolve.Solve(p.A, p.B, options);
        var (xCsr, rCsr) = SketchAndSolve.Solve(p.A.ToCsr(), p.B, options);
        var (xFree, rFree) = SketchAndSolve.Solve(LinearOperator.Scaled(1.0, p.A), p.B, options);
        Assert.That(rDense.Status, Is.EqualTo(SketchAndSolveStatus.Solved));
        Assert.That(RelativeError(xCsr, xDense), Is.LessThanOrEqualTo(1e-12));
        Assert.That(RelativeError(xFree, xDense), Is.LessThanOrEqualTo(1e-12));
        Assert.That(rCsr.SketchRows, Is.EqualTo(rDense.SketchRows));
        Assert.That(rFree.SketchRows, Is.EqualTo(100));
        Assert.That(rDense.Report!.ExactInLaw, Is.False);
    }

    [Test]
    public void LibraryGaussianSketch_IsExactInLawAndCoversTheError()
    {
        // Incoherent n = 2000, d = 20, κ = 10², the library's Gaussian sketch at γ = 10 (m − d = 180 ≥ 100: normal
        // quantile). The report is flagged exact in law, and |x′_j − x*_j| ≤ HalfWidth(j) for all j at δ = 0.01 (holds with
        // probability 0.99; fixed seed).
        var p = LeastSquaresTestProblems.Incoherent(2000, 20, 1e2, seed: 19);
        var options = new SketchAndSolveOptions { Sketch = new SketchOptions { Kind = SketchKind.Gaussian, Seed = 7 } };
        var (x, result) = SketchAndSolve.Solve(p.A, p.B, options);
        var report = result.Report!;
        Assert.That(report.ExactInLaw, Is.True);
        Assert.That(report.QuantileKind, Is.EqualTo(QuantileKind.Normal));
        Assert.That(result.SketchRows, Is.EqualTo(200));
        for (int j = 0; j < 20; j++)
            Assert.That(Math.Abs(x[j] - p.Solution![j]), Is.LessThanOrEqualTo(report.HalfWidth(j)), $"coordinate {j}");
    }

    // ---------------------------------------------------------------- b = 0, bad input, inputs untouched

    [Test]
    public void ZeroRightHandSide_GivesZeroSolutionAndAllZeroReport()
    {
        // Exact: x = 0, status ZeroRightHandSide, every report number 0; no sketch is drawn.
        var p = LeastSquaresTestProblems.Incoherent(100, 5, 10, seed: 15);
        double[] x = [1, 2, 3, 4, 5];
        var result = SketchAndSolve.Solve(p.A, new double[100], x, Gaussian(20, 100, 151));
        Assert.That(result.Status, Is.EqualTo(SketchAndSolveStatus.ZeroRightHandSide));
        Assert.That(x, Is.All.EqualTo(0.0));
        var r = result.Report!;
        Assert.That(r.StandardErrors, Is.All.EqualTo(0.0));
        Assert.That(new[] { r.ResidualEstimate, r.ResidualNormEstimate, r.L2ErrorEstimate, r.HalfWidth(0), r.TrueResidualNorm }, Is.All.EqualTo(0.0));
        Assert.That(result.Attempts, Is.Zero);
    }

    [Test]
    public void BadInput_ThrowsArgumentExceptionNamingTheParameter()
    {
        // Exact: the exception type and parameter name.
        var p = LeastSquaresTestProblems.Incoherent(100, 5, 10, seed: 16);
        var x = new double[5];
        var s = Gaussian(20, 100, 161);
        var wide = new DenseOperator(3, 5, new double[15]);
        Assert.That(() => SketchAndSolve.Solve(wide, new double[3], new double[5], new SketchAndSolveOptions()),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("a").And.Message.Contains("3×5"));
        Assert.That(() => SketchAndSolve.Solve(p.A, p.B, x, new SketchAndSolveOptions { Sketch = new SketchOptions { Rows = 6 } }),
            Throws.ArgumentException.With.Message.Contains("m = 6"));
        Assert.That(() => SketchAndSolve.Solve(p.A, p.B, x, Gaussian(6, 100, 1)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("sketch"));
        Assert.That(() => SketchAndSolve.Solve(p.A, p.B, x, Gaussian(20, 99, 1)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("sketch"));
        foreach (double delta in new[] { 0.0, 1.0, -0.5, double.NaN })
            Assert.That(() => SketchAndSolve.Solve(p.A, p.B, x, s, new SketchAndSolveOptions { Delta = delta }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("Delta"));
        var nanB = (double[])p.B.Clone();
        nanB[7] = double.NaN;
        Assert.That(() => SketchAndSolve.Solve(p.A, nanB, x, s),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("b").And.Message.Contains("b[7]"));
        Assert.That(() => SketchAndSolve.Solve(p.A, p.B.AsSpan(1).ToArray(), x, s),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("b"));
        Assert.That(() => SketchAndSolve.Solve(p.A, p.B, new double[4], s),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
        var data = p.A.Data.ToArray();
        data[3 * 5 + 2] = double.PositiveInfinity;
        var infA = new DenseOperator(100, 5, data);
        Assert.That(() => SketchAndSolve.Solve(infA, p.B, x, s),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("a").And.Message.Contains("A[3, 2]"));
    }

    [Test]
    public void Inputs_AreNotModified()
    {
        // Bitwise: A's data and b are unchanged by a solve (with the true residual computed too).
        var p = LeastSquaresTestProblems.Incoherent(200, 6, 10, seed: 17);
        var aBefore = p.A.Data.ToArray();
        var bBefore = (double[])p.B.Clone();
        var x = new double[6];
        SketchAndSolve.Solve(p.A, p.B, x, Gaussian(30, 200, 171), new SketchAndSolveOptions { ComputeTrueResidual = true });
        Assert.That(p.A.Data.ToArray(), Is.EqualTo(aBefore));
        Assert.That(p.B, Is.EqualTo(bBefore));
    }

    private static (double[] X, SketchAndSolveResult Result) RealSketch(Func<(double[], SketchAndSolveResult)> solve) => solve();
}

internal static class CsrTestExtensions
{
    /// <summary>A row-major dense copy of a CSR matrix.</summary>
    public static double[] ToArray2D(this CsrMatrix a)
    {
        var d = new double[(long)a.Rows * a.Columns];
        var rp = a.RowPointers;
        for (int i = 0; i < a.Rows; i++)
            for (int k = rp[i]; k < rp[i + 1]; k++) d[(long)i * a.Columns + a.ColumnIndices[k]] += a.Values[k];
        return d;
    }
}
