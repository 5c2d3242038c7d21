namespace Solvers.Sampling;

/// <summary>
/// The xoshiro256** generator (Blackman &amp; Vigna), seeded through SplitMix64: a project-owned PRNG whose stream never
/// changes with the runtime (unlike <c>System.Random</c>'s seeded algorithm), with the samplers the sequence
/// experiments need. A struct-free class so that it can be shared by reference; not thread-safe.
/// </summary>
public sealed class Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates a generator from a 64-bit seed (expanded by SplitMix64, so seed 0 is fine).</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        ulong z = seed;
        _s0 = SplitMix(ref z);
        _s1 = SplitMix(ref z);
        _s2 = SplitMix(ref z);
        _s3 = SplitMix(ref z);
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in (0, 1): never 0, for logarithms.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>A standard normal variate (Marsaglia's polar method; the second variate is kept for the next call).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }

        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>A Gamma(shape, 1) variate (Marsaglia–Tsang; for shape &lt; 1, Gamma(shape + 1)·U^{1/shape}).</summary>
    public double NextGamma(double shape)
    {
        if (!(shape > 0) || !double.IsFinite(shape)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "shape must be finite and > 0.");
        if (shape < 1) return NextGamma(shape + 1) * Math.Pow(NextOpenDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextNormal();
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = NextOpenDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>A Beta(a, b) variate as Γ_a / (Γ_a + Γ_b).</summary>
    public double NextBeta(double a, double b)
    {
        double x = NextGamma(a), y = NextGamma(b);
        return x / (x + y);
    }

    /// <summary>Fills <paramref name="v"/> with N(0, I) conditioned on ‖v‖₂ ≤ <paramref name="radius"/> (rejection).</summary>
    public void NextTruncatedGaussian(Span<double> v, double radius)
    {
        if (!(radius > 0)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be > 0.");
        double r2 = radius * radius;
        while (true)
        {
            double s = 0;
            for (int i = 0; i < v.Length; i++)
            {
                double g = NextNormal();
                v[i] = g;
                s += g * g;
            }

            if (s <= r2) return;
        }
    }

    /// <summary>An index drawn from the probabilities <paramref name="p"/> by inverse CDF with one uniform draw.</summary>
    public int NextIndex(ReadOnlySpan<double> p)
    {
        double u = NextDouble();
        double cumulative = 0;
        for (int i = 0; i < p.Length; i++)
        {
            cumulative += p[i];
            if (u < cumulative) return i;
        }

        // Round-off left u above the total: take the last arm with positive probability.
        for (int i = p.Length - 1; i >= 0; i--)
            if (p[i] > 0) return i;
        throw new ArgumentException("probabilities are all zero.", nameof(p));
    }
}
