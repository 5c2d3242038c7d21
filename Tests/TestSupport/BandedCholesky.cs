using Solvers.Operators;

namespace Solvers.Tests.TestSupport;

/// <summary>
/// A direct SPD solver for banded matrices (test reference): A = LLᵀ with L stored by rows inside the band,
/// O(N·b²) work for half-bandwidth b. Grid Laplacians in C order have b = the fastest axis length (or its plane).
/// </summary>
internal sealed class BandedCholesky
{
    private readonly int _n;
    private readonly int _b;
    private readonly double[] _l; // row i, column j ∈ [i − b, i] at i·(b + 1) + (j − i + b)

    public BandedCholesky(CsrMatrix a)
    {
        if (a.Rows != a.Columns) throw new ArgumentException($"A is {a.Rows}×{a.Columns}, not square.", nameof(a));
        _n = a.Rows;
        int b = 0;
        for (int i = 0; i < _n; i++)
            for (int p = a.RowPointers[i]; p < a.RowPointers[i + 1]; p++) b = Math.Max(b, Math.Abs(i - a.ColumnIndices[p]));
        _b = b;
        int w = b + 1;
        _l = new double[(long)_n * w];
        for (int i = 0; i < _n; i++)
            for (int p = a.RowPointers[i]; p < a.RowPointers[i + 1]; p++)
            {
                int j = a.ColumnIndices[p];
                if (j <= i) _l[i * w + j - i + b] = a.Values[p];
            }

        for (int i = 0; i < _n; i++)
        {
            int j0 = Math.Max(0, i - b);
            for (int j = j0; j <= i; j++)
            {
                double s = _l[i * w + j - i + b];
                int k0 = Math.Max(j0, j - b);
                for (int k = k0; k < j; k++) s -= _l[i * w + k - i + b] * _l[j * w + k - j + b];
                if (j == i)
                {
                    if (!(s > 0)) throw new InvalidOperationException($"Matrix is not positive definite at row {i} (pivot {s}).");
                    _l[i * w + b] = Math.Sqrt(s);
                }
                else
                {
                    _l[i * w + j - i + b] = s / _l[j * w + b];
                }
            }
        }
    }

    public int HalfBandwidth => _b;

    public double[] Solve(ReadOnlySpan<double> rhs)
    {
        int b = _b, w = b + 1;
        var x = rhs.ToArray();
        for (int i = 0; i < _n; i++)
        {
            double s = x[i];
            for (int k = Math.Max(0, i - b); k < i; k++) s -= _l[i * w + k - i + b] * x[k];
            x[i] = s / _l[i * w + b];
        }

        for (int i = _n - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int k = i + 1; k <= Math.Min(_n - 1, i + b); k++) s -= _l[k * w + i - k + b] * x[k];
            x[i] = s / _l[i * w + b];
        }

        return x;
    }
}
