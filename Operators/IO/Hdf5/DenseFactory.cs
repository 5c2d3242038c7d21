using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>Builds and decomposes the in-memory operator of <c>dense</c> storage (PS §4.5).</summary>
internal static class DenseFactory
{
    /// <summary>
    /// A dense operator over row-major data: small arrays are used as is; from <see cref="LargeArrays.ThresholdBytes"/> up the
    /// data is copied once into 64-byte-aligned memory on huge pages (<see cref="LargeArrays.AllocateAligned"/>), which the
    /// streaming kernels read markedly faster; the read buffer is then garbage.
    /// </summary>
    public static DenseOperator Create(int rows, int cols, double[] rowMajor)
    {
        if ((long)rowMajor.Length * sizeof(double) < LargeArrays.ThresholdBytes) return new(rows, cols, rowMajor);
        var aligned = LargeArrays.AllocateAligned(rowMajor.Length);
        rowMajor.CopyTo(aligned.Span);
        return new(rows, cols, aligned);
    }

    /// <summary>A dense operator from a two-dimensional row-major array.</summary>
    public static DenseOperator Create(double[,] rowMajor) => new(rowMajor);

    /// <summary>The row-major entries of a dense-storable operator, or null.</summary>
    public static double[]? RowMajor(ILinearOperator op) => op switch
    {
        DenseOperator d => d.Data.ToArray(),
        IConvertibleToCsr c => Flatten(c.ToCsr().ToDense()),
        _ => null,
    };

    /// <summary>True when the dense operator equals its transpose to <paramref name="relativeTolerance"/> × max |a_ij|.</summary>
    public static bool IsSymmetric(DenseOperator d, double relativeTolerance)
    {
        if (d.Rows != d.Columns) return false;
        var a = d.Data;
        int n = d.Rows;
        double scale = 0;
        foreach (double v in a) scale = Math.Max(scale, Math.Abs(v));
        double tol = relativeTolerance * scale;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (!(Math.Abs(a[i * n + j] - a[j * n + i]) <= tol)) return false;
        return true;
    }

    private static double[] Flatten(double[,] m)
    {
        var flat = new double[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(double));
        return flat;
    }
}
