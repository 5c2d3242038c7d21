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

    [Test]
    public void BadLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LargeArrays.Allocate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LargeArrays.Allocate((long)Array.MaxLength + 1));
        Assert.Throws<ArgumentNullException>(() => LargeArrays.AdviseHugePages(null!));
    }
}
