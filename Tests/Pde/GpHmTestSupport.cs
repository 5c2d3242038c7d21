using NUnit.Framework;
using Solvers.Pde.GaussianProcess;

namespace Solvers.Tests.Pde;

/// <summary>
/// Problems of spec gp-kronecker-pde §4.1/§4.2 (built here, independent of any case catalogue), random small problems,
/// and a few dense reference routines (row-major, plain loops) for the GP-HM tests.
/// </summary>
internal static class GpHmTestSupport
{
    public const double TwoPi = 2 * Math.PI;

    /// <summary>A manufactured case of §4.1 on an n-point (1-D) or n×n (2-D) grid, boundary data = exact solution.</summary>
    public static TensorGridPde Case(int id, int n)
    {
        switch (id)
        {
            case 1:
                return OneD(PdeKind.Poisson, TwoPi, n, x => Math.Sin(100 * x), x => -1e4 * Math.Sin(100 * x), "case1");
            case 3:
                return OneD(PdeKind.Poisson, TwoPi, n, x => Math.Sin(6 * x) * Math.Cos(100 * x),
                    x => -10036 * Math.Sin(6 * x) * Math.Cos(100 * x) - 1200 * Math.Cos(6 * x) * Math.Sin(100 * x), "case3");
            case 6:
                return OneD(PdeKind.AllenCahn, TwoPi, n, x => Math.Sin(100 * x),
                    x =>
                    {
                        double u = Math.Sin(100 * x);
                        return -1e4 * u + u * (u * u - 1);
                    }, "case6");
            case 8:
                return TwoD(PdeKind.Poisson, TwoPi, n, (x, y) => Math.Sin(100 * x) * Math.Sin(100 * y),
                    (x, y) => -2e4 * Math.Sin(100 * x) * Math.Sin(100 * y), 0, "case8");
            case 9:
                return TwoD(PdeKind.Poisson, TwoPi, n, (x, y) => H9(x) + H9(y), (x, y) => H9Second(x) + H9Second(y), 0, "case9");
            case 11:
                return TwoD(PdeKind.Advection, 1, n, (x, t) => Math.Sin(x - 200 * t), (x, t) => 0, 200, "case11");
            default:
                throw new ArgumentOutOfRangeException(nameof(id), id, "case not built here");
        }
    }

    /// <summary>freq_scale of a case (§4.1).</summary>
    public static double FrequencyScale(int id) => id switch
    {
        1 or 3 or 6 or 8 or 9 => 20,
        11 => 40,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "case not built here"),
    };

    /// <summary>The reference options of a case (Q = 30, λ_b default: 200, or 500 for advection).</summary>
    public static GpHmOptions CaseOptions(int id, SpectralKernelKind kernel = SpectralKernelKind.StudentTMatern52, int steps = 100) =>
        new()
        {
            Steps = steps,
            Kernel = kernel,
            Components = 30,
            FrequencyScale = [FrequencyScale(id)],
            BoundaryWeight = id == 11 ? 500 : 200,
        };

    private static double H9(double s) => Math.Sin(6 * s) * Math.Cos(20 * s);

    private static double H9Second(double s) => -436 * Math.Sin(6 * s) * Math.Cos(20 * s) - 240 * Math.Cos(6 * s) * Math.Sin(20 * s);

    private static TensorGridPde OneD(PdeKind kind, double length, int n, Func<double, double> exact, Func<double, double> source, string name) =>
        TensorGridPde.FromFunctions(kind, [length], [n], p => source(p[0]), p => exact(p[0]), p => exact(p[0]), 0, name);

    private static TensorGridPde TwoD(PdeKind kind, double length, int n, Func<double, double, double> exact,
        Func<double, double, double> source, double beta, string name) =>
        TensorGridPde.FromFunctions(kind, [length, length], [n, n], p => source(p[0], p[1]), p => exact(p[0], p[1]),
            p => exact(p[0], p[1]), beta, name);

    /// <summary>A problem with random source and boundary data (and no exact solution).</summary>
    public static TensorGridPde RandomProblem(PdeKind kind, double[] lengths, int[] points, Random rng, double beta = 0, double scale = 1)
    {
        int m = 1;
        foreach (int p in points) m *= p;
        var f = new double[m];
        var g = new double[m];
        for (int i = 0; i < m; i++)
        {
            f[i] = scale * Normal(rng);
            g[i] = Normal(rng);
        }
        return new TensorGridPde(kind, lengths, points, f, g, null, beta, $"random-{kind}");
    }

    /// <summary>Standard normal (Box–Muller).</summary>
    public static double Normal(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(TwoPi * u2);
    }

    /// <summary>
    /// Random non-trivial parameters in the objective's layout: U ~ 0.3·N(0, 1), a = log(1/Q) + 0.3·N, b = bCentre + 0.3·N,
    /// μ = spread over [0, muScale] + 0.1·N (0 for kinds without frequencies), log τ1, log τ2 = given values.
    /// </summary>
    public static double[] RandomParameters(GpHmObjective objective, int q, double bCentre, double muScale, Random rng,
        double logTau1 = 0.3, double logTau2 = -0.4)
    {
        var p = new double[objective.ParameterCount];
        int m = objective.Problem.NodeCount;
        for (int i = 0; i < m; i++) p[i] = 0.3 * Normal(rng);
        for (int j = 0; j < objective.Problem.Dimensions; j++)
        {
            int o = objective.KernelOffset(j);
            for (int c = 0; c < q; c++)
            {
                p[o + c] = Math.Log(1.0 / q) + 0.3 * Normal(rng);
                p[o + q + c] = bCentre + 0.3 * Normal(rng);
                p[o + 2 * q + c] = muScale * (c + 0.5) / q + 0.1 * Normal(rng);
            }
        }
        p[objective.LogTau1Index] = logTau1;
        p[objective.LogTau2Index] = logTau2;
        return p;
    }

    /// <summary>The grid coordinates of one dimension.</summary>
    public static double[] Axis(TensorGridPde problem, int dimension)
    {
        var x = new double[problem.Points[dimension]];
        for (int a = 0; a < x.Length; a++) x[a] = problem.GridCoordinate(dimension, a);
        return x;
    }

    /// <summary>Row-major n×n X_ab = k^(order)(x_a − x_b) (+ jitter on the diagonal), from <see cref="SpectralMixtureKernel.Evaluate"/>.</summary>
    public static double[] KernelMatrix(SpectralKernelKind kind, ReadOnlySpan<double> theta, double[] x, int order, double jitter)
    {
        int n = x.Length;
        var k = new double[n * n];
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                SpectralMixtureKernel.Evaluate(kind, theta, x[a] - x[b], out double v, out double d1, out double d2);
                k[a * n + b] = order switch { 0 => v, 1 => d1, _ => d2 };
            }
            k[a * n + a] += jitter;
        }
        return k;
    }

    /// <summary>Row-major Kronecker product (m1·m2)×(m1·m2) of two square row-major matrices.</summary>
    public static double[] Kron(double[] k1, int m1, double[] k2, int m2)
    {
        int m = m1 * m2;
        var c = new double[m * m];
        for (int a = 0; a < m1; a++)
        {
            for (int b = 0; b < m2; b++)
            {
                for (int cc = 0; cc < m1; cc++)
                {
                    double f = k1[a * m1 + cc];
                    for (int d = 0; d < m2; d++) c[(a * m2 + b) * m + cc * m2 + d] = f * k2[b * m2 + d];
                }
            }
        }
        return c;
    }

    /// <summary>Dense Cholesky A = LLᵀ of a row-major SPD matrix (lower factor returned; fails the test if not SPD).</summary>
    public static double[] Cholesky(double[] a, int n)
    {
        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
            if (!(d > 0)) Assert.Fail($"reference Cholesky: pivot {j} = {d} is not positive");
            double ljj = Math.Sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                l[i * n + j] = s / ljj;
            }
        }
        return l;
    }

    /// <summary>log|A| = 2 Σ log L_ii.</summary>
    public static double LogDet(double[] l, int n)
    {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.Log(l[i * n + i]);
        return 2 * s;
    }

    /// <summary>A⁻¹b from the lower Cholesky factor.</summary>
    public static double[] Solve(double[] l, int n, ReadOnlySpan<double> b)
    {
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * y[k];
            y[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * y[k];
            y[i] = s / l[i * n + i];
        }
        return y;
    }

    /// <summary>y = A x for a row-major rows×cols matrix.</summary>
    public static double[] MatVec(double[] a, int rows, int cols, ReadOnlySpan<double> x)
    {
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int k = 0; k < cols; k++) s += a[i * cols + k] * x[k];
            y[i] = s;
        }
        return y;
    }

    /// <summary>max_i |x_i|.</summary>
    public static double MaxAbs(ReadOnlySpan<double> x)
    {
        double m = 0;
        foreach (double v in x) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>max_i |x_i − y_i| / max(max|y|, floor).</summary>
    public static double RelativeMaxDifference(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double floor = 1e-300)
    {
        Assert.That(x.Length, Is.EqualTo(y.Length), "length mismatch");
        double d = 0;
        for (int i = 0; i < x.Length; i++) d = Math.Max(d, Math.Abs(x[i] - y[i]));
        return d / Math.Max(MaxAbs(y), floor);
    }

    /// <summary>|x − y| / max(|y|, floor).</summary>
    public static double Relative(double x, double y, double floor = 1e-300) => Math.Abs(x - y) / Math.Max(Math.Abs(y), floor);
}
