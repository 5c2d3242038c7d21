namespace Solvers.Relaxation;

/// <summary>The minimum cost in ChebCB's empirical Lipschitz scale Λ = (max k − min k)/(b − a) (spec sor-bandit §2.7).</summary>
public enum LipschitzMinimum
{
    /// <summary>The smallest observed cost (the literal reading; behind every measured number). Default.</summary>
    ObservedMinimum = 0,

    /// <summary>Zero (the reference's effective behaviour: Λ = K/(b − a), constant N = 2 + 4(1 + ln m)).</summary>
    Zero = 1,
}
