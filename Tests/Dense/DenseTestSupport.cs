using NUnit.Framework;

namespace Solvers.Tests.Dense;

/// <summary>
/// A column-major test matrix: element (i, j) at i + j·Ld, the buffer exactly ld·(cols − 1) + rows long (the minimum a
/// backend must accept), the padding rows (Ld &gt; Rows, a sub-matrix view) filled with <see cref="Sentinel"/> so that a
/// write outside the view is seen.
/// </summary>
internal sealed class CM
{
    public const double Sentinel = -7777.25;

    public CM(int rows, int cols, int pad = 0)
    {
        Rows = rows;
        Cols = cols;
        Ld = Math.Max(1, rows + pad);
        Data = new double[cols == 0 ? 0 : Ld * (cols - 1) + rows];
        Array.Fill(Data, Sentinel);
    }

    private CM(int rows, int cols, int ld, double[] data)
    {
        Rows = rows;
        Cols = cols;
        Ld = ld;
        Data = data;
    }

    public int Rows { get; }
    public int Cols { get; }
    public int Ld { get; }
    public double[] Data { get; }

    public double this[int i, int j]
    {
        get => Data[i + j * Ld];
        set => Data[i + j * Ld] = value;
    }

    /// <summary>Entries uniform in [−1, 1) from a fixed seed.</summary>
    public static CM Random(int rows, int cols, int seed, int pad = 0)
    {
        var rng = new Random(seed);
        var a = new CM(rows, cols, pad);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) a[i, j] = 2 * rng.NextDouble() - 1;
        return a;
    }

    public static CM From(double[,] values, int pad = 0)
    {
        var a = new CM(values.GetLength(0), values.GetLength(1), pad);
        for (int j = 0; j < a.Cols; j++)
            for (int i = 0; i < a.Rows; i++) a[i, j] = values[i, j];
        return a;
    }

    public CM Clone() => new(Rows, Cols, Ld, (double[])Data.Clone());

    public double[,] ToArray()
    {
        var r = new double[Rows, Cols];
        for (int j = 0; j < Cols; j++)
            for (int i = 0; i < Rows; i++) r[i, j] = this[i, j];
        return r;
    }

    /// <summary>The padding rows still hold <see cref="Sentinel"/>.</summary>
    public void AssertPaddingUntouched(string what)
    {
        for (int j = 0; j + 1 < Cols; j++)
            for (int i = Rows; i < Ld; i++)
                if (Data[i + j * Ld] != Sentinel)
                    Assert.Fail($"{what}: padding entry ({i}, {j}) outside the {Rows}×{Cols} view was written ({Data[i + j * Ld]}).");
    }
}

/// <summary>Plain-loop references and comparisons for the dense backend tests.</summary>
internal static class Ref
{
    /// <summary>The tolerance of every backend-against-managed and backend-against-reference comparison.</summary>
    public const double Tol = 1e-12;

    public static double[,] Mul(double[,] a, double[,] b)
    {
        int m = a.GetLength(0), k = a.GetLength(1), n = b.GetLength(1);
        Assert.That(b.GetLength(0), Is.EqualTo(k));
        var c = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int l = 0; l < k; l++) s += a[i, l] * b[l, j];
                c[i, j] = s;
            }

        return c;
    }

    public static double[,] T(double[,] a)
    {
        var t = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) t[j, i] = a[i, j];
        return t;
    }

    public static double[,] Identity(int n)
    {
        var r = new double[n, n];
        for (int i = 0; i < n; i++) r[i, i] = 1;
        return r;
    }

    public static double[,] Sub(double[,] a, double[,] b)
    {
        var r = new double[a.GetLength(0), a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) r[i, j] = a[i, j] - b[i, j];
        return r;
    }

    public static double MaxAbs(double[,] a)
    {
        double m = 0;
        foreach (double v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    public static double MaxAbs(ReadOnlySpan<double> a)
    {
        double m = 0;
        foreach (double v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>max |actual − expected| ≤ tol·scale, scale = max |expected| (1 when expected is zero) unless given.</summary>
    public static void AssertClose(double[,] actual, double[,] expected, double tol, string what, double? scale = null)
    {
        Assert.That(actual.GetLength(0), Is.EqualTo(expected.GetLength(0)), what + ": rows");
        Assert.That(actual.GetLength(1), Is.EqualTo(expected.GetLength(1)), what + ": columns");
        double s = scale ?? MaxAbs(expected);
        if (s == 0) s = 1;
        double worst = 0;
        int wi = -1, wj = -1;
        for (int i = 0; i < actual.GetLength(0); i++)
            for (int j = 0; j < actual.GetLength(1); j++)
            {
                double d = Math.Abs(actual[i, j] - expected[i, j]);
                if (double.IsNaN(d)) d = double.PositiveInfinity;
                if (d > worst) { worst = d; wi = i; wj = j; }
            }

        if (worst > tol * s)
            Assert.Fail($"{what}: max |difference| {worst:G3} at ({wi}, {wj}) exceeds {tol:G1}·{s:G4} (actual {actual[wi, wj]:G17}, expected {expected[wi, wj]:G17}).");
    }

    public static void AssertClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tol, string what, double? scale = null)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what + ": length");
        var a = new double[actual.Length, 1];
        var e = new double[expected.Length, 1];
        for (int i = 0; i < actual.Length; i++) { a[i, 0] = actual[i]; e[i, 0] = expected[i]; }
        AssertClose(a, e, tol, what, scale);
    }

    /// <summary>The backend's output agrees with the managed one entry by entry, relative to the managed one's largest entry.</summary>
    public static void AssertSameAsManaged(CM actual, CM managed, string what, double tol = Tol)
    {
        AssertClose(actual.ToArray(), managed.ToArray(), tol, what + " (against managed)");
        actual.AssertPaddingUntouched(what);
    }

    /// <summary>op(A) of a test matrix as a row-major array.</summary>
    public static double[,] Op(CM a, bool transpose) => transpose ? T(a.ToArray()) : a.ToArray();

    /// <summary>The m×m orthogonal Q = H(0)⋯H(k−1) of reflectors stored below the diagonal of <paramref name="factor"/> (v₀ = 1).</summary>
    public static double[,] ExplicitQ(CM factor, ReadOnlySpan<double> tau, int k)
    {
        int m = factor.Rows;
        var q = Identity(m);
        for (int r = k - 1; r >= 0; r--)
        {
            // Q ← H(r)·Q with H(r) = I − τ·v·vᵀ.
            var v = new double[m];
            v[r] = 1;
            for (int i = r + 1; i < m; i++) v[i] = factor[i, r];
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int i = r; i < m; i++) s += v[i] * q[i, j];
                for (int i = r; i < m; i++) q[i, j] -= tau[r] * v[i] * s;
            }
        }

        return q;
    }

    /// <summary>A random symmetric positive definite matrix M·Mᵀ/n + I (condition number below about 5).</summary>
    public static double[,] RandomSpd(int n, int seed)
    {
        var m = CM.Random(n, n, seed).ToArray();
        var a = Mul(m, T(m));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i, j] = a[i, j] / Math.Max(1, n) + (i == j ? 1 : 0);
        return a;
    }

    /// <summary>A random symmetric matrix.</summary>
    public static double[,] RandomSymmetric(int n, int seed)
    {
        var m = CM.Random(n, n, seed).ToArray();
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i, j] = m[i, j] + m[j, i];
        return a;
    }

    /// <summary>Stores the given triangle of a symmetric matrix and NaN in the other, which a backend must not read.</summary>
    public static CM Triangle(double[,] a, bool lower, int pad)
    {
        int n = a.GetLength(0);
        var c = new CM(n, n, pad);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                c[i, j] = (lower ? i >= j : i <= j) ? a[i, j] : double.NaN;
        return c;
    }

    /// <summary>Columns of a (rows × cols) that can be compared with those of b up to sign: returns the sign that aligns column j of a with b.</summary>
    public static double AlignSign(double[,] a, double[,] b, int j)
    {
        double s = 0;
        for (int i = 0; i < a.GetLength(0); i++) s += a[i, j] * b[i, j];
        return s < 0 ? -1 : 1;
    }

    /// <summary>The smallest distance of values[i] to the other values.</summary>
    public static double Gap(ReadOnlySpan<double> values, int i)
    {
        double g = double.PositiveInfinity;
        for (int j = 0; j < values.Length; j++)
            if (j != i) g = Math.Min(g, Math.Abs(values[i] - values[j]));
        return g;
    }
}
