using Solvers.Dense;
using Solvers.Operators;

namespace Solvers.LeastSquares;

/// <summary>
/// A right preconditioner P for min ‖Ax − b‖ (spec sketched-regression §2.5, step 2): either the upper-triangular R of a
/// QR of SA (x = R⁻¹y, rank d), or T = V_rΣ_r⁻¹ from an SVD of SA (x = T·y, rank r ≤ d). "R⁻¹" in the spec stands for T in
/// the SVD variant; <see cref="Forward"/> is the map back to preconditioned coordinates (R·x, or Σ_rV_rᵀx).
/// </summary>
internal sealed class SketchPreconditioner
{
    private readonly IDenseBackend _backend;
    private readonly double[]? _r;      // QR: d×d upper triangle, column-major, ld = d
    private readonly double[]? _t;      // SVD: T = V_rΣ_r⁻¹, d×r column-major, ld = d
    private readonly double[]? _w;      // SVD: W = Σ_rV_rᵀ, r×d column-major, ld = r

    private SketchPreconditioner(IDenseBackend backend, int d, int rank, double[]? r, double[]? t, double[]? w)
    {
        _backend = backend;
        Columns = d;
        Rank = rank;
        _r = r;
        _t = t;
        _w = w;
    }

    /// <summary>d, the length of x.</summary>
    public int Columns { get; }

    /// <summary>r, the length of the preconditioned variable y (d for QR).</summary>
    public int Rank { get; }

    /// <summary>True for the triangular (QR) variant.</summary>
    public bool IsTriangular => _r is not null;

    /// <summary>The triangular factor (column-major d×d), or null for the SVD variant.</summary>
    public ReadOnlySpan<double> Triangle => _r;

    /// <summary>Singular values of SA kept by the SVD variant (descending), or null.</summary>
    public double[]? SingularValues { get; private init; }

    /// <summary>A triangular preconditioner from the d×d column-major upper triangle (only the upper triangle is read).</summary>
    public static SketchPreconditioner FromTriangle(IDenseBackend backend, ReadOnlySpan<double> upper, int d, int ld)
    {
        var r = new double[d * d];
        for (int j = 0; j < d; j++)
            for (int i = 0; i <= j; i++)
                r[i + j * d] = upper[i + j * ld];
        return new SketchPreconditioner(backend, d, d, r, null, null);
    }

    /// <summary>The SVD preconditioner T = V_rΣ_r⁻¹ from σ (descending) and Vᵀ (d×d column-major), dropping σ ≤ tol·σ₁.</summary>
    public static SketchPreconditioner FromSvd(IDenseBackend backend, ReadOnlySpan<double> s, ReadOnlySpan<double> vt, int d, double tolerance)
    {
        int rank = 0;
        double s1 = d > 0 ? s[0] : 0;
        while (rank < d && s[rank] > tolerance * s1) rank++;
        var t = new double[d * Math.Max(rank, 1)];
        var w = new double[Math.Max(rank, 1) * d];
        for (int j = 0; j < rank; j++)
        {
            for (int i = 0; i < d; i++)
            {
                double v = vt[j + i * d]; // V(i, j) = Vᵀ(j, i)
                t[i + j * d] = v / s[j];
                w[j + i * rank] = s[j] * v;
            }
        }

        return new SketchPreconditioner(backend, d, rank, null, t, w) { SingularValues = s[..rank].ToArray() };
    }

    /// <summary>x = P⁻¹y (R⁻¹y or T·y); y has length <see cref="Rank"/>, x length d.</summary>
    public void ApplyInverse(ReadOnlySpan<double> y, Span<double> x) => ApplyInverse(Transpose.No, y, x);

    /// <summary>y = P⁻ᵀv (R⁻ᵀv or Tᵀv); v has length d, y length <see cref="Rank"/>.</summary>
    public void ApplyInverseTranspose(ReadOnlySpan<double> v, Span<double> y) => ApplyInverse(Transpose.Yes, v, y);

    /// <summary>op(P⁻¹)·input: a triangular solve with R (QR variant) or a gemv with T (SVD variant).</summary>
    private void ApplyInverse(Transpose op, ReadOnlySpan<double> input, Span<double> output)
    {
        if (_r is not null)
        {
            input.CopyTo(output);
            _backend.TriangularSolve(Side.Left, Dense.Triangle.Upper, op, Diagonal.NonUnit, Columns, 1, 1.0, _r, Columns, output, Columns);
        }
        else
        {
            _backend.Gemv(op, Columns, Rank, 1.0, _t, Columns, input, 0.0, output);
        }
    }

    /// <summary>y = R·x (or Σ_rV_rᵀx): x in preconditioned coordinates.</summary>
    public void Forward(ReadOnlySpan<double> x, Span<double> y)
    {
        if (_r is not null)
        {
            // The strictly lower triangle of _r is exactly zero, so the full product is R·x (a backend gemv instead of a
            // strided managed loop: the κ̂(R) power iterations make 16 of these).
            _backend.Gemv(Transpose.No, Columns, Columns, 1.0, _r, Columns, x, 0.0, y);
        }
        else
        {
            _backend.Gemv(Transpose.No, Rank, Columns, 1.0, _w, Rank, x, 0.0, y);
        }
    }

    /// <summary>z = Rᵀ·y (or V_rΣ_r·y).</summary>
    public void ForwardTranspose(ReadOnlySpan<double> y, Span<double> z)
    {
        if (_r is not null)
        {
            _backend.Gemv(Transpose.Yes, Columns, Columns, 1.0, _r, Columns, y, 0.0, z);
        }
        else
        {
            _backend.Gemv(Transpose.Yes, Rank, Columns, 1.0, _w, Rank, y, 0.0, z);
        }
    }

    /// <summary>min|R_ii| / max|R_jj| (1 for the SVD variant), and whether every entry is finite.</summary>
    public (double PivotRatio, double MinPivot, double MaxPivot, bool Finite) Pivots()
    {
        if (_r is null)
        {
            bool finite = true;
            foreach (double v in _t!) finite &= double.IsFinite(v);
            double sMax = SingularValues!.Length > 0 ? SingularValues[0] : 0;
            double sMin = SingularValues.Length > 0 ? SingularValues[^1] : 0;
            return (sMax > 0 ? sMin / sMax : 0, sMin, sMax, finite);
        }

        int d = Columns;
        double min = double.PositiveInfinity, max = 0;
        bool ok = true;
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i <= j; i++) ok &= double.IsFinite(_r[i + j * d]);
            double p = Math.Abs(_r[j + j * d]);
            min = Math.Min(min, p);
            max = Math.Max(max, p);
        }

        if (d == 0) min = 0;
        return (max > 0 ? min / max : 0, min, max, ok);
    }

    /// <summary>
    /// (σ̂_max(R), κ̂(R)): order-of-magnitude estimates from <paramref name="iterations"/> power iterations on RᵀR and on
    /// R⁻¹R⁻ᵀ (O(d²) each), with κ̂ at least the pivot ratio max|R_jj|/min|R_ii| (also a lower bound on κ(R)). Exact for the
    /// SVD variant.
    /// </summary>
    public (double SigmaMax, double Condition) Estimate(int iterations)
    {
        if (_r is null)
        {
            var s = SingularValues!;
            return s.Length == 0 ? (0, double.PositiveInfinity) : (s[0], s[0] / s[^1]);
        }

        int d = Columns;
        var v = new double[d];
        var t = new double[d];
        var (_, min, max, finite) = Pivots();
        if (!finite) return (double.NaN, double.PositiveInfinity);
        double sigmaMax = PowerNorm(v, t, iterations, inverse: false);
        if (min == 0) return (sigmaMax, double.PositiveInfinity); // R⁻¹ does not exist
        double inverseNorm = PowerNorm(v, t, iterations, inverse: true);
        double kappa = sigmaMax * inverseNorm;
        if (min > 0) kappa = Math.Max(kappa, max / min);
        if (!finite || min == 0 || !double.IsFinite(kappa)) kappa = double.PositiveInfinity;
        return (sigmaMax, kappa);
    }

    private double PowerNorm(double[] v, double[] t, int iterations, bool inverse)
    {
        int d = Columns;
        for (int i = 0; i < d; i++) v[i] = 1.0 + 0.5 * Math.Sin(1.0 + 3.7 * i); // fixed, no structure aligned with R
        double norm = Scale(v);
        double sigma = 0;
        for (int k = 0; k < iterations && norm > 0 && double.IsFinite(norm); k++)
        {
            if (inverse)
            {
                ApplyInverseTranspose(v, t); // R⁻ᵀv
                sigma = Math.Sqrt(Dot(t, t));
                ApplyInverse(t, v);          // R⁻¹R⁻ᵀv
            }
            else
            {
                Forward(v, t);               // Rv
                sigma = Math.Sqrt(Dot(t, t));
                ForwardTranspose(t, v);      // RᵀRv
            }

            norm = Scale(v);
        }

        return sigma;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => VectorMath.Dot(a, b);

    private static double Scale(Span<double> v)
    {
        double n = VectorMath.Norm2(v);
        if (n > 0 && double.IsFinite(n)) VectorMath.Scale(1 / n, v);
        return n;
    }
}

/// <summary>
/// Ā = A·P⁻¹ (A·R⁻¹ or A·T) as an adjointable n×r operator for LSQR; not thread-safe (d-vector scratch). Build it with
/// <see cref="Create"/>, which returns the fused variant (<see cref="FusedTriangularPreconditionedOperator"/>) when A
/// can form A·x and AᵀA·x in one pass.
/// </summary>
internal class TriangularPreconditionedOperator : IAdjointableOperator
{
    /// <summary>Wraps A and P.</summary>
    public TriangularPreconditionedOperator(IAdjointableOperator a, SketchPreconditioner p)
    {
        A = a;
        P = p;
        Scratch = new double[a.Columns];
    }

    /// <summary>The wrapped A.</summary>
    protected IAdjointableOperator A { get; }

    /// <summary>The preconditioner P.</summary>
    protected SketchPreconditioner P { get; }

    /// <summary>A d-vector scratch (P⁻¹x, or Aᵀx).</summary>
    protected double[] Scratch { get; }

    /// <summary>Ā = A·P⁻¹, implementing <see cref="IFusedNormalOperator"/> exactly when <paramref name="a"/> does.</summary>
    public static TriangularPreconditionedOperator Create(IAdjointableOperator a, SketchPreconditioner p) =>
        a is IFusedNormalOperator fused ? new FusedTriangularPreconditionedOperator(fused, p) : new TriangularPreconditionedOperator(a, p);

    /// <inheritdoc/>
    public int Rows => A.Rows;

    /// <inheritdoc/>
    public int Columns => P.Rank;

    /// <inheritdoc/>
    public OperatorProperties Properties => OperatorProperties.None;

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        P.ApplyInverse(x, Scratch);
        A.Apply(Scratch, y);
    }

    /// <inheritdoc/>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        A.ApplyAdjoint(x, Scratch);
        P.ApplyInverseTranspose(Scratch, y);
    }
}

/// <summary>Ā = A·P⁻¹ over an A with a fused pass: ĀᵀĀx = P⁻ᵀ·Aᵀ·(A·(P⁻¹x)) with one pass over A; not thread-safe.</summary>
internal sealed class FusedTriangularPreconditionedOperator : TriangularPreconditionedOperator, IFusedNormalOperator
{
    private readonly IFusedNormalOperator _fused;
    private readonly double[] _normal;

    /// <summary>Wraps A and P.</summary>
    public FusedTriangularPreconditionedOperator(IFusedNormalOperator a, SketchPreconditioner p)
        : base(a, p)
    {
        _fused = a;
        _normal = new double[a.Columns];
    }

    /// <inheritdoc/>
    /// <remarks>y = A·(P⁻¹x) and normal = P⁻ᵀ·(Aᵀy), the two products of A in one fused pass.</remarks>
    public void ApplyWithNormal(ReadOnlySpan<double> x, Span<double> y, Span<double> normal)
    {
        P.ApplyInverse(x, Scratch);
        _fused.ApplyWithNormal(Scratch, y, _normal);
        P.ApplyInverseTranspose(_normal, normal);
    }
}
