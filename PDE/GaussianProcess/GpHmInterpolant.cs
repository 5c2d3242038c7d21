namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// The GP conditional mean ũ(x) = κ(x, X)·C⁻¹·vec U (spec §2.4, §2.9) of one or more GPs (the extra-GP stage adds a
/// second), evaluated with any derivative order ≤ 2 per dimension at arbitrary points.
/// </summary>
public sealed class GpHmInterpolant
{
    /// <summary>D.</summary>
    public int Dimensions => throw new NotImplementedException();

    /// <summary>ũ at a point (length D).</summary>
    public double Evaluate(ReadOnlySpan<double> point) => throw new NotImplementedException();

    /// <summary>∂^{o_1}…∂^{o_D} ũ at a point, each order in {0, 1, 2}.</summary>
    public double Evaluate(ReadOnlySpan<double> point, ReadOnlySpan<int> derivativeOrders) => throw new NotImplementedException();

    /// <summary>
    /// ũ (or a derivative) on the tensor grid of the given axes (one array per dimension), row-major
    /// (axis 0 slowest). An empty <paramref name="derivativeOrders"/> means no derivative.
    /// </summary>
    public double[] EvaluateGrid(IReadOnlyList<double[]> axes, ReadOnlySpan<int> derivativeOrders = default) =>
        throw new NotImplementedException();

    /// <summary>count equally spaced points on [0, length], both ends included.</summary>
    public static double[] UniformAxis(double length, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var axis = new double[count];
        for (int i = 0; i < count; i++) axis[i] = i == count - 1 ? length : i * (length / (count - 1));
        return axis;
    }
}
