using Solvers.Dense;

namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// GP-HM (Fang et al., ICLR 2024): a Gaussian-process solver for high-frequency and multi-scale PDEs on tensor grids,
/// maximising the log joint with Adam over grid values, spectral-mixture kernels and noise precisions, with Kronecker
/// algebra throughout (spec gp-kronecker-pde).
/// </summary>
public sealed class GpHmSolver
{
    /// <summary>Creates the solver on a dense backend (null = <see cref="DenseBackend.Current"/>).</summary>
    public GpHmSolver(IDenseBackend? backend = null)
    {
        Backend = backend;
    }

    /// <summary>The dense backend (null = the current one at solve time).</summary>
    public IDenseBackend? Backend { get; }

    /// <summary>
    /// Runs <see cref="GpHmOptions.Steps"/> Adam steps. Numerical outcomes never throw: a completed budget is
    /// <see cref="ConvergenceReason.CompletedIterationBudget"/>; cancellation, the time limit, non-finite values
    /// (<see cref="ConvergenceReason.DivergedNaN"/>, the last finite iterate kept) and a failed Cholesky
    /// (<see cref="ConvergenceReason.DivergedIndefiniteOperator"/>, with the dimension) are reported in the summary.
    /// </summary>
    /// <exception cref="ArgumentException">Misuse: invalid options (e.g. negative jitter, Steps not set).</exception>
    public GpHmResult Solve(TensorGridPde problem, GpHmOptions options, SolverHooks hooks = default) =>
        throw new NotImplementedException();

    /// <summary>The extra GP's options (spec §2.10): a single Matérn-5/2 component without cosine, the rest as the main GP's.</summary>
    public static GpHmOptions ExtraGpOptions(GpHmOptions main) => throw new NotImplementedException();

    /// <summary>The fixed fields the frozen main GP contributes to the extra GP's loss: its grid values and its linear derivative term.</summary>
    public static GpHmOffset ExtraGpOffset(GpHmObjective main, ReadOnlySpan<double> mainParameters) => throw new NotImplementedException();

    /// <summary>The extra GP's start (spec §2.10): U' = 0, a = 0, b = 0 (w = ℓ = 1), log τ1' = the main GP's log τ1, log τ2' = 0.</summary>
    public static void InitializeExtraGp(GpHmObjective extra, double mainLogTau1, Span<double> parameters) =>
        throw new NotImplementedException();
}
