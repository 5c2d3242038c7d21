namespace Solvers.LeastSquares.Sketching;

/// <summary>Uniform sampling of rows without replacement (SRHT's P and the uniform-rows sketch; spec §3.6).</summary>
public static class RowSampler
{
    /// <summary>
    /// <paramref name="count"/> distinct indices of [0, <paramref name="population"/>), sorted ascending, by Floyd's
    /// algorithm (O(count) memory) driven by the purpose-2 stream of (seed, attempt): draw j uses counter index j.
    /// </summary>
    public static int[] SampleWithoutReplacement(ulong seed, int attempt, int count, int population)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, population);
        var stream = new PhiloxStream(seed, RandomPurpose.RowSample, (uint)attempt);
        var chosen = new HashSet<int>(count);
        var result = new int[count];
        int k = 0;
        for (int j = population - count; j < population; j++)
        {
            stream.Bits64((ulong)j, out ulong w, out _);
            int t = PhiloxStream.Below(w, j + 1);
            int pick = chosen.Add(t) ? t : j;
            if (pick == j) chosen.Add(j);
            result[k++] = pick;
        }
        Array.Sort(result);
        return result;
    }
}
