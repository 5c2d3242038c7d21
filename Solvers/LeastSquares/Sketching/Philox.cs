using System.Runtime.CompilerServices;

namespace Solvers.LeastSquares.Sketching;

/// <summary>
/// Philox4×32-10 (Salmon et al., SC 2011, "Random123"): a counter-based generator, so every random quantity of a sketch
/// is a pure function of (seed, purpose, attempt, index) and any thread can generate any block in any order
/// (spec sketched-regression §3.6).
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>Ten rounds of Philox4×32 on counter (c0, c1, c2, c3) with key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1,
        out uint o0, out uint o1, out uint o2, out uint o3)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
            uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        o0 = c0;
        o1 = c1;
        o2 = c2;
        o3 = c3;
    }
}

/// <summary>Purposes of the sketch streams (spec §3.6), the fourth counter word.</summary>
public enum RandomPurpose : uint
{
    /// <summary>Row signs D.</summary>
    RowSigns = 1,
    /// <summary>Row sample P.</summary>
    RowSample = 2,
    /// <summary>Gaussian entries.</summary>
    GaussianEntries = 3,
    /// <summary>Sparse-sign and CountSketch positions and signs.</summary>
    SparsePositions = 4,
    /// <summary>The verification start vector.</summary>
    VerificationStart = 5,
    /// <summary>Test-problem generation.</summary>
    TestProblems = 6,
}

/// <summary>
/// One Philox stream: key = the 64-bit seed, counter = (index low 32 bits, index high 32 bits, attempt, purpose).
/// Each index yields four 32-bit words; the conversions below are those of spec §3.6.
/// </summary>
/// <param name="Seed">The 64-bit seed (the key).</param>
/// <param name="Purpose">The purpose word.</param>
/// <param name="Attempt">The attempt word (a re-sketch increments it).</param>
public readonly record struct PhiloxStream(ulong Seed, RandomPurpose Purpose, uint Attempt)
{
    /// <summary>The four words at a counter index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Words(ulong index, out uint w0, out uint w1, out uint w2, out uint w3) =>
        Philox.Generate((uint)index, (uint)(index >> 32), Attempt, (uint)Purpose, (uint)Seed, (uint)(Seed >> 32),
            out w0, out w1, out w2, out w3);

    /// <summary>The two 64-bit draws at an index: (w1:w0) and (w3:w2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bits64(ulong index, out ulong first, out ulong second)
    {
        Words(index, out uint w0, out uint w1, out uint w2, out uint w3);
        first = ((ulong)w1 << 32) | w0;
        second = ((ulong)w3 << 32) | w2;
    }

    /// <summary>Two uniforms in (0, 1) at an index: (w + 0.5)·2⁻⁵³ from the top 53 bits of each 64-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Uniform2(ulong index, out double u1, out double u2)
    {
        Bits64(index, out ulong a, out ulong b);
        u1 = ((a >> 11) + 0.5) * (1.0 / (1UL << 53));
        u2 = ((b >> 11) + 0.5) * (1.0 / (1UL << 53));
    }

    /// <summary>Two standard normals at an index (Box–Muller on <see cref="Uniform2"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Normal2(ulong index, out double z1, out double z2)
    {
        Uniform2(index, out double u1, out double u2);
        double radius = Math.Sqrt(-2 * Math.Log(u1));
        (double s, double c) = Math.SinCos(2 * Math.PI * u2);
        z1 = radius * c;
        z2 = radius * s;
    }

    /// <summary>The standard normal number <paramref name="entry"/> of the stream (two per counter: entry / 2, parity picks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Normal(ulong entry)
    {
        Normal2(entry >> 1, out double z1, out double z2);
        return (entry & 1) == 0 ? z1 : z2;
    }

    /// <summary>An integer in [0, k) from a 64-bit draw w: ⌊w·k/2⁶⁴⌋ (bias ≤ k/2⁶⁴).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Below(ulong w, int k) => (int)Math.BigMul(w, (ulong)k, out _);

    /// <summary>A fair sign (±1) from the lowest bit of a word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sign(uint word) => (word & 1) == 0 ? 1.0 : -1.0;
}
