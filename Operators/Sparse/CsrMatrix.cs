using System.Globalization;
using Solvers.Operators.Parallel;

namespace Solvers.Operators;

/// <summary>
/// A sparse matrix in compressed sparse row form, canonical: column indices strictly increasing within each row.
/// Explicit zeros are kept (they are structure). SpMV runs in parallel over a fixed, nnz-balanced row partition
/// computed once at construction, so results are bit-identical from call to call.
/// </summary>
public sealed unsafe class CsrMatrix : IAdjointableOperator, IHasDiagonal, IConvertibleToCsr
{
    /// <summary>Below this many stored entries SpMV runs on the calling thread only.</summary>
    public const int ParallelThreshold = 40_000;

    private readonly int[] _rowPointers;
    private readonly int[] _columnIndices;
    private readonly double[] _values;
    private readonly int[] _blockStarts;

    /// <summary>Creates a CSR matrix from its arrays (not copied) after validating the structure.</summary>
    /// <exception cref="ArgumentException">The arrays do not form a canonical CSR matrix of the given shape.</exception>
    public CsrMatrix(int rows, int columns, int[] rowPointers, int[] columnIndices, double[] values,
        OperatorProperties properties = OperatorProperties.None)
        : this(rows, columns, rowPointers, columnIndices, values, properties,
            trusted: Validate(rows, columns, rowPointers, columnIndices, values))
    {
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <inheritdoc />
    public OperatorProperties Properties { get; }

    /// <summary>Number of stored entries (explicit zeros included).</summary>
    public int NonZeroCount => _columnIndices.Length;

    /// <summary>Row pointers, length Rows + 1.</summary>
    public ReadOnlySpan<int> RowPointers => _rowPointers;

    /// <summary>Column indices, length nnz.</summary>
    public ReadOnlySpan<int> ColumnIndices => _columnIndices;

    /// <summary>Values, length nnz.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Mutable values (same pattern): for sequences of systems that share a pattern.</summary>
    public Span<double> MutableValues => _values;

    /// <summary>Number of row blocks SpMV uses.</summary>
    public int PartitionBlocks => _blockStarts.Length - 1;

    /// <summary>Returns a matrix sharing this one's arrays but declaring other properties.</summary>
    public CsrMatrix WithProperties(OperatorProperties properties) =>
        new(Rows, Columns, _rowPointers, _columnIndices, _values, properties, trusted: true);

    private CsrMatrix(int rows, int columns, int[] rowPointers, int[] columnIndices, double[] values,
        OperatorProperties properties, bool trusted)
    {
        // trusted: the structure was validated by the caller (or built canonical by this class).
        _ = trusted;
        Rows = rows;
        Columns = columns;
        _rowPointers = rowPointers;
        _columnIndices = columnIndices;
        _values = values;
        Properties = properties;
        int maxBlocks = columnIndices.Length < ParallelThreshold ? 1 : 4 * ParallelBlocks.Shared.Threads;
        _blockStarts = ParallelBlocks.BalancedPartition(rowPointers, maxBlocks);
    }

    /// <summary>The value at (row, col), zero when not stored.</summary>
    public double this[int row, int col]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfNegative(col);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(col, Columns);
            int lo = _rowPointers[row], hi = _rowPointers[row + 1];
            int p = Array.BinarySearch(_columnIndices, lo, hi - lo, col);
            return p >= 0 ? _values[p] : 0.0;
        }
    }

    private struct SpmvState
    {
        public int* RowPtr;
        public int* ColIdx;
        public double* Vals;
        public double* X;
        public double* Y;
        public int* BlockStarts;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}, but the {Rows}×{Columns} matrix needs {Columns}.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}, but the {Rows}×{Columns} matrix needs {Rows}.", nameof(y));
        fixed (int* rp = _rowPointers, ci = _columnIndices, bs = _blockStarts)
        fixed (double* v = _values, px = x, py = y)
        {
            var s = new SpmvState { RowPtr = rp, ColIdx = ci, Vals = v, X = px, Y = py, BlockStarts = bs };
            ParallelBlocks.Shared.Run(&SpmvBlock, &s, _blockStarts.Length - 1);
        }
    }

    private static void SpmvBlock(void* state, int block)
    {
        var s = (SpmvState*)state;
        int r0 = s->BlockStarts[block], r1 = s->BlockStarts[block + 1];
        int* rp = s->RowPtr;
        int* ci = s->ColIdx;
        double* v = s->Vals;
        double* x = s->X;
        double* y = s->Y;
        for (int i = r0; i < r1; i++)
        {
            int p = rp[i], end = rp[i + 1];
            // Two accumulators break the add dependency chain; the order is fixed per row, so results are deterministic.
            double a0 = 0, a1 = 0;
            for (; p + 1 < end; p += 2)
            {
                a0 += v[p] * x[ci[p]];
                a1 += v[p + 1] * x[ci[p + 1]];
            }

            if (p < end) a0 += v[p] * x[ci[p]];
            y[i] = a0 + a1;
        }
    }

    /// <inheritdoc />
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Rows) throw new ArgumentException($"x has length {x.Length}, but Aᵀ of the {Rows}×{Columns} matrix needs {Rows}.", nameof(x));
        if (y.Length != Columns) throw new ArgumentException($"y has length {y.Length}, but Aᵀ of the {Rows}×{Columns} matrix needs {Columns}.", nameof(y));
        y.Clear();
        for (int i = 0; i < Rows; i++)
        {
            double xi = x[i];
            if (xi == 0) continue;
            for (int p = _rowPointers[i]; p < _rowPointers[i + 1]; p++) y[_columnIndices[p]] += _values[p] * xi;
        }
    }

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        int m = Math.Min(Rows, Columns);
        if (diagonal.Length != m) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {m}.", nameof(diagonal));
        for (int i = 0; i < m; i++)
        {
            int lo = _rowPointers[i], hi = _rowPointers[i + 1];
            int p = Array.BinarySearch(_columnIndices, lo, hi - lo, i);
            diagonal[i] = p >= 0 ? _values[p] : 0.0;
        }
    }

    /// <inheritdoc />
    public CsrMatrix ToCsr() => this;

    /// <summary>The transpose as a new canonical CSR matrix.</summary>
    public CsrMatrix Transpose()
    {
        int nnz = NonZeroCount;
        var rp = new int[Columns + 1];
        foreach (int c in _columnIndices) rp[c + 1]++;
        for (int j = 0; j < Columns; j++) rp[j + 1] += rp[j];
        var next = rp.AsSpan(0, Columns).ToArray();
        var ci = new int[nnz];
        var v = new double[nnz];
        for (int i = 0; i < Rows; i++)
        {
            for (int p = _rowPointers[i]; p < _rowPointers[i + 1]; p++)
            {
                int q = next[_columnIndices[p]]++;
                ci[q] = i;
                v[q] = _values[p];
            }
        }

        return new CsrMatrix(Columns, Rows, rp, ci, v, Properties, trusted: true);
    }

    /// <summary>True when A equals Aᵀ to <paramref name="relativeTolerance"/> × max|a_ij| (pattern and values).</summary>
    public bool IsSymmetric(double relativeTolerance = 1e-12)
    {
        if (Rows != Columns) return false;
        var t = Transpose();
        double scale = NonZeroCount == 0 ? 0 : VectorMath.NormInf(_values);
        double tol = relativeTolerance * scale;
        // Compare row by row; patterns may differ only by entries within tolerance of zero.
        for (int i = 0; i < Rows; i++)
        {
            int p = _rowPointers[i], pe = _rowPointers[i + 1];
            int q = t._rowPointers[i], qe = t._rowPointers[i + 1];
            while (p < pe || q < qe)
            {
                int cp = p < pe ? _columnIndices[p] : int.MaxValue;
                int cq = q < qe ? t._columnIndices[q] : int.MaxValue;
                double diff;
                if (cp == cq) { diff = _values[p] - t._values[q]; p++; q++; }
                else if (cp < cq) { diff = _values[p]; p++; }
                else { diff = t._values[q]; q++; }
                if (!(Math.Abs(diff) <= tol)) return false;
            }
        }

        return true;
    }

    /// <summary>A dense row-major copy (for tests and small problems).</summary>
    public double[,] ToDense()
    {
        var d = new double[Rows, Columns];
        for (int i = 0; i < Rows; i++)
            for (int p = _rowPointers[i]; p < _rowPointers[i + 1]; p++) d[i, _columnIndices[p]] = _values[p];
        return d;
    }

    /// <summary>The n×n identity.</summary>
    public static CsrMatrix Identity(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var rp = new int[n + 1];
        var ci = new int[n];
        var v = new double[n];
        for (int i = 0; i < n; i++) { rp[i + 1] = i + 1; ci[i] = i; v[i] = 1; }
        return new CsrMatrix(n, n, rp, ci, v, OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite, trusted: true);
    }

    /// <summary>A CSR matrix from a dense row-major array, keeping only non-zero entries.</summary>
    public static CsrMatrix FromDense(double[,] dense, OperatorProperties properties = OperatorProperties.None)
    {
        ArgumentNullException.ThrowIfNull(dense);
        int m = dense.GetLength(0), n = dense.GetLength(1);
        var rp = new int[m + 1];
        var ci = new List<int>();
        var v = new List<double>();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (dense[i, j] != 0) { ci.Add(j); v.Add(dense[i, j]); }
            }

            rp[i + 1] = ci.Count;
        }

        return new CsrMatrix(m, n, rp, [.. ci], [.. v], properties);
    }

    /// <summary>
    /// Builds a canonical CSR matrix from coordinate triplets in any order. Duplicate (row, col) pairs are summed
    /// when <paramref name="sumDuplicates"/> is true (their count is returned in <paramref name="duplicatesSummed"/>),
    /// otherwise they are an error.
    /// </summary>
    public static CsrMatrix FromCoordinates(int rows, int columns, ReadOnlySpan<int> rowIndices, ReadOnlySpan<int> columnIndices,
        ReadOnlySpan<double> values, bool sumDuplicates, out int duplicatesSummed, OperatorProperties properties = OperatorProperties.None)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        int nnz = rowIndices.Length;
        if (columnIndices.Length != nnz || values.Length != nnz)
            throw new ArgumentException($"Coordinate arrays differ in length: rows {nnz}, columns {columnIndices.Length}, values {values.Length}.");
        var rp = new int[rows + 1];
        for (int k = 0; k < nnz; k++)
        {
            int r = rowIndices[k], c = columnIndices[k];
            if ((uint)r >= (uint)rows) throw new ArgumentException($"Entry {k}: row index {r} is outside [0, {rows}).", nameof(rowIndices));
            if ((uint)c >= (uint)columns) throw new ArgumentException($"Entry {k}: column index {c} is outside [0, {columns}).", nameof(columnIndices));
            rp[r + 1]++;
        }

        for (int i = 0; i < rows; i++) rp[i + 1] += rp[i];
        var next = rp.AsSpan(0, rows).ToArray();
        var ci = new int[nnz];
        var v = new double[nnz];
        for (int k = 0; k < nnz; k++)
        {
            int q = next[rowIndices[k]]++;
            ci[q] = columnIndices[k];
            v[q] = values[k];
        }

        // Sort each row by column (stable for equal columns), then merge duplicates.
        duplicatesSummed = 0;
        int w = 0;
        var newRp = new int[rows + 1];
        for (int i = 0; i < rows; i++)
        {
            int lo = rp[i], hi = rp[i + 1];
            Array.Sort(ci, v, lo, hi - lo);
            for (int p = lo; p < hi; p++)
            {
                if (w > newRp[i] && ci[w - 1] == ci[p])
                {
                    if (!sumDuplicates)
                        throw new ArgumentException($"Duplicate entry at ({i}, {ci[p]}); pass sumDuplicates to add them.", nameof(rowIndices));
                    v[w - 1] += v[p];
                    duplicatesSummed++;
                }
                else
                {
                    ci[w] = ci[p];
                    v[w] = v[p];
                    w++;
                }
            }

            newRp[i + 1] = w;
        }

        if (w != nnz)
        {
            Array.Resize(ref ci, w);
            Array.Resize(ref v, w);
        }

        return new CsrMatrix(rows, columns, newRp, ci, v, properties, trusted: true);
    }

    private static bool Validate(int rows, int columns, int[] rowPointers, int[] columnIndices, double[] values)
    {
        ArgumentNullException.ThrowIfNull(rowPointers);
        ArgumentNullException.ThrowIfNull(columnIndices);
        ArgumentNullException.ThrowIfNull(values);
        if (rows < 0) throw new ArgumentException($"rows must be ≥ 0 (got {rows}).", nameof(rows));
        if (columns < 0) throw new ArgumentException($"columns must be ≥ 0 (got {columns}).", nameof(columns));
        if (rowPointers.Length != rows + 1)
            throw new ArgumentException($"rowPointers has length {rowPointers.Length}, but {rows} rows need {rows + 1}.", nameof(rowPointers));
        if (rowPointers[0] != 0) throw new ArgumentException($"rowPointers[0] must be 0 (got {rowPointers[0]}).", nameof(rowPointers));
        if (columnIndices.Length != values.Length)
            throw new ArgumentException($"columnIndices has length {columnIndices.Length} but values has length {values.Length}.", nameof(values));
        if (rowPointers[rows] != columnIndices.Length)
            throw new ArgumentException($"rowPointers[{rows}] = {rowPointers[rows]} must equal the number of entries {columnIndices.Length}.", nameof(rowPointers));
        for (int i = 0; i < rows; i++)
        {
            int lo = rowPointers[i], hi = rowPointers[i + 1];
            if (hi < lo) throw new ArgumentException($"rowPointers is not non-decreasing at row {i} ({lo} > {hi}).", nameof(rowPointers));
            int prev = -1;
            for (int p = lo; p < hi; p++)
            {
                int c = columnIndices[p];
                if ((uint)c >= (uint)columns)
                    throw new ArgumentException($"Column index {c} at row {i} (position {p}) is outside [0, {columns}).", nameof(columnIndices));
                if (c <= prev)
                    throw new ArgumentException(
                        c == prev ? $"Duplicate column {c} in row {i} (position {p})." : $"Column indices of row {i} are not sorted (position {p}: {c} after {prev}).",
                        nameof(columnIndices));
                prev = c;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"CsrMatrix {Rows}×{Columns}, nnz {NonZeroCount}");

}
