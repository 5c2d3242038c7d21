using Solvers.Sampling;

namespace Solvers.Relaxation;

/// <summary>
/// ChebCB (spec sor-bandit §2.7): per arm a linear model θ_i·φ(c) of the normalised cost on m Chebyshev features of the
/// context, fitted by least squares (minimum-norm, or box-constrained when the fit leaves the coefficient box), and
/// SquareCB-style inverse-gap weighting p_i = 1/(d + η(ŷ_i − ŷ_{i*})). The fits and the η statistics come from O(1)-in-t
/// running sums (§3.2): per arm G = Σφφᵀ, h = Σφ(k − 1), q = Σ(k − 1)², globally Σπ², Σπk, Σk². The reference quirks are
/// kept: the fit target is (k − 1)/S while R compares with k/S, the predictions π_s keep the scale of their round, and
/// resnorm belongs to the last constrained fit of the update. Contexts outside [a, b] are not clamped (|z| &gt; 1
/// extrapolates the polynomials, as the reference does). Costs are expected ≥ 1; the scale S is floored at 1e−12 so
/// that all-zero costs stay finite. Not thread-safe; SelectArm and Observe do not allocate.
/// </summary>
public sealed class ChebCb : IRelaxationPolicy
{
    private const double ScaleFloor = 1e-12;

    private readonly double[] _arms;
    private readonly int _d, _m;
    private readonly double _a, _b;
    private readonly double[] _theta, _g, _h, _q;
    private readonly int[] _pulls;
    private readonly double[] _yhat, _p, _phi, _pendingPhi, _chol, _rhs, _lower, _upper;
    private readonly Xoshiro256StarStar _rng;
    private readonly double _ridge, _boxTolerance;
    private readonly int _boxSweeps;
    private readonly bool _zeroMinimum, _zeroEta;
    private double _kMax, _kMin;
    private double _sumPi2, _sumPiK, _sumK2;
    private int _round;
    private int _pending = -1;
    private double _pendingPi;

    /// <summary>Creates the learner; throws <see cref="ArgumentException"/> for invalid options.</summary>
    public ChebCb(ChebCbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _arms = (double[])options.Arms.Clone();
        _d = _arms.Length;
        _m = options.Features;
        _a = options.ContextMin;
        _b = options.ContextMax;
        _theta = new double[_d * _m];
        _g = new double[_d * _m * _m];
        _h = new double[_d * _m];
        _q = new double[_d];
        _pulls = new int[_d];
        _yhat = new double[_d];
        _p = new double[_d];
        Array.Fill(_p, 1.0 / _d);
        _phi = new double[_m];
        _pendingPhi = new double[_m];
        _chol = new double[_m * _m];
        _rhs = new double[_m];
        _lower = new double[_m];
        _upper = new double[_m];
        _rng = new Xoshiro256StarStar(options.Seed);
        _ridge = options.MinNormRidge;
        _boxTolerance = options.BoxSolverTolerance;
        _boxSweeps = options.BoxSolverMaxSweeps;
        _zeroMinimum = options.LipschitzMinimum == LipschitzMinimum.Zero;
        _zeroEta = options.NonPositiveDenominator == NonPositiveDenominatorPolicy.ZeroEta;
    }

    /// <summary>The options the learner was built from.</summary>
    public ChebCbOptions Options { get; }

    /// <inheritdoc />
    public ReadOnlySpan<double> Arms => _arms;

    /// <inheritdoc />
    public int Round => _round;

    /// <summary>The distribution of the last <see cref="SelectArm"/>; uniform before the first.</summary>
    public ReadOnlySpan<double> LastProbabilities => _p;

    /// <summary>The predictions ŷ_i = θ_i·φ of the last <see cref="SelectArm"/>.</summary>
    public ReadOnlySpan<double> LastPredictions => _yhat;

    /// <summary>The exploration parameter η used by the next <see cref="SelectArm"/> (0 initially).</summary>
    public double Eta { get; private set; }

    /// <summary>The cost scale S = K·N (0 before any observation).</summary>
    public double Scale { get; private set; }

    /// <summary>The normaliser N = 2 + 4(b − a)Λ/K·(1 + ln m) of the last update (NaN before any).</summary>
    public double LipschitzFactor { get; private set; } = double.NaN;

    /// <summary>The resnorm of the last update (0 if it had no constrained fit).</summary>
    public double LastResnorm { get; private set; }

    /// <summary>R = Σ(π_s − k_s/S)² of the last update, clamped at ≥ 0.</summary>
    public double LastR { get; private set; }

    /// <summary>α of the last update.</summary>
    public double LastAlpha { get; private set; }

    /// <summary>The coefficient vector θ_i (length m) of arm <paramref name="arm"/>.</summary>
    public ReadOnlySpan<double> Theta(int arm) => _theta.AsSpan(arm * _m, _m);

    /// <summary>The number of times arm <paramref name="arm"/> was played and observed.</summary>
    public int Pulls(int arm) => _pulls[arm];

    /// <summary>The coefficient box bound on |θ_j| of the last update (NaN before any).</summary>
    public double Bound(int j) => _round == 0 ? double.NaN : _upper[j];

    /// <summary>The pending arm, or −1 if none.</summary>
    public int PendingArm => _pending;

    /// <summary>Writes the Chebyshev features T_0(z), …, T_{m−1}(z) (m = <paramref name="phi"/>.Length) by the three-term recurrence.</summary>
    public static void ChebyshevFeatures(double z, Span<double> phi)
    {
        if (phi.Length == 0) return;
        phi[0] = 1;
        if (phi.Length == 1) return;
        phi[1] = z;
        for (int j = 1; j + 1 < phi.Length; j++) phi[j + 1] = 2 * z * phi[j] - phi[j - 1];
    }

    /// <summary>The feature variable z = 2(c − a)/(b − a) − 1 of a context.</summary>
    public double FeatureVariable(double context) => 2 * (context - _a) / (_b - _a) - 1;

    /// <inheritdoc />
    public int SelectArm(double context = 0)
    {
        if (_pending >= 0) throw new InvalidOperationException("An arm is already pending; call Observe first.");
        if (!double.IsFinite(context)) throw new ArgumentException("The context must be finite.", nameof(context));
        ChebyshevFeatures(FeatureVariable(context), _phi);
        int best = 0;
        for (int i = 0; i < _d; i++)
        {
            double y = 0;
            var th = _theta.AsSpan(i * _m, _m);
            for (int j = 0; j < _m; j++) y += th[j] * _phi[j];
            _yhat[i] = y;
            if (y < _yhat[best]) best = i;
        }

        double rest = 0;
        for (int i = 0; i < _d; i++)
        {
            if (i == best) continue;
            double pi = 1 / (_d + Eta * (_yhat[i] - _yhat[best]));
            _p[i] = pi;
            rest += pi;
        }

        _p[best] = 1 - rest;
        int arm = _rng.NextIndex(_p);
        _pending = arm;
        _pendingPi = _yhat[arm];
        _phi.CopyTo(_pendingPhi, 0);
        return arm;
    }

    /// <inheritdoc />
    public void Observe(double cost)
    {
        if (_pending < 0) throw new InvalidOperationException("No arm is pending; call SelectArm first.");
        if (!double.IsFinite(cost) || cost < 0) throw new ArgumentException("The cost must be finite and ≥ 0.", nameof(cost));
        int arm = _pending, m = _m;
        double k = cost, t = _round + 1;
        double width = _b - _a;

        _kMax = _round == 0 ? k : Math.Max(_kMax, k);
        _kMin = _round == 0 ? k : Math.Min(_kMin, k);
        double lambda = (_kMax - (_zeroMinimum ? 0 : _kMin)) / width;
        double n = 2 + (_kMax > 0 ? 4 * width * lambda / _kMax * (1 + Math.Log(m)) : 0);
        double s = Math.Max(ScaleFloor, _kMax * n);
        bool changed = s != Scale;
        Scale = s;
        LipschitzFactor = n;
        _lower[0] = -1 / n;
        _upper[0] = 1 / n;
        for (int j = 1; j < m; j++)
        {
            double bound = 2 * width * lambda / (s * j);
            _lower[j] = -bound;
            _upper[j] = bound;
        }

        // Running sums.
        double km1 = k - 1;
        var g = _g.AsSpan(arm * m * m, m * m);
        var h = _h.AsSpan(arm * m, m);
        for (int r = 0; r < m; r++)
        {
            double pr = _pendingPhi[r];
            h[r] += pr * km1;
            for (int c = 0; c < m; c++) g[r * m + c] += pr * _pendingPhi[c];
        }

        _q[arm] += km1 * km1;
        _pulls[arm]++;
        _sumPi2 += _pendingPi * _pendingPi;
        _sumPiK += _pendingPi * k;
        _sumK2 += k * k;

        double resnorm = 0;
        for (int i = 0; i < _d; i++)
        {
            if (_pulls[i] == 0 || !(changed || i == arm)) continue;
            if (Fit(i, s, out double rn)) resnorm = rn;
        }

        double alpha = (Math.PI + 2 / Math.PI * Math.Log(2 * m + 1)) / (2 * s * (m + 1)) * width * lambda;
        double bigR = Math.Max(0, _sumPi2 - 2 * _sumPiK / s + _sumK2 / (s * s));
        double denominator = bigR - resnorm + 2 * alpha * alpha * t;
        if (denominator > 0) Eta = 2 * t * Math.Sqrt(_d * t / denominator);
        else if (_zeroEta) Eta = 0;

        LastResnorm = resnorm;
        LastR = bigR;
        LastAlpha = alpha;
        _round++;
        _pending = -1;
    }

    /// <summary>
    /// Refits θ_i from the running sums: the ridge surrogate of the minimum-norm solution of G θ = h/S, and, if it leaves
    /// the box, the box-constrained minimiser of θᵀGθ − 2θᵀh/S + q/S² started from the clamped surrogate. Returns whether
    /// the constrained fit ran, with its objective (clamped at ≥ 0) as <paramref name="resnorm"/>.
    /// </summary>
    private bool Fit(int i, double s, out double resnorm)
    {
        int m = _m;
        var g = _g.AsSpan(i * m * m, m * m);
        var h = _h.AsSpan(i * m, m);
        var theta = _theta.AsSpan(i * m, m);
        for (int j = 0; j < m; j++) _rhs[j] = h[j] / s;

        double trace = 0;
        for (int j = 0; j < m; j++) trace += g[j * m + j];
        double ridge = _ridge * trace + 1e-14;
        CholeskySolve(g, ridge, _chol, _rhs, theta);

        bool outside = false;
        for (int j = 0; j < m; j++)
            if (Math.Abs(theta[j]) > _upper[j]) outside = true;
        if (!outside)
        {
            resnorm = 0;
            return false;
        }

        for (int j = 0; j < m; j++) theta[j] = Math.Clamp(theta[j], _lower[j], _upper[j]);
        SolveBox(g, _rhs, _lower, _upper, theta, _boxSweeps, _boxTolerance);
        resnorm = Math.Max(0, Quadratic(g, _rhs, _q[i] / (s * s), theta));
        return true;
    }

    /// <summary>Solves (G + ridge·I) x = rhs by Cholesky in <paramref name="work"/> (m×m). A non-positive pivot from round-off is replaced by the ridge.</summary>
    private static void CholeskySolve(ReadOnlySpan<double> g, double ridge, Span<double> work, ReadOnlySpan<double> rhs, Span<double> x)
    {
        int m = x.Length;
        for (int r = 0; r < m; r++)
        {
            for (int c = 0; c <= r; c++)
            {
                double sum = g[r * m + c] + (r == c ? ridge : 0);
                for (int k = 0; k < c; k++) sum -= work[r * m + k] * work[c * m + k];
                if (r == c) work[r * m + r] = Math.Sqrt(sum > 0 ? sum : ridge);
                else work[r * m + c] = sum / work[c * m + c];
            }
        }

        for (int r = 0; r < m; r++)
        {
            double sum = rhs[r];
            for (int k = 0; k < r; k++) sum -= work[r * m + k] * x[k];
            x[r] = sum / work[r * m + r];
        }

        for (int r = m - 1; r >= 0; r--)
        {
            double sum = x[r];
            for (int k = r + 1; k < m; k++) sum -= work[k * m + r] * x[k];
            x[r] = sum / work[r * m + r];
        }
    }

    /// <summary>θᵀGθ − 2θᵀrhs + constant for the row-major symmetric m×m <paramref name="g"/>.</summary>
    internal static double Quadratic(ReadOnlySpan<double> g, ReadOnlySpan<double> rhs, double constant, ReadOnlySpan<double> theta)
    {
        int m = theta.Length;
        double value = constant;
        for (int r = 0; r < m; r++)
        {
            double gr = 0;
            for (int c = 0; c < m; c++) gr += g[r * m + c] * theta[c];
            value += theta[r] * (gr - 2 * rhs[r]);
        }

        return value;
    }

    /// <summary>
    /// Minimises θᵀGθ − 2θᵀrhs over lower ≤ θ ≤ upper (G symmetric positive semidefinite, row-major m×m) by projected
    /// cyclic coordinate descent from the given <paramref name="theta"/> (which must be inside the box). Stops when the
    /// largest coordinate change of a sweep is below <paramref name="tolerance"/> or after <paramref name="maxSweeps"/>
    /// sweeps; returns the sweeps run.
    /// </summary>
    internal static int SolveBox(ReadOnlySpan<double> g, ReadOnlySpan<double> rhs, ReadOnlySpan<double> lower,
        ReadOnlySpan<double> upper, Span<double> theta, int maxSweeps, double tolerance)
    {
        int m = theta.Length;
        for (int sweep = 1; sweep <= maxSweeps; sweep++)
        {
            double largest = 0;
            for (int j = 0; j < m; j++)
            {
                double r = rhs[j];
                for (int c = 0; c < m; c++)
                    if (c != j) r -= g[j * m + c] * theta[c];
                double diag = g[j * m + j];
                double next = diag > 0 ? r / diag : r > 0 ? upper[j] : r < 0 ? lower[j] : theta[j];
                next = Math.Clamp(next, lower[j], upper[j]);
                largest = Math.Max(largest, Math.Abs(next - theta[j]));
                theta[j] = next;
            }

            if (largest < tolerance) return sweep;
        }

        return maxSweeps;
    }
}
