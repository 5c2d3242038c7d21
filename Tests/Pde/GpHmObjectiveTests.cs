using NUnit.Framework;
using Solvers.Dense;
using Solvers.Pde.GaussianProcess;
using static Solvers.Tests.Pde.GpHmTestSupport;

namespace Solvers.Tests.Pde;

/// <summary>
/// GP-HM loss and gradient (spec gp-kronecker-pde §5.1 items 3–5): Kronecker identities against an explicit dense
/// C = K_1 ⊗ K_2, finite-difference gradient checks, and the initial-loss table of §4.4.
/// </summary>
[TestFixture]
public class GpHmObjectiveTests
{
    private const double Jitter = 1e-6;
    private const double BoundaryWeight = 200;

    private static GpHmOptions SmallOptions(SpectralKernelKind kernel, int q, double frequencyScale = 2) => new()
    {
        Steps = 1,
        Kernel = kernel,
        Components = q,
        FrequencyScale = [frequencyScale],
        Jitter = Jitter,
        BoundaryWeight = BoundaryWeight,
    };

    private static double[] Theta(GpHmObjective objective, double[] p, int dimension, int q) =>
        p.AsSpan(objective.KernelOffset(dimension), 3 * q).ToArray();

    /// <summary>Dense references on a 2-D grid: the per-dimension matrices, C's factor and α = C⁻¹ vec U.</summary>
    private sealed class DenseReference
    {
        public DenseReference(GpHmObjective objective, SpectralKernelKind kernel, double[] p, int q)
        {
            var problem = objective.Problem;
            M1 = problem.Points[0];
            M2 = problem.Points[1];
            var x = Axis(problem, 0);
            var y = Axis(problem, 1);
            var t1 = Theta(objective, p, 0, q);
            var t2 = Theta(objective, p, 1, q);
            K1 = KernelMatrix(kernel, t1, x, 0, Jitter);
            K2 = KernelMatrix(kernel, t2, y, 0, Jitter);
            D1 = KernelMatrix(kernel, t1, x, 1, 0);
            D2 = KernelMatrix(kernel, t2, y, 1, 0);
            S1 = KernelMatrix(kernel, t1, x, 2, 0);
            S2 = KernelMatrix(kernel, t2, y, 2, 0);
            int m = M1 * M2;
            C = Kron(K1, M1, K2, M2);
            L = Cholesky(C, m);
            U = p.AsSpan(0, m).ToArray();
            Alpha = Solve(L, m, U);
        }

        public int M1 { get; }
        public int M2 { get; }
        public double[] K1 { get; }
        public double[] K2 { get; }
        public double[] D1 { get; }
        public double[] D2 { get; }
        public double[] S1 { get; }
        public double[] S2 { get; }
        public double[] C { get; }
        public double[] L { get; }
        public double[] U { get; }
        public double[] Alpha { get; }

        /// <summary>(X_1 ⊗ X_2) C⁻¹ vec U: the derivative of the interpolant at the nodes.</summary>
        public double[] Apply(double[] x1, double[] x2)
        {
            int m = M1 * M2;
            return MatVec(Kron(x1, M1, x2, M2), m, m, Alpha);
        }

        public double[] Derivative(int dimension, int order)
        {
            double[] d = dimension == 0 ? (order == 1 ? D1 : S1) : (order == 1 ? D2 : S2);
            return dimension == 0 ? Apply(d, K2) : Apply(K1, d);
        }
    }

    // ------------------------------------------------------------------ (3) Kronecker identities

    // Tolerance: 1e-10 relative for ½vec(U)ᵀC⁻¹vec(U) and ½log|C| (scale: Σ|log L_ii| for the log-det, which can be
    // near 0), the boundary and residual parts recomputed densely, and the total = sum of the four parts.
    [TestCase(SpectralKernelKind.StudentTMatern52, PdeKind.Poisson)]
    [TestCase(SpectralKernelKind.GaussianMixture, PdeKind.Poisson)]
    [TestCase(SpectralKernelKind.StudentTMatern52, PdeKind.AllenCahn)]
    [TestCase(SpectralKernelKind.GaussianMixture, PdeKind.AllenCahn)]
    [TestCase(SpectralKernelKind.StudentTMatern52, PdeKind.Advection)]
    [TestCase(SpectralKernelKind.GaussianMixture, PdeKind.Advection)]
    public void LossParts_MatchDenseKronecker_On12x9(SpectralKernelKind kernel, PdeKind kind)
    {
        const int q = 4;
        const double beta = 3;
        var rng = new Random(1234 + (int)kernel * 10 + (int)kind);
        var problem = RandomProblem(kind, [1.0, 1.0], [12, 9], rng, beta);
        var objective = new GpHmObjective(problem, SmallOptions(kernel, q, 3), new ManagedBackend());
        double bCentre = kernel == SpectralKernelKind.GaussianMixture ? 4 : 1.5;
        var p = RandomParameters(objective, q, bCentre, 3, rng, logTau1: 0.3, logTau2: -0.4);
        var r = new DenseReference(objective, kernel, p, q);
        int m = r.M1 * r.M2;

        double total = objective.Evaluate(p, Span<double>.Empty);
        var loss = objective.LastLoss;

        double quad = 0;
        for (int i = 0; i < m; i++) quad += 0.5 * r.U[i] * r.Alpha[i];
        double logDet = 0.5 * LogDet(r.L, m);
        double logScale = 0;
        for (int i = 0; i < m; i++) logScale += Math.Abs(Math.Log(r.L[i * m + i]));

        // H at every node (§2.5).
        var h = new double[m];
        if (kind == PdeKind.Advection)
        {
            var ux = r.Derivative(0, 1);
            var uy = r.Derivative(1, 1);
            for (int i = 0; i < m; i++) h[i] = beta * ux[i] + uy[i] - problem.Source[i];
        }
        else
        {
            var uxx = r.Derivative(0, 2);
            var uyy = r.Derivative(1, 2);
            for (int i = 0; i < m; i++)
            {
                h[i] = uxx[i] + uyy[i] - problem.Source[i];
                if (kind == PdeKind.AllenCahn) h[i] += r.U[i] * (r.U[i] * r.U[i] - 1);
            }
        }
        double tau1 = Math.Exp(p[objective.LogTau1Index]), tau2 = Math.Exp(p[objective.LogTau2Index]);
        double misfit = 0;
        int nb = 0;
        foreach (int n in problem.BoundaryNodes())
        {
            double d = r.U[n] - problem.BoundaryValues[n];
            misfit += d * d;
            nb++;
        }
        Assert.That(nb, Is.EqualTo(2 * 12 + 2 * 9), "N_b = 2M_1 + 2M_2 (corners twice)");
        double bnd = BoundaryWeight * (-0.5 * nb * Math.Log(tau1) + 0.5 * tau1 * misfit);
        double hh = 0;
        foreach (double v in h) hh += v * v;
        double res = -0.5 * m * Math.Log(tau2) + 0.5 * tau2 * hh;

        TestContext.Out.WriteLine($"{kernel} {kind}: J {total:R} (parts {loss}); dense quad {quad:R} logdet {logDet:R} bnd {bnd:R} res {res:R}");
        Assert.Multiple(() =>
        {
            Assert.That(Relative(loss.Quadratic, quad), Is.LessThanOrEqualTo(1e-10), $"J_quad {loss.Quadratic:R} vs dense {quad:R}");
            Assert.That(Math.Abs(loss.LogDeterminant - logDet) / Math.Max(Math.Abs(logDet), logScale), Is.LessThanOrEqualTo(1e-10),
                $"J_logdet {loss.LogDeterminant:R} vs dense ½log|C| {logDet:R}");
            Assert.That(Relative(loss.Boundary, bnd), Is.LessThanOrEqualTo(1e-10), $"J_bnd {loss.Boundary:R} vs {bnd:R}");
            Assert.That(Relative(loss.Residual, res), Is.LessThanOrEqualTo(1e-10), $"J_res {loss.Residual:R} vs {res:R}");
            Assert.That(Relative(loss.RmsResidual, Math.Sqrt(hh / m)), Is.LessThanOrEqualTo(1e-10), "RMS residual ‖H‖/√M");
            Assert.That(Relative(loss.Tau1, tau1), Is.LessThanOrEqualTo(1e-14), "τ1");
            Assert.That(Relative(loss.Tau2, tau2), Is.LessThanOrEqualTo(1e-14), "τ2");
            Assert.That(total, Is.EqualTo(loss.Total), "Evaluate returns LastLoss.Total");
            double sum = loss.LogDeterminant + loss.Quadratic + loss.Boundary + loss.Residual;
            Assert.That(Math.Abs(total - sum), Is.LessThanOrEqualTo(1e-12 * (Math.Abs(loss.LogDeterminant) + Math.Abs(loss.Quadratic)
                + Math.Abs(loss.Boundary) + Math.Abs(loss.Residual))), "J = J_logdet + J_quad + J_bnd + J_res");
            Assert.That(Relative(total, quad + logDet + bnd + res), Is.LessThanOrEqualTo(1e-10), "J vs dense total");
        });
    }

    // Tolerance: 1e-10 relative to max|expected| for U_xx = (K_1''⊗K_2)C⁻¹vec U = K_1''K_1⁻¹U,
    // U_yy = (K_1⊗K_2'')C⁻¹vec U = U K_2⁻¹K_2'', U_x = K_1'K_1⁻¹U, U_y = U K_2⁻¹(K_2')ᵀ on the non-square 12×9 grid.
    [TestCase(SpectralKernelKind.StudentTMatern52, PdeKind.Poisson)]
    [TestCase(SpectralKernelKind.GaussianMixture, PdeKind.Poisson)]
    [TestCase(SpectralKernelKind.StudentTMatern52, PdeKind.Advection)]
    [TestCase(SpectralKernelKind.GaussianMixture, PdeKind.Advection)]
    public void GridDerivative_MatchesDenseKronecker_On12x9(SpectralKernelKind kernel, PdeKind kind)
    {
        const int q = 4;
        var rng = new Random(77 + (int)kernel);
        var problem = RandomProblem(kind, [1.0, 1.0], [12, 9], rng, 3);
        var objective = new GpHmObjective(problem, SmallOptions(kernel, q, 3), new ManagedBackend());
        var p = RandomParameters(objective, q, kernel == SpectralKernelKind.GaussianMixture ? 4 : 1.5, 3, rng);
        var r = new DenseReference(objective, kernel, p, q);
        var got = new double[problem.NodeCount];
        int[] orders = kind == PdeKind.Advection ? [1] : [2, 1];
        Assert.Multiple(() =>
        {
            foreach (int order in orders)
            {
                for (int dim = 0; dim < 2; dim++)
                {
                    objective.GridDerivative(p, dim, order, got);
                    var expected = r.Derivative(dim, order);
                    double err = RelativeMaxDifference(got, expected);
                    TestContext.Out.WriteLine($"{kernel} {kind} dim {dim} order {order}: rel err {err:E3} (max {MaxAbs(expected):E3})");
                    Assert.That(err, Is.LessThanOrEqualTo(1e-10), $"GridDerivative(dim {dim}, order {order})");
                }
            }
        });
    }

    // Tolerance: 1e-10 relative (max norm) for the 1-D u_xx = K''K⁻¹u and u_x = K'K⁻¹u; ½uᵀK⁻¹u and ½log|K| 1e-10.
    [TestCase(SpectralKernelKind.StudentTMatern52)]
    [TestCase(SpectralKernelKind.GaussianMixture)]
    public void OneDimensional_MatchesDense(SpectralKernelKind kernel)
    {
        const int q = 5, n = 40;
        var rng = new Random(5 + (int)kernel);
        var problem = RandomProblem(PdeKind.Poisson, [TwoPi], [n], rng);
        var objective = new GpHmObjective(problem, SmallOptions(kernel, q), new ManagedBackend());
        var p = RandomParameters(objective, q, kernel == SpectralKernelKind.GaussianMixture ? 2 : 0, 1.5, rng);
        var x = Axis(problem, 0);
        var theta = Theta(objective, p, 0, q);
        var k = KernelMatrix(kernel, theta, x, 0, Jitter);
        var l = Cholesky(k, n);
        var u = p.AsSpan(0, n).ToArray();
        var alpha = Solve(l, n, u);
        objective.Evaluate(p, Span<double>.Empty);
        var loss = objective.LastLoss;
        double quad = 0;
        for (int i = 0; i < n; i++) quad += 0.5 * u[i] * alpha[i];
        double logDet = 0.5 * LogDet(l, n), logScale = 0;
        for (int i = 0; i < n; i++) logScale += Math.Abs(Math.Log(l[i * n + i]));
        var got = new double[n];
        Assert.Multiple(() =>
        {
            Assert.That(Relative(loss.Quadratic, quad), Is.LessThanOrEqualTo(1e-10), "½uᵀK⁻¹u");
            Assert.That(Math.Abs(loss.LogDeterminant - logDet) / Math.Max(Math.Abs(logDet), logScale), Is.LessThanOrEqualTo(1e-10), "½log|K|");
            for (int order = 1; order <= 2; order++)
            {
                objective.GridDerivative(p, 0, order, got);
                var expected = MatVec(KernelMatrix(kernel, theta, x, order, 0), n, n, alpha);
                Assert.That(RelativeMaxDifference(got, expected), Is.LessThanOrEqualTo(1e-10), $"1-D GridDerivative order {order}");
            }
        });
    }

    // ------------------------------------------------------------------ (4) gradient checks

    /// <summary>
    /// Central FD of every listed parameter: h = step·max(1, |θ|); an entry passes at |fd − an| / max(|fd|, |an|, 1e-6) ≤ 1e-5,
    /// or, failing that, if h/10 or 10h passes, or the fourth-order stencil at 10h or 100h passes (FD noise). Returns the
    /// failures, described.
    /// </summary>
    private static List<string> CheckGradient(GpHmObjective objective, double[] p, IEnumerable<int> indices, double step, out double worst)
    {
        var analytic = new double[objective.ParameterCount];
        objective.Evaluate(p, analytic);
        var work = (double[])p.Clone();
        var failures = new List<string>();
        worst = 0;

        double Fd(int i, double h)
        {
            work[i] = p[i] + h;
            double fp = objective.Evaluate(work, Span<double>.Empty);
            work[i] = p[i] - h;
            double fm = objective.Evaluate(work, Span<double>.Empty);
            work[i] = p[i];
            return (fp - fm) / (2 * h);
        }

        double Fd4(int i, double h)
        {
            double Eval(double d)
            {
                work[i] = p[i] + d;
                double f = objective.Evaluate(work, Span<double>.Empty);
                work[i] = p[i];
                return f;
            }
            return (-Eval(2 * h) + 8 * Eval(h) - 8 * Eval(-h) + Eval(-2 * h)) / (12 * h);
        }

        static double Err(double fd, double an) => Math.Abs(fd - an) / Math.Max(Math.Max(Math.Abs(fd), Math.Abs(an)), 1e-6);

        foreach (int i in indices)
        {
            double h = step * Math.Max(1, Math.Abs(p[i]));
            double fd = Fd(i, h);
            double err = Err(fd, analytic[i]);
            if (err > 1e-5)
            {
                double e1 = Err(Fd(i, h / 10), analytic[i]);
                double e2 = Err(Fd(i, h * 10), analytic[i]);
                // Fourth-order stencil at 10h and 100h: FD noise falls as 1/h, truncation as h⁴; a real error stays.
                double e3 = Err(Fd4(i, h * 10), analytic[i]);
                double e4 = Err(Fd4(i, h * 100), analytic[i]);
                double best = Math.Min(Math.Min(e1, e2), Math.Min(e3, e4));
                if (best > 1e-5)
                {
                    failures.Add($"θ[{i}] ({Group(objective, i)}) = {p[i]:G6}: analytic {analytic[i]:G10}, fd {fd:G10} (rel {err:E2}; h/10 {e1:E2}, 10h {e2:E2}; 4th-order 10h {e3:E2}, 100h {e4:E2})");
                }
                err = Math.Min(err, best);
            }
            worst = Math.Max(worst, err);
        }
        return failures;
    }

    private static IEnumerable<int> AllIndices(GpHmObjective objective) => Enumerable.Range(0, objective.ParameterCount);

    private static string Group(GpHmObjective o, int i)
    {
        int q = (o.ParameterCount - o.Problem.NodeCount - 2) / (3 * o.Problem.Dimensions);
        if (i < o.Problem.NodeCount) return "U";
        if (i == o.LogTau1Index) return "logτ1";
        if (i == o.LogTau2Index) return "logτ2";
        for (int j = o.Problem.Dimensions - 1; j >= 0; j--)
        {
            int off = o.KernelOffset(j);
            if (i >= off) return $"dim{j}." + "abμ"[(i - off) / q];
        }
        return "?";
    }

    // Tolerance: central FD, relative error ≤ 1e-5 against max(|fd|, |analytic|, 1e-6), every parameter; h = 1e-6·max(1,|θ|)
    // in 1-D, 1e-3·max(1,|θ|) in 2-D (spec §5.1 item 4: the 2-D loss is ~1e6 and small steps are FD noise), with the h/10,
    // 10h retry (and a fourth-order stencil at 10h, 100h) for an entry that fails.
    [TestCase(1, PdeKind.Poisson, SpectralKernelKind.StudentTMatern52)]
    [TestCase(1, PdeKind.Poisson, SpectralKernelKind.GaussianMixture)]
    [TestCase(1, PdeKind.AllenCahn, SpectralKernelKind.StudentTMatern52)]
    [TestCase(1, PdeKind.AllenCahn, SpectralKernelKind.GaussianMixture)]
    [TestCase(2, PdeKind.Poisson, SpectralKernelKind.StudentTMatern52)]
    [TestCase(2, PdeKind.Poisson, SpectralKernelKind.GaussianMixture)]
    [TestCase(2, PdeKind.AllenCahn, SpectralKernelKind.StudentTMatern52)]
    [TestCase(2, PdeKind.AllenCahn, SpectralKernelKind.GaussianMixture)]
    [TestCase(2, PdeKind.Advection, SpectralKernelKind.StudentTMatern52)]
    [TestCase(2, PdeKind.Advection, SpectralKernelKind.GaussianMixture)]
    public void Gradient_MatchesCentralDifferences(int dimensions, PdeKind kind, SpectralKernelKind kernel)
    {
        int q = dimensions == 1 ? 5 : 4;
        var rng = new Random(100 * dimensions + 10 * (int)kind + (int)kernel);
        bool gm = kernel == SpectralKernelKind.GaussianMixture;
        var problem = dimensions == 1
            ? RandomProblem(kind, [TwoPi], [40], rng)
            : RandomProblem(kind, [1.0, 1.0], [12, 9], rng, beta: 3);
        var objective = new GpHmObjective(problem, SmallOptions(kernel, q), new ManagedBackend());
        // b centres keep K_j well conditioned (s·h ≈ 1 for StM, ℓh² ≈ 0.5 for GM): with b ≈ 0 on [0, 2π] the jitter-bound
        // cond(K) ~ 1e6 amplifies round-off in J to FD noise of 1e-4 relative at every step size tried.
        double bCentre = dimensions == 1 ? (gm ? 3 : 1) : (gm ? 4 : 1.5);
        var p = RandomParameters(objective, q, bCentre, dimensions == 1 ? 1.5 : 3, rng, logTau1: 0.3, logTau2: -0.4);
        double step = dimensions == 1 ? 1e-6 : 1e-3;
        var failures = CheckGradient(objective, p, AllIndices(objective), step, out double worst);
        TestContext.Out.WriteLine($"{dimensions}-D {kind} {kernel}: {objective.ParameterCount} parameters, worst rel err {worst:E2}, J {objective.Evaluate(p, Span<double>.Empty):G6}");
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures));
    }

    // Tolerance: as above; the Matern52 baseline's μ entries have gradient exactly 0.
    [TestCase(1)]
    [TestCase(2)]
    public void Gradient_Matern52Baseline_MatchesCentralDifferences_AndMuGradientIsZero(int dimensions)
    {
        int q = dimensions == 1 ? 5 : 4;
        var rng = new Random(900 + dimensions);
        var problem = dimensions == 1
            ? RandomProblem(PdeKind.Poisson, [TwoPi], [40], rng)
            : RandomProblem(PdeKind.Poisson, [1.0, 1.0], [12, 9], rng);
        var objective = new GpHmObjective(problem, SmallOptions(SpectralKernelKind.Matern52, q), new ManagedBackend());
        var p = RandomParameters(objective, q, 1.5, 2, rng);
        var grad = new double[objective.ParameterCount];
        objective.Evaluate(p, grad);
        for (int j = 0; j < dimensions; j++)
        {
            for (int c = 0; c < q; c++)
            {
                int i = objective.KernelOffset(j) + 2 * q + c;
                Assert.That(grad[i], Is.EqualTo(0.0), $"μ gradient of the Matern52 baseline, dim {j} component {c}");
            }
        }
        var failures = CheckGradient(objective, p, AllIndices(objective), dimensions == 1 ? 1e-6 : 1e-3, out double worst);
        TestContext.Out.WriteLine($"Matern52 {dimensions}-D: worst rel err {worst:E2}");
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures));
    }

    // Tolerance: as above (1-D, h = 1e-6·max(1,|θ|)), with a GpHmOffset (extra-GP stage): boundary and Allen–Cahn
    // nonlinearity use U + offset values, the residual adds the fixed derivative term.
    [TestCase(PdeKind.Poisson)]
    [TestCase(PdeKind.AllenCahn)]
    public void Gradient_WithOffset_MatchesCentralDifferences(PdeKind kind)
    {
        const int q = 3, n = 40;
        var rng = new Random(31 + (int)kind);
        var problem = RandomProblem(kind, [TwoPi], [n], rng);
        var values = new double[n];
        var derivative = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = 0.5 * Normal(rng);
            derivative[i] = Normal(rng);
        }
        var objective = new GpHmObjective(problem, SmallOptions(SpectralKernelKind.StudentTMatern52, q), new ManagedBackend(),
            new GpHmOffset(values, derivative));
        var p = RandomParameters(objective, q, 0, 1.5, rng);
        var failures = CheckGradient(objective, p, AllIndices(objective), 1e-6, out double worst);
        TestContext.Out.WriteLine($"offset {kind}: worst rel err {worst:E2}");
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures));

        // The offset must matter: the same parameters without it give a different loss.
        var plain = new GpHmObjective(problem, SmallOptions(SpectralKernelKind.StudentTMatern52, q), new ManagedBackend());
        Assert.That(plain.Evaluate(p, Span<double>.Empty), Is.Not.EqualTo(objective.Evaluate(p, Span<double>.Empty)),
            "the offset changes the loss");
    }

    // ------------------------------------------------------------------ evaluation contract

    // Tolerance: exact (bit-identical) — loss-only equals loss-with-gradient, parameters untouched, repeatable.
    [TestCase(1)]
    [TestCase(2)]
    public void Evaluate_LossOnly_DoesNotModifyParameters_AndIsRepeatable(int dimensions)
    {
        int q = 4;
        var rng = new Random(42 + dimensions);
        var problem = dimensions == 1
            ? RandomProblem(PdeKind.AllenCahn, [TwoPi], [40], rng)
            : RandomProblem(PdeKind.AllenCahn, [1.0, 1.0], [12, 9], rng);
        var objective = new GpHmObjective(problem, SmallOptions(SpectralKernelKind.StudentTMatern52, q), new ManagedBackend());
        var p = RandomParameters(objective, q, dimensions == 1 ? 0 : 1.5, 2, rng);
        var copy = (double[])p.Clone();
        var g1 = new double[objective.ParameterCount];
        var g2 = new double[objective.ParameterCount];
        for (int i = 0; i < g2.Length; i++) g2[i] = double.NaN; // overwritten, not accumulated
        double lossOnly = objective.Evaluate(p, Span<double>.Empty);
        var partsOnly = objective.LastLoss;
        double j1 = objective.Evaluate(p, g1);
        var parts1 = objective.LastLoss;
        double j2 = objective.Evaluate(p, g2);
        Assert.Multiple(() =>
        {
            Assert.That(p, Is.EqualTo(copy), "Evaluate leaves the parameters untouched");
            Assert.That(lossOnly, Is.EqualTo(j1), "loss-only evaluation gives the same J");
            Assert.That(partsOnly, Is.EqualTo(parts1), "loss-only evaluation gives the same parts");
            Assert.That(j2, Is.EqualTo(j1), "repeat: bit-identical J");
            Assert.That(g2, Is.EqualTo(g1), "repeat: bit-identical gradient");
            Assert.That(g1.All(double.IsFinite), "finite gradient");
        });
    }

    // Tolerance: exact — the reference initialisation of §2.8.
    [Test]
    public void InitializeParameters_IsTheReferenceInitialisation()
    {
        const int q = 6;
        var problem = RandomProblem(PdeKind.Poisson, [1.0, 2.0], [5, 7], new Random(3));
        var options = SmallOptions(SpectralKernelKind.GaussianMixture, q) with { FrequencyScale = [10, 25] };
        var objective = new GpHmObjective(problem, options, new ManagedBackend());
        Assert.That(objective.ParameterCount, Is.EqualTo(35 + 3 * q * 2 + 2), "M + 3QD + 2");
        Assert.That(objective.KernelOffset(0), Is.EqualTo(35));
        Assert.That(objective.KernelOffset(1), Is.EqualTo(35 + 3 * q));
        Assert.That(objective.LogTau1Index, Is.EqualTo(35 + 6 * q));
        Assert.That(objective.LogTau2Index, Is.EqualTo(35 + 6 * q + 1));
        var p = new double[objective.ParameterCount];
        Array.Fill(p, double.NaN);
        objective.InitializeParameters(p);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 35; i++) Assert.That(p[i], Is.EqualTo(0.0), "U = 0");
            for (int j = 0; j < 2; j++)
            {
                double fs = j == 0 ? 10 : 25;
                int o = objective.KernelOffset(j);
                for (int c = 0; c < q; c++)
                {
                    Assert.That(p[o + c], Is.EqualTo(Math.Log(1.0 / q)).Within(1e-15), "a = log(1/Q)");
                    Assert.That(p[o + q + c], Is.EqualTo(0.0), "b = 0");
                    Assert.That(p[o + 2 * q + c], Is.EqualTo((double)c / (q - 1) * fs).Within(1e-12 * fs), "μ = linspace(0, 1, Q)·freq_scale");
                }
            }
            Assert.That(p[objective.LogTau1Index], Is.EqualTo(0.0), "log τ1 = 0");
            Assert.That(p[objective.LogTau2Index], Is.EqualTo(0.0), "log τ2 = 0");
        });
    }

    // ------------------------------------------------------------------ (5) initial loss, §4.4

    private static double InitialLoss(int id, int n, SpectralKernelKind kernel)
    {
        var problem = Case(id, n);
        var objective = new GpHmObjective(problem, CaseOptions(id, kernel), DenseBackend.Current);
        var p = new double[objective.ParameterCount];
        objective.InitializeParameters(p);
        double j = objective.Evaluate(p, Span<double>.Empty);
        TestContext.Out.WriteLine($"case {id} ({n}) {kernel}: J at init = {j:E6} ({objective.LastLoss})");
        return j;
    }

    // Tolerance: 1e-4 relative (the §4.4 values carry 5 significant digits).
    [TestCase(1, 400, SpectralKernelKind.StudentTMatern52, 9.9750e+09)]
    [TestCase(1, 400, SpectralKernelKind.GaussianMixture, 9.9750e+09)]
    [TestCase(3, 400, SpectralKernelKind.StudentTMatern52, 5.0953e+09)]
    [TestCase(6, 400, SpectralKernelKind.StudentTMatern52, 9.9755e+09)]
    [TestCase(9, 200, SpectralKernelKind.StudentTMatern52, 2.4646e+09)]
    [TestCase(9, 100, SpectralKernelKind.StudentTMatern52, 6.1306e+08)]
    [TestCase(11, 200, SpectralKernelKind.StudentTMatern52, -1.8923e+05)]
    [TestCase(11, 100, SpectralKernelKind.StudentTMatern52, 3.6194e+04)]
    public void InitialLoss_MatchesReferenceTable(int id, int n, SpectralKernelKind kernel, double expected)
    {
        double j = InitialLoss(id, n, kernel);
        Assert.That(Relative(j, expected), Is.LessThanOrEqualTo(1e-4), $"J at init {j:E6} vs §4.4 {expected:E4}");
    }

    // Tolerance: 1e-4 relative. Case 8 on its 400×400 reference grid (M = 160 000).
    [Test]
    public void InitialLoss_Case8_400x400()
    {
        double j = InitialLoss(8, 400, SpectralKernelKind.StudentTMatern52);
        Assert.That(Relative(j, 7.9600e+12), Is.LessThanOrEqualTo(1e-4), $"J at init {j:E6} vs §4.4 7.9600e+12");
    }
}
