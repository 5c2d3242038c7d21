using System.Numerics;

namespace Solvers.Operators;

/// <summary>
/// SIMD kernels for one grid line (the fastest axis) of the 5- and 7-point operators: the line itself, its
/// neighbour lines along the slower axes (already resolved by the boundary rule) and the two ghost values beyond its
/// ends. None allocates.
/// </summary>
internal static unsafe class LineKernels
{
    /// <summary>The neighbour line of <paramref name="line"/> one step in direction <paramref name="dir"/> (±1) along an axis.</summary>
    /// <param name="x">Start of the vector.</param>
    /// <param name="zeros">A zero line (for a dropped Dirichlet neighbour).</param>
    /// <param name="line">Index of this line (lines are contiguous runs of <paramref name="length"/> values).</param>
    /// <param name="coord">This line's coordinate along the axis.</param>
    /// <param name="n">Axis length.</param>
    /// <param name="stride">Distance in lines between neighbours along the axis.</param>
    /// <param name="dir">−1 or +1.</param>
    /// <param name="boundary">The axis' boundary rule.</param>
    /// <param name="length">Line length.</param>
    public static double* NeighbourLine(double* x, double* zeros, int line, int coord, int n, int stride, int dir, StencilBoundary boundary, int length)
    {
        int c = coord + dir;
        if ((uint)c < (uint)n) return x + (long)(line + dir * stride) * length;
        return boundary switch
        {
            StencilBoundary.Dirichlet => zeros,
            StencilBoundary.Neumann => x + (long)line * length,
            _ => x + (long)(line - dir * (n - 1) * stride) * length,
        };
    }

    /// <summary>The value beyond the start (dir = −1) or end (dir = +1) of a line under the boundary rule.</summary>
    public static double Ghost(double* u, int n, int dir, StencilBoundary boundary) => boundary switch
    {
        StencilBoundary.Dirichlet => 0.0,
        StencilBoundary.Neumann => dir < 0 ? u[0] : u[n - 1],
        _ => dir < 0 ? u[n - 1] : u[0],
    };

    /// <summary>y = c·u − ca·(a0 + a1) − cl·(u[i−1] + u[i+1]), constant coefficients, 5-point in 2-D.</summary>
    public static void Constant2(double* y, double* u, double* a0, double* a1, int n,
        double c, double ca, double cl, double ghostLeft, double ghostRight)
    {
        if (n == 1)
        {
            y[0] = c * u[0] - ca * (a0[0] + a1[0]) - cl * (ghostLeft + ghostRight);
            return;
        }

        y[0] = c * u[0] - ca * (a0[0] + a1[0]) - cl * (ghostLeft + u[1]);
        int i = 1;
        int w = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var vc = new Vector<double>(c);
            var va = new Vector<double>(ca);
            var vl = new Vector<double>(cl);
            for (; i + w <= n - 1; i += w)
            {
                var r = vc * Vector.Load(u + i) - va * (Vector.Load(a0 + i) + Vector.Load(a1 + i))
                        - vl * (Vector.Load(u + i - 1) + Vector.Load(u + i + 1));
                r.Store(y + i);
            }
        }

        for (; i < n - 1; i++) y[i] = c * u[i] - ca * (a0[i] + a1[i]) - cl * (u[i - 1] + u[i + 1]);
        y[n - 1] = c * u[n - 1] - ca * (a0[n - 1] + a1[n - 1]) - cl * (u[n - 2] + ghostRight);
    }

    /// <summary>y = c·u − ca·(a0 + a1) − cb·(b0 + b1) − cl·(u[i−1] + u[i+1]), constant coefficients, 7-point in 3-D.</summary>
    public static void Constant3(double* y, double* u, double* a0, double* a1, double* b0, double* b1, int n,
        double c, double ca, double cb, double cl, double ghostLeft, double ghostRight)
    {
        if (n == 1)
        {
            y[0] = c * u[0] - ca * (a0[0] + a1[0]) - cb * (b0[0] + b1[0]) - cl * (ghostLeft + ghostRight);
            return;
        }

        y[0] = c * u[0] - ca * (a0[0] + a1[0]) - cb * (b0[0] + b1[0]) - cl * (ghostLeft + u[1]);
        int i = 1;
        int w = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var vc = new Vector<double>(c);
            var va = new Vector<double>(ca);
            var vb = new Vector<double>(cb);
            var vl = new Vector<double>(cl);
            for (; i + w <= n - 1; i += w)
            {
                var r = vc * Vector.Load(u + i) - va * (Vector.Load(a0 + i) + Vector.Load(a1 + i))
                        - vb * (Vector.Load(b0 + i) + Vector.Load(b1 + i))
                        - vl * (Vector.Load(u + i - 1) + Vector.Load(u + i + 1));
                r.Store(y + i);
            }
        }

        for (; i < n - 1; i++)
            y[i] = c * u[i] - ca * (a0[i] + a1[i]) - cb * (b0[i] + b1[i]) - cl * (u[i - 1] + u[i + 1]);
        y[n - 1] = c * u[n - 1] - ca * (a0[n - 1] + a1[n - 1]) - cb * (b0[n - 1] + b1[n - 1]) - cl * (u[n - 2] + ghostRight);
    }

    /// <summary>
    /// y = d·u − Σₖ wₖ·nbₖ − wl·u[i−1] − wr·u[i+1] with per-point coefficients (variable 5- or 7-point stencil);
    /// <paramref name="count"/> neighbour lines (2 or 4) in <paramref name="nb"/> with coefficient lines in <paramref name="w"/>.
    /// </summary>
    public static void Variable(double* y, double* u, double* d, double** nb, double** w, int count,
        double* wl, double* wr, int n, double ghostLeft, double ghostRight)
    {
        int i = 0;
        int vw = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated && n >= 2)
        {
            // Interior of the line: 1 ≤ i < n − 1 so that u[i ± 1] exist.
            i = 1;
            for (; i + vw <= n - 1; i += vw)
            {
                var r = Vector.Load(d + i) * Vector.Load(u + i);
                for (int k = 0; k < count; k++) r -= Vector.Load(w[k] + i) * Vector.Load(nb[k] + i);
                r -= Vector.Load(wl + i) * Vector.Load(u + i - 1);
                r -= Vector.Load(wr + i) * Vector.Load(u + i + 1);
                r.Store(y + i);
            }

            Point(y, u, d, nb, w, count, wl, wr, n, 0, ghostLeft, ghostRight);
        }

        for (; i < n; i++) Point(y, u, d, nb, w, count, wl, wr, n, i, ghostLeft, ghostRight);
    }

    private static void Point(double* y, double* u, double* d, double** nb, double** w, int count,
        double* wl, double* wr, int n, int i, double ghostLeft, double ghostRight)
    {
        double r = d[i] * u[i];
        for (int k = 0; k < count; k++) r -= w[k][i] * nb[k][i];
        r -= wl[i] * (i > 0 ? u[i - 1] : ghostLeft);
        r -= wr[i] * (i < n - 1 ? u[i + 1] : ghostRight);
        y[i] = r;
    }
}
