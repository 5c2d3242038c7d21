namespace Solvers.Pde.GaussianProcess;

/// <summary>Parameters and Adam state of a GP-HM run, for warm starts (layout of <see cref="GpHmObjective"/>).</summary>
/// <param name="Parameters">The flat parameter vector.</param>
/// <param name="FirstMoment">Adam's m.</param>
/// <param name="SecondMoment">Adam's v.</param>
/// <param name="AdamSteps">Adam's t (updates taken so far).</param>
public sealed record GpHmState(double[] Parameters, double[] FirstMoment, double[] SecondMoment, int AdamSteps);

/// <summary>The loss J and its four parts (spec §2.6) and the RMS PDE residual ‖H‖/√M.</summary>
public readonly record struct GpHmLossParts(double Total, double LogDeterminant, double Quadratic, double Boundary,
    double Residual, double RmsResidual, double Tau1, double Tau2);

/// <summary>Reported after every Adam step to a <see cref="GpHmSolver.Solve"/> step-progress sink.</summary>
/// <param name="Step">Step k (the state after k + 1 updates; the loss is that of the state the update started from).</param>
/// <param name="Steps">The step budget.</param>
/// <param name="Loss">J and its parts at the state the update started from.</param>
/// <param name="ExtraGp">True once the extra GP is being trained.</param>
/// <param name="Elapsed">Time since the run started.</param>
public readonly record struct GpHmStepInfo(int Step, int Steps, GpHmLossParts Loss, bool ExtraGp, TimeSpan Elapsed);

/// <summary>One checkpoint of a run (spec §2.9).</summary>
/// <param name="Step">Step k (the state after k + 1 updates).</param>
/// <param name="Loss">J and its parts at that state.</param>
/// <param name="TestError">Relative L2 error on the test grid (NaN when no exact solution is known).</param>
/// <param name="RunningMinimum">Minimum test error over checkpoints so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record GpHmCheckpoint(int Step, GpHmLossParts Loss, double TestError, double RunningMinimum, TimeSpan Elapsed);

/// <summary>One mixture component of a learned per-dimension kernel.</summary>
/// <param name="Index">q.</param>
/// <param name="Weight">w_q = e^{a_q}.</param>
/// <param name="InverseLengthscale">ℓ_q = e^{b_q} (for GM/SE, the coefficient of z²).</param>
/// <param name="Frequency">μ_q in cycles per unit (0 for the baselines).</param>
public readonly record struct SpectralComponent(int Index, double Weight, double InverseLengthscale, double Frequency);

/// <summary>One dimension's learned kernel.</summary>
public sealed class LearnedKernel
{
    /// <summary>Creates it from θ = [a | b | μ].</summary>
    public LearnedKernel(SpectralKernelKind kind, ReadOnlySpan<double> parameters)
    {
        if (parameters.Length % 3 != 0) throw new ArgumentException("Kernel parameters have length 3Q.", nameof(parameters));
        Kind = kind;
        Parameters = parameters.ToArray();
        int q = parameters.Length / 3;
        var list = new SpectralComponent[q];
        bool hasMu = SpectralMixtureKernel.HasFrequencies(kind);
        for (int i = 0; i < q; i++)
        {
            list[i] = new SpectralComponent(i, Math.Exp(parameters[i]), Math.Exp(parameters[q + i]), hasMu ? parameters[2 * q + i] : 0);
        }
        Components = list;
    }

    /// <summary>The kernel family.</summary>
    public SpectralKernelKind Kind { get; }

    /// <summary>θ = [a | b | μ].</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>Components in parameter order.</summary>
    public IReadOnlyList<SpectralComponent> Components { get; }

    /// <summary>Components by descending weight (ties by index).</summary>
    public IReadOnlyList<SpectralComponent> ByWeight() =>
        [.. Components.OrderByDescending(c => c.Weight).ThenBy(c => c.Index)];
}

/// <summary>The outcome of <see cref="GpHmSolver.Solve"/> (spec §3.4).</summary>
public sealed class GpHmResult
{
    internal GpHmResult(SolverResult summary, double[] values, IReadOnlyList<LearnedKernel> kernels, double tau1, double tau2,
        IReadOnlyList<GpHmCheckpoint> checkpoints, GpHmInterpolant interpolant, GpHmState state, GpHmState? extraState,
        IReadOnlyList<double> lossHistory, int failedDimension, int changePointStep)
    {
        Summary = summary;
        Values = values;
        Kernels = kernels;
        Tau1 = tau1;
        Tau2 = tau2;
        Checkpoints = checkpoints;
        Interpolant = interpolant;
        State = state;
        ExtraState = extraState;
        LossHistory = lossHistory;
        FailedDimension = failedDimension;
        ChangePointStep = changePointStep;
        double min = double.NaN;
        foreach (var c in checkpoints)
        {
            if (!double.IsNaN(c.TestError) && !(c.TestError >= min)) min = c.TestError;
        }
        MinTestError = min;
    }

    /// <summary>Reason, steps taken (Iterations), RMS PDE residual ‖H‖/√M (initial and final), elapsed time.</summary>
    public SolverResult Summary { get; }

    /// <summary>The solution at the grid nodes (row-major; with an extra GP, the sum of both GPs' values).</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The main GP's learned kernel per dimension.</summary>
    public IReadOnlyList<LearnedKernel> Kernels { get; }

    /// <summary>τ1 (boundary noise precision) of the main GP.</summary>
    public double Tau1 { get; }

    /// <summary>τ2 (residual noise precision) of the main GP.</summary>
    public double Tau2 { get; }

    /// <summary>The checkpoints (spec §2.9), in step order.</summary>
    public IReadOnlyList<GpHmCheckpoint> Checkpoints { get; }

    /// <summary>Minimum test error over the checkpoints (the reference's reported figure; NaN without an exact solution).</summary>
    public double MinTestError { get; }

    /// <summary>Test error of the final state (NaN without an exact solution).</summary>
    public double FinalTestError { get; internal set; } = double.NaN;

    /// <summary>Evaluates ũ and its derivatives anywhere.</summary>
    public GpHmInterpolant Interpolant { get; }

    /// <summary>The main GP's final parameters and Adam state (for warm starts; on divergence the last finite iterate).</summary>
    public GpHmState State { get; }

    /// <summary>The extra GP's state, when that stage ran.</summary>
    public GpHmState? ExtraState { get; }

    /// <summary>Loss per step when <see cref="GpHmOptions.RecordHistory"/> is on.</summary>
    public IReadOnlyList<double> LossHistory { get; }

    /// <summary>The dimension whose Cholesky failed (−1 if none).</summary>
    public int FailedDimension { get; }

    /// <summary>The extra-GP change point c (−1 without an extra GP).</summary>
    public int ChangePointStep { get; }
}
