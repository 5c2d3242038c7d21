using System.Globalization;

namespace Solvers.Operators;

/// <summary>
/// A Kronecker product F₀ ⊗ F₁ ⊗ … ⊗ F_{k−1} or Kronecker sum Σᵢ I ⊗ … ⊗ Fᵢ ⊗ … ⊗ I of 2 to 8 factors (PS §4.6),
/// applied by the vec trick (one mode product per factor) and never formed. The row index is the C-order flattening
/// of (i₀, …, i_{k−1}) with i_{k−1} fastest, so F₀ acts along the first grid axis.
/// </summary>
/// <remarks>
/// Scratch buffers are allocated once, in the constructor: <see cref="Apply"/> and <see cref="ApplyAdjoint"/>
/// allocate nothing, but for the same reason an instance is <b>not</b> safe for concurrent applications from several
/// threads (use one instance per thread). The factors are applied to contiguous fibres through their own
/// <see cref="ILinearOperator.Apply"/>, so any operator can be a factor, a Kronecker operator included.
/// </remarks>
public sealed class KroneckerOperator : IAdjointableOperator, IConditionalCapabilities
{
    /// <summary>Fewest factors allowed.</summary>
    public const int MinFactors = 2;

    /// <summary>Most factors allowed.</summary>
    public const int MaxFactors = 8;

    private readonly ILinearOperator[] _factors;
    private readonly double[] _bufferA;
    private readonly double[] _bufferB;
    private readonly double[] _fibreIn;
    private readonly double[] _fibreOut;

    private KroneckerOperator(ILinearOperator[] factors, KroneckerCombine combine)
    {
        ArgumentNullException.ThrowIfNull(factors);
        int k = factors.Length;
        if (k < MinFactors || k > MaxFactors)
            throw new ArgumentException($"A Kronecker operator needs {MinFactors} to {MaxFactors} factors, got {k}.", nameof(factors));
        for (int i = 0; i < k; i++)
        {
            if (factors[i] is null) throw new ArgumentException($"factors[{i}] is null.", nameof(factors));
            var f = factors[i];
            if (f.Rows < 1 || f.Columns < 1)
                throw new ArgumentException($"factors[{i}] is {f.Rows}×{f.Columns}; every factor needs at least one row and one column.", nameof(factors));
            if (combine == KroneckerCombine.Sum && f.Rows != f.Columns)
                throw new ArgumentException($"factors[{i}] is {f.Rows}×{f.Columns}; a Kronecker sum needs square factors.", nameof(factors));
        }

        _factors = (ILinearOperator[])factors.Clone();
        Combine = combine;
        long rows = 1, cols = 1;
        foreach (var f in factors)
        {
            rows *= f.Rows;
            cols *= f.Columns;
            if (rows > int.MaxValue || cols > int.MaxValue)
                throw new ArgumentException(
                    $"The Kronecker operator of {Describe(factors)} has more than {int.MaxValue} rows or columns.", nameof(factors));
        }

        Rows = (int)rows;
        Columns = (int)cols;

        // Intermediate tensors of the rotating vec trick: after applying factors t…k−1 the tensor holds
        // ∏_{i<t} cols_i · ∏_{i≥t} rows_i values (and rows/cols swapped for the adjoint).
        long scratch = 0;
        int fibre = 0;
        for (int t = 1; t < k; t++)
        {
            long forward = 1, backward = 1;
            for (int i = 0; i < k; i++)
            {
                forward *= i < t ? factors[i].Columns : factors[i].Rows;
                backward *= i < t ? factors[i].Rows : factors[i].Columns;
            }

            scratch = Math.Max(scratch, Math.Max(forward, backward));
        }

        foreach (var f in factors) fibre = Math.Max(fibre, Math.Max(f.Rows, f.Columns));
        if (combine == KroneckerCombine.Sum) scratch = 0;
        if (scratch > Array.MaxLength) throw new ArgumentException($"The Kronecker operator of {Describe(factors)} needs too large a scratch buffer.", nameof(factors));
        _bufferA = new double[scratch];
        _bufferB = new double[scratch];
        _fibreIn = new double[fibre];
        _fibreOut = new double[fibre];

        bool allSymmetric = factors.All(f => (f.Properties & OperatorProperties.Symmetric) != 0);
        bool allSpd = factors.All(f => (f.Properties & (OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite))
                                       == (OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite));
        Properties = allSpd ? OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite
            : allSymmetric ? OperatorProperties.Symmetric : OperatorProperties.None;
        CanApplyAdjoint = factors.All(LinearOperator.CanApplyAdjoint);
    }

    /// <summary>The Kronecker product F₀ ⊗ F₁ ⊗ … (factors of any shape); 2 to 8 factors.</summary>
    /// <exception cref="ArgumentException">Too few or too many factors, a null or empty factor, or a size beyond int.</exception>
    public static KroneckerOperator Product(params ILinearOperator[] factors) => new(factors, KroneckerCombine.Product);

    /// <summary>The Kronecker sum Σᵢ I ⊗ … ⊗ Fᵢ ⊗ … ⊗ I of square factors; 2 to 8 factors.</summary>
    /// <exception cref="ArgumentException">Too few or too many factors, a non-square or null factor, or a size beyond int.</exception>
    public static KroneckerOperator Sum(params ILinearOperator[] factors) => new(factors, KroneckerCombine.Sum);

    /// <summary>The factors, F₀ first (acting on the slowest index).</summary>
    public IReadOnlyList<ILinearOperator> Factors => _factors;

    /// <summary>Product or sum.</summary>
    public KroneckerCombine Combine { get; }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <summary>Symmetric when every factor is; also positive definite when every factor is SPD.</summary>
    public OperatorProperties Properties { get; }

    /// <summary>True when every factor can apply its adjoint (<see cref="LinearOperator.CanApplyAdjoint"/>) or is symmetric, so <see cref="ApplyAdjoint"/> works.</summary>
    public bool CanApplyAdjoint { get; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}, but the {Rows}×{Columns} Kronecker operator needs {Columns}.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}, but the {Rows}×{Columns} Kronecker operator needs {Rows}.", nameof(y));
        if (Combine == KroneckerCombine.Product) ApplyProduct(x, y, adjoint: false);
        else ApplySum(x, y, adjoint: false);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A factor is neither <see cref="IAdjointableOperator"/> nor symmetric.</exception>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        if (!CanApplyAdjoint)
            throw new InvalidOperationException(
                "Aᵀ of this Kronecker operator is not available: every factor must implement IAdjointableOperator or be symmetric.");
        if (x.Length != Rows) throw new ArgumentException($"x has length {x.Length}, but Aᵀ of the {Rows}×{Columns} Kronecker operator needs {Rows}.", nameof(x));
        if (y.Length != Columns) throw new ArgumentException($"y has length {y.Length}, but Aᵀ of the {Rows}×{Columns} Kronecker operator needs {Columns}.", nameof(y));
        if (Combine == KroneckerCombine.Product) ApplyProduct(x, y, adjoint: true);
        else ApplySum(x, y, adjoint: true);
    }

    private static void ApplyFactor(ILinearOperator f, ReadOnlySpan<double> x, Span<double> y, bool adjoint)
    {
        if (adjoint) LinearOperator.ApplyAdjointOf(f, x, y);
        else f.Apply(x, y);
    }

    bool IConditionalCapabilities.HasDiagonal => false;

    /// <summary>
    /// Rotating vec trick: view the current tensor as (R, p) with the factor's input mode last, apply the factor to the
    /// R contiguous fibres and write the results transposed, as (q, R). After k steps the modes are back in order.
    /// </summary>
    private void ApplyProduct(ReadOnlySpan<double> x, Span<double> y, bool adjoint)
    {
        int k = _factors.Length;
        ReadOnlySpan<double> current = x;
        int length = x.Length;
        for (int t = k - 1; t >= 0; t--)
        {
            var f = _factors[t];
            int p = adjoint ? f.Rows : f.Columns;
            int q = adjoint ? f.Columns : f.Rows;
            int r = length / p;
            Span<double> dest = t == 0 ? y : ((k - 1 - t) % 2 == 0 ? _bufferA : _bufferB).AsSpan(0, r * q);
            var fibre = _fibreOut.AsSpan(0, q);
            for (int i = 0; i < r; i++)
            {
                ApplyFactor(f, current.Slice(i * p, p), fibre, adjoint);
                for (int j = 0; j < q; j++) dest[j * r + i] = fibre[j];
            }

            current = dest;
            length = r * q;
        }
    }

    /// <summary>Σ over modes of the mode-t product with Fₜ, accumulated into y.</summary>
    private void ApplySum(ReadOnlySpan<double> x, Span<double> y, bool adjoint)
    {
        y.Clear();
        int k = _factors.Length;
        int total = x.Length;
        int after = total;
        for (int t = 0; t < k; t++)
        {
            var f = _factors[t];
            int n = f.Rows;
            after /= n;                  // ∏_{i>t} n_i
            int before = total / (n * after);
            var fin = _fibreIn.AsSpan(0, n);
            var fout = _fibreOut.AsSpan(0, n);
            for (int b = 0; b < before; b++)
            {
                int slab = b * n * after;
                if (after == 1)
                {
                    ApplyFactor(f, x.Slice(slab, n), fout, adjoint);
                    VectorMath.Add(y.Slice(slab, n), fout, y.Slice(slab, n));
                    continue;
                }

                for (int a = 0; a < after; a++)
                {
                    for (int j = 0; j < n; j++) fin[j] = x[slab + j * after + a];
                    ApplyFactor(f, fin, fout, adjoint);
                    for (int j = 0; j < n; j++) y[slab + j * after + a] += fout[j];
                }
            }
        }
    }

    /// <summary>
    /// Assembles the operator explicitly as canonical CSR (for tests and small sizes only: the result has
    /// ∏ nnz(Fᵢ) entries for a product). Factors that are not <see cref="IConvertibleToCsr"/> are extracted densely.
    /// </summary>
    public CsrMatrix ToCsr()
    {
        var csr = _factors.Select(FactorToCsr).ToArray();
        if (Combine == KroneckerCombine.Product)
        {
            var acc = csr[0];
            for (int i = 1; i < csr.Length; i++) acc = KroneckerCsr(acc, csr[i]);
            return acc.WithProperties(Properties);
        }

        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (int t = 0; t < csr.Length; t++)
        {
            int before = 1, after = 1;
            for (int i = 0; i < t; i++) before *= csr[i].Rows;
            for (int i = t + 1; i < csr.Length; i++) after *= csr[i].Rows;
            var term = KroneckerCsr(KroneckerCsr(CsrMatrix.Identity(before), csr[t]), CsrMatrix.Identity(after));
            for (int i = 0; i < term.Rows; i++)
            {
                for (int p = term.RowPointers[i]; p < term.RowPointers[i + 1]; p++)
                {
                    rows.Add(i);
                    cols.Add(term.ColumnIndices[p]);
                    vals.Add(term.Values[p]);
                }
            }
        }

        return CsrMatrix.FromCoordinates(Rows, Columns, rows.ToArray(), cols.ToArray(), vals.ToArray(), sumDuplicates: true, out _, Properties);
    }

    private static CsrMatrix FactorToCsr(ILinearOperator f) => f switch
    {
        IConvertibleToCsr c => c.ToCsr(),
        KroneckerOperator k => k.ToCsr(),
        _ => CsrMatrix.FromDense(OperatorChecks.ToDense(f)),
    };

    /// <summary>A ⊗ B for CSR matrices, produced directly in canonical order.</summary>
    internal static CsrMatrix KroneckerCsr(CsrMatrix a, CsrMatrix b)
    {
        long nnz = (long)a.NonZeroCount * b.NonZeroCount;
        if (nnz > Array.MaxLength) throw new InvalidOperationException($"The explicit Kronecker product would have {nnz} entries.");
        int rows = checked(a.Rows * b.Rows), cols = checked(a.Columns * b.Columns);
        var rp = new int[rows + 1];
        var ci = new int[nnz];
        var v = new double[nnz];
        int w = 0;
        for (int i1 = 0; i1 < a.Rows; i1++)
        {
            for (int i2 = 0; i2 < b.Rows; i2++)
            {
                for (int p = a.RowPointers[i1]; p < a.RowPointers[i1 + 1]; p++)
                {
                    int j1 = a.ColumnIndices[p];
                    double av = a.Values[p];
                    for (int q = b.RowPointers[i2]; q < b.RowPointers[i2 + 1]; q++)
                    {
                        ci[w] = j1 * b.Columns + b.ColumnIndices[q];
                        v[w] = av * b.Values[q];
                        w++;
                    }
                }

                rp[i1 * b.Rows + i2 + 1] = w;
            }
        }

        return new CsrMatrix(rows, cols, rp, ci, v);
    }

    private static string Describe(ILinearOperator[] factors) =>
        string.Join(" ⊗ ", factors.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Rows}×{f.Columns}")));

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"KroneckerOperator {Combine} {Rows}×{Columns} of {Describe(_factors)}");
}
