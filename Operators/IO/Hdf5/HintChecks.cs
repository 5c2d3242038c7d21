using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>Cheap property checks for hints (REL §7.4).</summary>
internal static class HintChecks
{
    /// <summary>
    /// Random-vector symmetry test: |uᵀ(Av) − vᵀ(Au)| ≤ 1e-10·(‖u‖‖Av‖ + ‖v‖‖Au‖), fixed seed, two applications.
    /// </summary>
    public static bool RandomSymmetryTest(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns) return false;
        int n = a.Rows;
        var rng = new Random(20240611);
        var u = new double[n];
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = rng.NextDouble() * 2 - 1;
            v[i] = rng.NextDouble() * 2 - 1;
        }

        var au = new double[n];
        var av = new double[n];
        a.Apply(u, au);
        a.Apply(v, av);
        double uav = 0, vau = 0, nu = 0, nv = 0, nau = 0, nav = 0;
        for (int i = 0; i < n; i++)
        {
            uav += u[i] * av[i];
            vau += v[i] * au[i];
            nu += u[i] * u[i];
            nv += v[i] * v[i];
            nau += au[i] * au[i];
            nav += av[i] * av[i];
        }

        double bound = 1e-10 * (Math.Sqrt(nu * nav) + Math.Sqrt(nv * nau));
        return Math.Abs(uav - vau) <= bound;
    }

    /// <summary>Returns the operator declaring <paramref name="properties"/> where the type allows it.</summary>
    public static ILinearOperator WithProperties(ILinearOperator a, OperatorProperties properties) => a switch
    {
        CsrMatrix c => c.Properties == properties ? c : c.WithProperties(properties),
        DenseOperator d when d.Properties != properties => new DenseOperator(d.Rows, d.Columns, d.Data.ToArray(), properties),
        StencilOperator s when s.Properties != properties =>
            new StencilOperator(s.GridShape, s.Offsets, s.Coefficients.ToArray(), s.Boundary, properties),
        _ => a,
    };
}
