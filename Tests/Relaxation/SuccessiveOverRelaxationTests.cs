using NUnit.Framework;
using Solvers.Operators;
using Solvers.Preconditioners;
using Solvers.Relaxation;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Relaxation;

[TestFixture]
public class SuccessiveOverRelaxationTests
{
    private const int N = 100;

    /// <summary>sor-bandit §2.1/§3.1: rtol 1e−8 (strict, relative to ‖r0‖) and cap 10 000, set explicitly.</summary>
    private static readonly SolverOptions Reference = new() { RelativeTolerance = 1e-8, MaxIterations = 10_000 };

    /// <summary>A + cI for A = delsq(numgrid('S', 12)): the 10×10 five-point Laplacian, diagonal 4, no h² scaling.</summary>
    internal static CsrMatrix ShiftedLaplacian(double c)
    {
        var a = new Laplacian2D(10, 10, 1, 1).ToCsr();
        int[] rowPointers = a.RowPointers.ToArray();
        int[] columns = a.ColumnIndices.ToArray();
        double[] values = a.Values.ToArray();
        for (int i = 0; i < a.Rows; i++)
            for (int p = rowPointers[i]; p < rowPointers[i + 1]; p++)
                if (columns[p] == i) values[p] += c;
        return new CsrMatrix(a.Rows, a.Columns, rowPointers, columns, values, OperatorProperties.Symmetric);
    }

    internal static double[] Ones(int n)
    {
        var b = new double[n];
        Array.Fill(b, 1.0);
        return b;
    }

    /// <summary>ω* = 2 / (1 + √(1 − β²)) with β_c = 4cos(π/11)/(4 + c) (sor-bandit §2.3).</summary>
    internal static double YoungOmega(double c)
    {
        double beta = 4 * Math.Cos(Math.PI / 11) / (4 + c);
        return 2 / (1 + Math.Sqrt(1 - beta * beta));
    }

    /// <summary>ρ(I − D⁻¹A) by power iteration on J² (J = I − D^{−½} A D^{−½} is similar, symmetric, spectrum ±β).</summary>
    private static double JacobiRadius(CsrMatrix a)
    {
        int n = a.Rows;
        var d = new double[n];
        a.CopyDiagonal(d);
        var v = DenseReference.RandomVector(n, 7);
        Normalize(v);
        var av = new double[n];
        var w = new double[n];
        double betaSquared = 0;
        for (int it = 0; it < 2000; it++)
        {
            // Rayleigh quotient of J² at the unit vector v: vᵀJ²v = ‖J v‖² (J symmetric) → β²; then v ← J²v, normalized.
            ApplyJacobi(a, d, v, av, w);
            betaSquared = w.Sum(t => t * t);
            ApplyJacobi(a, d, w, av, v);
            Normalize(v);
        }

        return Math.Sqrt(betaSquared);
    }

    private static void Normalize(double[] v)
    {
        double scale = 1 / Math.Sqrt(v.Sum(t => t * t));
        for (int i = 0; i < v.Length; i++) v[i] *= scale;
    }

    private static void ApplyJacobi(CsrMatrix a, double[] d, double[] x, double[] ax, double[] y)
    {
        // y = (I − D^{−½} A D^{−½}) x
        int n = x.Length;
        var t = new double[n];
        for (int i = 0; i < n; i++) t[i] = x[i] / Math.Sqrt(d[i]);
        a.Apply(t, ax);
        for (int i = 0; i < n; i++) y[i] = x[i] - ax[i] / Math.Sqrt(d[i]);
    }

    /// <summary>An independent dense SOR (sweep form) with the §2.1 stopping rule, for cross-checking counts.</summary>
    private static int DenseSorCount(double[,] a, double[] b, double omega, int cap)
    {
        int n = b.Length;
        var x = new double[n];
        double r0 = ResidualNorm(a, b, x);
        for (int k = 1; k <= cap; k++)
        {
            for (int i = 0; i < n; i++)
            {
                double s = b[i];
                for (int j = 0; j < n; j++)
                    if (j != i) s -= a[i, j] * x[j];
                x[i] = (1 - omega) * x[i] + omega * s / a[i, i];
            }

            if (ResidualNorm(a, b, x) / r0 < 1e-8) return k;
        }

        return cap;
    }

    private static double ResidualNorm(double[,] a, double[] b, double[] x)
    {
        var ax = DenseReference.Multiply(a, x);
        double s = 0;
        for (int i = 0; i < b.Length; i++) s += (b[i] - ax[i]) * (b[i] - ax[i]);
        return Math.Sqrt(s);
    }

    private static int Count(double c, double omega)
    {
        var (_, result) = SuccessiveOverRelaxation.Solve(ShiftedLaplacian(c), Ones(N), omega, Reference);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance), $"c = {c}, ω = {omega}");
        return result.Iterations;
    }

    // §2.3 table: ω*(c) from the closed form, to 1e−12.
    [TestCase(-0.15, 1.853594150353638)]
    [TestCase(0.0, 1.560387921274775)]
    [TestCase(0.45, 1.327919232251750)]
    public void YoungOmega_MatchesSpecTable(double c, double expected)
    {
        Assert.That(YoungOmega(c), Is.EqualTo(expected).Within(1e-12), "tolerance 1e-12");
    }

    // §5.1 (1): the numerical Jacobi radius matches 4cos(π/11)/(4 + c) to 1e−10, and Young's ω* from it is 1.560 at c = 0.
    [TestCase(-0.15)]
    [TestCase(0.0)]
    [TestCase(0.45)]
    public void JacobiRadius_MatchesClosedForm(double c)
    {
        double beta = JacobiRadius(ShiftedLaplacian(c));
        Assert.That(beta, Is.EqualTo(4 * Math.Cos(Math.PI / 11) / (4 + c)).Within(1e-10), "tolerance 1e-10");
        double omega = 2 / (1 + Math.Sqrt(1 - beta * beta));
        Assert.That(omega, Is.EqualTo(YoungOmega(c)).Within(1e-9), "tolerance 1e-9 (ω* from the numerical radius)");
        if (c == 0) Assert.That(omega, Is.EqualTo(1.560).Within(5e-4), "tolerance 5e-4 (ω* = 1.560 to three decimals)");
    }

    // §4.3: SOR iteration counts with b = 1, x0 = 0, ε = 1e−8 (strict, relative to ‖r0‖), cap 10⁴ — exact (tolerance 0).
    [TestCase(-0.15, 2927, 971, 147, 293, 392)]
    [TestCase(0.0, 223, 62, 41, 89, 383)]
    [TestCase(0.45, 64, 30, 23, 89, 379)]
    public void IterationCounts_MatchReferenceTableExactly(double c, int at1, int at15, int atOptimal, int at18, int at195)
    {
        Assert.That(Count(c, 1.0), Is.EqualTo(at1), "ω = 1.0, exact");
        Assert.That(Count(c, 1.5), Is.EqualTo(at15), "ω = 1.5, exact");
        Assert.That(Count(c, YoungOmega(c)), Is.EqualTo(atOptimal), "ω = ω*(c), exact");
        Assert.That(Count(c, 1.8), Is.EqualTo(at18), "ω = 1.8, exact");
        Assert.That(Count(c, 1.95), Is.EqualTo(at195), "ω = 1.95, exact");
    }

    [Test]
    public void IterationCounts_AreReproducible()
    {
        // Same (c, b, ω) twice, with a fresh and a reused solver: identical counts (tolerance 0) and identical iterates.
        var a = ShiftedLaplacian(0.2);
        var b = DenseReference.RandomVector(N, 3);
        var solver = new SuccessiveOverRelaxation(1.7);
        var x1 = new double[N];
        var x2 = new double[N];
        var r1 = solver.Solve(a, b, x1, Reference);
        var r2 = solver.Solve(a, b, x2, Reference);
        var (x3, r3) = SuccessiveOverRelaxation.Solve(a, b, 1.7, Reference);
        Assert.That(r2.Iterations, Is.EqualTo(r1.Iterations), "exact");
        Assert.That(r3.Iterations, Is.EqualTo(r1.Iterations), "exact");
        Assert.That(x2, Is.EqualTo(x1).Within(0.0), "bit-identical iterates (tolerance 0)");
        Assert.That(x3, Is.EqualTo(x1).Within(0.0), "bit-identical iterates (tolerance 0)");
    }

    [Test]
    public void CountsAreMinimalNearYoungOmega_AtCZero()
    {
        // On the camera-ready 20-arm grid 1.00, 1.05, …, 1.95 the best arm lies within 0.05 of ω* = 1.560, and ω* itself
        // needs no more sweeps than any grid arm (tolerance 0 on counts).
        double optimal = YoungOmega(0);
        int atOptimal = Count(0, optimal);
        int best = int.MaxValue;
        double bestOmega = 0;
        for (int i = 0; i < 20; i++)
        {
            double omega = 1 + 0.05 * i;
            int k = Count(0, omega);
            if (k < best)
            {
                best = k;
                bestOmega = omega;
            }
        }

        Assert.That(bestOmega, Is.EqualTo(optimal).Within(0.05 + 1e-12), "best grid arm within 0.05 of ω*");
        Assert.That(atOptimal, Is.LessThanOrEqualTo(best), "ω* needs no more sweeps than any grid arm");
    }

    [Test]
    public void OmegaOne_IsGaussSeidel_AndMatchesIndependentDenseSweep()
    {
        // Independent dense sweep with the same stopping rule: identical counts for ω = 1 (Gauss–Seidel) and ω = 1.5 (tolerance 0).
        var a = ShiftedLaplacian(0);
        var dense = a.ToDense();
        Assert.That(Count(0, 1.0), Is.EqualTo(DenseSorCount(dense, Ones(N), 1.0, 10_000)), "exact");
        Assert.That(Count(0, 1.5), Is.EqualTo(DenseSorCount(dense, Ones(N), 1.5, 10_000)), "exact");
    }

    [Test]
    public void FinalIterate_SolvesTheSystem_AndInputsUntouched()
    {
        var a = ShiftedLaplacian(-0.15);
        var b = DenseReference.RandomVector(N, 11);
        var bCopy = (double[])b.Clone();
        var (x, result) = SuccessiveOverRelaxation.Solve(a, b, 1.8, Reference);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        double bNorm = Math.Sqrt(b.Sum(v => v * v));
        double independent = ResidualNorm(a.ToDense(), b, x);
        Assert.That(independent, Is.LessThan(1e-8 * bNorm), "independently recomputed residual < 1e-8·‖b‖");
        Assert.That(result.TrueResidualNorm, Is.EqualTo(independent).Within(1e-12 * bNorm), "tolerance 1e-12·‖b‖");
        Assert.That(result.FinalResidualNorm, Is.EqualTo(result.TrueResidualNorm).Within(0.0), "recomputed every sweep: equal (tolerance 0)");
        Assert.That(result.InitialResidualNorm, Is.EqualTo(bNorm).Within(1e-14 * bNorm), "‖r0‖ = ‖b‖ for x0 = 0, tolerance 1e-14 relative");
        Assert.That(b, Is.EqualTo(bCopy).Within(0.0), "b untouched (tolerance 0)");
    }

    [Test]
    public void ConvertibleOperator_GivesSameCountsAsCsr()
    {
        // Laplacian2D (IConvertibleToCsr) is converted once and cached; counts equal the CSR path's (tolerance 0).
        var stencil = new Laplacian2D(10, 10, 1, 1);
        var solver = new SuccessiveOverRelaxation(1.5);
        var x = new double[N];
        var first = solver.Solve(stencil, Ones(N), x, Reference);
        Array.Clear(x);
        var second = solver.Solve(stencil, Ones(N), x, Reference);
        Assert.That(first.Iterations, Is.EqualTo(62), "exact (§4.3, c = 0, ω = 1.5)");
        Assert.That(second.Iterations, Is.EqualTo(62), "exact, cached conversion");
    }

    [Test]
    public void Symmetric_SsorIteration_Converges()
    {
        var a = ShiftedLaplacian(0);
        var solver = new SuccessiveOverRelaxation(1.5, symmetric: true);
        var x = new double[N];
        var result = solver.Solve(a, Ones(N), x, Reference);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(result.TrueResidualNorm, Is.LessThan(1e-8 * Math.Sqrt(N)), "strict ‖r‖ < 1e-8·‖r0‖");
        Assert.That(solver.Symmetric, Is.True);
    }

    [Test]
    public void OmegaChangedBetweenSolves_IsUsed()
    {
        var a = ShiftedLaplacian(0);
        var solver = new SuccessiveOverRelaxation(1.0);
        var x = new double[N];
        Assert.That(solver.Solve(a, Ones(N), x, Reference).Iterations, Is.EqualTo(223), "exact");
        solver.Omega = 1.8;
        Array.Clear(x);
        Assert.That(solver.Solve(a, Ones(N), x, Reference).Iterations, Is.EqualTo(89), "exact");
    }

    [Test]
    public void ZeroRightHandSide_GivesZeroSolutionAndNoIterations()
    {
        var a = ShiftedLaplacian(0);
        var x = Ones(N);
        var result = new SuccessiveOverRelaxation(1.5).Solve(a, new double[N], x, Reference);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(result.Iterations, Is.EqualTo(0));
        Assert.That(x, Is.All.EqualTo(0.0).Within(0.0), "x = 0 whatever x0 was (tolerance 0)");
    }

    [Test]
    public void CapReached_ReportsIterationsEqualToCap()
    {
        var options = Reference with { MaxIterations = 5 };
        var (_, result) = SuccessiveOverRelaxation.Solve(ShiftedLaplacian(0), Ones(N), 1.0, options);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(result.Iterations, Is.EqualTo(5), "exact");
    }

    [Test]
    public void Cancelled_BeforeTheFirstSweep()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var x = new double[N];
        var result = new SuccessiveOverRelaxation(1.5).Solve(ShiftedLaplacian(0), Ones(N), x, Reference,
            hooks: new SolverHooks(CancellationToken: cts.Token));
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
        Assert.That(result.Iterations, Is.EqualTo(0));
        Assert.That(result.TrueResidualNorm, Is.EqualTo(Math.Sqrt(N)).Within(1e-12), "true residual of x0 = 0 is ‖b‖, tolerance 1e-12");
    }

    [Test]
    public void Overflow_GivesDivergedNaN_WithFiniteIterate()
    {
        // Finite input whose sweep overflows: b − A x becomes infinite after sweep 1 (x itself stays finite).
        var a = CsrMatrix.FromDense(new double[,] { { 1, 1e308 }, { 1e308, 1 } });
        var x = new double[2];
        var result = new SuccessiveOverRelaxation(1.0).Solve(a, new double[] { 1, 1 }, x, Reference);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.DivergedNaN));
        Assert.That(x.All(double.IsFinite), Is.True, "x never holds non-finite values");
    }

    [Test]
    public void NonFiniteRightHandSide_IsInvalidInput()
    {
        // REL §10.4 (2) (project-wide, as in CG): a NaN in b throws naming its index, rather than returning DivergedNaN.
        var b = Ones(N);
        b[7] = double.NaN;
        var ex = Assert.Throws<ArgumentException>(() => SuccessiveOverRelaxation.Solve(ShiftedLaplacian(0), b, 1.5, Reference));
        Assert.That(ex!.Message, Does.Contain("7"));
    }

    [Test]
    public void ProgressAndHistory_AreReportedEveryIteration()
    {
        var progress = new CountingProgress();
        var history = new ConvergenceHistory();
        var options = Reference with { RecordHistory = true };
        var x = new double[N];
        var result = new SuccessiveOverRelaxation(1.5).Solve(ShiftedLaplacian(0), Ones(N), x, options,
            hooks: new SolverHooks(Progress: progress, History: history));
        Assert.That(progress.Count, Is.EqualTo(result.Iterations + 1), "k = 0 and every iteration (exact)");
        Assert.That(progress.Last.Iteration, Is.EqualTo(result.Iterations));
    }

    private sealed class CountingProgress : IProgress<IterationInfo>
    {
        public int Count { get; private set; }

        public IterationInfo Last { get; private set; }

        public void Report(IterationInfo value)
        {
            Count++;
            Last = value;
        }
    }

    [TestCase(0.0)]
    [TestCase(2.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void OmegaOutsideOpenInterval_Throws(double omega)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SuccessiveOverRelaxation(omega));
        var solver = new SuccessiveOverRelaxation(1.2);
        Assert.Throws<ArgumentOutOfRangeException>(() => solver.Omega = omega);
        Assert.That(solver.Omega, Is.EqualTo(1.2).Within(0.0), "unchanged after a refused value");
        Assert.Throws<ArgumentOutOfRangeException>(() => SuccessiveOverRelaxation.Solve(ShiftedLaplacian(0), Ones(N), omega, Reference));
    }

    [Test]
    public void ZeroDiagonal_ThrowsNamingRowAndValue()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 2, 1, 0 }, { 1, 0, 1 }, { 0, 1, 2 } });
        var ex = Assert.Throws<ArgumentException>(() => SuccessiveOverRelaxation.Solve(a, Ones(3), 1.0, Reference));
        Assert.That(ex!.Message, Does.Contain("a[1,1] = 0 at row 1"));
    }

    [Test]
    public void NonFiniteDiagonal_ThrowsNamingRowAndValue()
    {
        var a = CsrMatrix.FromDense(new double[,] { { double.PositiveInfinity, 1 }, { 1, 2 } });
        var ex = Assert.Throws<ArgumentException>(() => SuccessiveOverRelaxation.Solve(a, Ones(2), 1.0, Reference));
        Assert.That(ex!.Message, Does.Contain("row 0"));
    }

    [Test]
    public void NegativeDiagonal_IsAcceptedBySor()
    {
        // Only zero or non-finite diagonals are refused for SOR (REL §10.6); −A is solved like A.
        var a = CsrMatrix.FromDense(new double[,] { { -4, 1 }, { 1, -4 } });
        var (x, result) = SuccessiveOverRelaxation.Solve(a, Ones(2), 1.0, Reference);
        Assert.That(result.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        Assert.That(x[0], Is.EqualTo(-1.0 / 3).Within(1e-8), "tolerance 1e-8");
    }

    [Test]
    public void NonSquareOrWrongSizes_Throw()
    {
        var rect = CsrMatrix.FromDense(new double[,] { { 1, 0, 0 }, { 0, 1, 0 } });
        Assert.Throws<ArgumentException>(() => new SuccessiveOverRelaxation().Solve(rect, Ones(2), new double[3]));
        var a = ShiftedLaplacian(0);
        Assert.Throws<ArgumentException>(() => new SuccessiveOverRelaxation().Solve(a, Ones(N - 1), new double[N]));
        Assert.Throws<ArgumentException>(() => new SuccessiveOverRelaxation().Solve(a, Ones(N), new double[N + 1]));
    }

    [Test]
    public void Preconditioner_IsRefused()
    {
        var a = ShiftedLaplacian(0);
        var m = new JacobiPreconditioner();
        m.Setup(a);
        Assert.Throws<ArgumentException>(() => new SuccessiveOverRelaxation().Solve(a, Ones(N), new double[N], Reference, m));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Solve_DoesNotAllocateAfterWarmUp(bool symmetric)
    {
        var a = ShiftedLaplacian(0);
        var b = Ones(N);
        var x = new double[N];
        var solver = new SuccessiveOverRelaxation(1.5, symmetric);
        long bytes = DenseReference.AllocatedBytes(() =>
        {
            Array.Clear(x);
            solver.Solve(a, b, x, Reference);
        });
        Assert.That(bytes, Is.EqualTo(0), "bytes allocated by 10 solves (smallest of 5 rounds), tolerance 0");
    }
}
