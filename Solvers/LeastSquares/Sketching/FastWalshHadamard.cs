using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Solvers.LeastSquares.Sketching;

/// <summary>
/// The unnormalised fast Walsh–Hadamard transform y ← H₂^{⊗k}·y, in place and without allocation
/// (spec sketched-regression §2.2, §3.7).
/// </summary>
/// <remarks>
/// Pass h (h = 1, 2, 4, …, N/2) replaces (y_i, y_{i+h}) by (y_i + y_{i+h}, y_i − y_{i+h}) for every i with ⌊i/h⌋ even.
/// Every element sees the same additions in the same pass order in every variant (vector, row-major panel, cache-blocked
/// panel), because a pass is elementwise independent and passes only reorder work inside a pass. The variants therefore
/// agree bitwise, and a panel column equals the transform of that column alone.
/// </remarks>
public static class FastWalshHadamard
{
    /// <summary>Bytes of a row block that the cache-blocked panel transform keeps in L2 for its first passes.</summary>
    public const int CacheBlockBytes = 256 * 1024;

    /// <summary>Transforms a vector whose length is a power of two (0 and 1 are no-ops).</summary>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public static void Transform(Span<double> y)
    {
        if (y.Length <= 1) return;
        if (!BitOperations.IsPow2(y.Length))
            throw new ArgumentException($"The FWHT needs a power-of-two length; got {y.Length}.", nameof(y));
        for (int h = 1; h < y.Length; h <<= 1)
            Pass(y, h);
    }

    /// <summary>
    /// Transforms each column of the row-major <paramref name="rows"/>×<paramref name="width"/> panel (row i at
    /// [i·width, (i+1)·width)), cache-blocked: the passes h &lt; B run inside row blocks of B rows that fit in
    /// <see cref="CacheBlockBytes"/>, the rest across blocks.
    /// </summary>
    /// <exception cref="ArgumentException">rows is not a power of two, width &lt; 1, or the panel is too short.</exception>
    public static void TransformRows(Span<double> panel, int rows, int width) =>
        TransformRows(panel, rows, width, BlockRows(rows, width));

    /// <summary>
    /// <see cref="TransformRows(Span{double}, int, int)"/> with an explicit row block of <paramref name="blockRows"/>
    /// rows (a power of two; <paramref name="blockRows"/> = <paramref name="rows"/> is the unblocked transform).
    /// The result does not depend on <paramref name="blockRows"/>, bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes are not powers of two, blockRows &gt; rows, width &lt; 1, or the panel is too short.</exception>
    public static void TransformRows(Span<double> panel, int rows, int width, int blockRows)
    {
        if (rows < 1 || !BitOperations.IsPow2(rows))
            throw new ArgumentException($"The FWHT needs a power-of-two row count; got {rows}.", nameof(rows));
        if (width < 1)
            throw new ArgumentException($"The panel width must be ≥ 1; got {width}.", nameof(width));
        if (blockRows < 1 || !BitOperations.IsPow2(blockRows) || blockRows > rows)
            throw new ArgumentException($"The row block must be a power of two in [1, {rows}]; got {blockRows}.", nameof(blockRows));
        if ((long)rows * width > panel.Length)
            throw new ArgumentException($"The panel holds {panel.Length} values; {rows}×{width} needed.", nameof(panel));
        // Rows i..i+h−1 and i+h..i+2h−1 are contiguous, so a pass on the panel is a pass of the flat array with
        // stride h·width: the same butterflies on the same elements as the whole-column transform.
        int blockLength = blockRows * width;
        for (int start = 0; start < rows * width; start += blockLength)
        {
            var block = panel.Slice(start, blockLength);
            for (int h = 1; h < blockRows; h <<= 1)
                Pass(block, h * width);
        }
        var all = panel[..(rows * width)];
        for (int h = blockRows; h < rows; h <<= 1)
            Pass(all, h * width);
    }

    /// <summary>The cache block (rows, a power of two ≤ rows) used by <see cref="TransformRows(Span{double}, int, int)"/>.</summary>
    public static int BlockRows(int rows, int width)
    {
        int fit = Math.Max(1, CacheBlockBytes / (8 * Math.Max(1, width)));
        int b = 1 << (31 - BitOperations.LeadingZeroCount((uint)fit));
        return Math.Max(1, Math.Min(b, rows));
    }

    /// <summary>One pass with distance <paramref name="h"/> (in elements) over a flat array of length a multiple of 2h.</summary>
    private static void Pass(Span<double> y, int h)
    {
        int twoH = 2 * h;
        if (h == 1)
        {
            for (int i = 0; i + 1 < y.Length; i += 2)
            {
                double a = y[i], c = y[i + 1];
                y[i] = a + c;
                y[i + 1] = a - c;
            }
            return;
        }
        for (int s = 0; s < y.Length; s += twoH)
            Butterfly(y.Slice(s, h), y.Slice(s + h, h));
    }

    /// <summary>(x, y) ← (x + y, x − y) elementwise, in place (SIMD where it fits, scalar tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(Span<double> x, Span<double> y)
    {
        int n = x.Length;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int j = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            for (; j <= n - Vector<double>.Count; j += Vector<double>.Count)
            {
                var a = Vector.LoadUnsafe(ref rx, (nuint)j);
                var c = Vector.LoadUnsafe(ref ry, (nuint)j);
                (a + c).StoreUnsafe(ref rx, (nuint)j);
                (a - c).StoreUnsafe(ref ry, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            double a = Unsafe.Add(ref rx, j), c = Unsafe.Add(ref ry, j);
            Unsafe.Add(ref rx, j) = a + c;
            Unsafe.Add(ref ry, j) = a - c;
        }
    }
}
