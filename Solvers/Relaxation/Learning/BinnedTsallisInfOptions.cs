namespace Solvers.Relaxation;

/// <summary>Options of <see cref="BinnedTsallisInf"/> (Tsallis-INF-CB, spec sor-bandit §2.6, §3.3).</summary>
public sealed record BinnedTsallisInfOptions
{
    /// <summary>The number of context bins m (≥ 1). Default 5.</summary>
    public int Bins { get; init; } = 5;

    /// <summary>The lower end a of the context range. Default −0.15.</summary>
    public double ContextMin { get; init; } = -0.15;

    /// <summary>The upper end b of the context range. Default 0.65 (wider than the SOR support c ≤ 0.45, kept for faithfulness).</summary>
    public double ContextMax { get; init; } = 0.65;

    /// <summary>The options of every bin's Tsallis-INF. Its <see cref="TsallisInfOptions.Seed"/> is ignored: bins are seeded from <see cref="Seed"/>.</summary>
    public TsallisInfOptions Learner { get; init; } = new();

    /// <summary>The master seed; bin i's generator is seeded with the i-th 64-bit output of a xoshiro256** stream seeded with it.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> if any option is out of range.</summary>
    public void Validate()
    {
        if (Bins < 1) throw new ArgumentException("Bins must be ≥ 1.", nameof(Bins));
        if (!double.IsFinite(ContextMin) || !double.IsFinite(ContextMax) || !(ContextMax > ContextMin))
            throw new ArgumentException("The context range must be finite with ContextMin < ContextMax.", nameof(ContextMin));
        if (Learner is null) throw new ArgumentException("Learner options are required.", nameof(Learner));
        Learner.Validate();
    }
}
