using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Lawson–Hanson nonnegative least squares (spec sparse-bayesian §2.9, §3.7), used by the pattern-coupled M-step.</summary>
[TestFixture]
public class NonNegativeLeastSquaresTests
{
    private static double[] RandomVector(Random rng, int n, double scale = 1)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * (2 * rng.NextDouble() - 1);
        return v;
    }

    /// <summary>The tridiagonal C_β = I + β·(sub- and super-diagonal ones), row-major n×n.</summary>
    private static double[] Coupling(int n, double beta)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            c[i * n + i] = 1;
            if (i + 1 < n) c[i * n + i + 1] = c[(i + 1) * n + i] = beta;
        }
        return c;
    }

    /// <summary>∇ = Cᵀ(Cv − g), the gradient of ½‖Cv − g‖².</summary>
    private static double[] Gradient(double[] c, int m, int n, double[] g, double[] v)
    {
        var r = new double[m];
        for (int i = 0; i < m; i++)
        {
            r[i] = -g[i];
            for (int j = 0; j < n; j++) r[i] += c[i * n + j] * v[j];
        }
        var grad = new double[n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) grad[j] += c[i * n + j] * r[i];
        return grad;
    }

    private static double ResidualNorm(double[] c, int m, int n, double[] g, double[] v)
    {
        double s = 0;
        for (int i = 0; i < m; i++)
        {
            double r = -g[i];
            for (int j = 0; j < n; j++) r += c[i * n + j] * v[j];
            s += r * r;
        }
        return Math.Sqrt(s);
    }

    /// <summary>
    /// Brute force: over every subset S of columns, the unconstrained least squares on S (MathNet QR); among those that are
    /// ≥ 0 the one of least residual. Returns the residual norm and the solution.
    /// </summary>
    private static (double Residual, double[] Solution) BruteForce(double[] c, int m, int n, double[] g)
    {
        double best = ResidualNorm(c, m, n, g, new double[n]);
        var bestV = new double[n];
        for (int mask = 1; mask < 1 << n; mask++)
        {
            var cols = Enumerable.Range(0, n).Where(j => (mask >> j & 1) != 0).ToArray();
            if (cols.Length > m) continue;
            var sub = Matrix<double>.Build.Dense(m, cols.Length, (i, k) => c[i * n + cols[k]]);
            if (sub.Rank() < cols.Length) continue;
            var z = sub.QR().Solve(Vector<double>.Build.DenseOfArray(g));
            if (z.Any(v => v < 0)) continue;
            var v = new double[n];
            for (int k = 0; k < cols.Length; k++) v[cols[k]] = z[k];
            double r = ResidualNorm(c, m, n, g, v);
            if (r < best)
            {
                best = r;
                bestV = v;
            }
        }
        return (best, bestV);
    }

    // KKT conditions (tolerance 1e−10 absolute; entries of C and g are O(1)): v ≥ 0 exactly, ∇_j ≥ −1e−10 where v_j = 0
    // and |∇_j| ≤ 1e−10 where v_j > 0. Tall, square, wide and the coupling matrices of the M-step (β = 0.5, 0.8, n = 18).
    [TestCase(8, 5, 1)]
    [TestCase(10, 10, 2)]
    [TestCase(5, 9, 3)]
    [TestCase(18, 18, 4)]
    [TestCase(3, 1, 5)]
    public void Solution_SatisfiesKkt(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var solver = new NonNegativeLeastSquares(m, n);
        int positives = 0, zeros = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var c = RandomVector(rng, m * n);
            var g = RandomVector(rng, m, 3);
            var v = new double[n];
            var result = solver.Solve(c, m, n, g, v);
            Assert.That(result.Converged, Is.True, $"trial {trial}");
            var grad = Gradient(c, m, n, g, v);
            for (int j = 0; j < n; j++)
            {
                Assert.That(v[j], Is.GreaterThanOrEqualTo(0.0), $"trial {trial}: v[{j}]");
                if (v[j] > 0)
                {
                    positives++;
                    Assert.That(Math.Abs(grad[j]), Is.LessThanOrEqualTo(1e-10), $"trial {trial}: ∇[{j}] on a positive entry");
                }
                else
                {
                    zeros++;
                    Assert.That(grad[j], Is.GreaterThanOrEqualTo(-1e-10), $"trial {trial}: ∇[{j}] on a zero entry");
                }
            }
            Assert.That(result.ResidualNorm, Is.EqualTo(ResidualNorm(c, m, n, g, v)).Within(1e-12 * Math.Max(1, result.ResidualNorm)));
        }
        Assert.That(positives, Is.GreaterThan(0), "some entries positive");
        if (n > 1) Assert.That(zeros, Is.GreaterThan(0), "some entries at the bound");
    }

    // The same KKT check (1e−10) on the M-step's systems: C_β (n = 18) with β = 0.5 and 0.8, and targets mixing a clustered
    // nonnegative pattern with noise.
    [TestCase(0.5)]
    [TestCase(0.8)]
    public void CouplingMatrix_SatisfiesKkt(double beta)
    {
        const int n = 18;
        var rng = new Random(7);
        var c = Coupling(n, beta);
        var solver = new NonNegativeLeastSquares(n, n);
        for (int trial = 0; trial < 20; trial++)
        {
            var g = new double[n];
            int start = rng.Next(n - 3);
            for (int i = 0; i < n; i++) g[i] = 0.05 * rng.NextDouble() + (i >= start && i < start + 3 ? 1 + rng.NextDouble() : 0);
            var v = new double[n];
            Assert.That(solver.Solve(c, n, n, g, v).Converged, Is.True);
            var grad = Gradient(c, n, n, g, v);
            for (int j = 0; j < n; j++)
            {
                Assert.That(v[j], Is.GreaterThanOrEqualTo(0.0));
                if (v[j] > 0) Assert.That(Math.Abs(grad[j]), Is.LessThanOrEqualTo(1e-10), $"trial {trial}: ∇[{j}]");
                else Assert.That(grad[j], Is.GreaterThanOrEqualTo(-1e-10), $"trial {trial}: ∇[{j}]");
            }
        }
    }

    // Against brute-force enumeration of all 2ⁿ active sets on small problems: the residual agrees to 1e−12 relative, and
    // where C has full column rank (m ≥ n, so the minimiser is unique) the solution agrees to 1e−10.
    [TestCase(7, 5, 11)]
    [TestCase(6, 6, 12)]
    [TestCase(9, 4, 13)]
    [TestCase(4, 7, 14)]
    public void Solution_EqualsBruteForce(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var solver = new NonNegativeLeastSquares(m, n);
        for (int trial = 0; trial < 15; trial++)
        {
            var c = RandomVector(rng, m * n);
            var g = RandomVector(rng, m, 2);
            var v = new double[n];
            var result = solver.Solve(c, m, n, g, v);
            var (bestResidual, bestV) = BruteForce(c, m, n, g);
            Assert.That(result.ResidualNorm, Is.EqualTo(bestResidual).Within(1e-12 * Math.Max(1, bestResidual)), $"trial {trial}: residual");
            if (m >= n)
                for (int j = 0; j < n; j++) Assert.That(v[j], Is.EqualTo(bestV[j]).Within(1e-10), $"trial {trial}: v[{j}]");
        }
    }

    // When the unconstrained least-squares solution is already positive it is returned (to 1e−12 relative against MathNet's
    // QR solution), with every entry positive.
    [Test]
    public void PositiveUnconstrainedSolution_IsReturned()
    {
        var rng = new Random(21);
        const int m = 12, n = 6;
        for (int trial = 0; trial < 10; trial++)
        {
            var c = RandomVector(rng, m * n);
            var truth = Enumerable.Range(0, n).Select(_ => 1 + rng.NextDouble()).ToArray();
            var g = new double[m];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++) g[i] += c[i * n + j] * truth[j];
                g[i] += 0.01 * (2 * rng.NextDouble() - 1);
            }
            var ls = Matrix<double>.Build.DenseOfRowMajor(m, n, c).QR().Solve(Vector<double>.Build.DenseOfArray(g)).ToArray();
            Assert.That(ls, Is.All.GreaterThan(0.0), "premise: the unconstrained solution is positive");
            var v = new double[n];
            var result = NonNegativeLeastSquares.SolveOnce(c, m, n, g, v);
            Assert.That(result.Converged, Is.True);
            for (int j = 0; j < n; j++) Assert.That(v[j], Is.EqualTo(ls[j]).Within(1e-12 * Math.Abs(ls[j])), $"v[{j}]");
        }
    }

    // g with Cᵀg ≤ 0 (here g = 0 and g = −C·1 with C ≥ 0) gives v = 0 exactly and zero iterations.
    [Test]
    public void NonPositiveDual_GivesZero()
    {
        var c = new double[] { 1, 2, 0.5, 3, 1, 1 }; // 3×2, all ≥ 0
        var v = new double[] { 7, 7 };
        var result = NonNegativeLeastSquares.SolveOnce(c, 3, 2, new double[3], v);
        Assert.That(v, Is.EqualTo(new double[2]));
        Assert.That(result.Iterations, Is.Zero);
        result = NonNegativeLeastSquares.SolveOnce(c, 3, 2, [-3, -4, -2], v);
        Assert.That(v, Is.EqualTo(new double[2]));
        Assert.That(result.Iterations, Is.Zero);
        Assert.That(result.ResidualNorm, Is.EqualTo(Math.Sqrt(29)).Within(1e-15 * Math.Sqrt(29)));
    }

    // A repeated column (rank-deficient C) still ends at the KKT point (1e−10): the dependent copy is set aside.
    [Test]
    public void DependentColumns_AreHandled()
    {
        const int m = 5, n = 3;
        var rng = new Random(31);
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            c[i * n] = rng.NextDouble() - 0.5;
            c[i * n + 1] = c[i * n];
            c[i * n + 2] = rng.NextDouble() - 0.5;
        }
        var g = RandomVector(rng, m, 2);
        var v = new double[n];
        Assert.That(NonNegativeLeastSquares.SolveOnce(c, m, n, g, v).Converged, Is.True);
        var grad = Gradient(c, m, n, g, v);
        for (int j = 0; j < n; j++)
        {
            Assert.That(v[j], Is.GreaterThanOrEqualTo(0.0));
            if (v[j] > 0) Assert.That(Math.Abs(grad[j]), Is.LessThanOrEqualTo(1e-10));
            else Assert.That(grad[j], Is.GreaterThanOrEqualTo(-1e-10));
        }
        Assert.That(v[0] == 0 || v[1] == 0, Is.True, "at most one copy of the repeated column is used");
    }

    // A second solve on the same instance allocates nothing (GC.GetAllocatedBytesForCurrentThread, exact 0; smallest of five rounds).
    [Test]
    public void Solve_AllocatesNothing()
    {
        const int n = 18;
        var c = Coupling(n, 0.8);
        var rng = new Random(41);
        var g = RandomVector(rng, n);
        var v = new double[n];
        var solver = new NonNegativeLeastSquares(n, n);
        solver.Solve(c, n, n, g, v);
        long best = long.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            solver.Solve(c, n, n, g, v);
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.That(best, Is.Zero);
    }

    // Misuse throws ArgumentException naming the parameter and the offending size or entry; the constructor rejects sizes < 1.
    [Test]
    public void BadInput_Throws()
    {
        var solver = new NonNegativeLeastSquares(4, 3);
        var c = new double[12];
        var g = new double[4];
        var v = new double[3];
        var e = Assert.Throws<ArgumentException>(() => solver.Solve(c, 5, 3, new double[5], v));
        Assert.That(e!.ParamName, Is.EqualTo("rows"));
        Assert.That(e.Message, Does.Contain("1 to 4"));
        e = Assert.Throws<ArgumentException>(() => solver.Solve(c, 4, 0, g, []));
        Assert.That(e!.ParamName, Is.EqualTo("columns"));
        e = Assert.Throws<ArgumentException>(() => solver.Solve(new double[11], 4, 3, g, v));
        Assert.That(e!.ParamName, Is.EqualTo("matrix"));
        Assert.That(e.Message, Does.Contain("11"));
        e = Assert.Throws<ArgumentException>(() => solver.Solve(c, 4, 3, new double[3], v));
        Assert.That(e!.ParamName, Is.EqualTo("target"));
        e = Assert.Throws<ArgumentException>(() => solver.Solve(c, 4, 3, g, new double[2]));
        Assert.That(e!.ParamName, Is.EqualTo("solution"));
        var nan = new double[12];
        nan[7] = double.NaN;
        e = Assert.Throws<ArgumentException>(() => solver.Solve(nan, 4, 3, g, v));
        Assert.That(e!.Message, Does.Contain("(2, 1)"));
        var inf = new double[4];
        inf[2] = double.PositiveInfinity;
        e = Assert.Throws<ArgumentException>(() => solver.Solve(c, 4, 3, inf, v));
        Assert.That(e!.Message, Does.Contain("Target entry 2"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NonNegativeLeastSquares(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NonNegativeLeastSquares(3, 0));
        Assert.Throws<ArgumentException>(() => NonNegativeLeastSquares.SolveOnce(c, 0, 3, g, v));
    }
}
