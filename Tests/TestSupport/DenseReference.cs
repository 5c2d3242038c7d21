using NUnit.Framework;

namespace Solvers.Tests.TestSupport;

/// <summary>Dense reference arithmetic for operator tests: products, Kronecker products, comparisons.</summary>
internal static class DenseReference
{
    public static double[,] Random(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var a = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) a[i, j] = 2 * rng.NextDouble() - 1;
        return a;
    }

    public static double[] RandomVector(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 2 * rng.NextDouble() - 1;
        return v;
    }

    /// <summary>A random symmetric positive definite n×n matrix: BᵀB + n·I.</summary>
    public static double[,] RandomSpd(int n, int seed)
    {
        var b = Random(n, n, seed);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++) s += b[k, i] * b[k, j];
                a[i, j] = s;
            }

        return a;
    }

    public static double[] Multiply(double[,] a, double[] x)
    {
        int m = a.GetLength(0), n = a.GetLength(1);
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += a[i, j] * x[j];
            y[i] = s;
        }

        return y;
    }

    public static double[,] Transpose(double[,] a)
    {
        int m = a.GetLength(0), n = a.GetLength(1);
        var t = new double[n, m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) t[j, i] = a[i, j];
        return t;
    }

    public static double[,] Kron(double[,] a, double[,] b)
    {
        int m1 = a.GetLength(0), n1 = a.GetLength(1), m2 = b.GetLength(0), n2 = b.GetLength(1);
        var k = new double[m1 * m2, n1 * n2];
        for (int i1 = 0; i1 < m1; i1++)
            for (int j1 = 0; j1 < n1; j1++)
                for (int i2 = 0; i2 < m2; i2++)
                    for (int j2 = 0; j2 < n2; j2++) k[i1 * m2 + i2, j1 * n2 + j2] = a[i1, j1] * b[i2, j2];
        return k;
    }

    public static double[,] Identity(int n)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++) a[i, i] = 1;
        return a;
    }

    public static double[,] Add(double[,] a, double[,] b)
    {
        var c = (double[,])a.Clone();
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) c[i, j] += b[i, j];
        return c;
    }

    public static double MaxAbs(double[,] a)
    {
        double m = 0;
        foreach (double v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>Asserts equal shapes and |a_ij − b_ij| ≤ rel · max|b|.</summary>
    public static void AssertClose(double[,] actual, double[,] expected, double relative, string what = "")
    {
        Assert.That(actual.GetLength(0), Is.EqualTo(expected.GetLength(0)), $"{what} rows");
        Assert.That(actual.GetLength(1), Is.EqualTo(expected.GetLength(1)), $"{what} columns");
        double tol = relative * Math.Max(MaxAbs(expected), double.Epsilon);
        for (int i = 0; i < actual.GetLength(0); i++)
            for (int j = 0; j < actual.GetLength(1); j++)
                if (!(Math.Abs(actual[i, j] - expected[i, j]) <= tol))
                    Assert.Fail($"{what} entry ({i}, {j}): {actual[i, j]:R} vs {expected[i, j]:R}, tolerance {tol:R}");
    }

    /// <summary>Asserts |a_i − b_i| ≤ rel · max|b|.</summary>
    public static void AssertClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double relative, string what = "")
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what} length");
        double scale = 0;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        double tol = relative * Math.Max(scale, double.Epsilon);
        for (int i = 0; i < actual.Length; i++)
            if (!(Math.Abs(actual[i] - expected[i]) <= tol))
                Assert.Fail($"{what} entry {i}: {actual[i]:R} vs {expected[i]:R}, tolerance {tol:R}");
    }

    /// <summary>Bytes allocated on this thread by 10 calls of <paramref name="apply"/> after 3 warm-up calls (smallest of 5 rounds).</summary>
    public static long AllocatedBytes(Action apply)
    {
        // The smallest of five rounds of ten calls: an allocation in the code under test shows in every round, while
        // the runtime's own occasional bookkeeping (tiering, type loads) on this thread shows in one round at most.
        for (int i = 0; i < 3; i++) apply();
        long best = long.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) apply();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return best;
    }
}
