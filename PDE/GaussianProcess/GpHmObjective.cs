using Solvers.Dense;

namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// Fixed fields added to a GP's own contribution, for the extra-GP stage (spec §2.10): the boundary misfit and the
/// Allen–Cahn nonlinearity use U + <see cref="Values"/>, and the linear derivative part of the residual gets
/// <see cref="DerivativeTerm"/> added. Both are row-major grid arrays.
/// </summary>
public sealed record GpHmOffset(double[] Values, double[] DerivativeTerm);

/// <summary>A per-dimension Gram matrix K_j was not numerically positive definite.</summary>
public sealed class KernelNotPositiveDefiniteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException(int dimension, int pivot, double value)
        : base($"The Gram matrix K of dimension {dimension} is not positive definite (Cholesky pivot {pivot}, value {value:G6}).")
    {
        Dimension = dimension;
        Pivot = pivot;
        Value = value;
    }

    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException() : this(-1, -1, double.NaN) { }

    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException(string message) : base(message) { Dimension = -1; Pivot = -1; Value = double.NaN; }

    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException(string message, Exception innerException) : base(message, innerException) { Dimension = -1; Pivot = -1; Value = double.NaN; }

    /// <summary>The dimension j (0-based).</summary>
    public int Dimension { get; }

    /// <summary>The failing pivot (0-based).</summary>
    public int Pivot { get; }

    /// <summary>The pivot's value.</summary>
    public double Value { get; }
}

/// <summary>
/// The GP-HM loss J (negative log joint, spec §2.6) and its hand-derived gradient (§2.7) over one flat parameter vector.
/// </summary>
/// <remarks>
/// <para>Layout (length M + 3QD + 2): [U (row-major grid values, M) | per dimension j: a (Q), b (Q), μ (Q) | log τ1 | log τ2].
/// Baseline kernels keep their μ slots, whose gradient is zero.</para>
/// <para>Internally the row-major M_1×M_2 grid array is used as it lies in memory: to column-major BLAS it is the
/// M_2×M_1 matrix X = Uᵀ. The spec's formulas for U (dimension 1 acting from the left, dimension 2 from the right)
/// therefore hold for X with the roles swapped: the last dimension acts from the left ("row" kernel) and, in 2-D,
/// dimension 0 from the right ("column" kernel). In 1-D, X is the N×1 vector u and there is no column kernel.
/// With D_j = K_j'' (even) or K_j' (odd), the derivative along the row dimension is D_L K_L⁻¹ X and along the column
/// dimension X K_R⁻¹ D_Rᵀ, which is the spec's U_x = K_1'K_1⁻¹U, U_y = U K_2⁻¹(K_2')ᵀ, transposed.</para>
/// <para>Each Evaluate costs, per dimension, one Cholesky, one explicit inverse (potri) and a handful of GEMMs; the
/// kernel and its parameter derivatives are needed only at the M_j lags of the uniform grid (Toeplitz saving).</para>
/// </remarks>
public sealed class GpHmObjective
{
    private readonly TensorGridPde _problem;
    private readonly IDenseBackend _backend;
    private readonly SpectralKernelKind _kind;
    private readonly int _q;
    private readonly int _m;
    private readonly double _jitter;
    private readonly double _lambda;
    private readonly bool _logDet;
    private readonly bool _firstOrder;
    private readonly bool _allenCahn;
    private readonly double _rowCoefficient;
    private readonly double _columnCoefficient;
    private readonly int[] _boundaryNodes;
    private readonly double[] _boundaryMultiplicity;
    private readonly double _boundaryCount;
    private readonly double[]? _offsetValues;
    private readonly double[]? _offsetDerivative;
    private readonly double[] _frequencyScales;

    // Roles: the row (left) kernel is the last dimension; the column (right) kernel is dimension 0 in 2-D.
    private readonly int _rows;
    private readonly int _columns;
    private readonly int _rowDimension;
    private readonly int _columnDimension;
    private readonly DimensionWorkspace[] _dims;

    // Grid-sized workspaces (column-major rows×columns, i.e. the row-major grid memory).
    private readonly double[] _b1;
    private readonly double[] _b2;
    private readonly double[] _a;
    private readonly double[] _yRow;
    private readonly double[] _yColumn;
    private readonly double[] _h;
    private readonly double[] _g;
    private readonly double[] _t1;
    private readonly double[] _t2;
    private readonly double[] _tmp;
    private readonly double[] _w;

    private GpHmLossParts _last;

    /// <summary>Prepares workspaces for the problem.</summary>
    /// <param name="problem">The PDE.</param>
    /// <param name="options">Kernel, Q, jitter, λ_b, log-det, corner and frequency-scale settings are read from here (Steps is not).</param>
    /// <param name="backend">Dense backend; null = <see cref="DenseBackend.Current"/>.</param>
    /// <param name="offset">Fixed fields for the extra-GP stage, or null.</param>
    /// <exception cref="ArgumentException">Invalid options or an offset of the wrong size.</exception>
    public GpHmObjective(TensorGridPde problem, GpHmOptions options, IDenseBackend? backend = null, GpHmOffset? offset = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(problem.Dimensions);
        _problem = problem;
        _backend = backend ?? DenseBackend.Current;
        _kind = options.Kernel;
        _q = options.Components;
        _m = problem.NodeCount;
        _jitter = options.Jitter;
        _lambda = options.EffectiveBoundaryWeight(problem.Kind);
        _logDet = options.IncludeLogDeterminant;
        _firstOrder = problem.Kind == PdeKind.Advection;
        _allenCahn = problem.Kind == PdeKind.AllenCahn;
        int d = problem.Dimensions;
        _frequencyScales = new double[d];
        for (int j = 0; j < d; j++) _frequencyScales[j] = options.FrequencyScaleOf(j);

        if (offset is not null)
        {
            if (offset.Values is null || offset.Values.Length != _m || offset.DerivativeTerm is null || offset.DerivativeTerm.Length != _m)
                throw new ArgumentException($"The offset's Values and DerivativeTerm must both have the grid's {_m} entries.", nameof(offset));
            _offsetValues = offset.Values;
            _offsetDerivative = offset.DerivativeTerm;
        }

        _rowDimension = d - 1;
        _columnDimension = d == 2 ? 0 : -1;
        _rows = problem.Points[_rowDimension];
        _columns = d == 2 ? problem.Points[0] : 1;
        // Advection: R = β·u_x + u_y; x is dimension 0 (the column kernel), y is dimension 1 (the row kernel).
        _rowCoefficient = 1;
        _columnCoefficient = _firstOrder ? problem.AdvectionSpeed : 1;

        _dims = new DimensionWorkspace[d];
        for (int j = 0; j < d; j++)
        {
            _dims[j] = new DimensionWorkspace(_kind, _q, problem.Points[j], problem.Spacing(j));
        }

        // Boundary occurrences folded into unique nodes with multiplicities (corners twice by default in 2-D).
        var mult = new Dictionary<int, int>();
        foreach (int n in problem.BoundaryNodes())
        {
            mult[n] = mult.TryGetValue(n, out int c) ? c + 1 : 1;
        }
        _boundaryNodes = [.. mult.Keys.Order()];
        _boundaryMultiplicity = new double[_boundaryNodes.Length];
        double total = 0;
        for (int i = 0; i < _boundaryNodes.Length; i++)
        {
            int c = mult[_boundaryNodes[i]];
            _boundaryMultiplicity[i] = options.CountCornersTwice ? c : 1;
            total += _boundaryMultiplicity[i];
        }
        _boundaryCount = total;

        _b1 = new double[_m];
        _b2 = new double[_m];
        _a = new double[_m];
        _yRow = new double[_m];
        _yColumn = new double[_m];
        _h = new double[_m];
        _g = new double[_m];
        _t1 = new double[_m];
        _t2 = new double[_m];
        _tmp = new double[_m];
        _w = new double[_m];
        ParameterCount = _m + 3 * _q * d + 2;
    }

    /// <summary>The problem.</summary>
    public TensorGridPde Problem => _problem;

    /// <summary>The kernel family.</summary>
    public SpectralKernelKind Kernel => _kind;

    /// <summary>Q.</summary>
    public int Components => _q;

    /// <summary>The dense backend.</summary>
    public IDenseBackend Backend => _backend;

    /// <summary>M + 3QD + 2.</summary>
    public int ParameterCount { get; }

    /// <summary>λ_b in use.</summary>
    public double BoundaryWeight => _lambda;

    /// <summary>N_b = Σ m_n (2M_1 + 2M_2 in 2-D with corners counted twice).</summary>
    public double BoundaryOccurrences => _boundaryCount;

    /// <summary>Index of a_0 of dimension j (= M + 3Q·j).</summary>
    public int KernelOffset(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dimension, _dims.Length);
        return _m + 3 * _q * dimension;
    }

    /// <summary>Index of log τ1.</summary>
    public int LogTau1Index => ParameterCount - 2;

    /// <summary>Index of log τ2.</summary>
    public int LogTau2Index => ParameterCount - 1;

    /// <summary>The parts of the last evaluated loss.</summary>
    public GpHmLossParts LastLoss => _last;

    /// <summary>Σ_n m_n (W_n − g_n)² of the last evaluation (the boundary misfit, W = U + offset).</summary>
    public double LastBoundaryMisfit { get; private set; }

    /// <summary>The early-stopping gap of the last evaluation: misfit/N_b + ‖H‖²/M.</summary>
    public double LastGap => LastBoundaryMisfit / _boundaryCount + _last.RmsResidual * _last.RmsResidual;

    /// <summary>The reference initialisation (spec §2.8): U = 0, a = log(1/Q), b = 0, μ = linspace(0, 1, Q)·freq_scale, log τ = 0.</summary>
    public void InitializeParameters(Span<double> parameters)
    {
        CheckLength(parameters.Length, nameof(parameters));
        parameters.Clear();
        for (int j = 0; j < _dims.Length; j++)
        {
            Span<double> theta = parameters.Slice(KernelOffset(j), 3 * _q);
            theta[.._q].Fill(Math.Log(1.0 / _q));
            for (int i = 0; i < _q; i++)
            {
                // linspace(0, 1, Q)·freq_scale; a single component sits at 0.
                double t = _q == 1 ? 0 : i == _q - 1 ? 1 : i * (1.0 / (_q - 1));
                theta[2 * _q + i] = SpectralMixtureKernel.HasFrequencies(_kind) ? t * _frequencyScales[j] : 0;
            }
        }
    }

    /// <summary>
    /// J at <paramref name="parameters"/>; when <paramref name="gradient"/> is non-empty (length
    /// <see cref="ParameterCount"/>) it is overwritten with ∂J/∂θ. The parts are in <see cref="LastLoss"/>.
    /// Non-finite values propagate into J (callers check); nothing is thrown for them.
    /// </summary>
    /// <exception cref="KernelNotPositiveDefiniteException">A K_j failed its Cholesky factorization.</exception>
    public double Evaluate(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        CheckLength(parameters.Length, nameof(parameters));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) CheckLength(gradient.Length, nameof(gradient));

        ReadOnlySpan<double> x = parameters[.._m];
        double logTau1 = parameters[LogTau1Index], logTau2 = parameters[LogTau2Index];
        double tau1 = Math.Exp(logTau1), tau2 = Math.Exp(logTau2);

        // 1-3: kernel tables, K_j (jittered) and D_j, Cholesky, log-det.
        double logDetTerm = 0;
        for (int j = 0; j < _dims.Length; j++)
        {
            var dw = _dims[j];
            dw.Build(parameters.Slice(KernelOffset(j), 3 * _q), _firstOrder, _jitter, withGradient);
            dw.Decompose(_backend, j);
            logDetTerm += 0.5 * (_m / (double)dw.Points) * dw.LogDeterminant;
        }
        if (!_logDet) logDetTerm = 0;

        var row = _dims[_rowDimension];
        var col = _columnDimension >= 0 ? _dims[_columnDimension] : null;
        int p = _rows, q = _columns;

        // 4: B1 = K_L⁻¹X, B2 = X K_R⁻¹, A = K_L⁻¹ X K_R⁻¹.
        x.CopyTo(_b1);
        _backend.CholeskySolve(Triangle.Lower, p, q, row.Factor, p, _b1, p);
        if (col is not null)
        {
            x.CopyTo(_b2);
            RightSolve(col, _b2);
            _b2.CopyTo(_a, 0);
            _backend.CholeskySolve(Triangle.Lower, p, q, row.Factor, p, _a, p);
        }
        else
        {
            x.CopyTo(_b2);
            _b1.CopyTo(_a, 0);
        }

        // 5: derivatives along each dimension, H and J.
        _backend.Gemm(Transpose.No, Transpose.No, p, q, p, 1, row.Derivative, p, _b1, p, 0, _yRow, p);
        if (col is not null)
        {
            _backend.Gemm(Transpose.No, Transpose.Yes, p, q, q, 1, _b2, p, col.Derivative, q, 0, _yColumn, p);
        }

        ReadOnlySpan<double> f = _problem.Source;
        double quadratic = 0, residualSquares = 0;
        for (int i = 0; i < _m; i++)
        {
            quadratic += x[i] * _a[i];
            double w = x[i] + (_offsetValues is null ? 0 : _offsetValues[i]);
            _w[i] = w;
            double hv = _rowCoefficient * _yRow[i] + (col is null ? 0 : _columnCoefficient * _yColumn[i]) - f[i];
            if (_offsetDerivative is not null) hv += _offsetDerivative[i];
            if (_allenCahn) hv += w * (w * w - 1);
            _h[i] = hv;
            residualSquares += hv * hv;
        }
        quadratic *= 0.5;

        ReadOnlySpan<double> g = _problem.BoundaryValues;
        double misfit = 0;
        for (int i = 0; i < _boundaryNodes.Length; i++)
        {
            int n = _boundaryNodes[i];
            double e = _w[n] - g[n];
            misfit += _boundaryMultiplicity[i] * e * e;
        }
        LastBoundaryMisfit = misfit;
        double boundaryTerm = _lambda * (-0.5 * _boundaryCount * logTau1 + 0.5 * tau1 * misfit);
        double residualTerm = -0.5 * _m * logTau2 + 0.5 * tau2 * residualSquares;
        double total = logDetTerm + quadratic + boundaryTerm + residualTerm;
        _last = new GpHmLossParts(total, logDetTerm, quadratic, boundaryTerm, residualTerm, Math.Sqrt(residualSquares / _m), tau1, tau2);
        if (!withGradient) return total;

        // 6-7: G = τ2 H; T1 = K_L⁻¹ D_Lᵀ (c_L G); T2 = (c_R G D_R) K_R⁻¹; ∂J/∂U.
        for (int i = 0; i < _m; i++) _g[i] = tau2 * _h[i];
        _backend.Gemm(Transpose.Yes, Transpose.No, p, q, p, _rowCoefficient, row.Derivative, p, _g, p, 0, _t1, p);
        _backend.CholeskySolve(Triangle.Lower, p, q, row.Factor, p, _t1, p);
        if (col is not null)
        {
            _backend.Gemm(Transpose.No, Transpose.No, p, q, q, _columnCoefficient, _g, p, col.Derivative, q, 0, _t2, p);
            RightSolve(col, _t2);
        }

        Span<double> gu = gradient[.._m];
        for (int i = 0; i < _m; i++)
        {
            double v = _a[i] + _t1[i] + (col is null ? 0 : _t2[i]);
            if (_allenCahn) v += _g[i] * (3 * _w[i] * _w[i] - 1);
            gu[i] = v;
        }
        for (int i = 0; i < _boundaryNodes.Length; i++)
        {
            int n = _boundaryNodes[i];
            gu[n] += _lambda * tau1 * _boundaryMultiplicity[i] * (_w[n] - g[n]);
        }

        // 8-10: K̄ and D̄ per dimension, diagonal sums, contraction with the lag tables.
        for (int j = 0; j < _dims.Length; j++) gradient.Slice(KernelOffset(j), 3 * _q).Clear();

        // Row kernel: K̄_L = ½(M/M_L) K_L⁻¹ − (½A + T1) B1ᵀ, D̄_L = c_L G B1ᵀ.
        for (int i = 0; i < _m; i++) _tmp[i] = 0.5 * _a[i] + _t1[i];
        row.ComputeInverse(_backend, _logDet ? 0.5 * q : 0);
        _backend.Gemm(Transpose.No, Transpose.Yes, p, p, q, -1, _tmp, p, _b1, p, 1, row.KBar, p);
        _backend.Gemm(Transpose.No, Transpose.Yes, p, p, q, _rowCoefficient, _g, p, _b1, p, 0, row.DBar, p);
        row.Contract(_firstOrder, gradient.Slice(KernelOffset(_rowDimension), 3 * _q));

        if (col is not null)
        {
            // Column kernel: K̄_R = ½(M/M_R) K_R⁻¹ − ½AᵀB2 − B2ᵀT2, D̄_R = c_R Gᵀ B2.
            col.ComputeInverse(_backend, _logDet ? 0.5 * p : 0);
            _backend.Gemm(Transpose.Yes, Transpose.No, q, q, p, -0.5, _a, p, _b2, p, 1, col.KBar, q);
            _backend.Gemm(Transpose.Yes, Transpose.No, q, q, p, -1, _b2, p, _t2, p, 1, col.KBar, q);
            _backend.Gemm(Transpose.Yes, Transpose.No, q, q, p, _columnCoefficient, _g, p, _b2, p, 0, col.DBar, q);
            col.Contract(_firstOrder, gradient.Slice(KernelOffset(_columnDimension), 3 * _q));
        }

        // 11: noise precisions.
        gradient[LogTau1Index] = _lambda * (-0.5 * _boundaryCount + 0.5 * tau1 * misfit);
        gradient[LogTau2Index] = -0.5 * _m + 0.5 * tau2 * residualSquares;
        return total;
    }

    /// <summary>
    /// The GP-interpolant derivative of the grid values along one dimension (order 1: K'K⁻¹ along that mode, order 2:
    /// K''K⁻¹), as a row-major grid array, at the given parameters.
    /// </summary>
    /// <exception cref="KernelNotPositiveDefiniteException">A K_j failed its Cholesky factorization.</exception>
    public void GridDerivative(ReadOnlySpan<double> parameters, int dimension, int order, Span<double> result)
    {
        CheckLength(parameters.Length, nameof(parameters));
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dimension, _dims.Length);
        if (order is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(order), order, "The derivative order must be 1 or 2.");
        if (result.Length != _m) throw new ArgumentException($"The result needs {_m} entries (got {result.Length}).", nameof(result));
        var dw = _dims[dimension];
        dw.Build(parameters.Slice(KernelOffset(dimension), 3 * _q), order == 1, _jitter, withGradient: false);
        dw.Decompose(_backend, dimension);
        int p = _rows, q = _columns;
        parameters[.._m].CopyTo(_tmp);
        if (dimension == _rowDimension)
        {
            _backend.CholeskySolve(Triangle.Lower, p, q, dw.Factor, p, _tmp, p);
            _backend.Gemm(Transpose.No, Transpose.No, p, q, p, 1, dw.Derivative, p, _tmp, p, 0, result, p);
        }
        else
        {
            RightSolve(dw, _tmp);
            _backend.Gemm(Transpose.No, Transpose.Yes, p, q, q, 1, _tmp, p, dw.Derivative, q, 0, result, p);
        }
    }

    /// <summary>The GP interpolant of the given parameters (grid coefficients C⁻¹ vec U and the kernels).</summary>
    /// <exception cref="KernelNotPositiveDefiniteException">A K_j failed its Cholesky factorization.</exception>
    public GpHmInterpolant CreateInterpolant(ReadOnlySpan<double> parameters) =>
        new([CreateInterpolantTerm(parameters)], _backend);

    /// <summary>The coefficients A = C⁻¹ vec U and kernels of one GP, for <see cref="GpHmInterpolant"/>.</summary>
    internal GpHmInterpolant.Term CreateInterpolantTerm(ReadOnlySpan<double> parameters)
    {
        CheckLength(parameters.Length, nameof(parameters));
        int d = _dims.Length;
        var thetas = new double[d][];
        var axes = new double[d][];
        for (int j = 0; j < d; j++)
        {
            thetas[j] = parameters.Slice(KernelOffset(j), 3 * _q).ToArray();
            var dw = _dims[j];
            dw.Build(thetas[j], false, _jitter, withGradient: false);
            dw.Decompose(_backend, j);
            axes[j] = new double[_problem.Points[j]];
            for (int a = 0; a < axes[j].Length; a++) axes[j][a] = _problem.GridCoordinate(j, a);
        }
        var coefficients = parameters[.._m].ToArray();
        _backend.CholeskySolve(Triangle.Lower, _rows, _columns, _dims[_rowDimension].Factor, _rows, coefficients, _rows);
        if (_columnDimension >= 0) RightSolve(_dims[_columnDimension], coefficients);
        return new GpHmInterpolant.Term(_kind, thetas, axes, coefficients);
    }

    /// <summary>Y ← Y·K⁻¹ for the p×q column-major Y and K = L·Lᵀ of the column dimension.</summary>
    private void RightSolve(DimensionWorkspace col, Span<double> y)
    {
        int p = _rows, q = _columns;
        _backend.TriangularSolve(Side.Right, Triangle.Lower, Transpose.Yes, Diagonal.NonUnit, p, q, 1, col.Factor, q, y, p);
        _backend.TriangularSolve(Side.Right, Triangle.Lower, Transpose.No, Diagonal.NonUnit, p, q, 1, col.Factor, q, y, p);
    }

    private void CheckLength(int length, string name)
    {
        if (length != ParameterCount)
            throw new ArgumentException($"Expected {ParameterCount} parameters (M {_m} + 3QD {3 * _q * _dims.Length} + 2); got {length}.", name);
    }

    /// <summary>Tables, matrices and gradient buffers of one dimension.</summary>
    private sealed class DimensionWorkspace
    {
        private readonly KernelLagTable _table;
        private readonly double[] _sums;
        private readonly double[] _evenK;
        private readonly double[] _derivativeWeights;

        public DimensionWorkspace(SpectralKernelKind kind, int components, int points, double spacing)
        {
            Points = points;
            _table = new KernelLagTable(kind, components, points, spacing);
            int mm = points * points;
            Factor = new double[mm];
            Derivative = new double[mm];
            KBar = new double[mm];
            DBar = new double[mm];
            _sums = new double[2 * points - 1];
            _evenK = new double[points];
            _derivativeWeights = new double[points];
        }

        public int Points { get; }

        /// <summary>K (jittered) before <see cref="Factor"/>ing; its lower Cholesky factor after.</summary>
        public double[] Factor { get; }

        /// <summary>K'' or K'.</summary>
        public double[] Derivative { get; }

        /// <summary>∂J/∂K entries (starts as the scaled K⁻¹).</summary>
        public double[] KBar { get; }

        /// <summary>∂J/∂D entries.</summary>
        public double[] DBar { get; }

        public double LogDeterminant { get; private set; }

        public void Build(ReadOnlySpan<double> theta, bool firstOrder, double jitter, bool withGradient)
        {
            _ = withGradient; // the table always carries the parameter derivatives; they cost O(MQ), negligible next to O(M³)
            _table.Update(theta, withFirst: firstOrder, withSecond: !firstOrder);
            _table.FillGram(Factor, Points, jitter);
            if (firstOrder) _table.FillFirst(Derivative, Points);
            else _table.FillSecond(Derivative, Points);
        }

        public void Decompose(IDenseBackend backend, int dimension)
        {
            try
            {
                backend.CholeskyFactor(Triangle.Lower, Points, Factor, Points);
            }
            catch (NotPositiveDefiniteException e)
            {
                throw new KernelNotPositiveDefiniteException(dimension, e.Pivot, e.Value);
            }
            double s = 0;
            for (int i = 0; i < Points; i++) s += Math.Log(Factor[i * (Points + 1)]);
            LogDeterminant = 2 * s;
        }

        /// <summary>KBar ← scale·K⁻¹ (both triangles) from the factor.</summary>
        public void ComputeInverse(IDenseBackend backend, double scale)
        {
            int n = Points;
            if (scale == 0)
            {
                Array.Clear(KBar);
                return;
            }
            Array.Copy(Factor, KBar, Factor.Length);
            backend.CholeskyInverse(Triangle.Lower, n, KBar, n);
            for (int b = 0; b < n; b++)
            {
                for (int a = b; a < n; a++)
                {
                    double v = scale * KBar[a + b * n];
                    KBar[a + b * n] = v;
                    KBar[b + a * n] = v;
                }
            }
        }

        public void Contract(bool firstOrder, Span<double> gradient)
        {
            KernelLagTable.DiagonalSums(KBar, Points, Points, _sums);
            KernelLagTable.FoldEven(_sums, _evenK);
            KernelLagTable.DiagonalSums(DBar, Points, Points, _sums);
            if (firstOrder)
            {
                KernelLagTable.FoldOdd(_sums, _derivativeWeights);
                _table.Contract(_evenK, _derivativeWeights, [], gradient);
            }
            else
            {
                KernelLagTable.FoldEven(_sums, _derivativeWeights);
                _table.Contract(_evenK, [], _derivativeWeights, gradient);
            }
        }
    }
}
