namespace Solvers.Operators;

/// <summary>
/// Builds the general <see cref="StencilOperator"/> equal to a (2d+1)-point operator given by a centre coefficient and
/// a coefficient for the −1 and +1 neighbour along each axis (each array of length 1 for constant or N for variable).
/// Offsets come in lexicographic order: axis 0 minus, axis 1 minus, …, centre, …, axis 1 plus, axis 0 plus.
/// </summary>
/// <remarks>
/// PS §4.7 needs |offset| &lt; grid length, so an axis of length 1 carries no ±1 offsets: its neighbours are dropped
/// (Dirichlet) or are the point itself (Neumann clamp, periodic wrap), in which case their coefficients are added to
/// the centre. The matrix is the same.
/// </remarks>
internal static class AxisStencil
{
    public static StencilOperator Build(int[] shape, StencilBoundary boundary, double[] center, double[][] minus, double[][] plus,
        OperatorProperties properties)
    {
        int d = shape.Length;
        int n = shape.Aggregate(1, (a, b) => a * b);
        bool variable = center.Length != 1 || minus.Any(m => m.Length != 1) || plus.Any(p => p.Length != 1);
        int len = variable ? n : 1;
        double At(double[] a, int i) => a.Length == 1 ? a[0] : a[i];

        var c = new double[len];
        for (int i = 0; i < len; i++) c[i] = At(center, i);
        var axes = Enumerable.Range(0, d).Where(a => shape[a] > 1).ToArray();
        if (boundary != StencilBoundary.Dirichlet)
        {
            foreach (int a in Enumerable.Range(0, d).Where(a => shape[a] == 1))
                for (int i = 0; i < len; i++) c[i] += At(minus[a], i) + At(plus[a], i);
        }

        int s = 2 * axes.Length + 1;
        var offsets = new int[s * d];
        var coef = new double[s * len];
        int k = 0;
        foreach (int a in axes)
        {
            offsets[k * d + a] = -1;
            for (int i = 0; i < len; i++) coef[k * len + i] = At(minus[a], i);
            k++;
        }

        c.CopyTo(coef, k * len);
        k++;
        foreach (int a in axes.Reverse())
        {
            offsets[k * d + a] = 1;
            for (int i = 0; i < len; i++) coef[k * len + i] = At(plus[a], i);
            k++;
        }

        return new StencilOperator(shape, offsets, coef, Enumerable.Repeat(boundary, d).ToArray(), properties);
    }
}
