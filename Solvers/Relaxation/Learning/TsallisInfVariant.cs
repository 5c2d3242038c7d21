namespace Solvers.Relaxation;

/// <summary>Which Tsallis-INF variant of spec sor-bandit §2.5 a <see cref="TsallisInf"/> runs.</summary>
public enum TsallisInfVariant
{
    /// <summary>The camera-ready anytime variant: η_t = 2/√t, losses (k − 1) divided by the running scale k̄ − 1.</summary>
    Anytime = 0,

    /// <summary>The first-upload variant: fixed η = 1/√T, losses (k − 1)/<see cref="TsallisInfOptions.FixedHorizonLossScale"/>, no running scale.</summary>
    FixedHorizon = 1,
}
