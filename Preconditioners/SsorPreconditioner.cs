using System.Globalization;
using Solvers.Operators;

namespace Solvers.Preconditioners;

/// <summary>
/// Symmetric successive over-relaxation (SSOR) preconditioning for CG on symmetric positive definite A
/// (sor-bandit §2.2, §3.1): with A = D + L + U and U = Lᵀ, the SSOR splitting matrix is
/// M_ω = (D + ωU) D⁻¹ (D + ωL) / (ω(2 − ω)), and <see cref="Apply"/> computes z = M_ω⁻¹ r.
/// </summary>
/// <remarks>
/// <para><b>Order</b> (the reference order of ssor_pcg.m): a backward triangular sweep (D + ωU) y = r, the scaling
/// w = ω(2 − ω) D y, then a forward triangular sweep (D + ωL) z = w; all three run in place in z, so Apply allocates
/// nothing. For U = Lᵀ the result z = ω(2 − ω) (D + ωL)⁻¹ D (D + ωU)⁻¹ r is a symmetric positive definite map for
/// every ω ∈ (0, 2) and a positive diagonal.</para>
/// <para><b>Setup</b> needs row access: A must be a <see cref="CsrMatrix"/> or implement
/// <see cref="IConvertibleToCsr"/> (converted once; a repeated Setup with the same operator instance reuses the
/// conversion and the diagonal index, and only re-reads the diagonal values). Every diagonal entry must be finite
/// and &gt; 0 (REL §10.6, SSOR as a CG preconditioner); otherwise Setup throws
/// <see cref="PreconditionerSetupException"/> with the 0-based <c>Row</c> and <c>Value</c> of the first offending
/// entry and the <c>Count</c> of offending rows. A row without a stored diagonal entry counts as a zero diagonal.</para>
/// <para><see cref="Omega"/> may be changed between solves without a new Setup: Apply reads it on every call.</para>
/// </remarks>
public sealed class SsorPreconditioner : IPreconditioner
{
    private double _omega;
    private object? _source;
    private CsrMatrix? _csr;
    private int[] _diagonalIndex = [];
    private double[] _diagonal = [];
    private double[] _inverseDiagonal = [];
    private double[] _omegaInverseDiagonal = [];
    private double _scaledOmega = double.NaN;
    private bool _isSetUp;

    /// <summary>Creates the preconditioner.</summary>
    /// <param name="omega">The relaxation parameter ω ∈ (0, 2); 1 gives symmetric Gauss–Seidel.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="omega"/> is not in (0, 2).</exception>
    public SsorPreconditioner(double omega = 1.0)
    {
        Omega = omega;
    }

    /// <summary>The relaxation parameter ω ∈ (0, 2); may change between solves without re-running <see cref="Setup"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in the open interval (0, 2) (NaN included).</exception>
    public double Omega
    {
        get => _omega;
        set
        {
            if (!(value > 0 && value < 2))
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    string.Create(CultureInfo.InvariantCulture, $"The SSOR relaxation parameter ω must lie in (0, 2), but it is {value}."));
            _omega = value;
        }
    }

    /// <summary>The diagonal in use (empty before <see cref="Setup"/>).</summary>
    public ReadOnlySpan<double> Diagonal => _diagonal;

    /// <summary>Caches the CSR form of A and its diagonal, and checks that the diagonal is finite and positive.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="ArgumentException">A is not square, or is neither a CsrMatrix nor convertible to CSR.</exception>
    /// <exception cref="PreconditionerSetupException">A diagonal entry is zero, negative or non-finite.</exception>
    public void Setup(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns)
            throw new ArgumentException($"SSOR needs a square operator, but A is {a.Rows}×{a.Columns}.", nameof(a));
        _isSetUp = false;

        CsrMatrix csr;
        if (ReferenceEquals(a, _source) && _csr is not null)
        {
            csr = _csr;
        }
        else
        {
            csr = a switch
            {
                CsrMatrix m => m,
                IConvertibleToCsr c => c.ToCsr(),
                _ => throw new ArgumentException(
                    $"SSOR needs row access: A must be a CsrMatrix or implement IConvertibleToCsr, but {a.GetType().Name} does neither.", nameof(a)),
            };
            int size = csr.Rows;
            var index = _diagonalIndex.Length == size ? _diagonalIndex : new int[size];
            ReadOnlySpan<int> rowPointers = csr.RowPointers;
            ReadOnlySpan<int> columns = csr.ColumnIndices;
            for (int i = 0; i < size; i++)
            {
                index[i] = -1;
                for (int p = rowPointers[i]; p < rowPointers[i + 1] && columns[p] <= i; p++)
                {
                    if (columns[p] == i) index[i] = p;
                }
            }

            _diagonalIndex = index;
            if (_diagonal.Length != size)
            {
                _diagonal = new double[size];
                _inverseDiagonal = new double[size];
                _omegaInverseDiagonal = new double[size];
            }
            _source = a;
            _csr = csr;
        }

        ReadOnlySpan<double> values = csr.Values;
        Span<double> d = _diagonal;
        int count = 0, first = -1;
        for (int i = 0; i < d.Length; i++)
        {
            int p = _diagonalIndex[i];
            double v = p >= 0 ? values[p] : 0;
            d[i] = v;
            if (v > 0 && double.IsFinite(v)) continue;
            if (first < 0) first = i;
            count++;
        }

        if (count > 0)
        {
            double value = d[first];
            string kind = !double.IsFinite(value) ? "non-finite" : "non-positive";
            throw new PreconditionerSetupException(
                string.Create(CultureInfo.InvariantCulture,
                    $"SSOR: {kind} diagonal entry a[{first},{first}] = {value} at row {first} ({count} row(s) offending); SSOR-PCG needs a positive diagonal."),
                first, value, count);
        }

        for (int i = 0; i < d.Length; i++) _inverseDiagonal[i] = 1.0 / d[i];
        _scaledOmega = double.NaN;
        _isSetUp = true;
    }

    /// <summary>z = M_ω⁻¹ r = ω(2 − ω) (D + ωL)⁻¹ D (D + ωU)⁻¹ r (backward sweep, scaling, forward sweep).</summary>
    /// <exception cref="InvalidOperationException"><see cref="Setup"/> has not succeeded.</exception>
    /// <exception cref="ArgumentException">A length differs from n.</exception>
    public void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        if (!_isSetUp) throw new InvalidOperationException("SSOR: call Setup before Apply.");
        int n = _diagonal.Length;
        if (r.Length != n || z.Length != n)
            throw new ArgumentException(
                $"r has length {r.Length} and z {z.Length}, but the preconditioner was set up for n = {n}.", nameof(r));

        double omega = _omega;
        double factor = omega * (2 - omega);
        ReadOnlySpan<int> rowPointers = _csr!.RowPointers;
        ReadOnlySpan<int> columns = _csr.ColumnIndices;
        ReadOnlySpan<double> values = _csr.Values;
        ReadOnlySpan<int> diagonalIndex = _diagonalIndex;
        ReadOnlySpan<double> inverse = _inverseDiagonal;
        if (omega != _scaledOmega)
        {
            // ω/d_i, refreshed once per change of ω (at most once per solve), so each row's critical path is two FMAs.
            for (int i = 0; i < n; i++) _omegaInverseDiagonal[i] = omega * _inverseDiagonal[i];
            _scaledOmega = omega;
        }

        ReadOnlySpan<double> omegaInverse = _omegaInverseDiagonal;

        // (D + ωU) y = r, i = n−1..0; y is stored in z (entries j > i already hold y_j). Multiplying by the stored
        // 1/d_i keeps the division off the sweep's sequential dependency chain.
        for (int i = n - 1; i >= 0; i--)
        {
            double s = 0;
            int end = rowPointers[i + 1];
            for (int p = diagonalIndex[i] + 1; p < end; p++) s += values[p] * z[columns[p]];
            z[i] = r[i] * inverse[i] - s * omegaInverse[i];
        }

        // (D + ωL) z = ω(2 − ω) D y, i = 0..n−1, with the scaling folded in: z_i = ω(2 − ω) y_i − ω s_i / d_i
        // (z[i] still holds y_i when row i is reached; entries j < i already hold z_j).
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            int stop = diagonalIndex[i];
            for (int p = rowPointers[i]; p < stop; p++) s += values[p] * z[columns[p]];
            z[i] = factor * z[i] - s * omegaInverse[i];
        }
    }
}
