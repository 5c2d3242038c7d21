using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>√(N/m)·P·H_N·D with zero padding to N = 2^⌈log₂ n⌉, applied by FWHT on column panels (spec sketched-regression §2.2, §3.7).</summary>
/// <remarks>
/// <para>
/// D: the sign of input row i is bit (i mod 32) of word ⌊i/32⌋ mod 4 of the purpose-1 (<see cref="RandomPurpose.RowSigns"/>)
/// stream at counter ⌊i/128⌋ (bit 0 → +1, bit 1 → −1), so one Philox call gives 128 signs. P: the m rows of
/// <see cref="RowSampler.SampleWithoutReplacement"/>(seed, attempt, m, N), sorted. Every entry of S is ±1/√m.
/// </para>
/// <para>
/// Application works on column panels of width b: the b columns (signs applied, padding zeroed) are copied into an
/// N×b row-major workspace, transformed by <see cref="FastWalshHadamard.TransformRows(Span{double}, int, int)"/>, and
/// the selected rows, scaled by 1/√m, are gathered into the output. Panels run in parallel; every output value is
/// computed by the same operations whatever the panel width or thread count, so results are bitwise reproducible.
/// A padded copy of the whole input is never made.
/// </para>
/// </remarks>
public sealed class SrhtSketch : SketchBase
{
    private const int MinPanelWidth = 8;
    private const int MaxPanelWidth = 64;

    private readonly int _padded;
    private readonly uint[] _signBits;
    private readonly int[] _sampledRows;
    private readonly double _scale;
    private readonly int _panelWidth;
    private readonly long _budget;

    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    /// <exception cref="ArgumentException">rows &lt; 1, n &lt; 1, attempt &lt; 0, or rows &gt; N = 2^⌈log₂ n⌉.</exception>
    public SrhtSketch(int rows, int n, ulong seed, int attempt, SketchOptions options)
        : base(rows, n, seed, attempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        long padded = SketchOptions.NextPowerOfTwo(n);
        if (padded > 1 << 30)
            throw new ArgumentException($"SRHT pads n = {n} to {padded} rows, beyond the supported 2^30.", nameof(n));
        if (rows > padded)
            throw new ArgumentException($"An SRHT sketch of an n = {n}-row matrix allows at most N = {padded} rows; got m = {rows}.", nameof(rows));
        _padded = (int)padded;
        _panelWidth = options.PanelWidth;
        _budget = options.WorkspaceBudgetBytes;
        _scale = 1.0 / Math.Sqrt(rows);
        _sampledRows = RowSampler.SampleWithoutReplacement(seed, attempt, rows, _padded);
        var stream = new PhiloxStream(seed, RandomPurpose.RowSigns, (uint)attempt);
        _signBits = new uint[(n + 127) / 128 * 4];
        for (int c = 0; c < _signBits.Length / 4; c++)
            stream.Words((ulong)c, out _signBits[4 * c], out _signBits[4 * c + 1], out _signBits[4 * c + 2], out _signBits[4 * c + 3]);
    }

    /// <inheritdoc/>
    public override SketchKind Kind => SketchKind.Srht;

    /// <summary>Test seam: the most threads one application uses (−1 = the runtime's choice).</summary>
    internal int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>N = 2^⌈log₂ n⌉, the transformed (padded) length.</summary>
    public int PaddedRows => _padded;

    /// <summary>The sampled rows of H_N (P), ascending.</summary>
    public ReadOnlySpan<int> SampledRows => _sampledRows;

    /// <summary>D_ii: the sign (±1) of input row <paramref name="row"/>.</summary>
    public double Sign(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Columns);
        return RowSign(row);
    }

    /// <summary>The column-panel width used for a block of <paramref name="columns"/> columns.</summary>
    /// <remarks>
    /// <see cref="SketchOptions.PanelWidth"/> when set; otherwise the widest b ∈ [8, 64] with threads·N·b·8 bytes within
    /// <see cref="SketchOptions.WorkspaceBudgetBytes"/> (8 if even that exceeds it), narrowed so that the panel count is a
    /// multiple of the thread count with nearly equal widths. The width never changes a result bit.
    /// </remarks>
    public int PanelWidthFor(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        int largest = Math.Max(1, int.MaxValue / 2 / _padded);
        if (_panelWidth > 0) return Math.Min(Math.Min(_panelWidth, columns), largest);
        int threads = Environment.ProcessorCount;
        long fit = _budget / ((long)threads * _padded * sizeof(double));
        int widest = (int)Math.Clamp(fit, MinPanelWidth, MaxPanelWidth);
        // Balance: a multiple of the thread count of panels, of nearly equal widths rounded up to 8.
        int panels = (columns + widest - 1) / widest;
        panels = (panels + threads - 1) / threads * threads;
        int b = (columns + panels - 1) / panels;
        b = Math.Min(widest, Math.Max(MinPanelWidth, (b + MinPanelWidth - 1) / MinPanelWidth * MinPanelWidth));
        return Math.Min(Math.Min(b, columns), largest);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">columns &lt; 1, or a span is shorter than n·columns (input) or m·columns (output).</exception>
    public override unsafe void Apply(ReadOnlySpan<double> block, int columns, Span<double> result)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (block.Length < (long)Columns * columns)
            throw new ArgumentException($"The block holds {block.Length} values; n·k = {(long)Columns * columns} needed.", nameof(block));
        if (result.Length < (long)Rows * columns)
            throw new ArgumentException($"The result holds {result.Length} values; m·k = {(long)Rows * columns} needed.", nameof(result));
        fixed (double* a = block, y = result)
        {
            nint input = (nint)a;
            Run(columns, y, (panel, c0, b) => FillDense(panel, (double*)input, columns, c0, b));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The matrix does not have n rows, or the result is shorter than m·k.</exception>
    public override unsafe void Apply(CsrMatrix matrix, Span<double> result)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rows != Columns)
            throw new ArgumentException($"The matrix has {matrix.Rows} rows; the sketch was drawn for n = {Columns}.", nameof(matrix));
        int columns = matrix.Columns;
        if (columns < 1)
            throw new ArgumentException("The matrix has no columns.", nameof(matrix));
        if (result.Length < (long)Rows * columns)
            throw new ArgumentException($"The result holds {result.Length} values; m·k = {(long)Rows * columns} needed.", nameof(result));
        fixed (double* y = result)
        {
            Run(columns, y, (panel, c0, b) => FillCsr(panel, matrix, c0, b));
        }
    }

    /// <inheritdoc/>
    public override double[] Materialize()
    {
        int n = Columns;
        var identity = new double[(long)n * n];
        for (int i = 0; i < n; i++) identity[(long)i * n + i] = 1;
        var s = new double[(long)Rows * n];
        Apply(identity, n, s);
        return s;
    }

    private delegate void PanelFill(Span<double> panel, int firstColumn, int width);

    private double RowSign(int row) => PhiloxStream.Sign(_signBits[row >> 5] >> (row & 31));

    /// <summary>Runs every column panel (in parallel, one workspace per worker) and gathers into y.</summary>
    private unsafe void Run(int columns, double* y, PanelFill fill)
    {
        int width = PanelWidthFor(columns);
        int panels = (columns + width - 1) / width;
        int padded = _padded;
        nint output = (nint)y;
        if (panels == 1)
        {
            var workspace = new double[(long)padded * width];
            ProcessPanel(workspace, 0, columns, columns, (double*)output, fill);
            return;
        }
        Parallel.For(0, panels, new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism },
            () => new double[(long)padded * width],
            (p, _, workspace) =>
            {
                int c0 = p * width;
                ProcessPanel(workspace, c0, Math.Min(width, columns - c0), columns, (double*)output, fill);
                return workspace;
            },
            _ => { });
    }

    private unsafe void ProcessPanel(double[] workspace, int c0, int b, int columns, double* y, PanelFill fill)
    {
        var panel = workspace.AsSpan(0, _padded * b);
        fill(panel, c0, b);
        FastWalshHadamard.TransformRows(panel, _padded, b);
        double scale = _scale;
        for (int r = 0; r < _sampledRows.Length; r++)
        {
            var source = panel.Slice(_sampledRows[r] * b, b);
            double* target = y + (long)r * columns + c0;
            for (int j = 0; j < b; j++) target[j] = source[j] * scale;
        }
    }

    /// <summary>Panel rows i &lt; n: D_ii·A[i, c0..c0+b); rows ≥ n: zero.</summary>
    private unsafe void FillDense(Span<double> panel, double* a, int columns, int c0, int b)
    {
        int n = Columns;
        for (int i = 0; i < n; i++)
        {
            var row = new ReadOnlySpan<double>(a + (long)i * columns + c0, b);
            var target = panel.Slice(i * b, b);
            if ((_signBits[i >> 5] >> (i & 31) & 1) == 0) row.CopyTo(target);
            else
                for (int j = 0; j < b; j++) target[j] = -row[j];
        }
        panel[(n * b)..].Clear();
    }

    /// <summary>The CSR rows' entries in columns [c0, c0 + b), signed, into a zeroed panel (duplicates add).</summary>
    private void FillCsr(Span<double> panel, CsrMatrix matrix, int c0, int b)
    {
        panel.Clear();
        var pointers = matrix.RowPointers;
        var indices = matrix.ColumnIndices;
        var values = matrix.Values;
        for (int i = 0; i < Columns; i++)
        {
            double sign = RowSign(i);
            var target = panel.Slice(i * b, b);
            for (int t = pointers[i]; t < pointers[i + 1]; t++)
            {
                int c = indices[t] - c0;
                if ((uint)c < (uint)b) target[c] += sign * values[t];
            }
        }
    }
}
