using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>√(n/m)·P, m rows sampled without replacement (Floyd), sorted (spec sketched-regression §2.2, §3.7).</summary>
public sealed class UniformRowSketch : SketchBase
{
    private readonly int[] _sample;
    private readonly double _scale;

    /// <summary>Draws the sketch (nothing is stored but what its application needs).</summary>
    /// <exception cref="ArgumentException">m &gt; n.</exception>
    public UniformRowSketch(int rows, int n, ulong seed, int attempt)
        : base(rows, n, seed, attempt)
    {
        if (rows > n)
            throw new ArgumentException($"Uniform row sampling draws at most n = {n} rows (got m = {rows}).", nameof(rows));
        _sample = RowSampler.SampleWithoutReplacement(seed, attempt, rows, n);
        _scale = Math.Sqrt((double)n / rows);
    }

    /// <inheritdoc/>
    public override SketchKind Kind => SketchKind.UniformRows;

    /// <summary>The sampled input rows, ascending.</summary>
    public ReadOnlySpan<int> SampledRows => _sample;

    /// <inheritdoc/>
    public override void Apply(ReadOnlySpan<double> block, int columns, Span<double> result)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (block.Length != (long)Columns * columns)
            throw new ArgumentException($"The block must hold n·k = {(long)Columns * columns} values (got {block.Length}).", nameof(block));
        if (result.Length != (long)Rows * columns)
            throw new ArgumentException($"The result must hold m·k = {(long)Rows * columns} values (got {result.Length}).", nameof(result));
        for (int i = 0; i < Rows; i++)
        {
            var source = block.Slice(_sample[i] * columns, columns);
            var target = result.Slice(i * columns, columns);
            for (int c = 0; c < columns; c++) target[c] = _scale * source[c];
        }
    }

    /// <inheritdoc/>
    public override void Apply(CsrMatrix matrix, Span<double> result)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rows != Columns)
            throw new ArgumentException($"The matrix must have n = {Columns} rows (got {matrix.Rows}).", nameof(matrix));
        int columns = matrix.Columns;
        if (result.Length != (long)Rows * columns)
            throw new ArgumentException($"The result must hold m·k = {(long)Rows * columns} values (got {result.Length}).", nameof(result));
        result.Clear();
        var rowPointers = matrix.RowPointers;
        var columnIndices = matrix.ColumnIndices;
        var values = matrix.Values;
        for (int i = 0; i < Rows; i++)
        {
            var target = result.Slice(i * columns, columns);
            for (int p = rowPointers[_sample[i]]; p < rowPointers[_sample[i] + 1]; p++)
                target[columnIndices[p]] += _scale * values[p];
        }
    }

    /// <inheritdoc/>
    public override double[] Materialize()
    {
        var s = new double[(long)Rows * Columns];
        for (int i = 0; i < Rows; i++) s[(long)i * Columns + _sample[i]] = _scale;
        return s;
    }
}
