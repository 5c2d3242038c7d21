using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Solvers.Operators;

/// <summary>
/// Dot products of dense rows with one vector, one row or eight rows at a time, and the row updates of the fused normal
/// pass (span-in/span-out style on raw pointers).
/// </summary>
/// <remarks>
/// Every row's dot product is evaluated by the same canonical sequence whether it is computed alone or in a group of
/// eight: two vector accumulators fed by fused multiply–adds over alternate vectors, an odd trailing vector into the first,
/// the two added and reduced, then the scalar tail by fused multiply–adds. A row's result is therefore bit-identical
/// whatever row grouping a caller uses (block ends leave single rows). Eight rows at once load each vector of x once for
/// eight rows and keep sixteen independent accumulation chains in flight.
/// </remarks>
internal static unsafe class RowDotKernel
{
    /// <summary>a·x for one row a of length n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(double* a, double* x, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count)
        {
            const int W = 8;
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            int j = 0;
            for (; j <= n - 2 * W; j += 2 * W)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(x + j), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + W), Vector512.Load(x + j + W), s1);
            }
            if (j <= n - W)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(x + j), s0);
                j += W;
            }
            return Tail(a, x, j, n, Vector512.Sum(s0 + s1));
        }
        if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count)
        {
            const int W = 4;
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            int j = 0;
            for (; j <= n - 2 * W; j += 2 * W)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + j), Vector256.Load(x + j), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + j + W), Vector256.Load(x + j + W), s1);
            }
            if (j <= n - W)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + j), Vector256.Load(x + j), s0);
                j += W;
            }
            return Tail(a, x, j, n, Vector256.Sum(s0 + s1));
        }
        return Tail(a, x, 0, n, 0);
    }

    /// <summary>
    /// The dot products of the eight consecutive rows a, a + n, …, a + 7n with x (each by the canonical sequence, so each
    /// equals <see cref="Dot"/> of that row). Sixteen accumulators, x loaded once for eight rows: fewer loads per element
    /// than one row at a time, which matters when the rows are also re-read for an update (the fused normal pass).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot8(double* a, double* x, int n, double* y)
    {
        if (!Vector512.IsHardwareAccelerated || n < Vector512<double>.Count)
        {
            for (int r = 0; r < 8; r++) y[r] = Dot(a + (long)r * n, x, n);
            return;
        }

        const int W = 8;
        double* a1 = a + n, a2 = a1 + n, a3 = a2 + n, a4 = a3 + n, a5 = a4 + n, a6 = a5 + n, a7 = a6 + n;
        Vector512<double> p0 = default, q0 = default, p1 = default, q1 = default, p2 = default, q2 = default, p3 = default, q3 = default;
        Vector512<double> p4 = default, q4 = default, p5 = default, q5 = default, p6 = default, q6 = default, p7 = default, q7 = default;
        int j = 0;
        for (; j <= n - 2 * W; j += 2 * W)
        {
            Vector512<double> xa = Vector512.Load(x + j), xb = Vector512.Load(x + j + W);
            p0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), xa, p0);
            q0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + W), xb, q0);
            p1 = Vector512.FusedMultiplyAdd(Vector512.Load(a1 + j), xa, p1);
            q1 = Vector512.FusedMultiplyAdd(Vector512.Load(a1 + j + W), xb, q1);
            p2 = Vector512.FusedMultiplyAdd(Vector512.Load(a2 + j), xa, p2);
            q2 = Vector512.FusedMultiplyAdd(Vector512.Load(a2 + j + W), xb, q2);
            p3 = Vector512.FusedMultiplyAdd(Vector512.Load(a3 + j), xa, p3);
            q3 = Vector512.FusedMultiplyAdd(Vector512.Load(a3 + j + W), xb, q3);
            p4 = Vector512.FusedMultiplyAdd(Vector512.Load(a4 + j), xa, p4);
            q4 = Vector512.FusedMultiplyAdd(Vector512.Load(a4 + j + W), xb, q4);
            p5 = Vector512.FusedMultiplyAdd(Vector512.Load(a5 + j), xa, p5);
            q5 = Vector512.FusedMultiplyAdd(Vector512.Load(a5 + j + W), xb, q5);
            p6 = Vector512.FusedMultiplyAdd(Vector512.Load(a6 + j), xa, p6);
            q6 = Vector512.FusedMultiplyAdd(Vector512.Load(a6 + j + W), xb, q6);
            p7 = Vector512.FusedMultiplyAdd(Vector512.Load(a7 + j), xa, p7);
            q7 = Vector512.FusedMultiplyAdd(Vector512.Load(a7 + j + W), xb, q7);
        }
        if (j <= n - W)
        {
            Vector512<double> xa = Vector512.Load(x + j);
            p0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), xa, p0);
            p1 = Vector512.FusedMultiplyAdd(Vector512.Load(a1 + j), xa, p1);
            p2 = Vector512.FusedMultiplyAdd(Vector512.Load(a2 + j), xa, p2);
            p3 = Vector512.FusedMultiplyAdd(Vector512.Load(a3 + j), xa, p3);
            p4 = Vector512.FusedMultiplyAdd(Vector512.Load(a4 + j), xa, p4);
            p5 = Vector512.FusedMultiplyAdd(Vector512.Load(a5 + j), xa, p5);
            p6 = Vector512.FusedMultiplyAdd(Vector512.Load(a6 + j), xa, p6);
            p7 = Vector512.FusedMultiplyAdd(Vector512.Load(a7 + j), xa, p7);
            j += W;
        }
        y[0] = Tail(a, x, j, n, Vector512.Sum(p0 + q0));
        y[1] = Tail(a1, x, j, n, Vector512.Sum(p1 + q1));
        y[2] = Tail(a2, x, j, n, Vector512.Sum(p2 + q2));
        y[3] = Tail(a3, x, j, n, Vector512.Sum(p3 + q3));
        y[4] = Tail(a4, x, j, n, Vector512.Sum(p4 + q4));
        y[5] = Tail(a5, x, j, n, Vector512.Sum(p5 + q5));
        y[6] = Tail(a6, x, j, n, Vector512.Sum(p6 + q6));
        y[7] = Tail(a7, x, j, n, Vector512.Sum(p7 + q7));
    }

    /// <summary>
    /// d ← d + c_0·r_0 + … + c_7·r_7 elementwise, by fused multiply–adds in that order, for the eight consecutive rows r_t = a +
    /// t·n (the same sums as eight <see cref="AddOne"/> calls, with one load and store of d instead of eight).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddEight(double* d, int n, double* a, double* c)
    {
        int j = 0;
        double* a1 = a + n, a2 = a1 + n, a3 = a2 + n, a4 = a3 + n, a5 = a4 + n, a6 = a5 + n, a7 = a6 + n;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> v0 = Vector512.Create(c[0]), v1 = Vector512.Create(c[1]), v2 = Vector512.Create(c[2]), v3 = Vector512.Create(c[3]);
            Vector512<double> v4 = Vector512.Create(c[4]), v5 = Vector512.Create(c[5]), v6 = Vector512.Create(c[6]), v7 = Vector512.Create(c[7]);
            for (; j <= n - Vector512<double>.Count; j += Vector512<double>.Count)
            {
                Vector512<double> acc = Vector512.Load(d + j);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), v0, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a1 + j), v1, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a2 + j), v2, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a3 + j), v3, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a4 + j), v4, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a5 + j), v5, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a6 + j), v6, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a7 + j), v7, acc);
                acc.Store(d + j);
            }
        }
        else
        {
            // Row by row: the same fused multiply–adds per element in the same order (a store between them changes nothing).
            for (int r = 0; r < 8; r++) AddOne(d, n, a + (long)r * n, c[r]);
            return;
        }

        for (; j < n; j++)
        {
            double acc = d[j];
            acc = Math.FusedMultiplyAdd(a[j], c[0], acc);
            acc = Math.FusedMultiplyAdd(a1[j], c[1], acc);
            acc = Math.FusedMultiplyAdd(a2[j], c[2], acc);
            acc = Math.FusedMultiplyAdd(a3[j], c[3], acc);
            acc = Math.FusedMultiplyAdd(a4[j], c[4], acc);
            acc = Math.FusedMultiplyAdd(a5[j], c[5], acc);
            acc = Math.FusedMultiplyAdd(a6[j], c[6], acc);
            acc = Math.FusedMultiplyAdd(a7[j], c[7], acc);
            d[j] = acc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Tail(double* a, double* x, int j, int n, double sum)
    {
        for (; j < n; j++) sum = Math.FusedMultiplyAdd(a[j], x[j], sum);
        return sum;
    }

    /// <summary>d ← d + c·r elementwise by fused multiply–adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddOne(double* d, int n, double* r, double c)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> v = Vector512.Create(c);
            for (; j <= n - Vector512<double>.Count; j += Vector512<double>.Count)
                Vector512.FusedMultiplyAdd(Vector512.Load(r + j), v, Vector512.Load(d + j)).Store(d + j);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> v = Vector256.Create(c);
            for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
                Vector256.FusedMultiplyAdd(Vector256.Load(r + j), v, Vector256.Load(d + j)).Store(d + j);
        }
        for (; j < n; j++) d[j] = Math.FusedMultiplyAdd(r[j], c, d[j]);
    }
}
