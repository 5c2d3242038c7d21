using System.Globalization;
using Solvers.Operators;

namespace Solvers.Preconditioners;

/// <summary>
/// A preconditioner stored as a lower-triangular factor L (PS §4.10, form "cholesky_lower"): z = (L Lᵀ)⁻¹ r by a
/// forward substitution with L and a backward substitution with Lᵀ.
/// </summary>
/// <remarks>
/// <see cref="Setup"/> validates L once (square, of A's size, no non-zero entry above the diagonal, finite entries, a
/// stored positive diagonal) and builds its own row-wise copies of the strict lower part and of its transpose, so
/// <see cref="Apply"/> runs two sparse triangular sweeps and allocates nothing. Explicit zeros stored above the
/// diagonal are ignored. <see cref="PreconditionerSetupException.Row"/> is 0-based.
/// </remarks>
public sealed class CholeskyFactorPreconditioner : IPreconditioner
{
    private readonly CsrMatrix _factor;
    private int[] _lowerPointers = [0];
    private int[] _lowerColumns = [];
    private double[] _lowerValues = [];
    private int[] _upperPointers = [0];
    private int[] _upperColumns = [];
    private double[] _upperValues = [];
    private double[] _diagonal = [];
    private bool _isSetUp;

    /// <summary>Wraps the factor L (not copied until <see cref="Setup"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="lowerFactor"/> is null.</exception>
    public CholeskyFactorPreconditioner(CsrMatrix lowerFactor)
    {
        ArgumentNullException.ThrowIfNull(lowerFactor);
        _factor = lowerFactor;
    }

    /// <summary>The stored factor L.</summary>
    public CsrMatrix Factor => _factor;

    /// <summary>Validates L against <paramref name="a"/> and prepares L and Lᵀ for the substitutions.</summary>
    /// <exception cref="ArgumentException">L or A is not square, or their sizes differ.</exception>
    /// <exception cref="PreconditionerSetupException">
    /// L has a non-zero entry above the diagonal, a non-finite entry, or a missing, zero or negative diagonal entry.
    /// </exception>
    public void Setup(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var l = _factor;
        if (l.Rows != l.Columns || a.Rows != a.Columns || l.Rows != a.Rows)
            throw new ArgumentException(
                $"The Cholesky factor L is {l.Rows}×{l.Columns}, but A is {a.Rows}×{a.Columns}; both must be square of one size.", nameof(a));

        _isSetUp = false;
        int n = l.Rows;
        var rp = l.RowPointers;
        var ci = l.ColumnIndices;
        var v = l.Values;

        // Pass 1: validation, counting offending rows per kind; the first kind found is reported.
        int upperRows = 0, upperFirst = -1, nonFiniteRows = 0, nonFiniteFirst = -1, diagonalRows = 0, diagonalFirst = -1;
        double upperValue = 0, nonFiniteValue = 0, diagonalValue = 0;
        var diagonal = new double[n];
        int strictLower = 0;
        for (int i = 0; i < n; i++)
        {
            bool upperBad = false, nonFiniteBad = false;
            for (int p = rp[i]; p < rp[i + 1]; p++)
            {
                int j = ci[p];
                double x = v[p];
                if (!double.IsFinite(x))
                {
                    if (!nonFiniteBad && nonFiniteFirst < 0) { nonFiniteFirst = i; nonFiniteValue = x; }
                    nonFiniteBad = true;
                }

                if (j > i && x != 0)
                {
                    if (!upperBad && upperFirst < 0) { upperFirst = i; upperValue = x; }
                    upperBad = true;
                }
                else if (j == i) diagonal[i] = x;
                else if (j < i) strictLower++;
            }

            if (upperBad) upperRows++;
            if (nonFiniteBad) nonFiniteRows++;
            if (!(diagonal[i] > 0) && double.IsFinite(diagonal[i]))
            {
                if (diagonalFirst < 0) { diagonalFirst = i; diagonalValue = diagonal[i]; }
                diagonalRows++;
            }
        }

        if (upperRows > 0)
            throw Refuse($"Cholesky factor: L is not lower triangular: entry above the diagonal in row {upperFirst} = {upperValue} ({upperRows} row(s) offending)",
                upperFirst, upperValue, upperRows);
        if (nonFiniteRows > 0)
            throw Refuse($"Cholesky factor: non-finite entry {nonFiniteValue} in row {nonFiniteFirst} ({nonFiniteRows} row(s) offending)",
                nonFiniteFirst, nonFiniteValue, nonFiniteRows);
        if (diagonalRows > 0)
            throw Refuse($"Cholesky factor: non-positive diagonal entry l[{diagonalFirst},{diagonalFirst}] = {diagonalValue} at row {diagonalFirst} ({diagonalRows} row(s) offending); L L^T must be positive definite, so L needs a positive diagonal",
                diagonalFirst, diagonalValue, diagonalRows);

        // Pass 2: the strict lower part, row-wise (columns increasing).
        var lp = new int[n + 1];
        var lc = new int[strictLower];
        var lv = new double[strictLower];
        int w = 0;
        for (int i = 0; i < n; i++)
        {
            for (int p = rp[i]; p < rp[i + 1]; p++)
            {
                if (ci[p] >= i) continue;
                lc[w] = ci[p];
                lv[w] = v[p];
                w++;
            }

            lp[i + 1] = w;
        }

        // Its transpose: row j of Lᵀ holds the entries L[i, j], i > j (strict upper part of Lᵀ).
        var up = new int[n + 1];
        foreach (int j in lc) up[j + 1]++;
        for (int j = 0; j < n; j++) up[j + 1] += up[j];
        var next = new int[n];
        Array.Copy(up, next, n);
        var uc = new int[strictLower];
        var uv = new double[strictLower];
        for (int i = 0; i < n; i++)
        {
            for (int p = lp[i]; p < lp[i + 1]; p++)
            {
                int q = next[lc[p]]++;
                uc[q] = i;
                uv[q] = lv[p];
            }
        }

        _lowerPointers = lp;
        _lowerColumns = lc;
        _lowerValues = lv;
        _upperPointers = up;
        _upperColumns = uc;
        _upperValues = uv;
        _diagonal = diagonal;
        _isSetUp = true;
    }

    private static PreconditionerSetupException Refuse(FormattableString message, int row, double value, int count) =>
        new(message.ToString(CultureInfo.InvariantCulture) + ".", row, value, count);

    /// <summary>z = (L Lᵀ)⁻¹ r: L y = r, then Lᵀ z = y (in place in z).</summary>
    /// <exception cref="InvalidOperationException"><see cref="Setup"/> has not succeeded.</exception>
    /// <exception cref="ArgumentException">A length differs from n.</exception>
    public void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        if (!_isSetUp) throw new InvalidOperationException("Cholesky factor: call Setup before Apply.");
        int n = _diagonal.Length;
        if (r.Length != n || z.Length != n)
            throw new ArgumentException($"r has length {r.Length} and z {z.Length}, but the preconditioner was set up for n = {n}.", nameof(r));

        var lp = _lowerPointers;
        var lc = _lowerColumns;
        var lv = _lowerValues;
        var d = _diagonal;
        for (int i = 0; i < n; i++)
        {
            double sum = r[i];
            for (int p = lp[i]; p < lp[i + 1]; p++) sum -= lv[p] * z[lc[p]];
            z[i] = sum / d[i];
        }

        var up = _upperPointers;
        var uc = _upperColumns;
        var uv = _upperValues;
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = z[i];
            for (int p = up[i]; p < up[i + 1]; p++) sum -= uv[p] * z[uc[p]];
            z[i] = sum / d[i];
        }
    }
}
