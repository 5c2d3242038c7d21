using NUnit.Framework;
using Solvers.Dense;
using Solvers.LeastSquares;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.Tests.LeastSquares;

/// <summary>Sketch-and-precondition (spec sketched-regression §2.5; §6.1 items 8, 12, 13, 14).</summary>
[TestFixture]
public class SketchAndPreconditionTests
{
    // ------------------------------------------------------------------ private sketches and helpers

    /// <summary>A stored dense sketch for tests (Gaussian or uniform row sampling from System.Random).</summary>
    private sealed class StoredSketch(SketchKind kind, int rows, int columns, int seed, double[] s) : ISketch
    {
        public SketchKind Kind => kind;
        public int Rows => rows;
        public int Columns => columns;
        public ulong Seed => (ulong)seed;
        public int Attempt => 0;

        public void Apply(ReadOnlySpan<double> block, int k, Span<double> result)
        {
            result[..(rows * k)].Clear();
            for (int i = 0; i < rows; i++)
            {
                var row = result.Slice(i * k, k);
                for (int j = 0; j < columns; j++)
                {
                    double sij = s[(long)i * columns + j];
                    if (sij == 0) continue;
                    var src = block.Slice(j * k, k);
                    for (int c = 0; c < k; c++) row[c] += sij * src[c];
                }
            }
        }

        public void Apply(CsrMatrix matrix, Span<double> result) => throw new NotSupportedException();

        public double[] Materialize() => (double[])s.Clone();
    }

    private static StoredSketch Gaussian(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var s = new double[(long)m * n];
        double scale = 1 / Math.Sqrt(m);
        for (long i = 0; i < s.Length; i++)
            s[i] = scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return new StoredSketch(SketchKind.Gaussian, m, n, seed, s);
    }

    private static StoredSketch UniformRows(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var s = new double[(long)m * n];
        var picked = new HashSet<int>();
        for (int i = 0; i < m; i++)
        {
            int row;
            do row = rng.Next(n); while (!picked.Add(row));
            s[(long)i * n + row] = Math.Sqrt((double)n / m);
        }

        return new StoredSketch(SketchKind.UniformRows, m, n, seed, s);
    }

    /// <summary>Whether the library's sparse-sign sketch is implemented yet (it is a stub in early trees).</summary>
    private static readonly bool RealSketches = Probe();

    private static bool Probe()
    {
        try
        {
            var s = Sketch.Create(new SketchOptions { RowFactor = 4 }, 10, 20);
            s.Apply(new double[20], 1, new double[10]);
            return true;
        }
        catch (NotImplementedException)
        {
            return false;
        }
    }

    /// <summary>Solves with the default sketch, or (while the sketches are stubs) a private Gaussian sketch.</summary>
    private static SketchAndPreconditionResult Run(ILinearOperator a, double[] b, double[] x, SketchAndPreconditionOptions? options = null,
        SolverHooks hooks = default, Func<int, int, ISketch>? factory = null)
    {
        int n = a.Rows;
        factory ??= RealSketches ? null : (m, attempt) => Gaussian(m, n, 1000 + attempt);
        return SketchAndPrecondition.SolveCore(a, b, x, options, hooks, factory);
    }

    private static double RelativeError(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        double num = 0, den = 0;
        for (int i = 0; i < x.Length; i++)
        {
            num += (x[i] - reference[i]) * (x[i] - reference[i]);
            den += reference[i] * reference[i];
        }

        return Math.Sqrt(num / den);
    }

    private static long[] Bits(ReadOnlySpan<double> v)
    {
        var bits = new long[v.Length];
        for (int i = 0; i < v.Length; i++) bits[i] = BitConverter.DoubleToInt64Bits(v[i]);
        return bits;
    }

    /// <summary>Matrix-free wrapper (optionally writing NaN), to exercise the operator path.</summary>
    private sealed class Wrapped(IAdjointableOperator inner, bool nan = false) : IAdjointableOperator
    {
        public int Rows => inner.Rows;
        public int Columns => inner.Columns;
        public OperatorProperties Properties => OperatorProperties.None;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            inner.Apply(x, y);
            if (nan) y[0] = double.NaN;
        }

        public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
        {
            inner.ApplyAdjoint(x, y);
            if (nan) y[0] = double.NaN;
        }
    }

    private sealed class Recorder : IProgress<IterationInfo>
    {
        public List<int> Iterations { get; } = [];
        public void Report(IterationInfo value) => Iterations.Add(value.Iteration);
    }

    /// <summary>R (column-major, ld = m) of the QR of SA for a sketch of A at γ = 4.</summary>
    private static (double[] R, int Ld) SketchR(DenseOperator a, int seed)
    {
        int n = a.Rows, d = a.Columns, m = 4 * d;
        ISketch s = RealSketches
            ? Sketch.Create(new SketchOptions { RowFactor = 4, Seed = (ulong)seed }, m, n)
            : Gaussian(m, n, seed);
        var sa = new double[m * d];
        s.Apply(a.Data, d, sa);
        var cm = new double[m * d];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < d; j++) cm[i + j * m] = sa[i * d + j];
        DenseBackend.Current.QrFactor(m, d, cm, m, new double[d]);
        return (cm, m);
    }

    // ------------------------------------------------------------------ item 8: consistent system

    [Test]
    public void ConsistentSystem_ConvergesByTheConsistentTest()
    {
        var p = LeastSquaresTestProblems.Incoherent(2000, 20, 1e3, seed: 8, residualRatio: 0);
        var x = new double[20];
        var result = Run(p.A, p.B, x);
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedRelativeTolerance));
        // κ = 10³: forward error ≈ κu ≈ 10⁻¹³; tolerance 10⁻¹⁰ relative.
        Assert.That(RelativeError(x, p.X0), Is.LessThanOrEqualTo(1e-10));
        Assert.That(result.Summary.TrueResidualNorm, Is.LessThanOrEqualTo(1e-12 * p.B.Max(Math.Abs) * Math.Sqrt(2000)), "‖r‖ at roundoff (10⁻¹²‖b‖)");
        Assert.That(result.UsedDenseFallback, Is.False);
    }

    // The warm start's §2.4 report equals sketch-and-solve's report for the same sketch (same kind, seed, attempt and m):
    // ρ̂ and every se_j to 1e−12 relative (the same SA, QR and R⁻¹ up to the order of the triangular solves).
    [Test]
    public void WarmStartReport_EqualsSketchAndSolveReportForTheSameSketch()
    {
        var p = LeastSquaresTestProblems.Incoherent(3000, 20, 1e3, seed: 21);
        var sketch = new SketchOptions { Kind = SketchKind.SparseSign, RowFactor = 4, Seed = 77 };
        var x = new double[20];
        var sap = SketchAndPrecondition.Solve(p.A, p.B, x, new SketchAndPreconditionOptions { Sketch = sketch });
        var xs = new double[20];
        var sas = SketchAndSolve.Solve(p.A, p.B, xs, new SketchAndSolveOptions { Sketch = sketch });
        Assert.That(sap.WarmStartReport, Is.Not.Null);
        var w = sap.WarmStartReport!;
        var r = sas.Report!;
        Assert.That(w.ResidualEstimate, Is.EqualTo(r.ResidualEstimate).Within(1e-12 * r.ResidualEstimate));
        for (int j = 0; j < 20; j++) Assert.That(w.StandardErrors[j], Is.EqualTo(r.StandardErrors[j]).Within(1e-12 * r.StandardErrors[j]));
        Assert.That(w.Quantile, Is.EqualTo(r.Quantile));
    }

    // ------------------------------------------------------------------ item 12: verification seam

    [Test]
    public void Verification_IllConditionedGoodSketch_IsAcceptedAndFlagged()
    {
        var p = LeastSquaresTestProblems.Incoherent(4000, 40, 1e10, seed: 12);
        var (r, ld) = SketchR(p.A, 5);
        var check = SketchAndPrecondition.CheckTriangle(p.A, r, ld);
        Assert.That(check.ConditionEstimate, Is.GreaterThan(SketchAndPreconditionOptions.DefaultConditionTrigger), "κ̂(R) ≈ 10¹⁰ above the trigger");
        Assert.That(check.PreconditionedNorm, Is.LessThanOrEqualTo(5), "σ̂ ≤ 5 (≈ 2 expected at γ = 4)");
        Assert.That(check.Accepted, Is.True);
        Assert.That(check.IllConditioned, Is.True);
    }

    [Test]
    public void Verification_WellConditioned_IsNotRun()
    {
        var p = LeastSquaresTestProblems.Incoherent(4000, 40, 1e2, seed: 12);
        var (r, ld) = SketchR(p.A, 5);
        var check = SketchAndPrecondition.CheckTriangle(p.A, r, ld);
        Assert.That(check.ConditionEstimate, Is.LessThan(1e4), "κ̂(R) ≈ 10² (order of magnitude)");
        Assert.That(double.IsNaN(check.PreconditionedNorm), Is.True, "σ̂ is NaN when not verified");
        Assert.That(check.Accepted, Is.True);
        Assert.That(check.IllConditioned, Is.False);
    }

    [Test]
    public void Verification_ScaledLastColumn_PassesPivotTestButIsRejected()
    {
        var p = LeastSquaresTestProblems.Incoherent(4000, 40, 1e2, seed: 12);
        var (r, ld) = SketchR(p.A, 5);
        for (int i = 0; i < 40; i++) r[i + 39 * ld] *= 1e-8;
        var check = SketchAndPrecondition.CheckTriangle(p.A, r, ld);
        Assert.That(check.ConditionEstimate, Is.GreaterThan(SketchAndPreconditionOptions.DefaultConditionTrigger), "κ̂ ≈ 10¹⁰");
        Assert.That(check.Accepted, Is.False);
        Assert.That(check.Rejection, Is.EqualTo(ResketchReason.Verification));
        Assert.That(check.PreconditionedNorm, Is.GreaterThan(1e6), "σ̂ ≈ 10⁸");
    }

    // ------------------------------------------------------------------ item 13: accuracy

    [Test]
    public void Incoherent20000x50_Kappa1e4_FullAccuracy()
    {
        var p = LeastSquaresTestProblems.Incoherent(20_000, 50, 1e4, seed: 13);
        var x = new double[50];
        var progress = new Recorder();
        var result = Run(p.A, p.B, x, hooks: new SolverHooks(Progress: progress));
        TestContext.Out.WriteLine(FormattableString.Invariant(
            $"iterations {string.Join('+', result.IterationsPerSolve)}, η per solve {string.Join(", ", result.BackwardErrorPerSolve)}, error {RelativeError(x, p.X0)}"));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations));
        Assert.That(RelativeError(x, p.X0), Is.LessThanOrEqualTo(1e-9), "§4.4 bound ≈ 2.4·10⁻¹⁰");
        Assert.That(result.BackwardError, Is.LessThanOrEqualTo(1e-13));
        Assert.That(result.Summary.Iterations, Is.LessThanOrEqualTo(80));
        Assert.That(result.IterationsPerSolve.Sum(), Is.EqualTo(result.Summary.Iterations));
        Assert.That(result.IterationsPerSolve, Has.Count.GreaterThanOrEqualTo(2), "warm-started solve + 1 refinement step");
        Assert.That(result.BackwardErrorPerSolve, Has.Count.EqualTo(result.IterationsPerSolve.Count));
        Assert.That(result.WarmStartUsed, Is.True);
        Assert.That(result.Summary.InitialResidualNorm, Is.LessThan(VectorNorm(p.B)));
        Assert.That(result.IllConditioned, Is.False);
        Assert.That(result.Resketches, Is.Empty);
        // Progress is cumulative over the correction solves (exact counts).
        Assert.That(progress.Iterations, Is.Ordered);
        Assert.That(progress.Iterations[^1], Is.EqualTo(result.Summary.Iterations));
    }

    private static double VectorNorm(double[] v) => Math.Sqrt(v.Sum(e => e * e));

    // ------------------------------------------------------------------ item 14: outcome codes and misuse

    [Test]
    public void ZeroRightHandSide_ReturnsZero()
    {
        var p = LeastSquaresTestProblems.Incoherent(200, 5, 10, seed: 14);
        double[] x = [1, 2, 3, 4, 5];
        var result = Run(p.A, new double[200], x);
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedZeroRightHandSide));
        Assert.That(x, Is.All.EqualTo(0.0), "exact");
        Assert.That(result.Summary.Iterations, Is.Zero);
    }

    [Test]
    public void PreCancelled_ReportsCancelled()
    {
        var p = LeastSquaresTestProblems.Incoherent(200, 5, 10, seed: 14);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = Run(p.A, p.B, new double[5], hooks: new SolverHooks(CancellationToken: cts.Token));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.Cancelled));
    }

    [Test]
    public void IterationCap_ReportsDivergedMaxIterationsWithBackwardError()
    {
        var p = LeastSquaresTestProblems.Incoherent(2000, 20, 1e4, seed: 14);
        var result = Run(p.A, p.B, new double[20], new SketchAndPreconditionOptions { MaxIterations = 3 });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedMaxIterations));
        Assert.That(double.IsFinite(result.BackwardError) && result.BackwardError > 0, Is.True, "η reported");
        Assert.That(double.IsFinite(result.Summary.TrueResidualNorm), Is.True, "true residual reported");
        Assert.That(result.Summary.Iterations, Is.EqualTo(3));
    }

    [Test]
    public void OperatorWritingNaN_ReportsDivergedNaNWithoutException()
    {
        var p = LeastSquaresTestProblems.Incoherent(500, 10, 10, seed: 14);
        var result = Run(new Wrapped(p.A, nan: true), p.B, new double[10]);
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedNaN));
    }

    [Test]
    public void MatrixFreeOperator_MatchesDense()
    {
        var p = LeastSquaresTestProblems.Incoherent(2000, 20, 1e3, seed: 15);
        var x1 = new double[20];
        var x2 = new double[20];
        var r1 = Run(p.A, p.B, x1);
        var r2 = Run(new Wrapped(p.A), p.B, x2);
        Assert.That(r1.Converged && r2.Converged, Is.True);
        // Same sketch, same arithmetic up to summation order in the column path: 10⁻¹⁰ relative.
        Assert.That(RelativeError(x2, x1), Is.LessThanOrEqualTo(1e-10));
    }

    [Test]
    public void NoRefinementAtKappa1e10_StagnatesInsteadOfClaimingConvergence()
    {
        var p = LeastSquaresTestProblems.Incoherent(4000, 40, 1e10, seed: 14);
        var options = new SketchAndPreconditionOptions { RefinementSteps = 0, MaxRefinementSteps = 0 };
        var result = Run(p.A, p.B, new double[40], options);
        TestContext.Out.WriteLine(FormattableString.Invariant($"η = {result.BackwardError}, iterations {result.Summary.Iterations}"));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.Stagnated), $"η = {result.BackwardError}");
        Assert.That(result.BackwardError, Is.GreaterThan(options.EffectiveBackwardErrorLimit));
        Assert.That(result.IllConditioned, Is.True);
    }

    [Test]
    public void WithRefinementAtKappa1e10_ReachesBackwardErrorLimit()
    {
        var p = LeastSquaresTestProblems.Incoherent(4000, 40, 1e10, seed: 14);
        var result = Run(p.A, p.B, new double[40]);
        TestContext.Out.WriteLine(FormattableString.Invariant($"η per solve {string.Join(", ", result.BackwardErrorPerSolve)}, iterations {string.Join('+', result.IterationsPerSolve)}"));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations), $"η = {result.BackwardError}");
        Assert.That(result.BackwardError, Is.LessThanOrEqualTo(1e-12), "BackwardErrorLimit = 100·atol");
    }

    // ------------------------------------------------------------------ fused pass (§3.8): items 13 and LS-4/LS-5-like checks,
    // with the fused pass (the default) and without it, set explicitly

    [TestCase(true)]
    [TestCase(false)]
    public void FusedOrNot_Incoherent20000x50_Kappa1e4_FullAccuracy(bool fused)
    {
        var p = LeastSquaresTestProblems.Incoherent(20_000, 50, 1e4, seed: 13);
        var x = new double[50];
        var result = Run(p.A, p.B, x, new SketchAndPreconditionOptions { FusedNormalPass = fused });
        TestContext.Out.WriteLine(FormattableString.Invariant(
            $"iterations {string.Join('+', result.IterationsPerSolve)}, η per solve {string.Join(", ", result.BackwardErrorPerSolve)}, error {RelativeError(x, p.X0)}"));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations));
        Assert.That(RelativeError(x, p.X0), Is.LessThanOrEqualTo(1e-10), "LS-4: 1 refinement step, error vs x₀ ≤ 1e-10");
        Assert.That(result.BackwardError, Is.LessThanOrEqualTo(5e-14), "LS-4: η ≤ 5e-14 (item 13: ≤ 1e-13)");
        Assert.That(result.Summary.Iterations, Is.LessThanOrEqualTo(80));
        Assert.That(result.IterationsPerSolve, Has.Count.GreaterThanOrEqualTo(2), "warm-started solve + 1 refinement step");
    }

    [Test]
    public void FusedOperator_PassesOverA_AreOnePerIterationPlusOnePerResidual()
    {
        // Spec §2.5 steps 4–6 with the fused pass (§3.8): r_k and Aᵀr_k come from one pass, and Āᵀr_k starts the next
        // LSQR solve, so after the sketch A is read once per LSQR iteration and once per recomputed residual.
        var p = LeastSquaresTestProblems.Incoherent(20_000, 50, 1e4, seed: 13);
        var counting = new CountingFused(p.A);
        var x = new double[50];
        var result = Run(counting, p.B, x);
        TestContext.Out.WriteLine(FormattableString.Invariant(
            $"Apply {counting.Applies}, ApplyAdjoint {counting.Adjoints}, ApplyWithNormal {counting.Normals}, ResidualWithAdjoint {counting.Residuals}"));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations));
        Assert.That(result.WarmStartUsed, Is.True);
        Assert.That(counting.Applies, Is.EqualTo(50), "exact: only the matrix-free sketch's d columns A·e_j");
        Assert.That(counting.Adjoints, Is.Zero, "exact: no separate Aᵀ pass (η and LSQR's start reuse the residual pass)");
        Assert.That(counting.Normals, Is.EqualTo(result.Summary.Iterations), "exact: one fused pass per LSQR iteration");
        Assert.That(counting.Residuals, Is.EqualTo(result.IterationsPerSolve.Count + 1), "exact: the warm start's and each solve's residual");
        Assert.That(RelativeError(x, p.X0), Is.LessThanOrEqualTo(1e-10), "LS-4 accuracy unchanged");
    }

    /// <summary>Forwards to a dense operator (fused passes included) and counts each kind of pass.</summary>
    private sealed class CountingFused(DenseOperator inner) : IFusedNormalOperator
    {
        public int Applies { get; private set; }

        public int Adjoints { get; private set; }

        public int Normals { get; private set; }

        public int Residuals { get; private set; }

        public int Rows => inner.Rows;

        public int Columns => inner.Columns;

        public OperatorProperties Properties => OperatorProperties.None;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            Applies++;
            inner.Apply(x, y);
        }

        public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
        {
            Adjoints++;
            inner.ApplyAdjoint(x, y);
        }

        public void ApplyWithNormal(ReadOnlySpan<double> x, Span<double> y, Span<double> normal)
        {
            Normals++;
            inner.ApplyWithNormal(x, y, normal);
        }

        public void ResidualWithAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> r, Span<double> adjoint)
        {
            Residuals++;
            inner.ResidualWithAdjoint(x, b, r, adjoint);
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void FusedOrNot_NoRefinementAtKappa1e10_Stagnates(bool fused)
    {
        var p = LeastSquaresTestProblems.Incoherent(4000, 40, 1e10, seed: 14);
        var options = new SketchAndPreconditionOptions { RefinementSteps = 0, MaxRefinementSteps = 0, FusedNormalPass = fused };
        var result = Run(p.A, p.B, new double[40], options);
        TestContext.Out.WriteLine(FormattableString.Invariant($"η = {result.BackwardError}, iterations {result.Summary.Iterations}"));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.Stagnated), $"η = {result.BackwardError}");
        Assert.That(result.BackwardError, Is.GreaterThan(1e-10), "LS-5: without refinement η stays above 1e-10");
        Assert.That(result.IllConditioned, Is.True);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void FusedOrNot_WithRefinementAtKappa1e10_ReachesBackwardErrorLimit(bool fused)
    {
        var p = LeastSquaresTestProblems.Incoherent(4000, 40, 1e10, seed: 14);
        var result = Run(p.A, p.B, new double[40], new SketchAndPreconditionOptions { FusedNormalPass = fused });
        TestContext.Out.WriteLine(FormattableString.Invariant($"η per solve {string.Join(", ", result.BackwardErrorPerSolve)}, iterations {string.Join('+', result.IterationsPerSolve)}"));
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.ConvergedNormalEquations), $"η = {result.BackwardError}");
        Assert.That(result.BackwardError, Is.LessThanOrEqualTo(1e-12), "LS-5: 1 refinement step, η ≤ 1e-12");
    }

    [Test]
    public void Misuse_Throws()
    {
        var p = LeastSquaresTestProblems.Incoherent(200, 5, 10, seed: 14);
        Assert.Throws<ArgumentException>(() => Run(p.A, p.B, new double[5], new SketchAndPreconditionOptions { Sketch = new SketchOptions { Rows = 6 } }), "m < d + 2");
        var bad = (double[])p.B.Clone();
        bad[7] = double.NaN;
        Assert.Throws<ArgumentException>(() => Run(p.A, bad, new double[5]), "NaN in b");
        Assert.Throws<ArgumentException>(() => Run(p.A, p.B, new double[4]), "x length");
        Assert.Throws<ArgumentException>(() => Run(p.A, p.B[..199], new double[5]), "b length");
        Assert.Throws<ArgumentException>(() => Run(p.A, p.B, new double[5], new SketchAndPreconditionOptions { Sketch = new SketchOptions { RowFactor = 0.5 } }), "γ < 1");
        var wide = new DenseOperator(3, 5, new double[15]);
        Assert.Throws<ArgumentException>(() => Run(wide, new double[3], new double[5]), "n < d");
    }

    [Test]
    public void Inputs_AreBitIdenticalAfterSolve()
    {
        var p = LeastSquaresTestProblems.Incoherent(2000, 20, 1e4, seed: 16);
        var aBits = Bits(p.A.Data);
        var bBits = Bits(p.B);
        var x0Bits = Bits(p.X0);
        Run(p.A, p.B, new double[20]);
        Assert.That(Bits(p.A.Data), Is.EqualTo(aBits), "A exact");
        Assert.That(Bits(p.B), Is.EqualTo(bBits), "b exact");
        Assert.That(Bits(p.X0), Is.EqualTo(x0Bits), "x0 exact");
    }

    // ------------------------------------------------------------------ SVD variant, rank-deficient A

    [Test]
    public void SvdVariant_RankDeficient_ReturnsMinimumNormSolution()
    {
        const int n = 600, d = 10;
        var p = LeastSquaresTestProblems.Incoherent(n, d, 10, seed: 17);
        var data = p.A.Data.ToArray();
        for (int i = 0; i < n; i++) data[i * d + d - 1] = data[i * d]; // last column = first: rank d − 1
        var a = new DenseOperator(n, d, data);

        // Reference: x† = V Σ⁺ Uᵀ b from a dense SVD (σ ≤ 10⁻¹²σ₁ dropped).
        var cm = LeastSquaresTestProblems.ToColumnMajor(a);
        var s = new double[d];
        var u = new double[n * d];
        var vt = new double[d * d];
        DenseBackend.Current.Svd(n, d, cm, n, s, u, n, vt, d);
        var reference = new double[d];
        for (int k = 0; k < d; k++)
        {
            if (s[k] <= 1e-12 * s[0]) continue;
            double c = 0;
            for (int i = 0; i < n; i++) c += u[i + k * n] * p.B[i];
            for (int j = 0; j < d; j++) reference[j] += vt[k + j * d] * c / s[k];
        }

        var x = new double[d];
        var result = Run(a, p.B, x, new SketchAndPreconditionOptions { Factorization = PreconditionerFactorization.Svd });
        Assert.That(result.Converged, Is.True, result.Summary.Reason.ToString());
        Assert.That(result.Rank, Is.EqualTo(d - 1));
        // κ of the rank-9 part ≈ 10: forward error ≈ 10⁻¹⁵; tolerance 10⁻¹⁰ relative.
        Assert.That(RelativeError(x, reference), Is.LessThanOrEqualTo(1e-10));
        Assert.That(x[0], Is.EqualTo(x[d - 1]).Within(1e-10 * Math.Abs(x[0])), "minimum norm splits the duplicated column evenly (10⁻¹⁰ relative)");
    }

    // ------------------------------------------------------------------ pivot check, fallback, breakdown

    [Test]
    public void BadSketchOnCoherentMatrix_FallsBackToDenseQr()
    {
        var p = LeastSquaresTestProblems.Coherent(4096, 32, seed: 18);
        var x = new double[32];
        var options = new SketchAndPreconditionOptions { MaxResketches = 0 };
        var result = Run(p.A, p.B, x, options, factory: (m, attempt) => UniformRows(m, 4096, 18 + attempt));
        Assert.That(result.UsedDenseFallback, Is.True);
        Assert.That(result.Resketches, Has.Count.EqualTo(1));
        Assert.That(result.Resketches[0].Reason, Is.EqualTo(ResketchReason.PivotCheck));
        Assert.That(result.Converged, Is.True, result.Summary.Reason.ToString());
        var reference = LeastSquaresTestProblems.DenseQrSolve(p.A, p.B);
        // Same Householder QR on the same data: 10⁻¹² relative.
        Assert.That(RelativeError(x, reference), Is.LessThanOrEqualTo(1e-12));
    }

    [Test]
    public void BadSketches_ResketchWithDoubledRows_ThenBreakdownWithoutFallback()
    {
        var p = LeastSquaresTestProblems.Coherent(4096, 32, seed: 18);
        var x = new double[32];
        var rows = new List<int>();
        var options = new SketchAndPreconditionOptions { MaxResketches = 1, FallbackToDenseQr = false };
        var result = Run(p.A, p.B, x, options, factory: (m, attempt) =>
        {
            rows.Add(m);
            return UniformRows(m, 4096, 18 + attempt);
        });
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedBreakdown));
        Assert.That(rows, Is.EqualTo(new[] { 128, 256 }), "γ doubles on the re-sketch");
        Assert.That(result.Resketches.Select(r => r.Reason), Is.All.EqualTo(ResketchReason.PivotCheck));
        Assert.That(result.Summary.BreakdownValue, Is.LessThanOrEqualTo(1e-14), "min|R_ii|/max|R_jj|");
        Assert.That(result.UsedDenseFallback, Is.False);
    }
}
