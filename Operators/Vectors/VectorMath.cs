using System.Numerics.Tensors;

namespace Solvers.Operators;

/// <summary>
/// Span-in/span-out BLAS-1 kernels on <see cref="TensorPrimitives"/> (SIMD). None allocates. Reductions are
/// deterministic for a given length: the same inputs give bit-identical results on every call.
/// </summary>
public static class VectorMath
{
    /// <summary>xᵀy.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => TensorPrimitives.Dot(x, y);

    /// <summary>‖x‖₂, computed without overflow or underflow for extreme entries.</summary>
    public static double Norm2(ReadOnlySpan<double> x)
    {
        double s = TensorPrimitives.Dot(x, x);
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
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.MultiplyAdd(x, alpha, y, y);

    /// <summary>y ← x + βy.</summary>
    public static void Xpby(ReadOnlySpan<double> x, double beta, Span<double> y) => TensorPrimitives.MultiplyAdd(y, beta, x, y);

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
