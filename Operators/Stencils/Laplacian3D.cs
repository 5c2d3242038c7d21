using System.Globalization;
using Solvers.Operators.Parallel;

namespace Solvers.Operators;

/// <summary>
/// The 7-point finite-difference −Δ on an nx × ny × nz grid, (A u)ᵢ = Σ over axes (2u − u₋ − u₊)/h²,
/// grid index i = (ix·ny + iy)·nz + iz (x the first axis, C order). Out-of-grid neighbours follow <see cref="StencilBoundary"/>
/// exactly as <see cref="StencilOperator"/> does: Dirichlet drops them (SPD), Neumann clamps them (ghost = boundary
/// value; symmetric positive semidefinite, constants in the null space), periodic wraps.
/// </summary>
/// <remarks>
/// Apply is SIMD along z lines and runs in parallel over blocks of lines from
/// <see cref="StencilOperator.ParallelThreshold"/> unknowns up; it allocates nothing.
/// </remarks>
public sealed unsafe class Laplacian3D : ILinearOperator, IHasDiagonal, IConvertibleToCsr
{
    private readonly double[] _zeros;
    private readonly int[] _blockStarts;
    private readonly double _cx;
    private readonly double _cy;
    private readonly double _cz;
    private readonly double _center;

    /// <summary>Creates the operator.</summary>
    /// <param name="nx">Points along x (≥ 1).</param>
    /// <param name="ny">Points along y (≥ 1).</param>
    /// <param name="nz">Points along z (≥ 1).</param>
    /// <param name="hx">Spacing along x (&gt; 0, finite).</param>
    /// <param name="hy">Spacing along y (&gt; 0, finite).</param>
    /// <param name="hz">Spacing along z (&gt; 0, finite).</param>
    /// <param name="boundary">Boundary rule on every side.</param>
    /// <exception cref="ArgumentException">A size or spacing is out of range.</exception>
    public Laplacian3D(int nx, int ny, int nz, double hx, double hy, double hz, StencilBoundary boundary = StencilBoundary.Dirichlet)
    {
        if (nx < 1) throw new ArgumentException($"nx = {nx}; the grid needs at least one point per axis.", nameof(nx));
        if (ny < 1) throw new ArgumentException($"ny = {ny}; the grid needs at least one point per axis.", nameof(ny));
        if (nz < 1) throw new ArgumentException($"nz = {nz}; the grid needs at least one point per axis.", nameof(nz));
        if ((long)nx * ny * nz > int.MaxValue) throw new ArgumentException($"The {nx}×{ny}×{nz} grid has more than {int.MaxValue} points.", nameof(nx));
        if (!(hx > 0) || !double.IsFinite(hx)) throw new ArgumentException($"hx = {hx}; the spacing must be positive and finite.", nameof(hx));
        if (!(hy > 0) || !double.IsFinite(hy)) throw new ArgumentException($"hy = {hy}; the spacing must be positive and finite.", nameof(hy));
        if (!(hz > 0) || !double.IsFinite(hz)) throw new ArgumentException($"hz = {hz}; the spacing must be positive and finite.", nameof(hz));
        if (!Enum.IsDefined(boundary)) throw new ArgumentException($"boundary = {(int)boundary} is not a StencilBoundary.", nameof(boundary));
        Nx = nx;
        Ny = ny;
        Hx = hx;
        Hy = hy;
        Nz = nz;
        Hz = hz;
        Boundary = boundary;
        Rows = Columns = nx * ny * nz;
        _cx = 1 / (hx * hx);
        _cy = 1 / (hy * hy);
        _cz = 1 / (hz * hz);
        _center = 2 * _cx + 2 * _cy + 2 * _cz;
        Properties = boundary == StencilBoundary.Dirichlet
            ? OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite
            : OperatorProperties.Symmetric;
        _zeros = new double[nz];
        _blockStarts = ParallelBlocks.UniformPartition(nx * ny, Rows >= StencilOperator.ParallelThreshold ? 4 * ParallelBlocks.Shared.Threads : 1);
    }

    /// <summary>n × n × n interior nodes of the unit cube, h = 1/(n + 1), Dirichlet.</summary>
    public static Laplacian3D UnitCube(int n)
    {
        if (n < 1) throw new ArgumentException($"n = {n}; the grid needs at least one point.", nameof(n));
        double h = 1.0 / (n + 1);
        return new Laplacian3D(n, n, n, h, h, h);
    }

    /// <summary>Points along x.</summary>
    public int Nx { get; }

    /// <summary>Points along y.</summary>
    public int Ny { get; }

    /// <summary>Points along z.</summary>
    public int Nz { get; }

    /// <summary>Spacing along z.</summary>
    public double Hz { get; }

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
        public int Nz;
        public StencilBoundary Boundary;
        public double Center;
        public double Cx;
        public double Cy;
        public double Cz;
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
                X = px, Y = py, Zeros = pz, BlockStarts = bs, Nx = Nx, Ny = Ny, Nz = Nz, Boundary = Boundary,
                Center = _center, Cx = _cx, Cy = _cy, Cz = _cz,
            };
            ParallelBlocks.Shared.Run(&Block, &st, _blockStarts.Length - 1);
        }
    }

    private static void Block(void* state, int block)
    {
        var st = (State*)state;
        int ny = st->Ny, nz = st->Nz;
        var bc = st->Boundary;
        for (int line = st->BlockStarts[block]; line < st->BlockStarts[block + 1]; line++)
        {
            int ix = line / ny, iy = line - ix * ny;
            double* u = st->X + (long)line * nz;
            double* w = LineKernels.NeighbourLine(st->X, st->Zeros, line, ix, st->Nx, ny, -1, bc, nz);
            double* e = LineKernels.NeighbourLine(st->X, st->Zeros, line, ix, st->Nx, ny, +1, bc, nz);
            double* s = LineKernels.NeighbourLine(st->X, st->Zeros, line, iy, ny, 1, -1, bc, nz);
            double* n = LineKernels.NeighbourLine(st->X, st->Zeros, line, iy, ny, 1, +1, bc, nz);
            LineKernels.Constant3(st->Y + (long)line * nz, u, w, e, s, n, nz, st->Center, st->Cx, st->Cy, st->Cz,
                LineKernels.Ghost(u, nz, -1, bc), LineKernels.Ghost(u, nz, +1, bc));
        }
    }

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        if (diagonal.Length != Rows) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {Rows}.", nameof(diagonal));
        int i = 0;
        for (int ix = 0; ix < Nx; ix++)
            for (int iy = 0; iy < Ny; iy++)
                for (int iz = 0; iz < Nz; iz++)
                {
                    diagonal[i++] = _center
                        - _cx * Laplacian2D.SelfNeighbours(ix, Nx, Boundary)
                        - _cy * Laplacian2D.SelfNeighbours(iy, Ny, Boundary)
                        - _cz * Laplacian2D.SelfNeighbours(iz, Nz, Boundary);
                }
    }

    /// <summary>The same matrix as a general constant-coefficient <see cref="StencilOperator"/>.</summary>
    public StencilOperator ToStencil() =>
        AxisStencil.Build([Nx, Ny, Nz], Boundary, [_center], [[-_cx], [-_cy], [-_cz]], [[-_cx], [-_cy], [-_cz]], Properties);

    /// <inheritdoc />
    public CsrMatrix ToCsr() => ToStencil().ToCsr();

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Laplacian3D {Nx}×{Ny}×{Nz}, h = ({Hx:G6}, {Hy:G6}, {Hz:G6}), {Boundary}");
}
