using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.LeastSquares;

/// <summary>The dense Householder-QR least-squares solve of the sketch-and-precondition fallback (spec §2.5 step 3d, §3.9).</summary>
internal static class DenseLeastSquares
{
    /// <summary>
    /// x = argmin ‖Ax − b‖ through <see cref="IDenseBackend.LeastSquares"/> on a column-major copy of A (A and b are not
    /// modified). Returns σ̂_max(R) of the dense R, or NaN when R has an exact zero pivot (x is then untouched).
    /// </summary>
    public static double Solve(IDenseBackend backend, ILinearOperator a, ReadOnlySpan<double> b, Span<double> x)
    {
        int n = a.Rows, d = a.Columns;
        var copy = new double[(long)n * d];
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
            return double.NaN;
        }

        rhs.AsSpan(0, d).CopyTo(x);
        var r = SketchPreconditioner.FromTriangle(backend, copy, d, n);
        return r.Estimate(8).SigmaMax;
    }
}
