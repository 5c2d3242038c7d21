using System.Globalization;

namespace Solvers.SparseRecovery;

/// <summary>
/// The recovery metrics of spec §4.2: NMSE = ‖x̂ − x‖₂²/‖x‖₂² (per trial), its mean and median in dB over trials, the
/// failure count (NMSE &gt; −10 dB), and the support recovery rate SRR = |Ŝ ∩ S|/|Ŝ ∪ S| with
/// Ŝ = {j : |x̂_j| &gt; 10⁻³·max_i|x̂_i|} (strictly greater: an entry exactly at the threshold is excluded) and S = {j : x_j ≠ 0}.
/// </summary>
public static class SparseRecoveryMetrics
{
    /// <summary>The failure threshold of spec §4.2: a trial fails when its NMSE exceeds −10 dB.</summary>
    public const double FailureThresholdDb = -10;

    /// <summary>NMSE = ‖x̂ − x‖₂²/‖x‖₂² (a ratio, not dB).</summary>
    /// <param name="estimate">x̂.</param>
    /// <param name="truth">x; must not be all zero.</param>
    /// <exception cref="ArgumentException">The lengths differ, or x is zero.</exception>
    public static double Nmse(ReadOnlySpan<double> estimate, ReadOnlySpan<double> truth)
    {
        RequireSameLength(estimate, truth);
        double err = 0, norm = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            double d = estimate[i] - truth[i];
            err += d * d;
            norm += truth[i] * truth[i];
        }
        if (!(norm > 0))
            throw new ArgumentException("NMSE is undefined for a zero true vector x.", nameof(truth));
        return err / norm;
    }

    /// <summary>NMSE in dB: 10·log₁₀(NMSE) (−∞ for an exact recovery).</summary>
    /// <param name="estimate">x̂.</param>
    /// <param name="truth">x; must not be all zero.</param>
    /// <exception cref="ArgumentException">The lengths differ, or x is zero.</exception>
    public static double NmseDb(ReadOnlySpan<double> estimate, ReadOnlySpan<double> truth) =>
        10 * Math.Log10(Nmse(estimate, truth));

    /// <summary>Mean-NMSE dB = 10·log₁₀(mean over trials of NMSE), the reference figure's aggregate.</summary>
    /// <param name="nmse">Per-trial NMSE ratios (not dB); at least one.</param>
    /// <exception cref="ArgumentException">No trials, or a negative or NaN value.</exception>
    public static double MeanNmseDb(ReadOnlySpan<double> nmse)
    {
        RequireTrials(nmse);
        double sum = 0;
        foreach (double v in nmse) sum += v;
        return 10 * Math.Log10(sum / nmse.Length);
    }

    /// <summary>Median-NMSE dB = 10·log₁₀(median over trials of NMSE); the median of an even count is the mean of the middle two.</summary>
    /// <param name="nmse">Per-trial NMSE ratios (not dB); at least one.</param>
    /// <exception cref="ArgumentException">No trials, or a negative or NaN value.</exception>
    public static double MedianNmseDb(ReadOnlySpan<double> nmse)
    {
        RequireTrials(nmse);
        var sorted = nmse.ToArray();
        Array.Sort(sorted);
        int h = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
        return 10 * Math.Log10(median);
    }

    /// <summary>The failure count: the number of trials with NMSE &gt; −10 dB (ratio &gt; 0.1).</summary>
    /// <param name="nmse">Per-trial NMSE ratios (not dB).</param>
    /// <exception cref="ArgumentException">A negative or NaN value.</exception>
    public static int FailureCount(ReadOnlySpan<double> nmse)
    {
        const double limit = 0.1; // 10^(−10/10)
        int count = 0;
        for (int i = 0; i < nmse.Length; i++)
        {
            RequireNmseValue(nmse[i], i, nameof(nmse));
            if (nmse[i] > limit) count++;
        }
        return count;
    }

    /// <summary>Ŝ = {j : |x̂_j| &gt; 10⁻³·max_i|x̂_i|}, sorted; empty when x̂ = 0.</summary>
    /// <param name="estimate">x̂.</param>
    public static int[] SignificantSupport(ReadOnlySpan<double> estimate)
    {
        double max = 0;
        foreach (double v in estimate) max = Math.Max(max, Math.Abs(v));
        double threshold = SparseRecoveryResult.SignificanceFactor * max;
        var support = new List<int>();
        for (int j = 0; j < estimate.Length; j++)
            if (Math.Abs(estimate[j]) > threshold) support.Add(j);
        return [.. support];
    }

    /// <summary>S = {j : x_j ≠ 0}, sorted.</summary>
    /// <param name="truth">x.</param>
    public static int[] TrueSupport(ReadOnlySpan<double> truth)
    {
        var support = new List<int>();
        for (int j = 0; j < truth.Length; j++)
            if (truth[j] != 0) support.Add(j);
        return [.. support];
    }

    /// <summary>
    /// SRR = |Ŝ ∩ S|/|Ŝ ∪ S| with Ŝ from <see cref="SignificantSupport"/> and S = {j : x_j ≠ 0}. When both sets are
    /// empty the rate is 1 (the supports agree); this case is not defined by the spec and is a project choice.
    /// </summary>
    /// <param name="estimate">x̂.</param>
    /// <param name="truth">x.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double SupportRecoveryRate(ReadOnlySpan<double> estimate, ReadOnlySpan<double> truth)
    {
        RequireSameLength(estimate, truth);
        double max = 0;
        foreach (double v in estimate) max = Math.Max(max, Math.Abs(v));
        double threshold = SparseRecoveryResult.SignificanceFactor * max;
        int intersection = 0, union = 0;
        for (int j = 0; j < truth.Length; j++)
        {
            bool inEstimate = Math.Abs(estimate[j]) > threshold;
            bool inTruth = truth[j] != 0;
            if (inEstimate && inTruth) intersection++;
            if (inEstimate || inTruth) union++;
        }
        return union == 0 ? 1.0 : (double)intersection / union;
    }

    private static void RequireSameLength(ReadOnlySpan<double> estimate, ReadOnlySpan<double> truth)
    {
        if (estimate.Length != truth.Length)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The estimate has length {estimate.Length} but the true vector has length {truth.Length}."), nameof(estimate));
    }

    private static void RequireTrials(ReadOnlySpan<double> nmse)
    {
        if (nmse.IsEmpty) throw new ArgumentException("At least one trial is needed.", nameof(nmse));
        for (int i = 0; i < nmse.Length; i++) RequireNmseValue(nmse[i], i, nameof(nmse));
    }

    private static void RequireNmseValue(double value, int index, string paramName)
    {
        if (!(value >= 0))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"NMSE value {index} is {value}; NMSE values must be nonnegative ratios (not dB)."), paramName);
    }
}
