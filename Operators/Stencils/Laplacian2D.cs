using System.Globalization;
using Solvers.Operators.Parallel;

namespace Solvers.Operators;

/// <summary>
/// The 5-point finite-difference −Δ on an nx × ny grid, (A u)ᵢ = (2u − u_W − u_E)/hx² + (2u − u_S − u_N)/hy²,
/// grid index i = ix·ny + iy (x the first axis, C order). Out-of-grid neighbours follow <see cref="StencilBoundary"/>
/// exactly as <see cref="StencilOperator"/> does: Dirichlet drops them (SPD), Neumann clamps them (ghost = boundary
/// value; symmetric positive semidefinite, constants in the null space), periodic wraps.
/// </summary>
/// <remarks>
/// Apply is SIMD along y lines and runs in parallel over blocks of lines from
/// <see cref="StencilOperator.ParallelThreshold"/> unknowns up; it allocates nothing.
/// </remarks>
public sealed unsafe class Laplacian2D : ILinearOperator, IHasDiagonal, IConvertibleToCsr
{
    private readonly double[] _zeros;
    private readonly int[] _blockStarts;
    private readonly double _cx;
    private readonly double _cy;
    private readonly double _center;

    /// <summary>Creates the operator.</summary>
    /// <param name="nx">Points along x (≥ 1).</param>
    /// <param name="ny">Points along y (≥ 1).</param>
    /// <param name="hx">Spacing along x (&gt; 0, finite).</param>
    /// <param name="hy">Spacing along y (&gt; 0, finite).</param>
    /// <param name="boundary">Boundary rule on every side.</param>
    /// <exception cref="ArgumentException">A size or spacing is out of range.</exception>
    public Laplacian2D(int nx, int ny, double hx, double hy, StencilBoundary boundary = StencilBoundary.Dirichlet)
    {
        if (nx < 1) throw new ArgumentException($"nx = {nx}; the grid needs at least one point per axis.", nameof(nx));
        if (ny < 1) throw new ArgumentException($"ny = {ny}; the grid needs at least one point per axis.", nameof(ny));
        if ((long)nx * ny > int.MaxValue) throw new ArgumentException($"The {nx}×{ny} grid has more than {int.MaxValue} points.", nameof(nx));
        if (!(hx > 0) || !double.IsFinite(hx)) throw new ArgumentException($"hx = {hx}; the spacing must be positive and finite.", nameof(hx));
        if (!(hy > 0) || !double.IsFinite(hy)) throw new ArgumentException($"hy = {hy}; the spacing must be positive and finite.", nameof(hy));
        if (!Enum.IsDefined(boundary)) throw new ArgumentException($"boundary = {(int)boundary} is not a StencilBoundary.", nameof(boundary));
        Nx = nx;
        Ny = ny;
        Hx = hx;
        Hy = hy;
        Boundary = boundary;
        Rows = Columns = nx * ny;
        _cx = 1 / (hx * hx);
        _cy = 1 / (hy * hy);
        _center = 2 * _cx + 2 * _cy;
        Properties = boundary == StencilBoundary.Dirichlet
            ? OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite
            : OperatorProperties.Symmetric;
        _zeros = new double[ny];
        _blockStarts = ParallelBlocks.UniformPartition(nx, Rows >= StencilOperator.ParallelThreshold ? 4 * ParallelBlocks.Shared.Threads : 1);
    }

    /// <summary>n × n interior nodes of the unit square, h = 1/(n + 1), Dirichlet.</summary>
    public static Laplacian2D UnitSquare(int n)
    {
        if (n < 1) throw new ArgumentException($"n = {n}; the grid needs at least one point.", nameof(n));
        double h = 1.0 / (n + 1);
        return new Laplacian2D(n, n, h, h);
    }

    /// <summary>Points along x.</summary>
    public int Nx { get; }

    /// <summary>Points along y.</summary>
    public int Ny { get; }

    /// <summary>Spacing along x.</summary>
    public double Hx { get; }

    /// <summary>Spacing along y.</summary>
    public double Hy { get; }

    /// <summary>Boundary rule.</summary>
    public StencilBoundary Boundary { get; }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <summary>Symmetric | PositiveDefinite for Dirichlet; Symmetric (singular) for Neumann and periodic.</summary>
    public OperatorProperties Properties { get; }

    private struct State
    {
        public double* X;
        public double* Y;
        public double* Zeros;
        public int* BlockStarts;
        public int Nx;
        public int Ny;
        public StencilBoundary Boundary;
        public double Center;
        public double Cx;
        public double Cy;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}, but the {Rows}×{Columns} Laplacian needs {Columns}.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}, but the {Rows}×{Columns} Laplacian needs {Rows}.", nameof(y));
        fixed (double* px = x, py = y, pz = _zeros)
        fixed (int* bs = _blockStarts)
        {
            var st = new State
            {
                X = px, Y = py, Zeros = pz, BlockStarts = bs, Nx = Nx, Ny = Ny, Boundary = Boundary,
                Center = _center, Cx = _cx, Cy = _cy,
            };
            ParallelBlocks.Shared.Run(&Block, &st, _blockStarts.Length - 1);
        }
    }

    private static void Block(void* state, int block)
    {
        var st = (State*)state;
        int ny = st->Ny;
        for (int ix = st->BlockStarts[block]; ix < st->BlockStarts[block + 1]; ix++)
        {
            double* u = st->X + (long)ix * ny;
            double* w = LineKernels.NeighbourLine(st->X, st->Zeros, ix, ix, st->Nx, 1, -1, st->Boundary, ny);
            double* e = LineKernels.NeighbourLine(st->X, st->Zeros, ix, ix, st->Nx, 1, +1, st->Boundary, ny);
            LineKernels.Constant2(st->Y + (long)ix * ny, u, w, e, ny, st->Center, st->Cx, st->Cy,
                LineKernels.Ghost(u, ny, -1, st->Boundary), LineKernels.Ghost(u, ny, +1, st->Boundary));
        }
    }

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        if (diagonal.Length != Rows) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {Rows}.", nameof(diagonal));
        for (int ix = 0; ix < Nx; ix++)
        {
            for (int iy = 0; iy < Ny; iy++)
            {
                diagonal[ix * Ny + iy] = _center
                    - _cx * (SelfNeighbours(ix, Nx, Boundary))
                    - _cy * (SelfNeighbours(iy, Ny, Boundary));
            }
        }
    }

    /// <summary>How many of the two axis neighbours of coordinate <paramref name="i"/> are the point itself.</summary>
    internal static int SelfNeighbours(int i, int n, StencilBoundary boundary) => boundary switch
    {
        StencilBoundary.Neumann => (i == 0 ? 1 : 0) + (i == n - 1 ? 1 : 0),
        StencilBoundary.Periodic => n == 1 ? 2 : 0,
        _ => 0,
    };

    /// <summary>The same matrix as a general constant-coefficient <see cref="StencilOperator"/>.</summary>
    public StencilOperator ToStencil() =>
        AxisStencil.Build([Nx, Ny], Boundary, [_center], [[-_cx], [-_cy]], [[-_cx], [-_cy]], Properties);

    /// <inheritdoc />
    public CsrMatrix ToCsr() => ToStencil().ToCsr();

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Laplacian2D {Nx}×{Ny}, h = ({Hx:G6}, {Hy:G6}), {Boundary}");
}
