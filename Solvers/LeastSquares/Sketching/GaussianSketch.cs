using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>iid N(0, 1/m) entries, S_ij from the canonical index i + m·j, generated in panels (spec sketched-regression §2.2, §3.7).</summary>
/// <remarks>
/// S_ij = z/√m with z = <see cref="PhiloxStream.Normal"/>(i + m·j) of the purpose-3 stream. S is generated in panels of
/// n_b columns (never whole) and accumulated with the dense backend's gemm, so the result is reproducible bitwise only
/// for a fixed backend and thread count (spec §3.8); the generated panels themselves are thread-count independent.
/// </remarks>
public sealed class GaussianSketch : SketchBase
{
    private const int GenerationChunkColumns = 16;
    private readonly PhiloxStream _stream;
    private readonly int _panelHeight;
    private readonly long _budget;

    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    public GaussianSketch(int rows, int n, ulong seed, int attempt, SketchOptions options)
        : base(rows, n, seed, attempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        _stream = new PhiloxStream(seed, RandomPurpose.GaussianEntries, (uint)attempt);
        _panelHeight = options.PanelWidth;
        _budget = options.WorkspaceBudgetBytes;
    }

    /// <inheritdoc/>
    public override SketchKind Kind => SketchKind.Gaussian;

    /// <summary>
    /// The unscaled panel √m·S[:, j0 : j0 + count] as a column-major m×count array (entry (i, j) at i + m·(j − j0)), generated
    /// in parallel over fixed column chunks; bitwise independent of the thread count.
    /// </summary>
    internal void GeneratePanel(int j0, int count, double[] panel)
    {
        int m = Rows;
        int chunks = (count + GenerationChunkColumns - 1) / GenerationChunkColumns;
        Parallel.For(0, chunks, c =>
        {
            int first = c * GenerationChunkColumns, last = Math.Min(count, first + GenerationChunkColumns);
            Fill((ulong)m * (ulong)(j0 + first), panel.AsSpan(first * m, (last - first) * m));
        });
    }

    /// <summary>target[e] = z(e0 + e), two normals per Philox call (the same bits as <see cref="PhiloxStream.Normal"/>).</summary>
    private void Fill(ulong e0, Span<double> target)
    {
        int e = 0;
        if ((e0 & 1) == 1 && target.Length > 0) target[e++] = _stream.Normal(e0);
        for (; e + 1 < target.Length; e += 2)
        {
            _stream.Normal2((e0 + (ulong)e) >> 1, out double z1, out double z2);
            target[e] = z1;
            target[e + 1] = z2;
        }
        if (e < target.Length) target[e] = _stream.Normal(e0 + (ulong)e);
    }

    private int PanelHeight(int columns)
    {
        if (_panelHeight > 0) return Math.Min(_panelHeight, Columns);
        long perRow = ((long)Rows + columns) * sizeof(double);
        return (int)Math.Clamp(_budget / perRow, 1, Columns);
    }

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<double> block, int columns, Span<double> result)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (block.Length != (long)Columns * columns)
            throw new ArgumentException($"The block must hold n·k = {(long)Columns * columns} values (got {block.Length}).", nameof(block));
        if (result.Length != (long)Rows * columns)
            throw new ArgumentException($"The result must hold m·k = {(long)Rows * columns} values (got {result.Length}).", nameof(result));
        int height = PanelHeight(columns);
        var panel = new double[(long)Rows * height];
        var backend = DenseBackend.Current;
        double alpha = 1 / Math.Sqrt(Rows);
        for (int j0 = 0; j0 < Columns; j0 += height)
        {
            int count = Math.Min(height, Columns - j0);
            GeneratePanel(j0, count, panel);
            // Row-major result m×k = column-major (SA)ᵀ k×m; (SA)ᵀ += A_panelᵀ·S_panelᵀ.
            backend.Gemm(Transpose.No, Transpose.Yes, columns, Rows, count, alpha, block.Slice(j0 * columns, count * columns), columns,
                panel, Rows, j0 == 0 ? 0 : 1, result, columns);
        }
    }

    /// <inheritdoc/>
    public override void Apply(CsrMatrix matrix, Span<double> result)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rows != Columns)
            throw new ArgumentException($"The matrix must have n = {Columns} rows (got {matrix.Rows}).", nameof(matrix));
        int columns = matrix.Columns;
        if (columns < 1) throw new ArgumentException("The matrix has no columns.", nameof(matrix));
        if (result.Length != (long)Rows * columns)
            throw new ArgumentException($"The result must hold m·k = {(long)Rows * columns} values (got {result.Length}).", nameof(result));
        int height = PanelHeight(columns);
        var panel = new double[(long)Rows * height];
        var dense = new double[(long)height * columns];
        var backend = DenseBackend.Current;
        double alpha = 1 / Math.Sqrt(Rows);
        var rowPointers = matrix.RowPointers;
        var columnIndices = matrix.ColumnIndices;
        var values = matrix.Values;
        for (int j0 = 0; j0 < Columns; j0 += height)
        {
            int count = Math.Min(height, Columns - j0);
            GeneratePanel(j0, count, panel);
            Array.Clear(dense);
            for (int r = 0; r < count; r++)
                for (int p = rowPointers[j0 + r]; p < rowPointers[j0 + r + 1]; p++)
                    dense[(long)r * columns + columnIndices[p]] += values[p];
            backend.Gemm(Transpose.No, Transpose.Yes, columns, Rows, count, alpha, dense.AsSpan(0, count * columns), columns,
                panel, Rows, j0 == 0 ? 0 : 1, result, columns);
        }
    }

    /// <inheritdoc/>
    public override double[] Materialize()
    {
        int m = Rows, n = Columns;
        var panel = new double[(long)m * n];
        GeneratePanel(0, n, panel);
        double scale = 1 / Math.Sqrt(m);
        var s = new double[(long)m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                s[(long)i * n + j] = scale * panel[i + (long)m * j];
        return s;
    }
}
