using Solvers.Sampling;

namespace Solvers.Relaxation;

/// <summary>
/// Tsallis-INF: follow-the-regularised-leader with the ½-Tsallis entropy (Zimmert &amp; Seldin) over a grid of arms,
/// with importance-weighted loss estimates (spec sor-bandit §2.5). The default <see cref="TsallisInfVariant.Anytime"/>
/// variant uses η_t = 2/√t and normalises the cumulative losses by the running scale s = max(floor, k̄_{t−1} − 1)
/// (s = 1 before any data); the played arm's estimate grows by (k − 1)/p with the normalised p. The normaliser is
/// found by a bracketed, monotone Newton iteration (never the reference's unguarded Newton from x = −1).
/// The context is ignored. Not thread-safe; SelectArm and Observe do not allocate.
/// </summary>
public sealed class TsallisInf : IRelaxationPolicy
{
    private readonly double[] _arms;
    private readonly double[] _losses;
    private readonly double[] _scaled;
    private readonly double[] _p;
    private readonly Xoshiro256StarStar _rng;
    private readonly TsallisInfVariant _variant;
    private readonly double _fixedEta;
    private readonly double _lossScale;
    private readonly double _tolerance;
    private readonly int _maxIterations;
    private readonly double _scaleFloor;
    private int _round;
    private double _costSum;
    private int _pending = -1;

    /// <summary>Creates the learner; throws <see cref="ArgumentException"/> for invalid options.</summary>
    public TsallisInf(TsallisInfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _arms = (double[])options.Arms.Clone();
        int d = _arms.Length;
        _losses = new double[d];
        _scaled = new double[d];
        _p = new double[d];
        Array.Fill(_p, 1.0 / d);
        _rng = new Xoshiro256StarStar(options.Seed);
        _variant = options.Variant;
        _fixedEta = options.Variant == TsallisInfVariant.FixedHorizon ? 1 / Math.Sqrt(options.Horizon) : double.NaN;
        _lossScale = options.FixedHorizonLossScale;
        _tolerance = options.NormalizerTolerance;
        _maxIterations = options.MaxNormalizerIterations;
        _scaleFloor = options.ScaleFloor;
        LastEta = double.NaN;
        LastScale = double.NaN;
        LastNormalizer = double.NaN;
        LastNormalizerResidual = double.NaN;
    }

    /// <summary>The options the learner was built from.</summary>
    public TsallisInfOptions Options { get; }

    /// <inheritdoc />
    public ReadOnlySpan<double> Arms => _arms;

    /// <inheritdoc />
    public int Round => _round;

    /// <summary>The normalised distribution of the last <see cref="SelectArm"/> (Σp = 1 up to round-off); uniform before the first.</summary>
    public ReadOnlySpan<double> LastProbabilities => _p;

    /// <summary>The cumulative importance-weighted loss estimates L̂ (unnormalised).</summary>
    public ReadOnlySpan<double> CumulativeLosses => _losses;

    /// <summary>The learning rate η of the last <see cref="SelectArm"/> (NaN before the first).</summary>
    public double LastEta { get; private set; }

    /// <summary>The loss scale s of the last <see cref="SelectArm"/> (1 for FixedHorizon and before data; NaN before the first call).</summary>
    public double LastScale { get; private set; }

    /// <summary>The normaliser x of the last <see cref="SelectArm"/>, in the units of the normalised losses ℓ̃ = L̂/s.</summary>
    public double LastNormalizer { get; private set; }

    /// <summary>The normaliser's residual Σp(x) − 1 before the final division by Σp.</summary>
    public double LastNormalizerResidual { get; private set; }

    /// <summary>The normaliser's function evaluations in the last <see cref="SelectArm"/>.</summary>
    public int LastNormalizerIterations { get; private set; }

    /// <summary>The mean k̄ of the observed costs (NaN before any).</summary>
    public double MeanCost => _round == 0 ? double.NaN : _costSum / _round;

    /// <summary>The pending arm, or −1 if none.</summary>
    public int PendingArm => _pending;

    /// <inheritdoc />
    public int SelectArm(double context = 0)
    {
        if (_pending >= 0) throw new InvalidOperationException("An arm is already pending; call Observe first.");
        int t = _round + 1;
        double eta, scale;
        if (_variant == TsallisInfVariant.Anytime)
        {
            eta = 2 / Math.Sqrt(t);
            scale = _round == 0 ? 1 : Math.Max(_scaleFloor, _costSum / _round - 1);
        }
        else
        {
            eta = _fixedEta;
            scale = 1;
        }

        for (int i = 0; i < _losses.Length; i++) _scaled[i] = _losses[i] / scale;
        var (x, iterations, residual) = SolveNormalizer(_scaled, eta, _p, _tolerance, _maxIterations);

        double sum = 0;
        for (int i = 0; i < _p.Length; i++) sum += _p[i];
        for (int i = 0; i < _p.Length; i++) _p[i] /= sum;

        LastEta = eta;
        LastScale = scale;
        LastNormalizer = x;
        LastNormalizerIterations = iterations;
        LastNormalizerResidual = residual;
        _pending = _rng.NextIndex(_p);
        return _pending;
    }

    /// <inheritdoc />
    public void Observe(double cost)
    {
        if (_pending < 0) throw new InvalidOperationException("No arm is pending; call SelectArm first.");
        if (!double.IsFinite(cost) || cost < 0) throw new ArgumentException("The cost must be finite and ≥ 0.", nameof(cost));
        double loss = _variant == TsallisInfVariant.Anytime ? cost - 1 : (cost - 1) / _lossScale;
        _losses[_pending] += loss / _p[_pending];
        _costSum += cost;
        _round++;
        _pending = -1;
    }

    /// <summary>
    /// Solves Σ_i 4/(η(ℓ_i − x))² = 1 for x &lt; min ℓ and writes p_i = 4/(η(ℓ_i − x))² (not renormalised) to
    /// <paramref name="p"/>. In u = min ℓ − x the sum is decreasing and convex, the root lies in [2/η, 2√d/η], and
    /// Newton from u = 2/η (where Σp ≥ 1) increases monotonically to it; an iterate leaving the shrinking bracket
    /// (round-off) is replaced by bisection. Stops at |Σp − 1| ≤ <paramref name="tolerance"/> or after
    /// <paramref name="maxIterations"/> evaluations. Returns x, the evaluations and Σp − 1 at x.
    /// </summary>
    internal static (double X, int Iterations, double Residual) SolveNormalizer(
        ReadOnlySpan<double> losses, double eta, Span<double> p, double tolerance, int maxIterations)
    {
        int d = losses.Length;
        double min = double.PositiveInfinity;
        for (int i = 0; i < d; i++) min = Math.Min(min, losses[i]);

        double lo = 2 / eta, hi = 2 * Math.Sqrt(d) / eta;
        double u = lo;
        int iterations = 0;
        double residual;
        while (true)
        {
            iterations++;
            double f = 0, f3 = 0;
            for (int i = 0; i < d; i++)
            {
                double q = 2 / (eta * (losses[i] - min + u)); // √p_i
                double pi = q * q;
                p[i] = pi;
                f += pi;
                f3 += pi * q;
            }

            residual = f - 1;
            if (Math.Abs(residual) <= tolerance || iterations >= maxIterations) break;
            if (residual > 0) lo = u;
            else hi = u;
            if (!(hi > lo)) break;
            double next = u + residual / (eta * f3); // −(F − 1)/F'(u), F'(u) = −η Σ p^{3/2}
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (next == u) break;
            u = next;
        }

        return (min - u, iterations, residual);
    }
}
