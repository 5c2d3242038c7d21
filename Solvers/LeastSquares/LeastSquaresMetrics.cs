using System.Numerics.Tensors;

namespace Solvers.LeastSquares;

/// <summary>
/// The accuracy metrics of spec sketched-regression §4.5 for a least-squares solution x against a reference x*.
/// The error is e = x − x*; ‖r*‖ = ‖b − Ax*‖. The normalising norms ‖A‖₂ and ‖A†‖ are passed in exactly (the known
/// spectrum, or the SVD of a dense QR's R): never the library's own estimates (§7, pitfall 17).
/// </summary>
public static class LeastSquaresMetrics
{
    /// <summary>Relative ℓ∞ error ‖x − x*‖∞ / ‖x*‖∞ (NaN when x* = 0).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double RelativeInfinityError(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        double e = ErrorInfinityNorm(x, reference);
        double s = InfinityNorm(reference);
        return s > 0 ? e / s : double.NaN;
    }

    /// <summary>Relative ℓ2 error ‖x − x*‖₂ / ‖x*‖₂ (NaN when x* = 0).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double RelativeL2Error(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        double e = ErrorL2Norm(x, reference);
        double s = TensorPrimitives.Norm(reference);
        return s > 0 ? e / s : double.NaN;
    }

    /// <summary>ε∞ = √d·‖x − x*‖∞ / (‖r*‖·‖A†‖), the paper's normalised ℓ∞ error (d = the length of x).</summary>
    /// <param name="x">The solution to judge.</param>
    /// <param name="reference">x*.</param>
    /// <param name="optimalResidualNorm">‖r*‖ = ‖b − Ax*‖ (&gt; 0).</param>
    /// <param name="pseudoinverseNorm">‖A†‖ = 1/σ_min(A) (&gt; 0).</param>
    /// <exception cref="ArgumentException">Lengths differ, or a norm is not positive and finite.</exception>
    public static double NormalisedInfinityError(ReadOnlySpan<double> x, ReadOnlySpan<double> reference, double optimalResidualNorm, double pseudoinverseNorm)
    {
        CheckScale(optimalResidualNorm, nameof(optimalResidualNorm));
        CheckScale(pseudoinverseNorm, nameof(pseudoinverseNorm));
        return Math.Sqrt(x.Length) * ErrorInfinityNorm(x, reference) / (optimalResidualNorm * pseudoinverseNorm);
    }

    /// <summary>ε₂ = ‖x − x*‖₂ / (‖r*‖·‖A†‖).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or a norm is not positive and finite.</exception>
    public static double NormalisedL2Error(ReadOnlySpan<double> x, ReadOnlySpan<double> reference, double optimalResidualNorm, double pseudoinverseNorm)
    {
        CheckScale(optimalResidualNorm, nameof(optimalResidualNorm));
        CheckScale(pseudoinverseNorm, nameof(pseudoinverseNorm));
        return ErrorL2Norm(x, reference) / (optimalResidualNorm * pseudoinverseNorm);
    }

    /// <summary>
    /// The spread ‖e‖∞ / (‖e‖₂/√d): ≈ √(2 ln d) for an error in a random direction, √d when it sits in one coordinate
    /// (NaN when e = 0).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double Spread(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        double l2 = ErrorL2Norm(x, reference);
        return l2 > 0 ? ErrorInfinityNorm(x, reference) * Math.Sqrt(x.Length) / l2 : double.NaN;
    }

    /// <summary>‖b − Ax‖₂, recomputed from A.</summary>
    /// <exception cref="ArgumentException">Sizes do not match A.</exception>
    public static double ResidualNorm(ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x)
    {
        var r = Residual(a, b, x);
        return TensorPrimitives.Norm(r);
    }

    /// <summary>The residual ratio ‖Ax − b‖ / ‖r*‖ (tables show ratio − 1).</summary>
    /// <exception cref="ArgumentException">Sizes do not match A, or ‖r*‖ is not positive and finite.</exception>
    public static double ResidualRatio(ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x, double optimalResidualNorm)
    {
        CheckScale(optimalResidualNorm, nameof(optimalResidualNorm));
        return ResidualNorm(a, b, x) / optimalResidualNorm;
    }

    /// <summary>
    /// The normal-equation backward error η = ‖Aᵀ(b − Ax)‖ / (‖A‖₂·‖b − Ax‖), with the exact ‖A‖₂ passed in.
    /// η = 0 when the residual is exactly zero (b ∈ range(A) reached exactly).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not match A, or ‖A‖₂ is not positive and finite.</exception>
    public static double BackwardError(IAdjointableOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x, double operatorNorm)
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckScale(operatorNorm, nameof(operatorNorm));
        var r = Residual(a, b, x);
        double rNorm = TensorPrimitives.Norm(r);
        if (rNorm == 0) return 0;
        var atr = new double[a.Columns];
        a.ApplyAdjoint(r, atr);
        return TensorPrimitives.Norm(atr) / (operatorNorm * rNorm);
    }

    /// <summary>The standardised errors z_j = |x_j − x*_j| / se_j (∞ where se_j = 0 and the error is not; 0 where both are).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double[] StandardisedErrors(ReadOnlySpan<double> x, ReadOnlySpan<double> reference, ReadOnlySpan<double> standardErrors)
    {
        CheckLengths(x, reference);
        if (standardErrors.Length != x.Length)
            throw new ArgumentException($"standardErrors has length {standardErrors.Length}, but x has {x.Length}.", nameof(standardErrors));
        var z = new double[x.Length];
        for (int j = 0; j < z.Length; j++)
        {
            double e = Math.Abs(x[j] - reference[j]);
            z[j] = e == 0 ? 0 : e / standardErrors[j];
        }

        return z;
    }

    /// <summary>True when the simultaneous bar covers x*: max_j z_j ≤ q.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static bool Covers(ReadOnlySpan<double> x, ReadOnlySpan<double> reference, ReadOnlySpan<double> standardErrors, double quantile)
    {
        var z = StandardisedErrors(x, reference, standardErrors);
        return z.Length == 0 || TensorPrimitives.Max(z) <= quantile;
    }

    /// <summary>Coverage: the fraction of (non-flagged) draws whose maximum standardised error max_j z_j is ≤ q (NaN for no draws).</summary>
    public static double Coverage(IEnumerable<double> maxStandardisedErrors, double quantile)
    {
        ArgumentNullException.ThrowIfNull(maxStandardisedErrors);
        int n = 0, covered = 0;
        foreach (double z in maxStandardisedErrors)
        {
            n++;
            if (z <= quantile) covered++;
        }

        return n == 0 ? double.NaN : (double)covered / n;
    }

    /// <summary>The median of the values (mean of the middle two for an even count; NaN when empty). NaNs sort first, as in <see cref="Array.Sort(Array)"/>.</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.ToArray();
        if (v.Length == 0) return double.NaN;
        Array.Sort(v);
        int h = v.Length / 2;
        return v.Length % 2 == 1 ? v[h] : 0.5 * (v[h - 1] + v[h]);
    }

    /// <summary>‖x − x*‖∞.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double ErrorInfinityNorm(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        CheckLengths(x, reference);
        double m = 0;
        for (int j = 0; j < x.Length; j++)
        {
            double e = Math.Abs(x[j] - reference[j]);
            if (double.IsNaN(e)) return double.NaN;
            m = Math.Max(m, e);
        }

        return m;
    }

    /// <summary>‖x − x*‖₂.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double ErrorL2Norm(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        CheckLengths(x, reference);
        var e = new double[x.Length];
        TensorPrimitives.Subtract(x, reference, e);
        return TensorPrimitives.Norm(e);
    }

    private static double InfinityNorm(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double t in v) m = Math.Max(m, Math.Abs(t));
        return m;
    }

    private static double[] Residual(ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (b.Length != a.Rows) throw new ArgumentException($"b has length {b.Length}, but A is {a.Rows}×{a.Columns}.", nameof(b));
        if (x.Length != a.Columns) throw new ArgumentException($"x has length {x.Length}, but A is {a.Rows}×{a.Columns}.", nameof(x));
        var r = new double[a.Rows];
        a.Apply(x, r);
        TensorPrimitives.Subtract(b, r, r);
        return r;
    }

    private static void CheckLengths(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        if (x.Length != reference.Length)
            throw new ArgumentException($"x has length {x.Length}, but the reference x* has {reference.Length}.", nameof(reference));
    }

    private static void CheckScale(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new ArgumentException($"{name} must be positive and finite (got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}).", name);
    }
}
