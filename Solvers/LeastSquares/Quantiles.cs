using MathNet.Numerics.Distributions;

namespace Solvers.LeastSquares;

/// <summary>
/// Standard normal and Student-t quantiles for the error report of sketch-and-solve (spec sketched-regression §2.4, §3.9),
/// from MathNet.Numerics with Newton refinement on the CDF so that the tail quantiles are accurate to about 10⁻¹⁰.
/// </summary>
public static class Quantiles
{
    /// <summary>z_p, the standard normal p-quantile.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in (0, 1).</exception>
    public static double Normal(double p)
    {
        RequireProbability(p);
        return MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, p);
    }

    /// <summary>t_{ν,p}, the Student-t p-quantile with ν degrees of freedom.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in (0, 1), or ν is not positive and finite.</exception>
    public static double StudentT(double degreesOfFreedom, double p)
    {
        RequireProbability(p);
        if (!(degreesOfFreedom > 0) || !double.IsFinite(degreesOfFreedom))
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "The degrees of freedom must be positive and finite.");
        double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, degreesOfFreedom, p);
        if (!double.IsFinite(t)) t = Normal(p);
        // Newton steps on F(t) − p (F' is the density); work on the tail with the smaller probability to avoid cancellation.
        bool upper = p > 0.5;
        double target = upper ? 1 - p : p;
        for (int k = 0; k < 8; k++)
        {
            double tail = upper ? 1 - MathNet.Numerics.Distributions.StudentT.CDF(0, 1, degreesOfFreedom, t)
                                : MathNet.Numerics.Distributions.StudentT.CDF(0, 1, degreesOfFreedom, t);
            double density = MathNet.Numerics.Distributions.StudentT.PDF(0, 1, degreesOfFreedom, t);
            if (!(density > 0)) break;
            double step = (tail - target) / density;
            if (upper) t += step; else t -= step;
            if (Math.Abs(step) <= 1e-14 * Math.Max(1, Math.Abs(t))) break;
        }
        return t;
    }

    /// <summary>
    /// The Bonferroni multiplier q of the simultaneous (1 − δ) bound over d coordinates: z_{1−δ/(2d)}, or
    /// t_{ν, 1−δ/(2d)} with ν = m − d when ν &lt; <paramref name="studentTBelow"/>.
    /// </summary>
    /// <returns>q and whether it is the Student-t quantile.</returns>
    public static (double Value, bool IsStudentT) Bonferroni(double delta, int d, int degreesOfFreedom, int studentTBelow)
    {
        if (!(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must lie in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfLessThan(d, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        double p = 1 - delta / (2.0 * d);
        return degreesOfFreedom < studentTBelow ? (StudentT(degreesOfFreedom, p), true) : (Normal(p), false);
    }

    private static void RequireProbability(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "A probability in (0, 1) is required.");
    }
}
