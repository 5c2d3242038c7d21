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

    /// <summary>
    /// The entry checks of a square solve (REL §10.4 items 1–2): A square, b and x of length n, b and x not overlapping,
    /// b and x0 finite. Throws <see cref="ArgumentException"/> naming the argument and both sizes or the first bad index.
    /// </summary>
    /// <param name="method">The method's name for messages, e.g. "Conjugate gradients".</param>
    /// <param name="a">The operator.</param>
    /// <param name="b">The right-hand side.</param>
    /// <param name="x">The initial guess (the output buffer).</param>
    /// <returns>n.</returns>
    public static int RequireSquareSystem(string method, ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns)
            throw new ArgumentException($"{method} needs a square operator, but A is {a.Rows}×{a.Columns}.", nameof(a));
        int n = a.Rows;
        if (b.Length != n)
            throw new ArgumentException($"b has length {b.Length}, but A is {n}×{n}.", nameof(b));
        if (x.Length != n)
            throw new ArgumentException($"x has length {x.Length}, but A is {n}×{n}.", nameof(x));
        if (b.Overlaps(x))
            throw new ArgumentException("b and x must not share memory: x is overwritten with the solution.", nameof(x));
        RequireFinite(b, nameof(b));
        RequireFinite(x, "x0");
        return n;
    }
}
