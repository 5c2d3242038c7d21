using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>Builds the in-memory operator for <c>dense</c> storage (PS §4.5).</summary>
internal static class DenseFactory
{
    /// <summary>The operator for a row-major dense matrix (every entry kept, zeros included).</summary>
    public static ILinearOperator Create(double[,] rowMajor)
    {
        int m = rowMajor.GetLength(0), n = rowMajor.GetLength(1);
        var rp = new int[m + 1];
        var ci = new int[checked(m * n)];
        var v = new double[m * n];
        int w = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                ci[w] = j;
                v[w++] = rowMajor[i, j];
            }

            rp[i + 1] = w;
        }

        return new CsrMatrix(m, n, rp, ci, v);
    }

    /// <summary>The row-major entries of a dense-storable operator, or null.</summary>
    public static double[,]? ToArray(ILinearOperator op) => op is IConvertibleToCsr c ? c.ToCsr().ToDense() : null;
}
