namespace Solvers.Relaxation;

/// <summary>What ChebCB does when its η denominator R − resnorm + 2α²t is ≤ 0 (the reference has no guard).</summary>
public enum NonPositiveDenominatorPolicy
{
    /// <summary>Set η = 0, i.e. uniform exploration in the next round (the measured re-implementation). Default.</summary>
    ZeroEta = 0,

    /// <summary>Keep the previous η.</summary>
    KeepPrevious = 1,
}
