using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>s nonzeros ±1/√s per column at distinct uniformly chosen rows (spec sketched-regression §2.2, §3.7).</summary>
/// <remarks>
/// Column k of S (input row k) draws its rows and signs from the purpose-4 stream at counter indices (k, t), t = 0, 1, …
/// (index = k·2³² + t); each counter yields two candidates, a duplicate row is redrawn from the next candidate.
/// The application is bitwise independent of the thread count and of the number of columns of the block.
/// </remarks>
public sealed class SparseSignSketch : SketchBase
{
    private readonly HashedSketchCore _core;

    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    /// <exception cref="ArgumentException">s &gt; m, or s &lt; 1.</exception>
    public SparseSignSketch(int rows, int n, int nonzerosPerColumn, ulong seed, int attempt, SketchOptions options)
        : base(rows, n, seed, attempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (nonzerosPerColumn < 1 || nonzerosPerColumn > rows)
            throw new ArgumentException(
                $"A sparse-sign sketch needs 1 ≤ s ≤ m (got s = {nonzerosPerColumn}, m = {rows}).", nameof(nonzerosPerColumn));
        _core = new HashedSketchCore(rows, n, nonzerosPerColumn, seed, attempt, options.WorkspaceBudgetBytes);
        NonzerosPerColumn = nonzerosPerColumn;
    }

    /// <inheritdoc/>
    public override SketchKind Kind => SketchKind.SparseSign;

    /// <summary>s, the nonzeros per column.</summary>
    public int NonzerosPerColumn { get; }

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<double> block, int columns, Span<double> result) => _core.Apply(block, columns, result);

    /// <inheritdoc/>
    public override void Apply(CsrMatrix matrix, Span<double> result) => _core.Apply(matrix, result);

    /// <inheritdoc/>
    public override double[] Materialize() => _core.Materialize();

    /// <summary>[S·block | S·extra] column-major with leading dimension ld (see <see cref="HashedSketchCore.TryApplyColumnMajor"/>).</summary>
    internal bool TryApplyColumnMajor(ReadOnlySpan<double> block, int columns, ReadOnlySpan<double> extra, Span<double> result, int ld) =>
        _core.TryApplyColumnMajor(block, columns, extra, result, ld);
}

/// <summary>
/// The shared machinery of sparse-sign and CountSketch sketches: column k of S has s entries ±1/√s at distinct rows.
/// </summary>
/// <remarks>
/// Determinism (spec §3.8): dense input is accumulated by output rows in ascending input-row order (the gather path). For
/// CSR input the input rows are cut into a fixed number of blocks that depends on n
/// only; each block accumulates its rows in order into a zeroed private m×w accumulator, and the accumulators are added into
/// the result in block order. Entry (i, c) of the result therefore always sees the same sequence of IEEE operations, whatever the
/// thread count, the path (row blocks or column panels) and the number of columns of the block.
/// </remarks>
internal sealed class HashedSketchCore
{
    /// <summary>Rows per block at least (small inputs use one block).</summary>
    internal const int MinimumBlockRows = 4096;

    /// <summary>The largest number of row blocks.</summary>
    internal const int MaximumBlocks = 16;

    private readonly int _m;
    private readonly int _n;
    private readonly int _s;
    private readonly double _scale;
    private readonly PhiloxStream _stream;
    private readonly long _budget;

    internal HashedSketchCore(int rows, int n, int nonzeros, ulong seed, int attempt, long budgetBytes)
    {
        _m = rows;
        _n = n;
        _s = nonzeros;
        _scale = 1 / Math.Sqrt(nonzeros);
        _stream = new PhiloxStream(seed, RandomPurpose.SparsePositions, (uint)attempt);
        _budget = budgetBytes;
    }

    /// <summary>The fixed number of row blocks for n rows.</summary>
    internal static int BlockCount(int n) => Math.Clamp((n + MinimumBlockRows - 1) / MinimumBlockRows, 1, MaximumBlocks);

    /// <summary>The first row of block b of <paramref name="blocks"/>.</summary>
    private static int BlockStart(int n, int blocks, int b) => (int)((long)n * b / blocks);

    /// <summary>The rows and coefficients ±1/√s of column k of S (input row k), in draw order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called n times per draw: no tier-0 code on the first draws
    internal void Column(int k, Span<int> rows, Span<double> coefficients)
    {
        int found = 0;
        ulong index = (ulong)k << 32;
        while (found < _s)
        {
            _stream.Bits64(index++, out ulong first, out ulong second);
            found = Accept(first, rows, coefficients, found);
            if (found < _s) found = Accept(second, rows, coefficients, found);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Accept(ulong w, Span<int> rows, Span<double> coefficients, int found)
    {
        // The low bit is the sign; the row comes from the other 63 bits (independent of the sign).
        int row = PhiloxStream.Below(w & ~1UL, _m);
        if (rows[..found].Contains(row)) return found;
        rows[found] = row;
        coefficients[found] = (w & 1) == 0 ? _scale : -_scale;
        return found + 1;
    }

    internal double[] Materialize()
    {
        var s = new double[(long)_m * _n];
        Span<int> rows = stackalloc int[_s];
        Span<double> coefficients = stackalloc double[_s];
        for (int k = 0; k < _n; k++)
        {
            Column(k, rows, coefficients);
            for (int t = 0; t < _s; t++) s[(long)rows[t] * _n + k] = coefficients[t];
        }
        return s;
    }

    internal void Apply(ReadOnlySpan<double> block, int columns, Span<double> result)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (block.Length != (long)_n * columns)
            throw new ArgumentException($"The block must hold n·k = {(long)_n * columns} values (got {block.Length}).", nameof(block));
        CheckResult(result, columns);
        unsafe
        {
            fixed (double* x = block)
            fixed (double* y = result)
            {
                var input = new Input { Dense = x, Columns = columns };
                Run(input, y, columns);
            }
        }
    }

    internal void Apply(CsrMatrix matrix, Span<double> result)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rows != _n)
            throw new ArgumentException($"The matrix must have n = {_n} rows (got {matrix.Rows}).", nameof(matrix));
        int columns = matrix.Columns;
        if (columns < 1) throw new ArgumentException("The matrix has no columns.", nameof(matrix));
        CheckResult(result, columns);
        unsafe
        {
            fixed (double* y = result)
            fixed (int* rp = matrix.RowPointers)
            fixed (int* ci = matrix.ColumnIndices)
            fixed (double* v = matrix.Values)
            {
                var input = new Input { RowPointers = rp, ColumnIndices = ci, Values = v, Columns = columns };
                Run(input, y, columns);
            }
        }
    }

    private void CheckResult(Span<double> result, int columns)
    {
        if (result.Length != (long)_m * columns)
            throw new ArgumentException($"The result must hold m·k = {(long)_m * columns} values (got {result.Length}).", nameof(result));
    }

    /// <summary>A dense row-major block or a CSR matrix, as raw pointers (pinned by the caller).</summary>
    private unsafe struct Input
    {
        public double* Dense;
        public int* RowPointers;
        public int* ColumnIndices;
        public double* Values;
        public int Columns;
    }

    private unsafe void Run(Input input, double* y, int columns)
    {
        if (input.Dense != null)
        {
            RunGather(input.Dense, y, columns);
            return;
        }
        int blocks = BlockCount(_n);
        long accumulatorBytes = (long)_m * columns * sizeof(double);
        int workers = Math.Min(blocks, Environment.ProcessorCount);
        new Span<double>(y, _m * columns).Clear();
        if (accumulatorBytes * workers <= _budget)
        {
            RunRowBlocks(input, y, columns, blocks, workers);
            return;
        }
        // Column panels of the result: each panel runs the same block sequence with a private m×w accumulator.
        int threads = Math.Max(1, Environment.ProcessorCount);
        int width = (int)Math.Clamp(_budget / ((long)threads * _m * sizeof(double)), 1, columns);
        int panels = (columns + width - 1) / width;
        Parallel.For(0, panels, () => new double[(long)_m * width], (p, _, accumulator) =>
        {
            int c0 = p * width, w = Math.Min(width, columns - c0);
            fixed (double* acc = accumulator)
            {
                for (int b = 0; b < blocks; b++)
                {
                    new Span<double>(acc, _m * w).Clear();
                    AccumulateBlock(input, acc, w, c0, BlockStart(_n, blocks, b), BlockStart(_n, blocks, b + 1));
                    for (int i = 0; i < _m; i++) AddInto(acc + (long)i * w, y + (long)i * columns + c0, w);
                }
            }
            return accumulator;
        }, _ => { });
    }

    /// <summary>
    /// Dense input: every entry y[h, c] = Σ_k S[h, k]·A[k, c] is accumulated alone, in ascending k, by one task. No private
    /// accumulators and no fold, so every entry sees the same operations whatever the thread count, the workspace budget or
    /// the number of columns.
    /// </summary>
    /// <remarks>
    /// When S's 12 bytes per nonzero fit the workspace budget, S is drawn at once (in parallel) and applied by column panels
    /// (<see cref="ScatterPanels"/>). Beyond the budget the output rows are cut into bands whose index lists fit it, S is
    /// redrawn (serially) twice per band, and each output row is gathered. Both orders give the same bits.
    /// </remarks>
    private unsafe void RunGather(double* x, double* y, int columns)
    {
        long total = (long)_n * _s;
        if (total * 12 <= _budget)
        {
            var (hashedRows, coefficients) = DrawAll();
            ScatterPanels(x, y, columns, hashedRows, coefficients);
            return;
        }

        int bands = (int)Math.Clamp((total * 12 + _budget - 1) / _budget, 1, _m);
        Span<int> rows = stackalloc int[_s];
        Span<double> values = stackalloc double[_s];
        for (int band = 0; band < bands; band++)
        {
            int h0 = (int)((long)_m * band / bands), h1 = (int)((long)_m * (band + 1) / bands);
            var starts = new int[h1 - h0 + 1];
            for (int k = 0; k < _n; k++)
            {
                Column(k, rows, values);
                foreach (int h in rows)
                    if (h >= h0 && h < h1) starts[h - h0 + 1]++;
            }
            for (int h = 0; h < h1 - h0; h++) starts[h + 1] += starts[h];
            var next = (int[])starts.Clone();
            var sources = new int[starts[^1]];
            var weights = new double[starts[^1]];
            for (int k = 0; k < _n; k++)
            {
                Column(k, rows, values);
                for (int t = 0; t < _s; t++)
                {
                    int h = rows[t];
                    if (h < h0 || h >= h1) continue;
                    int slot = next[h - h0]++;
                    sources[slot] = k;
                    weights[slot] = values[t];
                }
            }
            AccumulateRows(x, y, columns, h0, h1, starts, sources, weights);
        }
    }

    /// <summary>S at once: the s rows and signed values of every column, drawn in parallel (12 bytes per nonzero).</summary>
    private (int[] Rows, double[] Coefficients) DrawAll()
    {
        long total = (long)_n * _s;
        var hashedRows = new int[total];
        var coefficients = new double[total];
        Parallel.For(0, (_n + 1023) / 1024, chunk =>
        {
            int k0 = chunk * 1024, k1 = Math.Min(_n, k0 + 1024);
            for (int k = k0; k < k1; k++)
                Column(k, hashedRows.AsSpan(k * _s, _s), coefficients.AsSpan(k * _s, _s));
        });
        return (hashedRows, coefficients);
    }

    /// <summary>
    /// S·block written column-major (entry (h, c) at result[h + c·ld]), bitwise equal to the row-major
    /// <see cref="Apply(ReadOnlySpan{double}, int, Span{double})"/>, followed, when <paramref name="extra"/> is not empty, by
    /// S·extra as column k (bitwise equal to applying S to it alone), all from one draw of S; false (nothing written) when S
    /// does not fit the workspace budget, where the caller transposes the row-major result instead. Saves the transposition
    /// (and a copy of m·k doubles) for a caller that factorises [SA | Sb] with LAPACK.
    /// </summary>
    /// <exception cref="ArgumentException">Mismatched sizes, or ld &lt; m.</exception>
    internal bool TryApplyColumnMajor(ReadOnlySpan<double> block, int columns, ReadOnlySpan<double> extra, Span<double> result, int ld)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (block.Length != (long)_n * columns)
            throw new ArgumentException($"The block must hold n·k = {(long)_n * columns} values (got {block.Length}).", nameof(block));
        if (!extra.IsEmpty && extra.Length != _n)
            throw new ArgumentException($"The extra column must hold n = {_n} values (got {extra.Length}).", nameof(extra));
        if (ld < _m) throw new ArgumentException($"ld = {ld} must be ≥ m = {_m}.", nameof(ld));
        int total = columns + (extra.IsEmpty ? 0 : 1);
        if (result.Length < (long)ld * (total - 1) + _m)
            throw new ArgumentException($"The result must hold ld·(k − 1) + m = {(long)ld * (total - 1) + _m} values (got {result.Length}).", nameof(result));
        if ((long)_n * _s * 12 > _budget) return false;
        var (hashedRows, coefficients) = DrawAll();
        unsafe
        {
            fixed (double* x = block)
            fixed (double* y = result)
                ScatterPanels(x, y, columns, hashedRows, coefficients, columnMajor: true, ld);
        }

        if (!extra.IsEmpty)
        {
            // The extra column (b of [A | b]) with the same draw of S: the same ascending-k fused multiply–adds per entry.
            ScatterColumn(extra, hashedRows, coefficients, _s, result.Slice(columns * ld, _m));
        }

        return true;
    }

    /// <summary>target = S·v for one column, by ascending-k fused multiply–adds per entry (the bits of the panel path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterColumn(ReadOnlySpan<double> v, int[] hashedRows, double[] coefficients, int s, Span<double> target)
    {
        target.Clear();
        for (int k = 0, e = 0; k < v.Length; k++)
        {
            double value = v[k];
            for (int t = 0; t < s; t++, e++)
                target[hashedRows[e]] = Math.FusedMultiplyAdd(value, coefficients[e], target[hashedRows[e]]);
        }
    }

    /// <summary>Columns per panel of <see cref="ScatterPanels"/>: two 512-bit vectors per row segment.</summary>
    internal const int PanelWidth = 16;

    /// <summary>Input rows ahead whose panel segment is prefetched (the strided segments defeat the hardware prefetcher).</summary>
    private const int PrefetchRows = 32;

    /// <summary>
    /// y = S·A panel by panel: each panel of <see cref="PanelWidth"/> columns is owned by one task, which accumulates it in a
    /// private, packed m×w buffer (an L2-sized 500 KB at m = 4000: rows of y 8 KB apart would alias to a few cache sets) —
    /// for k ascending, the s target rows of input row k receive ±A[k, c0:c1]/√s by fused multiply–adds, with the row
    /// segment held in registers — and then copies it out (row-major, or column-major with leading dimension
    /// <paramref name="ld"/> when <paramref name="columnMajor"/>). Each entry sees the ascending-k sequence of the output-row
    /// gather, so the bits do not depend on threads, panels or the number of columns.
    /// </summary>
    /// <remarks>
    /// Measured at 50 000×1000, m = 4000, s = 8 on two cores: 60–70 ms, against 150–190 ms for the previous 256-column
    /// panels updated in place in y (L3-resident, so every scattered update missed the private caches).
    /// </remarks>
    private unsafe void ScatterPanels(double* x, double* y, int columns, int[] hashedRows, double[] coefficients,
        bool columnMajor = false, int ld = 0)
    {
        // With a row length that is a multiple of 8 doubles every row has the alignment of the first: start the 16-column
        // panels on a cache-line boundary (a narrow lead panel takes the columns before it), so that each row segment is two
        // whole lines and its two 512-bit loads do not straddle lines.
        int lead = columns % 8 == 0 ? (int)((8 - (long)x / sizeof(double) % 8) % 8) : 0;
        lead = Math.Min(lead, columns);
        int panels = (lead > 0 ? 1 : 0) + (columns - lead + PanelWidth - 1) / PanelWidth;
        nint px = (nint)x, py = (nint)y;
        int m = _m, n = _n, s = _s;
        Parallel.For(0, panels, () => GC.AllocateUninitializedArray<double>(m * PanelWidth + 8, pinned: true), (panel, _, buffer) =>
        {
            int c0 = lead > 0 ? (panel == 0 ? 0 : lead + (panel - 1) * PanelWidth) : panel * PanelWidth;
            int w = lead > 0 && panel == 0 ? lead : Math.Min(PanelWidth, columns - c0);
            fixed (double* pinned = buffer)
            fixed (int* rows = hashedRows)
            fixed (double* signs = coefficients)
            {
                // The packed accumulator on a cache-line boundary too (its rows are 128 bytes).
                double* acc = pinned + (8 - (long)pinned / sizeof(double) % 8) % 8;
                new Span<double>(acc, m * w).Clear();
                double* input = (double*)px + c0;
                if (w == PanelWidth) Scatter16(input, columns, n, s, rows, signs, acc);
                else ScatterNarrow(input, columns, n, s, rows, signs, acc, w);
                double* output = (double*)py;
                if (columnMajor)
                {
                    for (int c = 0; c < w; c++)
                    {
                        double* target = output + (long)(c0 + c) * ld;
                        for (int i = 0; i < m; i++) target[i] = acc[(long)i * w + c];
                    }
                }
                else
                {
                    for (int i = 0; i < m; i++)
                        new ReadOnlySpan<double>(acc + (long)i * w, w).CopyTo(new Span<double>(output + (long)i * columns + c0, w));
                }
            }

            return buffer;
        }, _ => { });
    }

    /// <summary>One full panel: acc[h, 0:16] += c·A[k, c0:c0+16] for the s pairs (h, c) of each input row k, k ascending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long loop entered few times: skip tier-0/OSR code
    private static unsafe void Scatter16(double* input, int columns, int n, int s, int* rows, double* signs, double* acc)
    {
        bool prefetch = Sse.IsSupported;
        for (int k = 0, e = 0; k < n; k++, e += s)
        {
            double* source = input + (long)k * columns;
            if (prefetch && k + PrefetchRows < n)
            {
                double* ahead = source + (long)PrefetchRows * columns;
                Sse.Prefetch0(ahead);
                Sse.Prefetch0(ahead + 8);
            }

            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<double> a0 = Vector512.Load(source), a1 = Vector512.Load(source + 8);
                for (int t = 0; t < s; t++)
                {
                    double* target = acc + (long)rows[e + t] * PanelWidth;
                    var c = Vector512.Create(signs[e + t]);
                    Vector512.FusedMultiplyAdd(a0, c, Vector512.Load(target)).Store(target);
                    Vector512.FusedMultiplyAdd(a1, c, Vector512.Load(target + 8)).Store(target + 8);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Vector256<double> a0 = Vector256.Load(source), a1 = Vector256.Load(source + 4);
                Vector256<double> a2 = Vector256.Load(source + 8), a3 = Vector256.Load(source + 12);
                for (int t = 0; t < s; t++)
                {
                    double* target = acc + (long)rows[e + t] * PanelWidth;
                    var c = Vector256.Create(signs[e + t]);
                    Vector256.FusedMultiplyAdd(a0, c, Vector256.Load(target)).Store(target);
                    Vector256.FusedMultiplyAdd(a1, c, Vector256.Load(target + 4)).Store(target + 4);
                    Vector256.FusedMultiplyAdd(a2, c, Vector256.Load(target + 8)).Store(target + 8);
                    Vector256.FusedMultiplyAdd(a3, c, Vector256.Load(target + 12)).Store(target + 12);
                }
            }
            else
            {
                for (int t = 0; t < s; t++) Axpy(signs[e + t], source, acc + (long)rows[e + t] * PanelWidth, PanelWidth);
            }
        }
    }

    /// <summary>The last, narrower panel (w &lt; 16 columns): the same updates entry by entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ScatterNarrow(double* input, int columns, int n, int s, int* rows, double* signs, double* acc, int w)
    {
        for (int k = 0, e = 0; k < n; k++, e += s)
        {
            double* source = input + (long)k * columns;
            for (int t = 0; t < s; t++) Axpy(signs[e + t], source, acc + (long)rows[e + t] * w, w);
        }
    }

    /// <summary>y_h = Σ_e weights[e]·A[sources[e], :] over e in [starts[h − h0], starts[h − h0 + 1]), for h in [h0, h1).</summary>
    private static unsafe void AccumulateRows(double* x, double* y, int columns, int h0, int h1, int[] starts, int[] sources,
        double[] weights)
    {
        const int RowsPerTask = 16;
        nint px = (nint)x, py = (nint)y;
        Parallel.For(0, (h1 - h0 + RowsPerTask - 1) / RowsPerTask, task =>
        {
            double* input = (double*)px;
            int hEnd = Math.Min(h1, h0 + (task + 1) * RowsPerTask);
            for (int h = h0 + task * RowsPerTask; h < hEnd; h++)
            {
                double* target = (double*)py + (long)h * columns;
                new Span<double>(target, columns).Clear();
                for (int e = starts[h - h0]; e < starts[h - h0 + 1]; e++)
                    Axpy(weights[e], input + (long)sources[e] * columns, target, columns);
            }
        });
    }

    /// <summary>Blocks are processed in waves of <paramref name="wave"/> private accumulators, folded in block order.</summary>
    private unsafe void RunRowBlocks(Input input, double* y, int columns, int blocks, int wave)
    {
        long size = (long)_m * columns;
        var accumulators = new double[wave][];
        for (int a = 0; a < wave; a++) accumulators[a] = new double[size];
        for (int b0 = 0; b0 < blocks; b0 += wave)
        {
            int count = Math.Min(wave, blocks - b0);
            Parallel.For(0, count, a =>
            {
                fixed (double* acc = accumulators[a])
                {
                    new Span<double>(acc, (int)size).Clear();
                    AccumulateBlock(input, acc, columns, 0, BlockStart(_n, blocks, b0 + a), BlockStart(_n, blocks, b0 + a + 1));
                }
            });
            // Fold in block order; parallel over fixed chunks of the result (elementwise, so bitwise deterministic).
            const int Chunk = 1 << 14;
            int chunks = (int)((size + Chunk - 1) / Chunk);
            Parallel.For(0, chunks, c =>
            {
                long e0 = (long)c * Chunk;
                int len = (int)Math.Min(Chunk, size - e0);
                for (int a = 0; a < count; a++)
                    fixed (double* acc = accumulators[a])
                        AddInto(acc + e0, y + e0, len);
            });
        }
    }

    /// <summary>acc[h, 0:w] += coefficient·A[k, c0:c0+w] for each input row k in [k0, k1) and each of its s rows h.</summary>
    private unsafe void AccumulateBlock(Input input, double* acc, int w, int c0, int k0, int k1)
    {
        Span<int> rows = stackalloc int[_s];
        Span<double> coefficients = stackalloc double[_s];
        int c1 = c0 + w;
        for (int k = k0; k < k1; k++)
        {
            if (input.Dense == null)
            {
                int p0 = input.RowPointers[k], p1 = input.RowPointers[k + 1];
                if (p0 == p1) continue;
                Column(k, rows, coefficients);
                for (int t = 0; t < _s; t++)
                {
                    double* target = acc + (long)rows[t] * w - c0;
                    double coefficient = coefficients[t];
                    for (int p = p0; p < p1; p++)
                    {
                        int c = input.ColumnIndices[p];
                        if (c >= c0 && c < c1) target[c] += coefficient * input.Values[p];
                    }
                }
            }
            else
            {
                Column(k, rows, coefficients);
                double* source = input.Dense + (long)k * input.Columns + c0;
                for (int t = 0; t < _s; t++) Axpy(coefficients[t], source, acc + (long)rows[t] * w, w);
            }
        }
    }

    /// <summary>y ← y + a·x, as a rounded product then a rounded sum for every element (no fused multiply–add).</summary>
    /// <summary>y ← y + a·x elementwise by fused multiply–adds (the same bits in every vector width and in the scalar tail).</summary>
    private static unsafe void Axpy(double a, double* x, double* y, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<double>.Count)
        {
            var va = Vector256.Create(a);
            for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
                Vector256.FusedMultiplyAdd(Vector256.Load(x + i), va, Vector256.Load(y + i)).Store(y + i);
        }
        for (; i < length; i++) y[i] = Math.FusedMultiplyAdd(x[i], a, y[i]);
    }

    private static unsafe void AddInto(double* x, double* y, int length)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count)
        {
            for (; i <= length - Vector<double>.Count; i += Vector<double>.Count)
                Vector.Store(Vector.Load(y + i) + Vector.Load(x + i), y + i);
        }
        for (; i < length; i++) y[i] += x[i];
    }
}
