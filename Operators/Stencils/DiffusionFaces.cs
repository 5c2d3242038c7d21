namespace Solvers.Operators;

/// <summary>
/// Face coefficients of the cell-centred-flux discretisation of −∇·(a∇u) shared by <see cref="DiffusionStencil2D"/> and
/// <see cref="DiffusionStencil3D"/>: per node, the diagonal and the coefficient of the −1 and +1 neighbour along each axis.
/// </summary>
internal static class DiffusionFaces
{
    /// <summary>Checks that the nodal coefficient has length n and is positive and finite everywhere.</summary>
    public static void Validate(double[] coefficient, int n)
    {
        ArgumentNullException.ThrowIfNull(coefficient);
        if (coefficient.Length != n)
            throw new ArgumentException($"coefficient has length {coefficient.Length}, but the grid has {n} nodes.", nameof(coefficient));
        for (int i = 0; i < n; i++)
        {
            double a = coefficient[i];
            if (!(a > 0) || !double.IsFinite(a))
                throw new ArgumentException($"coefficient[{i}] = {a}; the diffusion coefficient must be positive and finite.", nameof(coefficient));
        }
    }

    /// <summary>Harmonic mean 2ab/(a + b), written so that it cannot overflow and is exactly symmetric in a and b.</summary>
    public static double Harmonic(double a, double b)
    {
        double lo = Math.Min(a, b), hi = Math.Max(a, b);
        return 2 * lo * (hi / (lo + hi));
    }

    /// <summary>
    /// Adds the contribution of one axis: for node i with coordinate c along the axis (length n, element stride
    /// stride), the faces to c − 1 and c + 1 carry the harmonic mean of the nodal values. A Dirichlet
    /// boundary face (between the end node and the boundary, where u = 0) uses the end node's own coefficient; a Neumann
    /// boundary face carries no flux; a periodic one pairs the two end nodes. Off-diagonal coefficients are stored
    /// positive (the matrix entry is minus them) and are zero where the neighbour is outside a non-periodic grid.
    /// </summary>
    public static void AddAxis(double[] a, int[] shape, int axis, StencilBoundary boundary, double h,
        double[] diagonal, double[] offMinus, double[] offPlus)
    {
        int n = shape[axis];
        int stride = 1;
        for (int k = axis + 1; k < shape.Length; k++) stride *= shape[k];
        double scale = 1 / (h * h);
        bool periodic = boundary == StencilBoundary.Periodic;
        for (int i = 0; i < a.Length; i++)
        {
            int c = i / stride % n;
            double fm = c > 0 ? Harmonic(a[i], a[i - stride]) : BoundaryFace(a, i, i + (n - 1) * stride, boundary);
            double fp = c < n - 1 ? Harmonic(a[i], a[i + stride]) : BoundaryFace(a, i, i - (n - 1) * stride, boundary);
            diagonal[i] += (fm + fp) * scale;
            offMinus[i] = c > 0 || periodic ? fm * scale : 0;
            offPlus[i] = c < n - 1 || periodic ? fp * scale : 0;
        }
    }

    private static double BoundaryFace(double[] a, int i, int wrapped, StencilBoundary boundary) => boundary switch
    {
        StencilBoundary.Dirichlet => a[i],
        StencilBoundary.Neumann => 0,
        _ => Harmonic(a[i], a[wrapped]),
    };

    /// <summary>The diagonal entry: the stored diagonal minus neighbours that are the node itself (periodic axis of length 1).</summary>
    public static void CopyDiagonal(int[] shape, StencilBoundary boundary, double[] diagonal, double[][] offMinus, double[][] offPlus, Span<double> destination)
    {
        diagonal.CopyTo(destination);
        if (boundary != StencilBoundary.Periodic) return;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] != 1) continue;
            for (int i = 0; i < diagonal.Length; i++) destination[i] -= offMinus[axis][i] + offPlus[axis][i];
        }
    }

    /// <summary>The same matrix as a variable-coefficient <see cref="StencilOperator"/>.</summary>
    public static StencilOperator ToStencil(int[] shape, StencilBoundary boundary, double[] diagonal, double[][] offMinus, double[][] offPlus,
        OperatorProperties properties) =>
        AxisStencil.Build(shape, boundary, diagonal,
            [.. offMinus.Select(o => o.Select(v => -v).ToArray())],
            [.. offPlus.Select(o => o.Select(v => -v).ToArray())], properties);
}
