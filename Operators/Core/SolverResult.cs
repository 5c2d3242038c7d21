namespace Solvers;

/// <summary>The outcome of an iterative solve (REL §10.3). Every field is set on every exit path.</summary>
/// <param name="Reason">Why the solve stopped.</param>
/// <param name="Iterations">Completed iterations (updates of x).</param>
/// <param name="InitialResidualNorm">‖b − A x0‖₂.</param>
/// <param name="FinalResidualNorm">Recursive ‖r‖₂ after the last completed iteration.</param>
/// <param name="TrueResidualNorm">‖b − A x‖₂ recomputed for the returned x.</param>
/// <param name="Elapsed">Wall time of the solve.</param>
/// <param name="BreakdownIteration">1-based iteration in which a breakdown was detected; 0 if none.</param>
/// <param name="BreakdownValue">The quantity (pᵀAp, rᵀz, …) that triggered it; NaN if none.</param>
public readonly record struct SolverResult(
    ConvergenceReason Reason,
    int Iterations,
    double InitialResidualNorm,
    double FinalResidualNorm,
    double TrueResidualNorm,
    TimeSpan Elapsed,
    int BreakdownIteration = 0,
    double BreakdownValue = double.NaN)
{
    /// <summary>True when <see cref="Reason"/> is positive.</summary>
    public bool Converged => Reason.IsConverged();

    /// <summary>Returns this result, or throws <see cref="SolverDidNotConvergeException"/> for a negative reason.</summary>
    public SolverResult EnsureConverged() => Converged ? this : throw new SolverDidNotConvergeException(this);
}

/// <summary>Thrown by <see cref="SolverResult.EnsureConverged"/> for callers who prefer exceptions.</summary>
public sealed class SolverDidNotConvergeException : Exception
{
    /// <summary>Creates the exception for a result.</summary>
    public SolverDidNotConvergeException(SolverResult result)
        : base($"Solver did not converge: {result.Reason} ({result.Reason.Describe()}) after {result.Iterations} iterations, " +
               $"true residual {result.TrueResidualNorm:G4}" +
               (result.BreakdownIteration > 0 ? $", breakdown in iteration {result.BreakdownIteration} (value {result.BreakdownValue:G6})" : "") + ".")
    {
        Result = result;
    }

    /// <summary>Creates the exception.</summary>
    public SolverDidNotConvergeException() : base("Solver did not converge.") { }

    /// <summary>Creates the exception.</summary>
    public SolverDidNotConvergeException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public SolverDidNotConvergeException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The result that did not converge.</summary>
    public SolverResult Result { get; }
}
