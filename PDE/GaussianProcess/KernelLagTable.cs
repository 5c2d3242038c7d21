using System.Numerics.Tensors;

namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// One dimension's spectral-mixture kernel tabulated at the lags z = m·h, m = 0 … M − 1, of a uniform grid, with its
/// lag derivatives and every parameter derivative (spec §2.7, §3.1 "Toeplitz saving").
/// </summary>
/// <remarks>
/// <para>Parameter layout of one dimension (length 3Q): [a_0 … a_{Q−1} | b_0 … b_{Q−1} | μ_0 … μ_{Q−1}], with w = e^a,
/// ℓ = e^b and μ in cycles per unit. Baseline kinds have no frequencies: their μ entries are ignored and their
/// μ-derivative rows are zero.</para>
/// <para>Even quantities (k, k'' and their parameter derivatives) are tabulated at |m|; the odd k' (and its parameter
/// derivatives) at the positive lag m·h, so that k'(−m·h) = −k'(m·h) exactly and k'(0) = 0 exactly.</para>
/// <para>Gradient tables are row-major [3Q × M]: row p, column m.</para>
/// </remarks>
public sealed class KernelLagTable
{
    private readonly double[] _value, _first, _second;
    private readonly double[] _valueGradient, _firstGradient, _secondGradient;
    private readonly double[] _weights, _shapes, _omegas;

    /// <summary>Allocates the tables.</summary>
    public KernelLagTable(SpectralKernelKind kind, int components, int points, double spacing)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentException("Unknown kernel kind.", nameof(kind));
        if (components < 1) throw new ArgumentException("At least one component is required.", nameof(components));
        if (points < 1) throw new ArgumentException("At least one lag is required.", nameof(points));
        if (!double.IsFinite(spacing) || spacing <= 0)
            throw new ArgumentException("The spacing must be finite and positive.", nameof(spacing));
        Kind = kind;
        Components = components;
        Points = points;
        Spacing = spacing;
        _value = new double[points];
        _first = new double[points];
        _second = new double[points];
        _valueGradient = new double[3 * components * points];
        _firstGradient = new double[3 * components * points];
        _secondGradient = new double[3 * components * points];
        _weights = new double[components];
        _shapes = new double[components];
        _omegas = new double[components];
    }

    /// <summary>The kernel family.</summary>
    public SpectralKernelKind Kind { get; }

    /// <summary>Q.</summary>
    public int Components { get; }

    /// <summary>M (the number of lags tabulated, = the grid's point count).</summary>
    public int Points { get; }

    /// <summary>h.</summary>
    public double Spacing { get; }

    /// <summary>3Q.</summary>
    public int ParameterCount => 3 * Components;

    /// <summary>k(m·h), m = 0 … M − 1.</summary>
    public ReadOnlySpan<double> Value => _value;

    /// <summary>k'(m·h) (signed lag m·h ≥ 0; First[0] = 0).</summary>
    public ReadOnlySpan<double> First => _first;

    /// <summary>k''(m·h).</summary>
    public ReadOnlySpan<double> Second => _second;

    /// <summary>∂k(m·h)/∂θ_p, row-major [3Q × M].</summary>
    public ReadOnlySpan<double> ValueGradient => _valueGradient;

    /// <summary>∂k'(m·h)/∂θ_p, row-major [3Q × M] (column 0 is zero).</summary>
    public ReadOnlySpan<double> FirstGradient => _firstGradient;

    /// <summary>∂k''(m·h)/∂θ_p, row-major [3Q × M].</summary>
    public ReadOnlySpan<double> SecondGradient => _secondGradient;

    /// <summary>
    /// Recomputes the tables for the parameters θ = [a | b | μ] (length 3Q). <paramref name="withFirst"/> /
    /// <paramref name="withSecond"/> say whether k' / k'' (and their gradients) are needed; the value tables are always
    /// computed. Tables not requested keep stale contents. Allocates nothing.
    /// </summary>
    public void Update(ReadOnlySpan<double> parameters, bool withFirst, bool withSecond)
    {
        int q = Components, m = Points;
        if (parameters.Length != 3 * q)
            throw new ArgumentException("The parameter vector must have length 3Q.", nameof(parameters));
        SpectralMixtureKernel.Precompute(Kind, parameters, _weights, _shapes, _omegas);
        var kind = Kind;
        double h = Spacing;
        Array.Clear(_value);
        if (withFirst) Array.Clear(_first);
        if (withSecond) Array.Clear(_second);
        var value = _value.AsSpan();
        var first = _first.AsSpan();
        var second = _second.AsSpan();
        for (int i = 0; i < q; i++)
        {
            double w = _weights[i], shape = _shapes[i], omega = _omegas[i];
            var va = _valueGradient.AsSpan(i * m, m);
            var vb = _valueGradient.AsSpan((q + i) * m, m);
            var vm = _valueGradient.AsSpan((2 * q + i) * m, m);
            var fa = _firstGradient.AsSpan(i * m, m);
            var fb = _firstGradient.AsSpan((q + i) * m, m);
            var fm = _firstGradient.AsSpan((2 * q + i) * m, m);
            var sa = _secondGradient.AsSpan(i * m, m);
            var sb = _secondGradient.AsSpan((q + i) * m, m);
            var sm = _secondGradient.AsSpan((2 * q + i) * m, m);
            for (int j = 0; j < m; j++)
            {
                SpectralMixtureKernel.Component(kind, shape, omega, j * h, out var c);
                value[j] += w * c.P0;
                va[j] = w * c.P0;
                vb[j] = w * c.B0;
                vm[j] = w * c.M0;
                if (withFirst)
                {
                    first[j] += w * c.P1;
                    fa[j] = w * c.P1;
                    fb[j] = w * c.B1;
                    fm[j] = w * c.M1;
                }
                if (withSecond)
                {
                    second[j] += w * c.P2;
                    sa[j] = w * c.P2;
                    sb[j] = w * c.B2;
                    sm[j] = w * c.M2;
                }
            }
            if (withFirst)
            {
                fa[0] = 0.0;
                fb[0] = 0.0;
                fm[0] = 0.0;
            }
        }
        if (withFirst) first[0] = 0.0;
    }

    /// <summary>
    /// gradient[p] += Σ_m valueWeights[m]·∂k(mh)/∂θ_p + firstWeights[m]·∂k'(mh)/∂θ_p + secondWeights[m]·∂k''(mh)/∂θ_p.
    /// An empty weight span skips that table. Weights are the folded diagonal sums of <see cref="FoldEven"/> /
    /// <see cref="FoldOdd"/>.
    /// </summary>
    public void Contract(ReadOnlySpan<double> valueWeights, ReadOnlySpan<double> firstWeights,
        ReadOnlySpan<double> secondWeights, Span<double> gradient)
    {
        int m = Points, n = ParameterCount;
        if (gradient.Length != n) throw new ArgumentException("The gradient must have length 3Q.", nameof(gradient));
        if (valueWeights.Length is not 0 && valueWeights.Length != m)
            throw new ArgumentException("Weights must be empty or of length M.", nameof(valueWeights));
        if (firstWeights.Length is not 0 && firstWeights.Length != m)
            throw new ArgumentException("Weights must be empty or of length M.", nameof(firstWeights));
        if (secondWeights.Length is not 0 && secondWeights.Length != m)
            throw new ArgumentException("Weights must be empty or of length M.", nameof(secondWeights));
        for (int p = 0; p < n; p++)
        {
            double sum = 0;
            if (valueWeights.Length != 0) sum += TensorPrimitives.Dot(valueWeights, _valueGradient.AsSpan(p * m, m));
            if (firstWeights.Length != 0) sum += TensorPrimitives.Dot(firstWeights, _firstGradient.AsSpan(p * m, m));
            if (secondWeights.Length != 0) sum += TensorPrimitives.Dot(secondWeights, _secondGradient.AsSpan(p * m, m));
            gradient[p] += sum;
        }
    }

    /// <summary>Fills the column-major M×M Gram matrix K_ab = k(|a−b|·h) + jitter·δ_ab.</summary>
    public void FillGram(Span<double> matrix, int ld, double jitter)
    {
        FillEven(_value, matrix, ld);
        for (int b = 0; b < Points; b++) matrix[b + b * ld] += jitter;
    }

    /// <summary>Fills the column-major M×M K''_ab = k''(|a−b|·h) (no jitter).</summary>
    public void FillSecond(Span<double> matrix, int ld) => FillEven(_second, matrix, ld);

    /// <summary>Fills the column-major M×M K'_ab = k'((a−b)·h) (antisymmetric, zero diagonal, no jitter).</summary>
    public void FillFirst(Span<double> matrix, int ld)
    {
        int m = Points;
        CheckMatrix(matrix, m, ld);
        for (int b = 0; b < m; b++)
        {
            var column = matrix.Slice(b * ld, m);
            for (int a = 0; a < b; a++) column[a] = -_first[b - a];
            column[b] = 0.0;
            for (int a = b + 1; a < m; a++) column[a] = _first[a - b];
        }
    }

    private void FillEven(double[] table, Span<double> matrix, int ld)
    {
        int m = Points;
        CheckMatrix(matrix, m, ld);
        for (int b = 0; b < m; b++)
        {
            var column = matrix.Slice(b * ld, m);
            for (int a = 0; a < b; a++) column[a] = table[b - a];
            table.AsSpan(0, m - b).CopyTo(column[b..]);
        }
    }

    private static void CheckMatrix(ReadOnlySpan<double> matrix, int m, int ld)
    {
        if (ld < m) throw new ArgumentException("The leading dimension must be at least M.", nameof(ld));
        if (matrix.Length < (long)(m - 1) * ld + m) throw new ArgumentException("The matrix span is too short.", nameof(matrix));
    }

    /// <summary>
    /// Diagonal sums of the column-major M×M matrix X: sums[M − 1 + m] = Σ_{a−b=m} X_ab for m = −(M−1) … M−1
    /// (length 2M − 1). Overwrites <paramref name="sums"/>.
    /// </summary>
    public static void DiagonalSums(ReadOnlySpan<double> matrix, int m, int ld, Span<double> sums)
    {
        if (m < 1) throw new ArgumentException("M must be positive.", nameof(m));
        CheckMatrix(matrix, m, ld);
        if (sums.Length != 2 * m - 1) throw new ArgumentException("The sums span must have length 2M − 1.", nameof(sums));
        sums.Clear();
        for (int b = 0; b < m; b++)
        {
            var segment = sums.Slice(m - 1 - b, m);
            TensorPrimitives.Add(segment, matrix.Slice(b * ld, m), segment);
        }
    }

    /// <summary>
    /// Diagonal sums of the rank-one matrix x·yᵀ (length-M vectors): sums[M − 1 + m] = Σ_{a−b=m} x_a·y_b (a cross-correlation).
    /// Overwrites <paramref name="sums"/> (length 2M − 1).
    /// </summary>
    public static void OuterDiagonalSums(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> sums)
    {
        int m = x.Length;
        if (m < 1 || y.Length != m) throw new ArgumentException("x and y must be non-empty and of equal length.", nameof(y));
        if (sums.Length != 2 * m - 1) throw new ArgumentException("The sums span must have length 2M − 1.", nameof(sums));
        sums.Clear();
        for (int b = 0; b < m; b++)
        {
            var segment = sums.Slice(m - 1 - b, m);
            TensorPrimitives.MultiplyAdd(x, y[b], segment, segment);
        }
    }

    /// <summary>Even fold for even tables: even[0] = S(0), even[m] = S(m) + S(−m). <paramref name="sums"/> has length 2M − 1.</summary>
    public static void FoldEven(ReadOnlySpan<double> sums, Span<double> even)
    {
        int m = even.Length;
        if (m < 1 || sums.Length != 2 * m - 1)
            throw new ArgumentException("The sums span must have length 2M − 1 with M = even.Length ≥ 1.", nameof(sums));
        int c = m - 1;
        even[0] = sums[c];
        for (int j = 1; j < m; j++) even[j] = sums[c + j] + sums[c - j];
    }

    /// <summary>Odd fold for the odd k' table: odd[0] = 0, odd[m] = S(m) − S(−m).</summary>
    public static void FoldOdd(ReadOnlySpan<double> sums, Span<double> odd)
    {
        int m = odd.Length;
        if (m < 1 || sums.Length != 2 * m - 1)
            throw new ArgumentException("The sums span must have length 2M − 1 with M = odd.Length ≥ 1.", nameof(sums));
        int c = m - 1;
        odd[0] = 0.0;
        for (int j = 1; j < m; j++) odd[j] = sums[c + j] - sums[c - j];
    }
}
