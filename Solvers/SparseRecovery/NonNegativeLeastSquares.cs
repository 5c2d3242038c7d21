using System.Globalization;

namespace Solvers.SparseRecovery;

/// <summary>The outcome of one <see cref="NonNegativeLeastSquares.Solve"/>.</summary>
/// <param name="Converged">True when the Karush–Kuhn–Tucker conditions hold to the solver's tolerance; false when the
/// iteration cap stopped it (the returned v is then feasible, v ≥ 0, but not necessarily optimal).</param>
/// <param name="Iterations">The outer iterations: how many times an index entered the positive set.</param>
/// <param name="ResidualNorm">‖Cv − g‖₂ at the returned v.</param>
public readonly record struct NonNegativeLeastSquaresResult(bool Converged, int Iterations, double ResidualNorm);

/// <summary>
/// Nonnegative least squares min ‖Cv − g‖₂ subject to v ≥ 0 for small dense C, by the Lawson–Hanson active-set method
/// (Lawson &amp; Hanson, <i>Solving Least Squares Problems</i>, 1974, ch. 23). It serves the pattern-coupled M-step of
/// <see cref="KroneckerSbl"/> (spec sparse-bayesian §2.9, §3.7: systems of at most a few dozen unknowns, managed code).
/// </summary>
/// <remarks>
/// <para><b>Method.</b> The positive set P starts empty and v = 0. While some j ∉ P has a positive dual w_j = [Cᵀ(g − Cv)]_j
/// above the tolerance, the largest enters P; the unconstrained least-squares solution z on the columns of P (Householder
/// QR) then either stays positive and becomes v, or v moves towards z until the first entry reaches 0 and that entry
/// leaves P, and the least-squares step repeats. An entering column that is numerically dependent on P, or whose
/// coefficient comes out ≤ 0 (possible only through rounding), is set aside until another index enters.</para>
/// <para><b>Tolerance.</b> The dual test is w_j &gt; 10·ε·max(m, n)·‖C‖_F·‖g‖₂; at return v ≥ 0 exactly, v_j = 0 off P and
/// w_P = 0 to rounding. At most 3n outer iterations run (the usual cap; in exact arithmetic the method ends after finitely
/// many).</para>
/// <para><b>Storage.</b> C is row-major (C order) rows×columns. An instance holds the workspace for problems up to
/// <see cref="MaxRows"/>×<see cref="MaxColumns"/>; <see cref="Solve"/> allocates nothing. An instance is not safe for
/// concurrent use.</para>
/// </remarks>
public sealed class NonNegativeLeastSquares
{
    private const double MachineEpsilon = 2.220446049250313e-16; // 2⁻⁵²

    private readonly double[] _dual;        // w = Cᵀ(g − Cv), length n
    private readonly double[] _residual;    // g − Cv, length m
    private readonly double[] _qr;          // the columns of P, then their Householder QR, column-major m×|P|
    private readonly double[] _rhs;         // g, then Qᵀg, length m
    private readonly double[] _z;           // the least-squares solution on P, in the order of _passive
    private readonly int[] _passive;        // the indices in P, in the order they are held
    private readonly bool[] _inPassive;
    private readonly bool[] _setAside;      // rejected entering candidates until the next successful entry

    /// <summary>Creates a solver with the workspace for C of up to <paramref name="maxRows"/>×<paramref name="maxColumns"/>.</summary>
    /// <param name="maxRows">The largest m (≥ 1).</param>
    /// <param name="maxColumns">The largest n (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size &lt; 1, or m·n beyond int.</exception>
    public NonNegativeLeastSquares(int maxRows, int maxColumns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColumns, 1);
        if ((long)maxRows * maxColumns > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(maxColumns), maxColumns,
                string.Create(CultureInfo.InvariantCulture, $"{maxRows}×{maxColumns} is beyond int."));
        MaxRows = maxRows;
        MaxColumns = maxColumns;
        _dual = new double[maxColumns];
        _residual = new double[maxRows];
        _qr = new double[maxRows * maxColumns];
        _rhs = new double[maxRows];
        _z = new double[maxColumns];
        _passive = new int[maxColumns];
        _inPassive = new bool[maxColumns];
        _setAside = new bool[maxColumns];
    }

    /// <summary>The largest m this instance accepts.</summary>
    public int MaxRows { get; }

    /// <summary>The largest n this instance accepts.</summary>
    public int MaxColumns { get; }

    /// <summary>One-off convenience: allocates a workspace of exactly this size and solves.</summary>
    /// <param name="matrix">C, row-major rows×columns (length rows·columns).</param>
    /// <param name="rows">m ≥ 1.</param>
    /// <param name="columns">n ≥ 1.</param>
    /// <param name="target">g, length m.</param>
    /// <param name="solution">v, length n; overwritten.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">As <see cref="Solve"/>.</exception>
    public static NonNegativeLeastSquaresResult SolveOnce(ReadOnlySpan<double> matrix, int rows, int columns,
        ReadOnlySpan<double> target, Span<double> solution)
    {
        if (rows < 1) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"rows = {rows}; it must be ≥ 1."), nameof(rows));
        if (columns < 1) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"columns = {columns}; it must be ≥ 1."), nameof(columns));
        return new NonNegativeLeastSquares(rows, columns).Solve(matrix, rows, columns, target, solution);
    }

    /// <summary>Solves min ‖Cv − g‖₂ subject to v ≥ 0.</summary>
    /// <param name="matrix">C, row-major rows×columns (length exactly rows·columns), finite.</param>
    /// <param name="rows">m, 1 ≤ m ≤ <see cref="MaxRows"/>.</param>
    /// <param name="columns">n, 1 ≤ n ≤ <see cref="MaxColumns"/>.</param>
    /// <param name="target">g, length m, finite.</param>
    /// <param name="solution">v, length n; overwritten with the solution (v ≥ 0, exact zeros off the positive set).</param>
    /// <returns>Whether it converged, the outer iterations and ‖Cv − g‖₂. Numerical trouble never throws.</returns>
    /// <exception cref="ArgumentException">A size outside [1, max], a span of the wrong length, or a non-finite entry of
    /// C or g (the message names the entry).</exception>
    public NonNegativeLeastSquaresResult Solve(ReadOnlySpan<double> matrix, int rows, int columns, ReadOnlySpan<double> target,
        Span<double> solution)
    {
        CheckArguments(matrix, rows, columns, target, solution);
        int m = rows, n = columns;
        solution.Clear();
        Array.Clear(_inPassive, 0, n);
        Array.Clear(_setAside, 0, n);
        int passiveCount = 0;

        double matrixNorm = 0, targetNorm = 0;
        foreach (double c in matrix) matrixNorm += c * c;
        foreach (double g in target) targetNorm += g * g;
        matrixNorm = Math.Sqrt(matrixNorm);
        targetNorm = Math.Sqrt(targetNorm);
        if (targetNorm == 0 || matrixNorm == 0) return new NonNegativeLeastSquaresResult(true, 0, targetNorm);
        double tolerance = 10 * Math.Max(m, n) * MachineEpsilon * matrixNorm * targetNorm;

        int iterations = 0, maxIterations = 3 * n;
        bool converged = false, stuck = false;
        UpdateDual(matrix, m, n, target, solution);
        while (true)
        {
            // The entering index: the largest dual w_j > tolerance off P (and not set aside).
            int entering = -1;
            double best = tolerance;
            for (int j = 0; j < n; j++)
            {
                if (_inPassive[j] || _setAside[j]) continue;
                if (_dual[j] > best)
                {
                    best = _dual[j];
                    entering = j;
                }
            }
            if (entering < 0) { converged = true; break; }
            if (iterations >= maxIterations || stuck) break;
            iterations++;

            _passive[passiveCount++] = entering;
            _inPassive[entering] = true;
            bool first = true, accepted = true;
            while (true)
            {
                bool independent = LeastSquaresOnPassive(matrix, m, n, target, passiveCount);
                if (!first && !independent)
                {
                    // A subset of independent columns stays independent, so this is rounding at the edge of rank: stop
                    // with the current feasible v and report no convergence.
                    stuck = true;
                    break;
                }
                if (first && (!independent || !(_z[passiveCount - 1] > 0)))
                {
                    // Lawson–Hanson's safeguard: a dependent entering column, or one whose coefficient is not positive
                    // (rounding; in exact arithmetic w_t > 0 makes it positive), is set aside and another index tried.
                    passiveCount--;
                    _inPassive[entering] = false;
                    _setAside[entering] = true;
                    accepted = false;
                    break;
                }
                first = false;

                bool allPositive = true;
                for (int i = 0; i < passiveCount; i++) allPositive &= _z[i] > 0;
                if (allPositive)
                {
                    for (int i = 0; i < passiveCount; i++) solution[_passive[i]] = _z[i];
                    break;
                }

                // Move from v towards z until the first coordinate reaches 0, then drop every P entry at or below 0.
                double alpha = double.PositiveInfinity;
                int blocking = -1;
                for (int i = 0; i < passiveCount; i++)
                {
                    if (_z[i] > 0) continue;
                    double vi = solution[_passive[i]];
                    double step = vi / (vi - _z[i]);
                    if (step < alpha)
                    {
                        alpha = step;
                        blocking = i;
                    }
                }
                for (int i = 0; i < passiveCount; i++)
                {
                    int j = _passive[i];
                    solution[j] += alpha * (_z[i] - solution[j]);
                }
                solution[_passive[blocking]] = 0;
                int kept = 0;
                for (int i = 0; i < passiveCount; i++)
                {
                    int j = _passive[i];
                    if (solution[j] > 0) _passive[kept++] = j;
                    else
                    {
                        solution[j] = 0;
                        _inPassive[j] = false;
                    }
                }
                passiveCount = kept;
                if (passiveCount == 0) break;
            }

            if (stuck) break;
            if (accepted)
            {
                Array.Clear(_setAside, 0, n);
                UpdateDual(matrix, m, n, target, solution);
            }
        }

        UpdateDual(matrix, m, n, target, solution);
        double r2 = 0;
        for (int i = 0; i < m; i++) r2 += _residual[i] * _residual[i];
        return new NonNegativeLeastSquaresResult(converged, iterations, Math.Sqrt(r2));
    }

    /// <summary>r = g − Cv and w = Cᵀr.</summary>
    private void UpdateDual(ReadOnlySpan<double> c, int m, int n, ReadOnlySpan<double> g, ReadOnlySpan<double> v)
    {
        for (int i = 0; i < m; i++)
        {
            double s = g[i];
            var row = c.Slice(i * n, n);
            for (int j = 0; j < n; j++) s -= row[j] * v[j];
            _residual[i] = s;
        }
        Array.Clear(_dual, 0, n);
        for (int i = 0; i < m; i++)
        {
            double ri = _residual[i];
            var row = c.Slice(i * n, n);
            for (int j = 0; j < n; j++) _dual[j] += row[j] * ri;
        }
    }

    /// <summary>
    /// z = argmin ‖C_P z − g‖₂ by Householder QR of the P columns (in the order of <c>_passive</c>). Returns false when the
    /// last column is numerically dependent on the others (|R_pp| ≤ 10⁻¹²·its norm, or more columns than rows).
    /// </summary>
    private bool LeastSquaresOnPassive(ReadOnlySpan<double> c, int m, int n, ReadOnlySpan<double> g, int p)
    {
        if (p > m) return false;
        for (int k = 0; k < p; k++)
        {
            int j = _passive[k];
            for (int i = 0; i < m; i++) _qr[k * m + i] = c[i * n + j];
        }
        for (int i = 0; i < m; i++) _rhs[i] = g[i];

        bool lastIndependent = true;
        for (int k = 0; k < p; k++)
        {
            var col = _qr.AsSpan(k * m, m);
            double columnNorm = 0;
            for (int i = 0; i < m; i++) columnNorm += col[i] * col[i];
            columnNorm = Math.Sqrt(columnNorm);
            double below = 0;
            for (int i = k; i < m; i++) below += col[i] * col[i];
            below = Math.Sqrt(below);
            if (!(below > 1e-12 * columnNorm))
            {
                if (k == p - 1) lastIndependent = false;
                else return false; // an earlier column lost independence: treat as dependent, the caller sets it aside
                break;
            }

            // Householder reflector H = I − τuuᵀ with u_k = 1 mapping col[k..] to −sign(col_k)·below·e_k.
            double alpha = col[k] >= 0 ? -below : below;
            double u0 = col[k] - alpha;
            for (int i = k + 1; i < m; i++) col[i] /= u0;
            double tau = -u0 / alpha;
            col[k] = alpha;
            for (int t = k + 1; t < p; t++)
            {
                var other = _qr.AsSpan(t * m, m);
                double s = other[k];
                for (int i = k + 1; i < m; i++) s += col[i] * other[i];
                s *= tau;
                other[k] -= s;
                for (int i = k + 1; i < m; i++) other[i] -= s * col[i];
            }
            double sr = _rhs[k];
            for (int i = k + 1; i < m; i++) sr += col[i] * _rhs[i];
            sr *= tau;
            _rhs[k] -= sr;
            for (int i = k + 1; i < m; i++) _rhs[i] -= sr * col[i];
        }
        if (!lastIndependent) return false;

        for (int k = p - 1; k >= 0; k--)
        {
            double s = _rhs[k];
            for (int t = k + 1; t < p; t++) s -= _qr[t * m + k] * _z[t];
            _z[k] = s / _qr[k * m + k];
        }
        return true;
    }

    private void CheckArguments(ReadOnlySpan<double> matrix, int rows, int columns, ReadOnlySpan<double> target, ReadOnlySpan<double> solution)
    {
        if (rows < 1 || rows > MaxRows)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"rows = {rows}; this solver takes 1 to {MaxRows}."), nameof(rows));
        if (columns < 1 || columns > MaxColumns)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"columns = {columns}; this solver takes 1 to {MaxColumns}."), nameof(columns));
        if (matrix.Length != rows * columns)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The matrix has {matrix.Length} entries, not rows·columns = {rows}·{columns} = {rows * columns}."), nameof(matrix));
        if (target.Length != rows)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The target has length {target.Length}, not rows = {rows}."), nameof(target));
        if (solution.Length != columns)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The solution has length {solution.Length}, not columns = {columns}."), nameof(solution));
        for (int i = 0; i < matrix.Length; i++)
            if (!double.IsFinite(matrix[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Matrix entry ({i / columns}, {i % columns}) is {matrix[i]}; every entry must be finite."), nameof(matrix));
        for (int i = 0; i < target.Length; i++)
            if (!double.IsFinite(target[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Target entry {i} is {target[i]}; every entry must be finite."), nameof(target));
    }
}
