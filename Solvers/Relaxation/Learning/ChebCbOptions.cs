namespace Solvers.Relaxation;

/// <summary>Options of <see cref="ChebCb"/> (spec sor-bandit §2.7, §3.2, §3.3).</summary>
public sealed record ChebCbOptions
{
    /// <summary>The arm values; default linspace(1, 1.95, 20). Copied by the learner.</summary>
    public double[] Arms { get; init; } = ArmGrid.CameraReady();

    /// <summary>The number m of Chebyshev features (polynomial degree m − 1, m ≥ 1). Default 6.</summary>
    public int Features { get; init; } = 6;

    /// <summary>The lower end a of the context interval. Default −0.15.</summary>
    public double ContextMin { get; init; } = -0.15;

    /// <summary>The upper end b of the context interval. Default 0.65 (wider than the SOR support, kept for faithfulness).</summary>
    public double ContextMax { get; init; } = 0.65;

    /// <summary>The relative ridge ρ of the minimum-norm surrogate (G + (ρ·trace G + 1e−14) I)⁻¹h. Default 1e−10.</summary>
    public double MinNormRidge { get; init; } = 1e-10;

    /// <summary>The most sweeps of the projected cyclic coordinate descent of the box-constrained fit. Default 500.</summary>
    public int BoxSolverMaxSweeps { get; init; } = 500;

    /// <summary>The box solver stops when the largest coordinate change of a sweep is below this. Default 1e−13.</summary>
    public double BoxSolverTolerance { get; init; } = 1e-13;

    /// <summary>What to do when the η denominator is ≤ 0. Default <see cref="NonPositiveDenominatorPolicy.ZeroEta"/>.</summary>
    public NonPositiveDenominatorPolicy NonPositiveDenominator { get; init; } = NonPositiveDenominatorPolicy.ZeroEta;

    /// <summary>The minimum in the Lipschitz scale. Default <see cref="Relaxation.LipschitzMinimum.ObservedMinimum"/>.</summary>
    public LipschitzMinimum LipschitzMinimum { get; init; } = LipschitzMinimum.ObservedMinimum;

    /// <summary>The seed of the learner's own xoshiro256** stream.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> if any option is out of range.</summary>
    public void Validate()
    {
        ArmGrid.Validate(Arms, nameof(Arms));
        if (Features < 1) throw new ArgumentException("Features must be ≥ 1.", nameof(Features));
        if (!double.IsFinite(ContextMin) || !double.IsFinite(ContextMax) || !(ContextMax > ContextMin))
            throw new ArgumentException("The context range must be finite with ContextMin < ContextMax.", nameof(ContextMin));
        if (!(MinNormRidge >= 0) || !double.IsFinite(MinNormRidge))
            throw new ArgumentException("MinNormRidge must be finite and ≥ 0.", nameof(MinNormRidge));
        if (BoxSolverMaxSweeps < 1) throw new ArgumentException("BoxSolverMaxSweeps must be ≥ 1.", nameof(BoxSolverMaxSweeps));
        if (!(BoxSolverTolerance >= 0) || !double.IsFinite(BoxSolverTolerance))
            throw new ArgumentException("BoxSolverTolerance must be finite and ≥ 0.", nameof(BoxSolverTolerance));
        if (!Enum.IsDefined(NonPositiveDenominator))
            throw new ArgumentException("Unknown non-positive-denominator policy.", nameof(NonPositiveDenominator));
        if (!Enum.IsDefined(LipschitzMinimum))
            throw new ArgumentException("Unknown Lipschitz minimum.", nameof(LipschitzMinimum));
    }
}
