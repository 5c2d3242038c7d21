namespace Solvers.Relaxation;

/// <summary>Arm grids for the relaxation learners (spec sor-bandit §2.4).</summary>
public static class ArmGrid
{
    /// <summary>
    /// <paramref name="count"/> equally spaced values from <paramref name="first"/> to <paramref name="last"/> inclusive,
    /// computed as first + i·(last − first)/(count − 1) (the last value is set exactly).
    /// </summary>
    public static double[] Linspace(double first, double last, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var v = new double[count];
        if (count == 1)
        {
            v[0] = first;
            return v;
        }

        double step = (last - first) / (count - 1);
        for (int i = 0; i < count; i++) v[i] = first + i * step;
        v[count - 1] = last;
        return v;
    }

    /// <summary>The camera-ready grid: 20 arms 1.00, 1.05, …, 1.95.</summary>
    public static double[] CameraReady() => Linspace(1, 1.95, 20);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="arms"/> is non-empty and finite.</summary>
    internal static void Validate(double[]? arms, string paramName)
    {
        if (arms is null || arms.Length == 0) throw new ArgumentException("Arms must hold at least one value.", paramName);
        foreach (double a in arms)
            if (!double.IsFinite(a)) throw new ArgumentException("Arms must be finite.", paramName);
    }
}
