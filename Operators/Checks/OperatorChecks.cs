namespace Solvers.Operators;

/// <summary>One-off checks and dense extraction for operators (they allocate; not for inner loops).</summary>
public static class OperatorChecks
{
    /// <summary>
    /// The randomized symmetry test of REL §7.4: with fixed-seed random u and v (entries uniform in [−1, 1)),
    /// |uᵀ(Av) − vᵀ(Au)| ≤ <paramref name="tolerance"/>·(‖u‖‖Av‖ + ‖v‖‖Au‖). Two applications of A.
    /// </summary>
    /// <returns>False for a non-square operator or when the test fails (including NaN).</returns>
    public static bool IsSymmetricRandomized(ILinearOperator a, int seed = 12345, double tolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns) return false;
        int n = a.Rows;
        var rng = new Random(seed);
        var u = new double[n];
        var v = new double[n];
        for (int i = 0; i < n; i++) u[i] = 2 * rng.NextDouble() - 1;
        for (int i = 0; i < n; i++) v[i] = 2 * rng.NextDouble() - 1;
        var au = new double[n];
        var av = new double[n];
        a.Apply(u, au);
        a.Apply(v, av);
        double lhs = Math.Abs(VectorMath.Dot(u, av) - VectorMath.Dot(v, au));
        double rhs = tolerance * (VectorMath.Norm2(u) * VectorMath.Norm2(av) + VectorMath.Norm2(v) * VectorMath.Norm2(au));
        return lhs <= rhs;
    }

    /// <summary>The operator as a dense column-major array (column j at [j·Rows, (j+1)·Rows)), by applying it to unit vectors.</summary>
    public static double[] ToDenseColumns(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        int m = a.Rows, n = a.Columns;
        var result = new double[(long)m * n];
        var e = new double[n];
        for (int j = 0; j < n; j++)
        {
            e[j] = 1;
            a.Apply(e, result.AsSpan(j * m, m));
            e[j] = 0;
        }

        return result;
    }

    /// <summary>The operator as a dense row-major matrix, by applying it to unit vectors (tests and small problems).</summary>
    public static double[,] ToDense(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        int m = a.Rows, n = a.Columns;
        var cols = ToDenseColumns(a);
        var d = new double[m, n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) d[i, j] = cols[j * m + i];
        return d;
    }
}
