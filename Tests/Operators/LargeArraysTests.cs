using NUnit.Framework;
using Solvers.Operators;

namespace Solvers.Tests.Operators;

/// <summary>
/// <see cref="LargeArrays"/>: whatever the operating system does with the advice, an allocation is a zeroed array of the
/// requested length. Exact comparisons throughout (tolerance 0).
/// </summary>
public class LargeArraysTests
{
    [TestCase(0L)]
    [TestCase(1L)]
    [TestCase(1000L)]
    public void SmallAllocation_IsAnOrdinaryZeroedArray(long length)
    {
        var a = LargeArrays.Allocate(length);
        Assert.That(a, Has.Length.EqualTo(length));
        Assert.That(a.All(v => v == 0), Is.True, "exact zeros");
        Assert.That(LargeArrays.AdviseHugePages(a), Is.False, "below the threshold nothing is advised");
    }

    [Test]
    public void LargeAllocation_IsZeroedEvenWhereTheGcReusesDirtyMemory()
    {
        // 5 MiB doubles = 40 MB, above the threshold. Dirty a block of the same size first and let the GC reclaim it, so the
        // next allocation may reuse touched pages: the discarded interior and the hand-zeroed ends must all read 0.
        const long length = 5L << 20;
        for (int round = 0; round < 3; round++)
        {
            var dirty = new double[length];
            Array.Fill(dirty, double.NaN);
            GC.KeepAlive(dirty);
            dirty = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var a = LargeArrays.Allocate(length);
            Assert.That(a, Has.Length.EqualTo(length));
            int nonZero = Array.FindIndex(a, v => BitConverter.DoubleToInt64Bits(v) != 0);
            Assert.That(nonZero, Is.EqualTo(-1), $"round {round}: every entry is +0.0");
            a[0] = 1;
            a[^1] = 2;
            a[length / 2] = 3;
            Assert.That(a[0] + a[^1] + a[length / 2], Is.EqualTo(6), "writable at both ends and in the middle");
        }
    }

    [TestCase(0L)]
    [TestCase(7L)]
    [TestCase(5L << 20)]
    public unsafe void AlignedAllocation_IsZeroedAndStartsOnACacheLine(long length)
    {
        for (int round = 0; round < 2; round++)
        {
            var dirty = new double[Math.Max(length, 1)];
            Array.Fill(dirty, double.NaN);
            GC.KeepAlive(dirty);
            dirty = null;
            GC.Collect();
            var memory = LargeArrays.AllocateAligned(length);
            Assert.That(memory.Length, Is.EqualTo(length));
            using var pin = memory.Pin();
            if (length > 0) Assert.That((long)pin.Pointer % 64, Is.Zero, "64-byte aligned (exact)");
            var span = memory.Span;
            int nonZero = span.IndexOfAnyExcept(0.0);
            Assert.That(nonZero, Is.EqualTo(-1), $"round {round}: every entry is +0.0");
            if (length > 0)
            {
                span[0] = 1;
                span[^1] = 2;
                Assert.That(span[0] + span[^1], Is.EqualTo(3), "writable at both ends");
            }
        }
    }

    [Test]
    public void DenseOperatorOverAlignedMemory_EqualsTheArrayOperatorBitwise()
    {
        // Tolerance: bitwise — the same row-major entries in an ordinary array and in aligned memory give the same Apply,
        // ApplyAdjoint, fused passes, diagonal and copies (the kernels' per-row sums do not depend on the alignment).
        const int m = 700, n = 96;
        var random = new Random(5);
        var data = new double[m * n];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextDouble() - 0.5;
        var aligned = LargeArrays.AllocateAligned(data.Length);
        data.CopyTo(aligned.Span);
        var plain = new DenseOperator(m, n, data);
        var fast = new DenseOperator(m, n, aligned);
        var x = new double[n];
        var b = new double[m];
        for (int i = 0; i < n; i++) x[i] = random.NextDouble();
        for (int i = 0; i < m; i++) b[i] = random.NextDouble();
        double[] Run(DenseOperator a, int what)
        {
            var y = new double[m];
            var z = new double[n];
            switch (what)
            {
                case 0: a.Apply(x, y); return y;
                case 1: a.ApplyAdjoint(b, z); return z;
                case 2: a.ApplyWithNormal(x, y, z); return [.. y, .. z];
                case 3: a.ResidualWithAdjoint(x, b, y, z); return [.. y, .. z];
                default:
                    var diagonal = new double[n];
                    a.CopyDiagonal(diagonal);
                    return diagonal;
            }
        }

        for (int what = 0; what < 5; what++) Assert.That(Run(fast, what), Is.EqualTo(Run(plain, what)), $"operation {what}");
        Assert.That(fast.Data.ToArray(), Is.EqualTo(data));
        Assert.That(fast.ToArray(), Is.EqualTo(plain.ToArray()));
        Assert.That(fast.Matrix.Equals(plain.Matrix), Is.True, "MathNet copy");
        Assert.Throws<ArgumentException>(() => _ = new DenseOperator(m, n + 1, aligned), "memory of the wrong length");
    }

    [Test]
    public void BadLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LargeArrays.Allocate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LargeArrays.Allocate((long)Array.MaxLength + 1));
        Assert.Throws<ArgumentNullException>(() => LargeArrays.AdviseHugePages(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => LargeArrays.AllocateAligned(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LargeArrays.AllocateAligned(Array.MaxLength));
    }
}
