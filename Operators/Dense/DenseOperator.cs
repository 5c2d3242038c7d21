using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;
using Solvers.Operators.Parallel;

namespace Solvers.Operators;

/// <summary>
/// A dense matrix held row-major. Apply is one TensorPrimitives.Dot
/// per row, in parallel over fixed row blocks for large matrices, and allocates nothing; ApplyAdjoint runs over a
/// fixed, thread-count-independent row partition with per-block vectors reduced in block order (deterministic); the MathNet view
/// (<see cref="Matrix"/>) is for the dense direct paths. ApplyWithNormal forms A·x and AᵀA·x in one pass over the same
/// row blocks as ApplyAdjoint.
/// </summary>
public sealed unsafe class DenseOperator : IFusedNormalOperator, IHasDiagonal, IConvertibleToCsr
{
    /// <summary>From this many entries up, Apply and ApplyAdjoint run in parallel over row blocks.</summary>
    public const int ParallelThreshold = 1 << 16;

    private readonly double[] _data;
    private readonly int[] _blockStarts;
    private readonly int[] _adjointStarts;
    private double[]? _adjointScratch;
    private Matrix<double>? _matrix;

    /// <summary>Creates the operator from a row-major two-dimensional array (copied).</summary>
    public DenseOperator(double[,] rowMajor, OperatorProperties properties = OperatorProperties.None)
        : this(rowMajor is null ? throw new ArgumentNullException(nameof(rowMajor)) : rowMajor.GetLength(0), rowMajor.GetLength(1), Flatten(rowMajor), properties)
    {
    }

    /// <summary>Creates the operator from row-major data of length rows·cols. The array is used as is, not copied.</summary>
    /// <exception cref="ArgumentException">A negative size, or data of the wrong length.</exception>
    public DenseOperator(int rows, int cols, double[] rowMajorData, OperatorProperties properties = OperatorProperties.None)
    {
        ArgumentNullException.ThrowIfNull(rowMajorData);
        if (rows < 0) throw new ArgumentException($"rows = {rows}; must be ≥ 0.", nameof(rows));
        if (cols < 0) throw new ArgumentException($"cols = {cols}; must be ≥ 0.", nameof(cols));
        if (rowMajorData.Length != (long)rows * cols)
            throw new ArgumentException($"rowMajorData has length {rowMajorData.Length}, but a {rows}×{cols} matrix needs {(long)rows * cols}.", nameof(rowMajorData));
        Rows = rows;
        Columns = cols;
        _data = rowMajorData;
        Properties = properties;
        _blockStarts = ParallelBlocks.UniformPartition(rows, rowMajorData.Length >= ParallelThreshold ? 4 * ParallelBlocks.Shared.Threads : 1);
        _adjointStarts = ParallelBlocks.UniformPartition(rows, AdjointBlockCount(rows, rowMajorData.Length));
        if (_adjointStarts.Length > 2) _adjointScratch = new double[(long)(_adjointStarts.Length - 1) * cols];
    }

    private static double[] Flatten(double[,] a)
    {
        int m = a.GetLength(0), n = a.GetLength(1);
        var d = new double[(long)m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) d[(long)i * n + j] = a[i, j];
        return d;
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <inheritdoc />
    public OperatorProperties Properties { get; }

    /// <summary>The row-major entries.</summary>
    public ReadOnlySpan<double> Data => _data;

    /// <summary>A MathNet copy of the matrix, built on first use and cached.</summary>
    public Matrix<double> Matrix => _matrix ??= Matrix<double>.Build.DenseOfRowMajor(Rows, Columns, _data);

    /// <summary>A row-major two-dimensional copy.</summary>
    public double[,] ToArray()
    {
        var a = new double[Rows, Columns];
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < Columns; j++) a[i, j] = _data[(long)i * Columns + j];
        return a;
    }

    private struct State
    {
        public double* A;
        public double* X;
        public double* Y;
        public int* BlockStarts;
        public int Columns;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        fixed (double* pa = _data, px = x, py = y)
        fixed (int* bs = _blockStarts)
        {
            var st = new State { A = pa, X = px, Y = py, BlockStarts = bs, Columns = Columns };
            ParallelBlocks.Shared.Run(&Block, &st, _blockStarts.Length - 1);
        }
    }

    private static void Block(void* state, int block)
    {
        var st = (State*)state;
        int n = st->Columns;
        var x = new ReadOnlySpan<double>(st->X, n);
        for (int i = st->BlockStarts[block]; i < st->BlockStarts[block + 1]; i++)
            st->Y[i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(st->A + (long)i * n, n), x);
    }

    private struct AdjointState
    {
        public double* A;
        public double* X;
        public double* Y;
        public double* D;
        public int* BlockStarts;
        public int Columns;
        public int Blocks;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Below <see cref="ParallelThreshold"/> entries (or with fewer than 32 rows) one serial pass y += x_i·a_i. Otherwise
    /// the rows are split into a fixed number of blocks that depends only on the shape (never on the thread count); each
    /// block accumulates its own d_b = Σ x_i·a_i in a private vector, and y = d_0 + d_1 + … is summed in block order (in
    /// parallel over fixed column chunks). The result is therefore bit-identical run to run and across thread counts.
    /// The block vectors are allocated once, with the operator; a call concurrent with another on the same operator
    /// allocates its own set.
    /// </remarks>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: true);
        int blocks = _adjointStarts.Length - 1;
        if (blocks <= 1)
        {
            y.Clear();
            for (int i = 0; i < Rows; i++)
            {
                double xi = x[i];
                if (xi != 0) TensorPrimitives.MultiplyAdd(_data.AsSpan(i * Columns, Columns), xi, y, y);
            }

            return;
        }

        double[] scratch = Interlocked.Exchange(ref _adjointScratch, null) ?? new double[(long)blocks * Columns];
        fixed (double* pa = _data, px = x, py = y, pd = scratch)
        fixed (int* bs = _adjointStarts)
        {
            var st = new AdjointState { A = pa, X = px, Y = py, D = pd, BlockStarts = bs, Columns = Columns, Blocks = blocks };
            ParallelBlocks.Shared.Run(&AdjointBlock, &st, blocks);
            int chunks = (Columns + ReduceChunk - 1) / ReduceChunk;
            ParallelBlocks.Shared.Run(&ReduceBlock, &st, chunks);
        }

        _adjointScratch = scratch;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One pass over A: each row a_i gives y_i = a_i·x (the dot product of <see cref="Apply"/>, so y is bit-identical to
    /// Apply's) and is then, still in cache, added as y_i·a_i to its block's private vector. The blocks, the block vectors and
    /// the block-order reduction are those of <see cref="ApplyAdjoint"/>, so <paramref name="normal"/> is bit-identical run to
    /// run and across thread counts, and equal to ApplyAdjoint(Apply(x)). Allocation-free like ApplyAdjoint.
    /// </remarks>
    /// <exception cref="ArgumentException">A span of the wrong length.</exception>
    public void ApplyWithNormal(ReadOnlySpan<double> x, Span<double> y, Span<double> normal)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        if (normal.Length != Columns)
            throw new ArgumentException($"normal has length {normal.Length}, but the {Rows}×{Columns} {nameof(DenseOperator)} needs {Columns}.", nameof(normal));
        int blocks = _adjointStarts.Length - 1;
        if (blocks <= 1)
        {
            normal.Clear();
            for (int i = 0; i < Rows; i++)
            {
                var row = new ReadOnlySpan<double>(_data, i * Columns, Columns);
                double yi = TensorPrimitives.Dot(row, x);
                y[i] = yi;
                if (yi != 0) TensorPrimitives.MultiplyAdd(row, yi, normal, normal);
            }

            return;
        }

        double[] scratch = Interlocked.Exchange(ref _adjointScratch, null) ?? new double[(long)blocks * Columns];
        fixed (double* pa = _data, px = x, py = y, pn = normal, pd = scratch)
        fixed (int* bs = _adjointStarts)
        {
            var st = new AdjointState { A = pa, X = px, Y = py, D = pd, BlockStarts = bs, Columns = Columns, Blocks = blocks };
            ParallelBlocks.Shared.Run(&FusedBlock, &st, blocks);
            st.Y = pn;
            int chunks = (Columns + ReduceChunk - 1) / ReduceChunk;
            ParallelBlocks.Shared.Run(&ReduceBlock, &st, chunks);
        }

        _adjointScratch = scratch;
    }

    /// <summary>
    /// One row block of <see cref="ApplyWithNormal"/>: X is the input x, Y receives A·x, D the block's AᵀA·x part. Rows
    /// with y_i ≠ 0 are added to D four at a time (one pass over D per four rows, while the rows are still in cache), in
    /// row order and with the unfused multiply-then-add of ApplyAdjoint's MultiplyAdd, so the sum equals ApplyAdjoint's.
    /// </summary>
    private static void FusedBlock(void* state, int block)
    {
        var st = (AdjointState*)state;
        int n = st->Columns;
        var x = new ReadOnlySpan<double>(st->X, n);
        double* d = st->D + (long)block * n;
        new Span<double>(d, n).Clear();
        double* r0 = null, r1 = null, r2 = null;
        double c0 = 0, c1 = 0, c2 = 0;
        int pending = 0;
        for (int i = st->BlockStarts[block]; i < st->BlockStarts[block + 1]; i++)
        {
            double* row = st->A + (long)i * n;
            double yi = TensorPrimitives.Dot(new ReadOnlySpan<double>(row, n), x);
            st->Y[i] = yi;
            if (yi == 0) continue;
            switch (pending)
            {
                case 0:
                    r0 = row;
                    c0 = yi;
                    pending = 1;
                    break;
                case 1:
                    r1 = row;
                    c1 = yi;
                    pending = 2;
                    break;
                case 2:
                    r2 = row;
                    c2 = yi;
                    pending = 3;
                    break;
                default:
                    AddFourRows(d, n, r0, c0, r1, c1, r2, c2, row, yi);
                    pending = 0;
                    break;
            }
        }

        var dSpan = new Span<double>(d, n);
        if (pending > 0) TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(r0, n), c0, dSpan, dSpan);
        if (pending > 1) TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(r1, n), c1, dSpan, dSpan);
        if (pending > 2) TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(r2, n), c2, dSpan, dSpan);
    }

    /// <summary>d_j ← (((d_j + r0_j·c0) + r1_j·c1) + r2_j·c2) + r3_j·c3, each product rounded before its addition.</summary>
    private static void AddFourRows(double* d, int n, double* r0, double c0, double* r1, double c1, double* r2, double c2,
        double* r3, double c3)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> v0 = Vector256.Create(c0), v1 = Vector256.Create(c1), v2 = Vector256.Create(c2), v3 = Vector256.Create(c3);
            for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                Vector256<double> acc = Vector256.Load(d + j);
                acc += Vector256.Load(r0 + j) * v0;
                acc += Vector256.Load(r1 + j) * v1;
                acc += Vector256.Load(r2 + j) * v2;
                acc += Vector256.Load(r3 + j) * v3;
                acc.Store(d + j);
            }
        }

        for (; j < n; j++)
        {
            double acc = d[j];
            acc += r0[j] * c0;
            acc += r1[j] * c1;
            acc += r2[j] * c2;
            acc += r3[j] * c3;
            d[j] = acc;
        }
    }

    /// <summary>Columns per task of the block-order reduction (the order over blocks is the same for every chunking).</summary>
    private const int ReduceChunk = 2048;

    /// <summary>The fixed number of row blocks of <see cref="ApplyAdjoint"/>: a function of the shape only.</summary>
    private static int AdjointBlockCount(int rows, long entries) =>
        entries >= ParallelThreshold ? Math.Clamp(rows / 32, 1, 64) : 1;

    private static void AdjointBlock(void* state, int block)
    {
        var st = (AdjointState*)state;
        int n = st->Columns;
        var d = new Span<double>(st->D + (long)block * n, n);
        d.Clear();
        for (int i = st->BlockStarts[block]; i < st->BlockStarts[block + 1]; i++)
        {
            double xi = st->X[i];
            if (xi != 0) TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(st->A + (long)i * n, n), xi, d, d);
        }
    }

    private static void ReduceBlock(void* state, int chunk)
    {
        var st = (AdjointState*)state;
        int n = st->Columns;
        int from = chunk * ReduceChunk, length = Math.Min(ReduceChunk, n - from);
        var y = new Span<double>(st->Y + from, length);
        new ReadOnlySpan<double>(st->D + from, length).CopyTo(y);
        for (int b = 1; b < st->Blocks; b++)
            TensorPrimitives.Add(y, new ReadOnlySpan<double>(st->D + (long)b * n + from, length), y);
    }

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        int m = Math.Min(Rows, Columns);
        if (diagonal.Length != m) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {m}.", nameof(diagonal));
        for (int i = 0; i < m; i++) diagonal[i] = _data[(long)i * Columns + i];
    }

    /// <inheritdoc />
    /// <remarks>Zero entries are left out.</remarks>
    public CsrMatrix ToCsr() => CsrMatrix.FromDense(ToArray(), Properties);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"DenseOperator {Rows}×{Columns}");
}
