namespace Solvers.Relaxation;

/// <summary>
/// An online learner of one scalar solver parameter (SOR's ω, or any other) over a finite grid of arms, from the costs
/// of the solves alone ("Learning to Relax", spec sor-bandit §3.2). Non-contextual policies ignore the context.
/// </summary>
public interface IRelaxationPolicy
{
    /// <summary>The parameter values the policy chooses among.</summary>
    ReadOnlySpan<double> Arms { get; }

    /// <summary>Rounds completed (Observe calls).</summary>
    int Round { get; }

    /// <summary>The distribution the last <see cref="SelectArm"/> drew from (length = number of arms).</summary>
    ReadOnlySpan<double> LastProbabilities { get; }

    /// <summary>Draws an arm for the next instance and remembers it. Throws InvalidOperationException if an arm is pending.</summary>
    int SelectArm(double context = 0);

    /// <summary>Reports the cost (e.g. iterations, ≥ 1) of the pending arm. Throws InvalidOperationException if no arm is pending.</summary>
    void Observe(double cost);
}
