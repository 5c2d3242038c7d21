namespace Solvers.Relaxation;

/// <summary>Options of <see cref="TsallisInf"/> (spec sor-bandit §2.5, §3.3).</summary>
public sealed record TsallisInfOptions
{
    /// <summary>The arm values; default linspace(1, 1.95, 20), the camera-ready grid. Copied by the learner.</summary>
    public double[] Arms { get; init; } = ArmGrid.CameraReady();

    /// <summary>The variant; default <see cref="TsallisInfVariant.Anytime"/>.</summary>
    public TsallisInfVariant Variant { get; init; } = TsallisInfVariant.Anytime;

    /// <summary>The horizon T (≥ 1) of the <see cref="TsallisInfVariant.FixedHorizon"/> variant (η = 1/√T); ignored otherwise.</summary>
    public int Horizon { get; init; }

    /// <summary>The fixed loss normalisation of the <see cref="TsallisInfVariant.FixedHorizon"/> variant: losses (k − 1)/scale. Default 100.</summary>
    public double FixedHorizonLossScale { get; init; } = 100;

    /// <summary>The normaliser stops when |Σp − 1| ≤ this. Default 1e−12.</summary>
    public double NormalizerTolerance { get; init; } = 1e-12;

    /// <summary>The most Newton/bisection iterations of the normaliser. Default 100.</summary>
    public int MaxNormalizerIterations { get; init; } = 100;

    /// <summary>The running scale is max(ScaleFloor, k̄ − 1). Default 1e−12.</summary>
    public double ScaleFloor { get; init; } = 1e-12;

    /// <summary>The seed of the learner's own xoshiro256** stream.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> if any option is out of range.</summary>
    public void Validate()
    {
        ArmGrid.Validate(Arms, nameof(Arms));
        if (!Enum.IsDefined(Variant)) throw new ArgumentException("Unknown Tsallis-INF variant.", nameof(Variant));
        if (Variant == TsallisInfVariant.FixedHorizon && Horizon < 1)
            throw new ArgumentException("FixedHorizon needs Horizon ≥ 1.", nameof(Horizon));
        if (!(FixedHorizonLossScale > 0) || !double.IsFinite(FixedHorizonLossScale))
            throw new ArgumentException("FixedHorizonLossScale must be finite and > 0.", nameof(FixedHorizonLossScale));
        if (!(NormalizerTolerance > 0) || !double.IsFinite(NormalizerTolerance))
            throw new ArgumentException("NormalizerTolerance must be finite and > 0.", nameof(NormalizerTolerance));
        if (MaxNormalizerIterations < 1)
            throw new ArgumentException("MaxNormalizerIterations must be ≥ 1.", nameof(MaxNormalizerIterations));
        if (!(ScaleFloor > 0) || !double.IsFinite(ScaleFloor))
            throw new ArgumentException("ScaleFloor must be finite and > 0.", nameof(ScaleFloor));
    }
}
