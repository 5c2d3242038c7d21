namespace Solvers.Pde.GaussianProcess;

/// <summary>The per-dimension kernel family of GP-HM (spec gp-kronecker-pde §2.2).</summary>
public enum SpectralKernelKind
{
    /// <summary>GP-HM-StM: Σ w_q·Matérn-5/2(ℓ_q)·cos(2πμ_q z), ℓ an inverse lengthscale (s = √5ℓ).</summary>
    StudentTMatern52,
    /// <summary>GP-HM-GM: Σ w_q·exp(−ℓ_q z²)·cos(2πμ_q z) (the spectral-mixture kernel).</summary>
    GaussianMixture,
    /// <summary>Baseline GP-Matern: Σ w_q·Matérn-5/2(ℓ_q), no cosine, no frequencies.</summary>
    Matern52,
    /// <summary>Baseline GP-SE: Σ w_q·exp(−ℓ_q z²), no cosine, no frequencies.</summary>
    SquaredExponential,
}
