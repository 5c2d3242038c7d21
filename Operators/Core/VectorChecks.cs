using System.Globalization;

namespace Solvers;

/// <summary>Argument checks shared by the solvers (REL §10.4).</summary>
public static class VectorChecks
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first non-finite index of <paramref name="v"/>.</summary>
    public static void RequireFinite(ReadOnlySpan<double> v, string paramName)
    {
        int i = FirstNonFinite(v);
        if (i >= 0)
            throw new ArgumentException(
                $"{paramName}[{i}] is {v[i].ToString(CultureInfo.InvariantCulture)}; every entry must be finite.", paramName);
    }

    /// <summary>Index of the first NaN or ±∞, or −1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<double> v)
    {
        // Fast path: x − x is 0 for finite x and NaN otherwise, so a sum of the differences exposes any bad entry.
        double acc = 0;
        for (int i = 0; i < v.Length; i++) acc += v[i] - v[i];
        if (acc == 0) return -1;
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) return i;
        return -1;
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void RequireLength(int actual, int expected, string paramName, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"{paramName} has length {actual}, but {what} needs {expected}.", paramName);
    }
}
