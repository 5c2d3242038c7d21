using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Solvers.Dense;

namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// GP-HM (Fang et al., ICLR 2024): a Gaussian-process solver for high-frequency and multi-scale PDEs on tensor grids,
/// maximising the log joint with Adam over grid values, spectral-mixture kernels and noise precisions, with Kronecker
/// algebra throughout (spec gp-kronecker-pde).
/// </summary>
/// <remarks>
/// Step k (k = 0, 1, …) is the (k + 1)-th Adam update; checkpoint quantities are evaluated right after it (spec §2.8).
/// Runs are bit-reproducible with the managed backend; with a native BLAS (MKL without its conditional-numerical-
/// reproducibility mode) the last bits may vary from run to run, so long trajectories can drift apart (spec §3.3, §6.12).
/// </remarks>
public sealed partial class GpHmSolver
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
    /// <param name="problem">The PDE.</param>
    /// <param name="options">Kernel, optimiser and run settings; <see cref="GpHmOptions.Steps"/> is required.</param>
    /// <param name="hooks">Logger, per-step <see cref="IterationInfo"/> (residual = RMS PDE residual) and cancellation.</param>
    /// <param name="stepProgress">Optional per-step sink with the loss and its parts.</param>
    /// <exception cref="ArgumentException">Misuse: invalid options (e.g. negative jitter, Steps not set) or a warm start of the wrong size.</exception>
    public GpHmResult Solve(TensorGridPde problem, GpHmOptions options, SolverHooks hooks = default,
        IProgress<GpHmStepInfo>? stepProgress = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(problem.Dimensions);
        var clock = Stopwatch.StartNew();
        IDenseBackend backend = Backend ?? DenseBackend.Current;
        ILogger? logger = hooks.Logger;
        var main = new GpHmObjective(problem, options, backend);
        int n = main.ParameterCount;

        var theta = new double[n];
        var adam = new AdamState(n, options);
        if (options.InitialState is { } warm)
        {
            if (warm.Parameters.Length != n || warm.FirstMoment.Length != n || warm.SecondMoment.Length != n || warm.AdamSteps < 0)
                throw new ArgumentException($"The warm start has {warm.Parameters.Length} parameters; this problem and kernel need {n}.", nameof(options));
            warm.Parameters.CopyTo(theta, 0);
            warm.FirstMoment.CopyTo(adam.M, 0);
            warm.SecondMoment.CopyTo(adam.V, 0);
            adam.T = warm.AdamSteps;
        }
        else
        {
            main.InitializeParameters(theta);
        }

        var test = TestGrid.Create(problem, options.TestPointsPerDimension);
        int steps = options.Steps;
        int interval = Math.Max(1, steps / options.Checkpoints);
        int changePoint = options.ExtraGp is { } extraOptions ? (int)Math.Floor(steps * extraOptions.ChangePointFraction) : -1;

        if (logger is not null && logger.IsEnabled(LogLevel.Information))
        {
            string grid = string.Join("×", problem.Points);
            LogStart(logger, problem.Name, problem.Kind, grid, options.Kernel, options.Components, steps, backend.Name);
        }

        var checkpoints = new List<GpHmCheckpoint>();
        var history = options.RecordHistory ? new List<double>(steps) : null;
        var grad = new double[n];
        var lastFinite = (double[])theta.Clone();
        double runningMin = double.NaN;
        double initialRms = double.NaN;
        ConvergenceReason reason = ConvergenceReason.CompletedIterationBudget;
        int failedDimension = -1;
        int taken = 0;
        int breakdownStep = 0;
        double breakdownValue = double.NaN;

        // Extra-GP stage (spec §2.10), created at the change point.
        GpHmObjective? extra = null;
        double[]? extraTheta = null;
        AdamState? extraAdam = null;
        double[]? extraGrad = null;
        GpHmInterpolant? mainInterpolant = null;

        long windowStart = clock.ElapsedTicks;
        int windowSteps = 0;
        try
        {
            for (int k = 0; k < steps; k++)
            {
                if (hooks.CancellationToken.IsCancellationRequested)
                {
                    reason = ConvergenceReason.Cancelled;
                    break;
                }
                if (options.TimeLimit is { } limit && clock.Elapsed > limit)
                {
                    reason = ConvergenceReason.TimeLimit;
                    break;
                }

                if (changePoint >= 0 && k == changePoint + 1)
                {
                    // Freeze the main GP and start the second one.
                    var extraOpts = ExtraGpOptions(options);
                    extra = new GpHmObjective(problem, extraOpts, backend, ExtraGpOffset(main, theta));
                    extraTheta = new double[extra.ParameterCount];
                    InitializeExtraGp(extra, theta[main.LogTau1Index], extraTheta);
                    extraAdam = new AdamState(extra.ParameterCount, extraOpts);
                    extraGrad = new double[extra.ParameterCount];
                    mainInterpolant = main.CreateInterpolant(theta);
                    if (logger is not null) LogChangePoint(logger, k, changePoint);
                }

                bool onExtra = extra is not null;
                GpHmObjective objective = onExtra ? extra! : main;
                double[] p = onExtra ? extraTheta! : theta;
                double[] gbuf = onExtra ? extraGrad! : grad;
                AdamState state = onExtra ? extraAdam! : adam;

                double loss = objective.Evaluate(p, gbuf);
                GpHmLossParts parts = objective.LastLoss;
                if (k == 0) initialRms = parts.RmsResidual;
                if (!double.IsFinite(loss) || !AllFinite(gbuf))
                {
                    reason = ConvergenceReason.DivergedNaN;
                    breakdownStep = k + 1;
                    breakdownValue = loss;
                    if (logger is not null) LogNonFinite(logger, k, loss);
                    break;
                }
                if (options.EarlyStoppingTolerance is { } tol && objective.LastGap < tol)
                {
                    reason = ConvergenceReason.ConvergedAbsoluteTolerance;
                    break;
                }
                history?.Add(loss);

                Array.Copy(p, lastFinite.Length == p.Length ? lastFinite : (lastFinite = new double[p.Length]), p.Length);
                state.Update(p, gbuf);
                if (!AllFinite(p))
                {
                    Array.Copy(lastFinite, p, p.Length);
                    reason = ConvergenceReason.DivergedNaN;
                    breakdownStep = k + 1;
                    breakdownValue = loss;
                    if (logger is not null) LogNonFinite(logger, k, loss);
                    break;
                }
                taken = k + 1;
                windowSteps++;

                hooks.Progress?.Report(new IterationInfo(taken, parts.RmsResidual, parts.RmsResidual / initialRms, clock.Elapsed));
                stepProgress?.Report(new GpHmStepInfo(k, steps, parts, onExtra, clock.Elapsed));

                if (options.LogEvery > 0 && logger is not null && taken % options.LogEvery == 0)
                {
                    double ms = (clock.ElapsedTicks - windowStart) * 1000.0 / Stopwatch.Frequency / Math.Max(1, windowSteps);
                    LogProgress(logger, k, loss, parts.LogDeterminant, parts.Quadratic, parts.Boundary, parts.Residual,
                        parts.Tau1, parts.Tau2, parts.RmsResidual, ms);
                    windowStart = clock.ElapsedTicks;
                    windowSteps = 0;
                }

                if (k % interval == 0 && checkpoints.Count < options.Checkpoints)
                {
                    objective.Evaluate(p, []);
                    GpHmLossParts now = objective.LastLoss;
                    double error = double.NaN;
                    if (test is not null)
                    {
                        var interp = onExtra ? mainInterpolant!.Plus(extra!.CreateInterpolant(extraTheta!)) : main.CreateInterpolant(theta);
                        error = test.RelativeError(interp);
                        if (!(error >= runningMin)) runningMin = error;
                    }
                    checkpoints.Add(new GpHmCheckpoint(k, now, error, runningMin, clock.Elapsed));
                    if (logger is not null && logger.IsEnabled(LogLevel.Information))
                    {
                        string top = DescribeTop(objective, p, 5);
                        LogCheckpoint(logger, k, now.Total, error, runningMin, top);
                    }
                }
            }
        }
        catch (KernelNotPositiveDefiniteException e) when (double.IsNaN(e.Value))
        {
            // Finite parameters whose kernel overflowed (e.g. e^a = ∞) give a NaN pivot: that is divergence, not indefiniteness.
            reason = ConvergenceReason.DivergedNaN;
            failedDimension = e.Dimension;
            breakdownStep = taken + 1;
            breakdownValue = e.Value;
            if (logger is not null) LogNonFinite(logger, taken, double.NaN);
        }
        catch (KernelNotPositiveDefiniteException e)
        {
            reason = ConvergenceReason.DivergedIndefiniteOperator;
            failedDimension = e.Dimension;
            breakdownStep = taken + 1;
            breakdownValue = e.Value;
            if (logger is not null) LogIndefinite(logger, taken, e.Dimension, e.Pivot, e.Value);
        }

        // Final state: RMS residual, interpolant, test error.
        double finalRms = double.NaN;
        GpHmInterpolant interpolant;
        double finalError = double.NaN;
        var values = theta[..main.ParameterCount][..problem.NodeCount];
        try
        {
            if (extra is not null)
            {
                extra.Evaluate(extraTheta!, []);
                finalRms = extra.LastLoss.RmsResidual;
                interpolant = mainInterpolant!.Plus(extra.CreateInterpolant(extraTheta!));
                for (int i = 0; i < values.Length; i++) values[i] += extraTheta![i];
            }
            else
            {
                main.Evaluate(theta, []);
                finalRms = main.LastLoss.RmsResidual;
                interpolant = main.CreateInterpolant(theta);
            }
            if (test is not null) finalError = test.RelativeError(interpolant);
        }
        catch (KernelNotPositiveDefiniteException)
        {
            // The returned parameters cannot be factored (only after a Cholesky failure at the very state): no interpolant.
            interpolant = GpHmInterpolant.Empty(problem.Dimensions, backend);
        }
        if (double.IsNaN(initialRms)) initialRms = finalRms;

        var kernels = new LearnedKernel[problem.Dimensions];
        for (int j = 0; j < kernels.Length; j++)
        {
            kernels[j] = new LearnedKernel(options.Kernel, theta.AsSpan(main.KernelOffset(j), 3 * options.Components));
        }
        // BreakdownIteration: the 1-based step (update) that failed; BreakdownValue: the non-finite loss or the failing pivot.
        var summary = new SolverResult(reason, taken, initialRms, finalRms, finalRms, clock.Elapsed, breakdownStep, breakdownValue);
        var result = new GpHmResult(summary, values, kernels, Math.Exp(theta[main.LogTau1Index]), Math.Exp(theta[main.LogTau2Index]),
            checkpoints, interpolant, new GpHmState(theta, adam.M, adam.V, adam.T),
            extra is null ? null : new GpHmState(extraTheta!, extraAdam!.M, extraAdam.V, extraAdam.T),
            (IReadOnlyList<double>?)history ?? [], failedDimension, changePoint)
        {
            FinalTestError = finalError,
        };
        if (logger is not null) LogEnd(logger, reason, taken, finalError, result.MinTestError, clock.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>The extra GP's options (spec §2.10): a single Matérn-5/2 component without cosine, the rest as the main GP's.</summary>
    public static GpHmOptions ExtraGpOptions(GpHmOptions main)
    {
        ArgumentNullException.ThrowIfNull(main);
        return main with
        {
            Kernel = SpectralKernelKind.Matern52,
            Components = 1,
            FrequencyScale = [],
            ExtraGp = null,
            InitialState = null,
        };
    }

    /// <summary>The fixed fields the frozen main GP contributes to the extra GP's loss: its grid values and its linear derivative term.</summary>
    public static GpHmOffset ExtraGpOffset(GpHmObjective main, ReadOnlySpan<double> mainParameters)
    {
        ArgumentNullException.ThrowIfNull(main);
        var problem = main.Problem;
        int m = problem.NodeCount;
        var values = mainParameters[..m].ToArray();
        var derivative = new double[m];
        var tmp = new double[m];
        bool advection = problem.Kind == PdeKind.Advection;
        for (int j = 0; j < problem.Dimensions; j++)
        {
            main.GridDerivative(mainParameters, j, advection ? 1 : 2, tmp);
            double c = advection && j == 0 ? problem.AdvectionSpeed : 1;
            for (int i = 0; i < m; i++) derivative[i] += c * tmp[i];
        }
        return new GpHmOffset(values, derivative);
    }

    /// <summary>The extra GP's start (spec §2.10): U' = 0, a = 0, b = 0 (w = ℓ = 1), log τ1' = the main GP's log τ1, log τ2' = 0.</summary>
    public static void InitializeExtraGp(GpHmObjective extra, double mainLogTau1, Span<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(extra);
        if (parameters.Length != extra.ParameterCount)
            throw new ArgumentException($"Expected {extra.ParameterCount} parameters; got {parameters.Length}.", nameof(parameters));
        parameters.Clear();
        parameters[extra.LogTau1Index] = mainLogTau1;
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) return false;
        }
        return true;
    }

    private static string DescribeTop(GpHmObjective objective, ReadOnlySpan<double> parameters, int count)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        for (int j = 0; j < objective.Problem.Dimensions; j++)
        {
            var kernel = new LearnedKernel(objective.Kernel, parameters.Slice(objective.KernelOffset(j), 3 * objective.Components));
            if (j > 0) sb.Append("; ");
            sb.Append(ci, $"dim {j}:");
            foreach (var c in kernel.ByWeight().Take(count)) sb.Append(ci, $" ({c.Weight:G3}, |μ| {Math.Abs(c.Frequency):G5})");
        }
        return sb.ToString();
    }

    /// <summary>Adam with bias correction, ε outside the square root, one state for all parameters (spec §2.8).</summary>
    private sealed class AdamState(int n, GpHmOptions options)
    {
        private readonly double _lr = options.LearningRate;
        private readonly double _b1 = options.AdamBeta1;
        private readonly double _b2 = options.AdamBeta2;
        private readonly double _eps = options.AdamEpsilon;

        public double[] M { get; } = new double[n];

        public double[] V { get; } = new double[n];

        public int T { get; set; }

        public void Update(Span<double> theta, ReadOnlySpan<double> g)
        {
            T++;
            double c1 = 1 - Math.Pow(_b1, T), c2 = 1 - Math.Pow(_b2, T);
            double[] m = M, v = V;
            for (int i = 0; i < theta.Length; i++)
            {
                double gi = g[i];
                m[i] = (1 - _b1) * gi + _b1 * m[i];
                v[i] = (1 - _b2) * (gi * gi) + _b2 * v[i];
                double mh = m[i] / c1, vh = v[i] / c2;
                theta[i] += -_lr * (mh / (Math.Sqrt(vh) + _eps));
            }
        }
    }

    /// <summary>The uniform test grid and the exact solution on it (spec §2.9).</summary>
    private sealed class TestGrid
    {
        private readonly double[][] _axes;
        private readonly double[] _exact;
        private readonly double _exactNorm;

        private TestGrid(double[][] axes, double[] exact)
        {
            _axes = axes;
            _exact = exact;
            double s = 0;
            foreach (double v in exact) s += v * v;
            _exactNorm = Math.Sqrt(s);
        }

        public static TestGrid? Create(TensorGridPde problem, int points)
        {
            if (problem.ExactSolution is not { } exact) return null;
            int d = problem.Dimensions;
            var axes = new double[d][];
            for (int j = 0; j < d; j++) axes[j] = GpHmInterpolant.UniformAxis(problem.Lengths[j], points);
            int n1 = d == 2 ? points : 1;
            var values = new double[points * n1];
            var x = new double[d];
            for (int i = 0; i < points; i++)
            {
                x[0] = axes[0][i];
                for (int b = 0; b < n1; b++)
                {
                    if (d == 2) x[1] = axes[1][b];
                    values[i * n1 + b] = exact(x);
                }
            }
            return new TestGrid(axes, values);
        }

        public double RelativeError(GpHmInterpolant interpolant)
        {
            double[] prediction = interpolant.EvaluateGrid(_axes);
            double s = 0;
            for (int i = 0; i < prediction.Length; i++)
            {
                double e = prediction[i] - _exact[i];
                s += e * e;
            }
            double err = Math.Sqrt(s);
            return _exactNorm > 0 ? err / _exactNorm : err;
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "GP-HM start: {Problem} ({Kind}, grid {Grid}), kernel {Kernel} with Q = {Components}, {Steps} Adam steps, dense backend {Backend}")]
    private static partial void LogStart(ILogger logger, string problem, PdeKind kind, string grid, SpectralKernelKind kernel, int components, int steps, string backend);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "GP-HM step {Step}: J = {Loss:G6} (logdet {LogDet:G5}, quad {Quad:G5}, bnd {Bnd:G5}, res {Res:G5}), τ1 = {Tau1:G4}, τ2 = {Tau2:G4}, RMS residual {Rms:G4}, {MsPerStep:F2} ms/step")]
    private static partial void LogProgress(ILogger logger, int step, double loss, double logDet, double quad, double bnd, double res,
        double tau1, double tau2, double rms, double msPerStep);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "GP-HM checkpoint step {Step}: J = {Loss:G6}, test error {TestError:G4} (min {Minimum:G4}); top components {Top}")]
    private static partial void LogCheckpoint(ILogger logger, int step, double loss, double testError, double minimum, string top);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "GP-HM extra GP: main GP frozen after step {ChangePoint}; training the second GP from step {Step}")]
    private static partial void LogChangePoint(ILogger logger, int step, int changePoint);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning,
        Message = "GP-HM DivergedNaN at step {Step}: the loss or its gradient is not finite (J = {Loss}); the last finite iterate is kept")]
    private static partial void LogNonFinite(ILogger logger, int step, double loss);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "GP-HM DivergedIndefiniteOperator after {Steps} steps: K of dimension {Dimension} is not positive definite (pivot {Pivot}, value {Value:G6}); raise the jitter or check the kernel parameters")]
    private static partial void LogIndefinite(ILogger logger, int steps, int dimension, int pivot, double value);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information,
        Message = "GP-HM end: {Reason} after {Steps} steps, final test error {FinalError:G4}, min over checkpoints {MinError:G4}, {Seconds:F1} s")]
    private static partial void LogEnd(ILogger logger, ConvergenceReason reason, int steps, double finalError, double minError, double seconds);
}
