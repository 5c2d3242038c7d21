using System.Numerics.Tensors;
using Solvers.Operators.Parallel;

namespace Solvers.Operators;

/// <summary>
/// Span-in/span-out BLAS-1 kernels on <see cref="TensorPrimitives"/> (SIMD). None allocates. Reductions are
/// deterministic for a given length: the same inputs give bit-identical results on every call, whatever the number
/// of threads. Long vectors (≥ <see cref="ParallelThreshold"/>) are split into blocks whose size depends only on the
/// length; the blocks run on <see cref="ParallelBlocks.Shared"/> and partial sums are added in block order.
/// </summary>
public static unsafe class VectorMath
{
    /// <summary>Vectors at least this long are processed in parallel blocks.</summary>
    public const int ParallelThreshold = 1 << 16;

    private const int MaxBlocks = 256;

    private struct BlockState
    {
        public double* X;
        public double* Y;
        public double* Out;
        public double Scalar;
        public int Length;
        public int BlockSize;
    }

    private static int BlockSize(int n) => Math.Max(1 << 15, (n + MaxBlocks - 1) / MaxBlocks);

    private static (int Start, int Length) Range(BlockState* s, int block)
    {
        int start = block * s->BlockSize;
        return (start, Math.Min(s->BlockSize, s->Length - start));
    }

    /// <summary>xᵀy.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (n < ParallelThreshold || y.Length != n) return TensorPrimitives.Dot(x, y);
        int bs = BlockSize(n);
        int blocks = (n + bs - 1) / bs;
        double* partial = stackalloc double[blocks];
        fixed (double* px = x, py = y)
        {
            var st = new BlockState { X = px, Y = py, Out = partial, Length = n, BlockSize = bs };
            ParallelBlocks.Shared.Run(&DotBlock, &st, blocks);
        }

        double sum = 0;
        for (int b = 0; b < blocks; b++) sum += partial[b];
        return sum;
    }

    private static void DotBlock(void* state, int block)
    {
        var s = (BlockState*)state;
        var (start, len) = Range(s, block);
        s->Out[block] = TensorPrimitives.Dot(new ReadOnlySpan<double>(s->X + start, len), new ReadOnlySpan<double>(s->Y + start, len));
    }

    private static void AxpyBlock(void* state, int block)
    {
        var s = (BlockState*)state;
        var (start, len) = Range(s, block);
        var y = new Span<double>(s->Y + start, len);
        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(s->X + start, len), s->Scalar, y, y);
    }

    private static void XpbyBlock(void* state, int block)
    {
        var s = (BlockState*)state;
        var (start, len) = Range(s, block);
        var y = new Span<double>(s->Y + start, len);
        TensorPrimitives.MultiplyAdd(y, s->Scalar, new ReadOnlySpan<double>(s->X + start, len), y);
    }

    private static void RunElementwise(delegate*<void*, int, void> kernel, double scalar, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = y.Length;
        int bs = BlockSize(n);
        fixed (double* px = x, py = y)
        {
            var st = new BlockState { X = px, Y = py, Scalar = scalar, Length = n, BlockSize = bs };
            ParallelBlocks.Shared.Run(kernel, &st, (n + bs - 1) / bs);
        }
    }

    /// <summary>‖x‖₂, computed without overflow or underflow for extreme entries.</summary>
    public static double Norm2(ReadOnlySpan<double> x)
    {
        double s = Dot(x, x);
        if (s > 1e-280 && s < 1e280) return Math.Sqrt(s);
        if (double.IsNaN(s)) return s;
        // Rescale: the plain sum of squares over- or underflowed.
        double m = TensorPrimitives.MaxMagnitude(x);
        if (m == 0 || !double.IsFinite(m)) return m == 0 ? 0 : Math.Abs(m);
        double acc = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = x[i] / m;
            acc += t * t;
        }

        return m * Math.Sqrt(acc);
    }

    /// <summary>y ← y + αx.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        if (y.Length < ParallelThreshold || x.Length != y.Length) TensorPrimitives.MultiplyAdd(x, alpha, y, y);
        else RunElementwise(&AxpyBlock, alpha, x, y);
    }

    /// <summary>y ← x + βy.</summary>
    public static void Xpby(ReadOnlySpan<double> x, double beta, Span<double> y)
    {
        if (y.Length < ParallelThreshold || x.Length != y.Length) TensorPrimitives.MultiplyAdd(y, beta, x, y);
        else RunElementwise(&XpbyBlock, beta, x, y);
    }

    /// <summary>z ← x − y.</summary>
    public static void Subtract(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z) => TensorPrimitives.Subtract(x, y, z);

    /// <summary>z ← x + y.</summary>
    public static void Add(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z) => TensorPrimitives.Add(x, y, z);

    /// <summary>x ← αx.</summary>
    public static void Scale(double alpha, Span<double> x) => TensorPrimitives.Multiply(x, alpha, x);

    /// <summary>z ← x ⊙ y (elementwise).</summary>
    public static void Multiply(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z) => TensorPrimitives.Multiply(x, y, z);

    /// <summary>max |x_i|.</summary>
    public static double NormInf(ReadOnlySpan<double> x) => x.IsEmpty ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude(x));

    /// <summary>‖b − A x‖₂ using <paramref name="scratch"/> (length A.Rows) as workspace.</summary>
    public static double ResidualNorm(ILinearOperator a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> scratch)
    {
        a.Apply(x, scratch);
        TensorPrimitives.Subtract(b, scratch, scratch);
        return Norm2(scratch);
    }
}
