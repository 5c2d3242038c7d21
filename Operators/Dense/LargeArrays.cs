using System.Runtime.InteropServices;

namespace Solvers.Operators;

/// <summary>
/// Allocation of large dense arrays backed, where the operating system allows, by transparent huge pages (2 MiB).
/// </summary>
/// <remarks>
/// A matrix that is streamed from memory pass after pass (LSQR over a 400 MB dense A, the sketch, the fused normal pass)
/// spends a measurable part of each pass on TLB misses with 4 KiB pages, more so under a hypervisor, where every miss
/// walks two page tables. On Linux with transparent huge pages in <c>madvise</c> mode (Debian's default) a range is only
/// backed by huge pages if it is advised with <c>MADV_HUGEPAGE</c> before its pages are first touched; a fresh large array
/// from the GC may reuse memory that is already backed by small pages, so <see cref="Allocate"/> advises the whole 2 MiB pages
/// inside the array and then discards them (<c>MADV_DONTNEED</c>: the next touch sees fresh zero pages, now huge ones). Measured on the 2-core development VM: a
/// read pass over 400 MB took 11.6–12.3 ms instead of 14.1–14.8 ms. Elsewhere (Windows, macOS, THP disabled, a range the GC
/// reused and already touched) the advice is a no-op and the array is an ordinary one. Set the environment variable
/// <c>SOLVERS_HUGE_PAGES=0</c> to turn the advice off.
/// <para><see cref="AllocateAligned"/> also starts the memory on a 64-byte cache-line boundary. A .NET array's data is only
/// 8-byte aligned, so with 1000 columns every 512-bit load of a row straddles two cache lines; measured at 50 000×1000 on the
/// development VM, the sparse-sign sketch took 150–160 ms on such an array and 60–65 ms on an aligned copy, and the fused
/// normal pass 7–15% longer.</para>
/// </remarks>
public static partial class LargeArrays
{
    /// <summary>Arrays of at least this many bytes are advised; smaller ones gain nothing from 2 MiB pages.</summary>
    public const long ThresholdBytes = 8L << 20;

    private const int MadviseHugePage = 14; // MADV_HUGEPAGE (Linux)
    private const int MadviseDontNeed = 4;  // MADV_DONTNEED (Linux)
    private const long HugePageBytes = 2L << 20;
    private const int CacheLineBytes = 64;
    private const int AlignmentDoubles = CacheLineBytes / sizeof(double);

    private static readonly bool Enabled =
        OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("SOLVERS_HUGE_PAGES") is not "0";

    /// <summary>A zeroed array of <paramref name="length"/> doubles, advised for huge pages when it is large.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative length, or one beyond the largest .NET array.</exception>
    public static unsafe double[] Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength);
        long bytes = length * sizeof(double);
        if (!Enabled || bytes < ThresholdBytes) return new double[length];
        var array = GC.AllocateUninitializedArray<double>((int)length);
        fixed (double* p = array)
        {
            var (start, end) = Interior(p, bytes);
            // Zero the partial pages at both ends by hand; the interior is zeroed by discarding it (a private anonymous
            // mapping reads back as zeros after MADV_DONTNEED), or by hand if the kernel refuses.
            new Span<byte>(p, (int)Math.Min(bytes, start - (long)p)).Clear();
            long tail = (long)p + bytes - Math.Max(end, start);
            if (end > start) new Span<byte>((byte*)end, (int)tail).Clear();
            if (end > start && !(TryMadvise(start, end - start, MadviseHugePage) && TryMadvise(start, end - start, MadviseDontNeed)))
                new Span<double>((double*)start, (int)((end - start) / sizeof(double))).Clear();
        }

        return array;
    }

    /// <summary>
    /// <paramref name="length"/> zeroed doubles starting on a 64-byte boundary, advised for huge pages when large: a slice of a
    /// pinned array (pinned, so the alignment holds for the array's lifetime; the slice keeps the array alive).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative length, or one beyond the largest .NET array less 8.</exception>
    public static unsafe Memory<double> AllocateAligned(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength - AlignmentDoubles);
        var array = GC.AllocateUninitializedArray<double>((int)length + AlignmentDoubles, pinned: true);
        int offset;
        fixed (double* p = array)
            offset = (int)((CacheLineBytes - (long)p % CacheLineBytes) % CacheLineBytes / sizeof(double));
        fixed (double* p = array)
        {
            long bytes = (long)array.Length * sizeof(double);
            var (start, end) = Enabled && bytes >= ThresholdBytes ? Interior(p, bytes) : (0L, 0L);
            if (end > start)
            {
                new Span<byte>(p, (int)(start - (long)p)).Clear();
                new Span<byte>((byte*)end, (int)((long)p + bytes - end)).Clear();
                if (!(TryMadvise(start, end - start, MadviseHugePage) && TryMadvise(start, end - start, MadviseDontNeed)))
                    new Span<double>((double*)start, (int)((end - start) / sizeof(double))).Clear();
            }
            else
            {
                array.AsSpan().Clear();
            }
        }

        return new Memory<double>(array, offset, (int)length);
    }

    /// <summary>
    /// Advises the whole 2 MiB pages inside <paramref name="array"/> for huge pages (best effort; pages already touched keep
    /// their size until the kernel collapses them). Returns whether the advice was given.
    /// </summary>
    public static unsafe bool AdviseHugePages(double[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        long bytes = (long)array.Length * sizeof(double);
        if (!Enabled || bytes < ThresholdBytes) return false;
        fixed (double* p = array)
        {
            // The GC does not move an array of this size (large object heap); the advice concerns the mapping, not the
            // object, so it stays valid after the pin ends.
            var (start, end) = Interior(p, bytes);
            return end > start && TryMadvise(start, end - start, MadviseHugePage);
        }
    }

    /// <summary>The whole 2 MiB pages inside [p, p + bytes): start and end addresses (end ≤ start when there are none).</summary>
    private static unsafe (long Start, long End) Interior(double* p, long bytes)
    {
        long start = ((long)p + HugePageBytes - 1) & ~(HugePageBytes - 1);
        long end = ((long)p + bytes) & ~(HugePageBytes - 1);
        return (start, end);
    }

    private static bool TryMadvise(long start, long length, int advice)
    {
        try
        {
            return Madvise((nint)start, (nuint)length, advice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
