using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.LeastSquares;

/// <summary>The dense Householder-QR least-squares solve of the sketch-and-precondition fallback (spec §2.5 step 3d, §3.9).</summary>
internal static class DenseLeastSquares
{
    /// <summary>
    /// x = argmin ‖Ax − b‖ through <see cref="IDenseBackend.LeastSquares"/> on a column-major copy of A (A and b are not
    /// modified). Returns σ̂_max(R) of the dense R, the numerical rank of R (#{|R_ii| &gt; tolerance·max|R_jj|}) and
    /// min/max |R_ii|; when the rank is below d (or R has an exact zero pivot: σ̂ = NaN), x is untouched.
    /// </summary>
    public static (double SigmaMax, int Rank, double PivotRatio) Solve(IDenseBackend backend, ILinearOperator a,
        ReadOnlySpan<double> b, Span<double> x, double tolerance)
    {
        int n = a.Rows, d = a.Columns;
        var copy = LargeArrays.Allocate((long)n * d);
        if (a is DenseOperator dense)
        {
            var data = dense.Data;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++) copy[i + (long)j * n] = data[i * d + j];
        }
        else
        {
            var unit = new double[d];
            for (int j = 0; j < d; j++)
            {
                unit[j] = 1;
                a.Apply(unit, copy.AsSpan(j * n, n));
                unit[j] = 0;
            }
        }

        var rhs = b.ToArray();
        try
        {
            backend.LeastSquares(n, d, 1, copy, n, rhs, n);
        }
        catch (SingularMatrixException)
        {
            return (double.NaN, LeastSquaresChecks.NumericalRank(copy, n, d, tolerance), 0);
        }

        int rank = LeastSquaresChecks.NumericalRank(copy, n, d, tolerance);
        double min = double.PositiveInfinity, max = 0;
        for (int i = 0; i < d; i++)
        {
            double v = Math.Abs(copy[i + (long)i * n]);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double ratio = max > 0 ? min / max : 0;
        var r = SketchPreconditioner.FromTriangle(backend, copy, d, n);
        double sigmaMax = r.Estimate(8).SigmaMax;
        if (rank < d) return (sigmaMax, rank, ratio);
        rhs.AsSpan(0, d).CopyTo(x);
        return (sigmaMax, rank, ratio);
    }
}
