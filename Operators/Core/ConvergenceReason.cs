namespace Solvers;

/// <summary>Why an iterative solve stopped. PETSc signs: &gt; 0 converged, &lt; 0 not, 0 still iterating.</summary>
public enum ConvergenceReason
{
    /// <summary>The solve has not finished.</summary>
    Iterating = 0,
    /// <summary>‖r‖ ≤ rtol·‖b‖ (the larger term), confirmed by the true residual.</summary>
    ConvergedRelativeTolerance = 1,
    /// <summary>‖r‖ ≤ atol (the larger term), or r = 0 exactly.</summary>
    ConvergedAbsoluteTolerance = 2,
    /// <summary>b = 0: x = 0 after no iterations.</summary>
    ConvergedZeroRightHandSide = 3,
    /// <summary>A fixed-budget method (an optimiser such as GP-HM's Adam) completed all of its requested steps.</summary>
    CompletedIterationBudget = 4,
    /// <summary>The normal-equation backward error ‖Aᵀr‖/(‖A‖‖r‖) reached its limit (least squares; PETSc's CONVERGED_ATOL_NORMAL_EQUATIONS = 9).</summary>
    ConvergedNormalEquations = 9,
    /// <summary>The iteration cap was reached.</summary>
    DivergedMaxIterations = -1,
    /// <summary>‖r_k‖ ≥ DivergenceTolerance·‖r₀‖.</summary>
    DivergedTolerance = -2,
    /// <summary>A method-specific division by zero.</summary>
    DivergedBreakdown = -3,
    /// <summary>pᵀAp ≤ 0: the operator is not SPD.</summary>
    DivergedIndefiniteOperator = -4,
    /// <summary>rᵀz ≤ 0 with r ≠ 0: the preconditioner is not SPD.</summary>
    DivergedIndefinitePreconditioner = -5,
    /// <summary>A non-finite dot product, norm or scalar.</summary>
    DivergedNaN = -6,
    /// <summary>The iteration no longer makes progress the arithmetic can deliver.</summary>
    Stagnated = -7,
    /// <summary>The cancellation token was signalled.</summary>
    Cancelled = -8,
    /// <summary>The time limit was exceeded.</summary>
    TimeLimit = -9,
}

/// <summary>Helpers on <see cref="ConvergenceReason"/>.</summary>
public static class ConvergenceReasonExtensions
{
    /// <summary>True for the positive (converged) reasons.</summary>
    public static bool IsConverged(this ConvergenceReason reason) => (int)reason > 0;

    /// <summary>A short human-readable explanation, suitable for a one-line CLI message.</summary>
    public static string Describe(this ConvergenceReason reason) => reason switch
    {
        ConvergenceReason.Iterating => "still iterating",
        ConvergenceReason.ConvergedRelativeTolerance => "converged: relative tolerance reached",
        ConvergenceReason.ConvergedAbsoluteTolerance => "converged: absolute tolerance reached",
        ConvergenceReason.ConvergedZeroRightHandSide => "converged: the right-hand side is zero, x = 0",
        ConvergenceReason.CompletedIterationBudget => "completed: the requested number of steps was taken",
        ConvergenceReason.ConvergedNormalEquations => "converged: least-squares backward error ‖Aᵀr‖/(‖A‖‖r‖) small enough",
        ConvergenceReason.DivergedMaxIterations => "not converged: iteration limit reached",
        ConvergenceReason.DivergedTolerance => "diverged: residual grew past the divergence tolerance",
        ConvergenceReason.DivergedBreakdown => "breakdown: a division by zero in the method",
        ConvergenceReason.DivergedIndefiniteOperator => "the operator is not symmetric positive definite (pᵀAp ≤ 0); try MINRES or GMRES",
        ConvergenceReason.DivergedIndefinitePreconditioner => "the preconditioner is not symmetric positive definite (rᵀz ≤ 0)",
        ConvergenceReason.DivergedNaN => "a NaN or infinity appeared in the iteration",
        ConvergenceReason.Stagnated => "stagnated: no further progress possible in floating point",
        ConvergenceReason.Cancelled => "cancelled",
        ConvergenceReason.TimeLimit => "time limit reached",
        _ => reason.ToString(),
    };
}
