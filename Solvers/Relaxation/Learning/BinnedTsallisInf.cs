using Solvers.Sampling;

namespace Solvers.Relaxation;

/// <summary>
/// Tsallis-INF-CB (spec sor-bandit §2.6): the context range [a, b] is split into m bins with centres
/// a + (b − a)(i − ½)/m, a context goes to the nearest centre (ties to the lower index; contexts below a or above b
/// therefore go to the first or last bin), and every bin runs an independent <see cref="TsallisInf"/> with its own
/// losses, round counter, running mean and generator. Not thread-safe; SelectArm and Observe do not allocate.
/// </summary>
public sealed class BinnedTsallisInf : IRelaxationPolicy
{
    private readonly TsallisInf[] _bins;
    private readonly double[] _centres;
    private int _round;
    private int _pendingBin = -1;
    private int _lastBin;

    /// <summary>Creates the learner; throws <see cref="ArgumentException"/> for invalid options.</summary>
    public BinnedTsallisInf(BinnedTsallisInfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        int m = options.Bins;
        double a = options.ContextMin, b = options.ContextMax;
        _centres = new double[m];
        for (int i = 0; i < m; i++) _centres[i] = a + (b - a) * (i + 0.5) / m;
        var master = new Xoshiro256StarStar(options.Seed);
        _bins = new TsallisInf[m];
        for (int i = 0; i < m; i++) _bins[i] = new TsallisInf(options.Learner with { Seed = master.NextUInt64() });
    }

    /// <summary>The options the learner was built from.</summary>
    public BinnedTsallisInfOptions Options { get; }

    /// <inheritdoc />
    public ReadOnlySpan<double> Arms => _bins[0].Arms;

    /// <summary>Rounds completed over all bins.</summary>
    public int Round => _round;

    /// <summary>The distribution of the last <see cref="SelectArm"/>, i.e. that of the last selected bin (bin 0's uniform start before any).</summary>
    public ReadOnlySpan<double> LastProbabilities => _bins[_lastBin].LastProbabilities;

    /// <summary>The bin centres.</summary>
    public ReadOnlySpan<double> BinCentres => _centres;

    /// <summary>The number of bins.</summary>
    public int BinCount => _bins.Length;

    /// <summary>The bin of the last <see cref="SelectArm"/>.</summary>
    public int LastBin => _lastBin;

    /// <summary>The learner of bin <paramref name="bin"/> (for inspection; do not drive it directly).</summary>
    public TsallisInf Bin(int bin) => _bins[bin];

    /// <summary>The learning rate of the last selected bin's last round.</summary>
    public double LastEta => _bins[_lastBin].LastEta;

    /// <summary>
    /// The bin of <paramref name="context"/>: the nearest centre, ties to the lower index; contexts outside
    /// [ContextMin, ContextMax] (including ±∞) clamp to the end bins. Throws <see cref="ArgumentException"/> for NaN.
    /// </summary>
    public int BinOf(double context)
    {
        if (double.IsNaN(context)) throw new ArgumentException("The context must not be NaN.", nameof(context));
        int m = _centres.Length;
        double a = Options.ContextMin, b = Options.ContextMax;
        if (context <= _centres[0]) return 0;
        if (context >= _centres[m - 1]) return m - 1;
        int j = (int)Math.Floor((context - a) / (b - a) * m);
        j = Math.Clamp(j, 0, m - 1);
        // Settle round-off and ties against the neighbours by the distances themselves.
        while (j > 0 && Math.Abs(context - _centres[j - 1]) <= Math.Abs(context - _centres[j])) j--;
        while (j < m - 1 && Math.Abs(context - _centres[j + 1]) < Math.Abs(context - _centres[j])) j++;
        return j;
    }

    /// <inheritdoc />
    public int SelectArm(double context = 0)
    {
        if (_pendingBin >= 0) throw new InvalidOperationException("An arm is already pending; call Observe first.");
        int bin = BinOf(context);
        int arm = _bins[bin].SelectArm(context);
        _pendingBin = bin;
        _lastBin = bin;
        return arm;
    }

    /// <inheritdoc />
    public void Observe(double cost)
    {
        if (_pendingBin < 0) throw new InvalidOperationException("No arm is pending; call SelectArm first.");
        _bins[_pendingBin].Observe(cost);
        _pendingBin = -1;
        _round++;
    }
}
