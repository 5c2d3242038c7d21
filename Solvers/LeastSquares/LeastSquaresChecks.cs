using System.Globalization;
using Solvers.Operators;

namespace Solvers.LeastSquares;

/// <summary>Input checks shared by the least-squares solvers (bad input is an <see cref="ArgumentException"/>, DESIGN §4).</summary>
internal static class LeastSquaresChecks
{
    /// <summary>The first column of A that is exactly zero (−1 if none, or if A is neither dense nor CSR: not checked).</summary>
    public static int FirstZeroColumn(ILinearOperator a)
    {
        int d = a.Columns;
        var nonzero = new bool[d];
        if (a is DenseOperator dense)
        {
            var data = dense.Data;
            int n = a.Rows;
            for (int i = 0; i < n; i++)
            {
                var row = data.Slice(i * d, d);
                for (int j = 0; j < d; j++)
                {
                    if (row[j] != 0) nonzero[j] = true;
                }
            }
        }
        else if (a is CsrMatrix csr)
        {
            var cols = csr.ColumnIndices;
            var vals = csr.Values;
            for (int k = 0; k < vals.Length; k++)
            {
                if (vals[k] != 0) nonzero[cols[k]] = true;
            }
        }
        else
        {
            return -1;
        }
        return Array.IndexOf(nonzero, false);
    }

    /// <summary>Throws when A has an all-zero column (a rank deficiency that is a modelling error, not a sketch failure).</summary>
    public static void ThrowIfZeroColumn(ILinearOperator a)
    {
        int j = FirstZeroColumn(a);
        if (j >= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Column {j} of A ({a.Rows}×{a.Columns}) is zero, so the least-squares solution is not unique; drop the column, or use sketch-and-precondition with Factorization = Svd for the minimum-norm solution."),
                nameof(a));
        }
    }

    /// <summary>The numerical rank of an upper-triangular R (ld rows): #{i : |R_ii| &gt; tolerance·max_j |R_jj|}.</summary>
    public static int NumericalRank(ReadOnlySpan<double> r, int ld, int d, double tolerance)
    {
        double max = 0;
        for (int i = 0; i < d; i++) max = Math.Max(max, Math.Abs(r[i + i * ld]));
        int rank = 0;
        for (int i = 0; i < d; i++)
        {
            double v = Math.Abs(r[i + i * ld]);
            if (double.IsFinite(v) && v > tolerance * max) rank++;
        }
        return rank;
    }
}
