using Solvers.Dense;

namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// The GP conditional mean ũ(x) = κ(x, X)·C⁻¹·vec U (spec §2.4, §2.9) of one or more GPs (the extra-GP stage adds a
/// second), evaluated with any derivative order ≤ 2 per dimension at arbitrary points. Derivatives act on the
/// kernel's first argument, as in the solver.
/// </summary>
public sealed class GpHmInterpolant
{
    private readonly Term[] _terms;
    private readonly IDenseBackend _backend;

    internal GpHmInterpolant(IReadOnlyList<Term> terms, IDenseBackend backend, int dimensions = 0)
    {
        _terms = [.. terms];
        _backend = backend;
        Dimensions = _terms.Length > 0 ? _terms[0].Axes.Length : dimensions;
    }

    /// <summary>The zero function (used when a run ends on parameters that cannot be factored).</summary>
    internal static GpHmInterpolant Empty(int dimensions, IDenseBackend backend) => new([], backend, dimensions);

    /// <summary>D.</summary>
    public int Dimensions { get; }

    /// <summary>The sum of this interpolant and another over the same grid dimensions (the extra-GP prediction).</summary>
    public GpHmInterpolant Plus(GpHmInterpolant other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Dimensions != Dimensions) throw new ArgumentException("Both interpolants must have the same dimension.", nameof(other));
        return new GpHmInterpolant([.. _terms, .. other._terms], _backend);
    }

    /// <summary>ũ at a point (length D).</summary>
    public double Evaluate(ReadOnlySpan<double> point) => Evaluate(point, []);

    /// <summary>∂^{o_1}…∂^{o_D} ũ at a point, each order in {0, 1, 2}; an empty span means no derivative.</summary>
    public double Evaluate(ReadOnlySpan<double> point, ReadOnlySpan<int> derivativeOrders)
    {
        if (point.Length != Dimensions) throw new ArgumentException($"The point needs {Dimensions} coordinates (got {point.Length}).", nameof(point));
        CheckOrders(derivativeOrders);
        double sum = 0;
        foreach (var t in _terms)
        {
            if (Dimensions == 1)
            {
                double[] axis = t.Axes[0];
                for (int a = 0; a < axis.Length; a++) sum += Kernel(t, 0, Order(derivativeOrders, 0), point[0] - axis[a]) * t.Coefficients[a];
            }
            else
            {
                // Coefficients are column-major M_2×M_1 (row-major grid memory): entry (b, a) at b + a·M_2.
                double[] ax = t.Axes[0], ay = t.Axes[1];
                int m2 = ay.Length;
                var ky = new double[m2];
                for (int b = 0; b < m2; b++) ky[b] = Kernel(t, 1, Order(derivativeOrders, 1), point[1] - ay[b]);
                for (int a = 0; a < ax.Length; a++)
                {
                    double inner = 0;
                    for (int b = 0; b < m2; b++) inner += t.Coefficients[b + a * m2] * ky[b];
                    sum += Kernel(t, 0, Order(derivativeOrders, 0), point[0] - ax[a]) * inner;
                }
            }
        }
        return sum;
    }

    /// <summary>
    /// ũ (or a derivative) on the tensor grid of the given axes (one array per dimension), row-major
    /// (axis 0 slowest). An empty <paramref name="derivativeOrders"/> means no derivative.
    /// </summary>
    public double[] EvaluateGrid(IReadOnlyList<double[]> axes, ReadOnlySpan<int> derivativeOrders = default)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Count != Dimensions) throw new ArgumentException($"Give {Dimensions} axes (got {axes.Count}).", nameof(axes));
        CheckOrders(derivativeOrders);
        int n0 = axes[0].Length;
        int n1 = Dimensions == 2 ? axes[1].Length : 1;
        var result = new double[n0 * n1];
        foreach (var t in _terms)
        {
            int m0 = t.Axes[0].Length;
            var k0 = new double[n0 * m0];
            SpectralMixtureKernel.CrossCovariance(t.Kind, t.Thetas[0], Order(derivativeOrders, 0), axes[0], t.Axes[0], k0, n0);
            if (Dimensions == 1)
            {
                _backend.Gemv(Transpose.No, n0, m0, 1, k0, n0, t.Coefficients, 1, result);
                continue;
            }
            int m1 = t.Axes[1].Length;
            var k1 = new double[n1 * m1];
            SpectralMixtureKernel.CrossCovariance(t.Kind, t.Thetas[1], Order(derivativeOrders, 1), axes[1], t.Axes[1], k1, n1);
            // Z (n1×n0, column-major = row-major n0×n1) = K*1 · A · K*0ᵀ with A the M_2×M_1 coefficients.
            var tmp = new double[n1 * m0];
            _backend.Gemm(Transpose.No, Transpose.No, n1, m0, m1, 1, k1, n1, t.Coefficients, m1, 0, tmp, n1);
            _backend.Gemm(Transpose.No, Transpose.Yes, n1, n0, m0, 1, tmp, n1, k0, n0, 1, result, n1);
        }
        return result;
    }

    /// <summary>count equally spaced points on [0, length], both ends included.</summary>
    public static double[] UniformAxis(double length, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var axis = new double[count];
        for (int i = 0; i < count; i++) axis[i] = i == count - 1 ? length : i * (length / (count - 1));
        return axis;
    }

    private void CheckOrders(ReadOnlySpan<int> orders)
    {
        if (orders.IsEmpty) return;
        if (orders.Length != Dimensions) throw new ArgumentException($"Give one derivative order per dimension ({Dimensions}).", nameof(orders));
        foreach (int o in orders)
        {
            if (o is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(orders), o, "Derivative orders are 0, 1 or 2.");
        }
    }

    private static int Order(ReadOnlySpan<int> orders, int j) => orders.IsEmpty ? 0 : orders[j];

    private static double Kernel(Term t, int dimension, int order, double z)
    {
        SpectralMixtureKernel.Evaluate(t.Kind, t.Thetas[dimension], z, out double k, out double k1, out double k2);
        return order switch { 0 => k, 1 => k1, _ => k2 };
    }

    /// <summary>One GP: its kernels (θ per dimension), grid axes and coefficients C⁻¹ vec U (row-major grid memory).</summary>
    internal sealed record Term(SpectralKernelKind Kind, double[][] Thetas, double[][] Axes, double[] Coefficients);
}
