namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// Point evaluation of one dimension's kernel k(z) = Σ_q w_q·φ_q(z) at arbitrary signed lags (spec §2.2, §2.7).
/// Parameter layout as in <see cref="KernelLagTable"/>: θ = [a (Q) | b (Q) | μ (Q)].
/// </summary>
public static class SpectralMixtureKernel
{
    /// <summary>True for the kinds with a cosine factor (and so with μ parameters).</summary>
    public static bool HasFrequencies(SpectralKernelKind kind) =>
        kind is SpectralKernelKind.StudentTMatern52 or SpectralKernelKind.GaussianMixture;

    /// <summary>k(z), k'(z), k''(z) at the signed lag z (k'(0) = 0 and k''(0) the analytic limit).</summary>
    public static void Evaluate(SpectralKernelKind kind, ReadOnlySpan<double> parameters, double z,
        out double value, out double first, out double second) => throw new NotImplementedException();

    /// <summary>
    /// k, k', k'' at z and their derivatives with respect to every parameter (each gradient span has length 3Q and is
    /// overwritten; μ entries are zero for the baselines).
    /// </summary>
    public static void EvaluateWithGradient(SpectralKernelKind kind, ReadOnlySpan<double> parameters, double z,
        out double value, out double first, out double second,
        Span<double> valueGradient, Span<double> firstGradient, Span<double> secondGradient) =>
        throw new NotImplementedException();

    /// <summary>
    /// The column-major rows×cols cross-covariance matrix C_ia = k^(d)(s_i − t_a) for derivative order d ∈ {0, 1, 2}
    /// (the derivative acts on the first argument), written with leading dimension <paramref name="ld"/> ≥ rows.
    /// Used for prediction at arbitrary points.
    /// </summary>
    public static void CrossCovariance(SpectralKernelKind kind, ReadOnlySpan<double> parameters, int derivative,
        ReadOnlySpan<double> s, ReadOnlySpan<double> t, Span<double> matrix, int ld) => throw new NotImplementedException();
}
