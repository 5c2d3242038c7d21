using Microsoft.Extensions.Logging;

namespace Solvers;

/// <summary>Progress information reported once per iteration.</summary>
/// <param name="Iteration">Completed iterations k.</param>
/// <param name="ResidualNorm">Recursive ‖r_k‖₂.</param>
/// <param name="RelativeResidual">‖r_k‖₂ / ‖b‖₂.</param>
/// <param name="Elapsed">Time since the solve started.</param>
public readonly record struct IterationInfo(int Iteration, double ResidualNorm, double RelativeResidual, TimeSpan Elapsed);

/// <summary>Optional monitors of a solve: a logger, a progress sink and a cancellation token.</summary>
/// <param name="Logger">Receives start, progress (every LogEvery iterations) and outcome messages.</param>
/// <param name="Progress">Called once per iteration (synchronously, on the solving thread when it is a plain IProgress).</param>
/// <param name="CancellationToken">Checked once per iteration.</param>
/// <param name="History">When set and RecordHistory is on, receives the residual history.</param>
#pragma warning disable CA1068 // DESIGN §3 fixes the order (logger, progress, token); History was added last.
public readonly record struct SolverHooks(
    ILogger? Logger = null,
    IProgress<IterationInfo>? Progress = null,
    CancellationToken CancellationToken = default,
    ConvergenceHistory? History = null);
#pragma warning restore CA1068

/// <summary>The iteration solver interface (DESIGN §3).</summary>
public interface IIterativeSolver
{
    /// <summary>Solves A x = b starting from the contents of <paramref name="x"/>.</summary>
    SolverResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x,
        SolverOptions? options = null, IPreconditioner? preconditioner = null, SolverHooks hooks = default);
}
