namespace Solvers.Relaxation;

/// <summary>
/// The trivial policy that always plays one value (a fixed-ω comparator, or <c>--tune none</c>): one arm with
/// probability 1. It follows the <see cref="IRelaxationPolicy"/> protocol (SelectArm/Observe alternate).
/// </summary>
public sealed class FixedArmPolicy : IRelaxationPolicy
{
    private readonly double[] _arm;
    private readonly double[] _p = [1.0];
    private bool _pending;
    private int _round;

    /// <summary>Creates the policy for <paramref name="value"/>.</summary>
    public FixedArmPolicy(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"The fixed value must be finite (got {value}).", nameof(value));
        _arm = [value];
    }

    /// <inheritdoc/>
    public ReadOnlySpan<double> Arms => _arm;

    /// <inheritdoc/>
    public int Round => _round;

    /// <inheritdoc/>
    public ReadOnlySpan<double> LastProbabilities => _p;

    /// <inheritdoc/>
    public int SelectArm(double context = 0)
    {
        if (_pending) throw new InvalidOperationException("SelectArm called twice without Observe.");
        _pending = true;
        return 0;
    }

    /// <inheritdoc/>
    public void Observe(double cost)
    {
        if (!_pending) throw new InvalidOperationException("Observe called without a pending SelectArm.");
        _pending = false;
        _round++;
    }
}
