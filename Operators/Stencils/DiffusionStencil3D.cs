using System.Globalization;
using Solvers.Operators.Parallel;

namespace Solvers.Operators;

/// <summary>
/// The 7-point finite-volume discretisation of −∇·(a∇u) on an nx × ny × nz grid of nodes with a nodal coefficient
/// a > 0: (A u)ᵢ = Σ over the six faces f of wᶠ (uᵢ − u_nb)/h², grid index i = (ix·ny + iy)·nz + iz (C order).
/// </summary>
/// <remarks>
/// <para>
/// Face coefficients wᶠ are the harmonic mean 2aᵢa_j/(aᵢ + a_j) of the two nodes they separate (second-order for smooth
/// a, and the right average across jumps). <b>Dirichlet</b> (u = 0 on the boundary, one spacing beyond the end node):
/// the boundary face uses the end node's own coefficient (the wall value of a is not known to the operator), a
/// choice that keeps the operator symmetric positive definite. It stands for a at the half-way face, so the boundary
/// row carries an O(1) local truncation error proportional to ∂a/∂n: the nodal error is second order when a is flat at the
/// wall, while a coefficient with a large wall derivative shows a pre-asymptotic order of about 1.6–1.8 in the max
/// norm at n ≈ 30–60 (see <c>PoissonProblems.Diffusion2D</c>, whose coefficient is flat at the walls). <b>Neumann</b>: no flux
/// crosses the boundary (symmetric positive semidefinite). <b>Periodic</b>: the wrap-around face pairs the two end nodes.
/// </para>
/// <para>
/// The face coefficients are computed once, in the constructor; Apply is SIMD along z lines, runs in parallel over
/// blocks of lines from <see cref="StencilOperator.ParallelThreshold"/> unknowns up, and allocates nothing.
/// </para>
/// </remarks>
public sealed unsafe class DiffusionStencil3D : ILinearOperator, IHasDiagonal, IConvertibleToCsr
{
    private readonly double[] _coefficient;
    private readonly double[] _diagonal;
    private readonly double[][] _offMinus;
    private readonly double[][] _offPlus;
    private readonly double[] _zeros;
    private readonly int[] _blockStarts;

    /// <summary>Creates the operator.</summary>
    /// <param name="nx">Nodes along x (≥ 1).</param>
    /// <param name="ny">Nodes along y (≥ 1).</param>
    /// <param name="nz">Nodes along z (≥ 1).</param>
    /// <param name="hx">Spacing along x (&gt; 0, finite).</param>
    /// <param name="hy">Spacing along y (&gt; 0, finite).</param>
    /// <param name="hz">Spacing along z (&gt; 0, finite).</param>
    /// <param name="coefficient">Nodal a, length nx·ny·nz in C order, every value positive and finite (copied).</param>
    /// <param name="boundary">Boundary rule on every side.</param>
    /// <exception cref="ArgumentException">A size, spacing or coefficient value is out of range (the message names the index).</exception>
    public DiffusionStencil3D(int nx, int ny, int nz, double hx, double hy, double hz, double[] coefficient, StencilBoundary boundary = StencilBoundary.Dirichlet)
    {
        if (nx < 1) throw new ArgumentException($"nx = {nx}; the grid needs at least one node per axis.", nameof(nx));
        if (ny < 1) throw new ArgumentException($"ny = {ny}; the grid needs at least one node per axis.", nameof(ny));
        if (nz < 1) throw new ArgumentException($"nz = {nz}; the grid needs at least one node per axis.", nameof(nz));
        if ((long)nx * ny * nz > int.MaxValue) throw new ArgumentException($"The {nx}×{ny}×{nz} grid has more than {int.MaxValue} nodes.", nameof(nx));
        if (!(hx > 0) || !double.IsFinite(hx)) throw new ArgumentException($"hx = {hx}; the spacing must be positive and finite.", nameof(hx));
        if (!(hy > 0) || !double.IsFinite(hy)) throw new ArgumentException($"hy = {hy}; the spacing must be positive and finite.", nameof(hy));
        if (!(hz > 0) || !double.IsFinite(hz)) throw new ArgumentException($"hz = {hz}; the spacing must be positive and finite.", nameof(hz));
        if (!Enum.IsDefined(boundary)) throw new ArgumentException($"boundary = {(int)boundary} is not a StencilBoundary.", nameof(boundary));
        int n = nx * ny * nz;
        DiffusionFaces.Validate(coefficient, n);
        Nx = nx;
        Ny = ny;
        Hx = hx;
        Hy = hy;
        Nz = nz;
        Hz = hz;
        Boundary = boundary;
        Rows = Columns = n;
        _coefficient = (double[])coefficient.Clone();
        _diagonal = new double[n];
        _offMinus = [new double[n], new double[n], new double[n]];
        _offPlus = [new double[n], new double[n], new double[n]];
        int[] shape = [nx, ny, nz];
        DiffusionFaces.AddAxis(_coefficient, shape, 0, boundary, hx, _diagonal, _offMinus[0], _offPlus[0]);
        DiffusionFaces.AddAxis(_coefficient, shape, 1, boundary, hy, _diagonal, _offMinus[1], _offPlus[1]);
        DiffusionFaces.AddAxis(_coefficient, shape, 2, boundary, hz, _diagonal, _offMinus[2], _offPlus[2]);
        Properties = boundary == StencilBoundary.Dirichlet
            ? OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite
            : OperatorProperties.Symmetric;
        _zeros = new double[nz];
        _blockStarts = ParallelBlocks.UniformPartition(nx * ny, n >= StencilOperator.ParallelThreshold ? 4 * ParallelBlocks.Shared.Threads : 1);
    }

    /// <summary>Nodes along x.</summary>
    public int Nx { get; }

    /// <summary>Nodes along y.</summary>
    public int Ny { get; }

    /// <summary>Nodes along z.</summary>
    public int Nz { get; }

    /// <summary>Spacing along z.</summary>
    public double Hz { get; }

    /// <summary>Spacing along x.</summary>
    public double Hx { get; }

    /// <summary>Spacing along y.</summary>
    public double Hy { get; }

    /// <summary>Boundary rule.</summary>
    public StencilBoundary Boundary { get; }

    /// <summary>The nodal coefficient a (C order).</summary>
    public ReadOnlySpan<double> Coefficient => _coefficient;

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
        public double* Diag;
        public double* WestW;
        public double* EastW;
        public double* SouthW;
        public double* NorthW;
        public double* DownW;
        public double* UpW;
        public int* BlockStarts;
        public int Nx;
        public int Ny;
        public int Nz;
        public StencilBoundary Boundary;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}, but the {Rows}×{Columns} diffusion operator needs {Columns}.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}, but the {Rows}×{Columns} diffusion operator needs {Rows}.", nameof(y));
        fixed (double* px = x, py = y, pz = _zeros, pd = _diagonal, pw = _offMinus[0], pe = _offPlus[0], ps = _offMinus[1], pn = _offPlus[1], pdn = _offMinus[2], pup = _offPlus[2])
        fixed (int* bs = _blockStarts)
        {
            var st = new State
            {
                X = px, Y = py, Zeros = pz, Diag = pd, WestW = pw, EastW = pe, SouthW = ps, NorthW = pn, DownW = pdn, UpW = pup,
                BlockStarts = bs, Nx = Nx, Ny = Ny, Nz = Nz, Boundary = Boundary,
            };
            ParallelBlocks.Shared.Run(&Block, &st, _blockStarts.Length - 1);
        }
    }

    private static void Block(void* state, int block)
    {
        var st = (State*)state;
        int ny = st->Ny, nz = st->Nz;
        var bc = st->Boundary;
        double** nb = stackalloc double*[4];
        double** w = stackalloc double*[4];
        for (int line = st->BlockStarts[block]; line < st->BlockStarts[block + 1]; line++)
        {
            int ix = line / ny, iy = line - ix * ny;
            long o = (long)line * nz;
            double* u = st->X + o;
            nb[0] = LineKernels.NeighbourLine(st->X, st->Zeros, line, ix, st->Nx, ny, -1, bc, nz);
            nb[1] = LineKernels.NeighbourLine(st->X, st->Zeros, line, ix, st->Nx, ny, +1, bc, nz);
            nb[2] = LineKernels.NeighbourLine(st->X, st->Zeros, line, iy, ny, 1, -1, bc, nz);
            nb[3] = LineKernels.NeighbourLine(st->X, st->Zeros, line, iy, ny, 1, +1, bc, nz);
            w[0] = st->WestW + o;
            w[1] = st->EastW + o;
            w[2] = st->SouthW + o;
            w[3] = st->NorthW + o;
            LineKernels.Variable(st->Y + o, u, st->Diag + o, nb, w, 4, st->DownW + o, st->UpW + o, nz,
                LineKernels.Ghost(u, nz, -1, bc), LineKernels.Ghost(u, nz, +1, bc));
        }
    }

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        if (diagonal.Length != Rows) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {Rows}.", nameof(diagonal));
        DiffusionFaces.CopyDiagonal([Nx, Ny, Nz], Boundary, _diagonal, _offMinus, _offPlus, diagonal);
    }

    /// <summary>The same matrix as a variable-coefficient <see cref="StencilOperator"/>.</summary>
    public StencilOperator ToStencil() => DiffusionFaces.ToStencil([Nx, Ny, Nz], Boundary, _diagonal, _offMinus, _offPlus, Properties);

    /// <inheritdoc />
    public CsrMatrix ToCsr() => ToStencil().ToCsr();

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"DiffusionStencil3D {Nx}×{Ny}×{Nz}, h = ({Hx:G6}, {Hy:G6}, {Hz:G6}), {Boundary}");
}
