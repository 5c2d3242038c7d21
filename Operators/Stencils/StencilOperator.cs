using System.Globalization;
using System.Numerics.Tensors;
using Solvers.Operators.Parallel;

namespace Solvers.Operators;

/// <summary>
/// A matrix-free constant- or variable-coefficient stencil on a structured grid of 1 to 3 axes (PS §4.7):
/// (A u)[i] = Σₛ cₛ(i) · u[i + offsetₛ], unknowns in C order (last axis fastest). A neighbour outside the grid along
/// an axis is dropped (<see cref="StencilBoundary.Dirichlet"/>), wrapped (<see cref="StencilBoundary.Periodic"/>) or
/// clamped into the grid (<see cref="StencilBoundary.Neumann"/>).
/// </summary>
/// <remarks>
/// <see cref="Apply"/> allocates nothing. Points whose whole stencil lies inside the grid are computed a grid line
/// segment at a time with SIMD kernels; the others go through the boundary rules. The terms of each row are summed
/// in stencil order on both paths. From <see cref="ParallelThreshold"/> unknowns up, rows are split into a fixed set
/// of blocks run on <see cref="ParallelBlocks.Shared"/>, so results are identical from call to call.
/// </remarks>
public sealed unsafe class StencilOperator : ILinearOperator, IHasDiagonal, IConvertibleToCsr
{
    /// <summary>From this many unknowns up, <see cref="Apply"/> runs in parallel over row blocks.</summary>
    public const int ParallelThreshold = 32_768;

    /// <summary>The largest number of stencil entries allowed (a full 7×7×7 stencil).</summary>
    public const int MaxStencilSize = 343;

    private readonly int[] _gridShape;
    private readonly int[] _offsets;
    private readonly double[] _coefficients;
    private readonly StencilBoundary[] _boundary;

    // The kernel always works in three dimensions: a grid of fewer axes gets leading axes of length 1.
    private readonly int[] _shape3;     // [n0, n1, n2]
    private readonly int[] _offsets3;   // s × 3
    private readonly int[] _bounds3;    // [b0, b1, b2] as ints
    private readonly int[] _interior3;  // [lo0, hi0, lo1, hi1, lo2, hi2]: points whose whole stencil is in the grid
    private readonly int[] _deltas;     // flat index offset of each stencil entry for interior points
    private readonly int[] _blockStarts;

    /// <summary>Creates a stencil operator.</summary>
    /// <param name="gridShape">Grid size per axis, 1 ≤ d ≤ 3 axes, each ≥ 1.</param>
    /// <param name="offsets">Stencil offsets, s × d, row-major; unique rows with |offset[a]| &lt; gridShape[a].</param>
    /// <param name="coefficients">Length s (constant) or s·N (variable: entry s·N + i for stencil entry s at grid index i); kept, not copied.</param>
    /// <param name="boundary">Boundary rule per axis, length d.</param>
    /// <param name="properties">Known properties (the caller vouches for them).</param>
    /// <exception cref="ArgumentException">Any of the arrays is inconsistent with the others.</exception>
    public StencilOperator(int[] gridShape, int[] offsets, double[] coefficients, StencilBoundary[] boundary,
        OperatorProperties properties = OperatorProperties.None)
    {
        ArgumentNullException.ThrowIfNull(gridShape);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(boundary);
        int d = gridShape.Length;
        if (d < 1 || d > 3) throw new ArgumentException($"gridShape has {d} axes; a stencil grid needs 1 to 3.", nameof(gridShape));
        long n = 1;
        for (int a = 0; a < d; a++)
        {
            if (gridShape[a] < 1) throw new ArgumentException($"gridShape[{a}] = {gridShape[a]}; every axis needs at least 1 point.", nameof(gridShape));
            n *= gridShape[a];
        }

        if (n > int.MaxValue) throw new ArgumentException($"The grid has {n} points, more than {int.MaxValue}.", nameof(gridShape));
        if (boundary.Length != d) throw new ArgumentException($"boundary has length {boundary.Length}, but the grid has {d} axes.", nameof(boundary));
        for (int a = 0; a < d; a++)
        {
            if (!Enum.IsDefined(boundary[a])) throw new ArgumentException($"boundary[{a}] = {(int)boundary[a]} is not a StencilBoundary.", nameof(boundary));
        }

        if (offsets.Length == 0 || offsets.Length % d != 0)
            throw new ArgumentException($"offsets has length {offsets.Length}, which is not s × {d} with s ≥ 1.", nameof(offsets));
        int s = offsets.Length / d;
        if (s > MaxStencilSize) throw new ArgumentException($"offsets has {s} rows; at most {MaxStencilSize} are allowed.", nameof(offsets));
        for (int k = 0; k < s; k++)
        {
            for (int a = 0; a < d; a++)
            {
                int o = offsets[k * d + a];
                if (Math.Abs((long)o) >= gridShape[a])
                    throw new ArgumentException($"offsets[{k}, {a}] = {o}, but |offset| must be < gridShape[{a}] = {gridShape[a]}.", nameof(offsets));
            }

            for (int k2 = 0; k2 < k; k2++)
            {
                if (offsets.AsSpan(k * d, d).SequenceEqual(offsets.AsSpan(k2 * d, d)))
                    throw new ArgumentException($"offsets rows {k2} and {k} are equal; stencil offsets must be unique.", nameof(offsets));
            }
        }

        if (coefficients.Length != s && coefficients.Length != (long)s * n)
            throw new ArgumentException(
                $"coefficients has length {coefficients.Length}, but {s} stencil entries on {n} points need {s} (constant) or {(long)s * n} (variable).",
                nameof(coefficients));

        _gridShape = (int[])gridShape.Clone();
        _offsets = (int[])offsets.Clone();
        _coefficients = coefficients;
        _boundary = (StencilBoundary[])boundary.Clone();
        StencilSize = s;
        Rows = Columns = (int)n;
        IsVariable = coefficients.Length != s;
        Properties = properties;

        _shape3 = [1, 1, 1];
        _bounds3 = [0, 0, 0];
        _offsets3 = new int[3 * s];
        int lead = 3 - d;
        for (int a = 0; a < d; a++)
        {
            _shape3[lead + a] = gridShape[a];
            _bounds3[lead + a] = (int)boundary[a];
            for (int k = 0; k < s; k++) _offsets3[3 * k + lead + a] = offsets[k * d + a];
        }

        _interior3 = new int[6];
        _deltas = new int[s];
        for (int a = 0; a < 3; a++)
        {
            int maxNeg = 0, maxPos = 0;
            for (int k = 0; k < s; k++)
            {
                maxNeg = Math.Max(maxNeg, -_offsets3[3 * k + a]);
                maxPos = Math.Max(maxPos, _offsets3[3 * k + a]);
            }

            _interior3[2 * a] = maxNeg;
            _interior3[2 * a + 1] = Math.Max(maxNeg, _shape3[a] - maxPos);
        }

        for (int k = 0; k < s; k++)
            _deltas[k] = (_offsets3[3 * k] * _shape3[1] + _offsets3[3 * k + 1]) * _shape3[2] + _offsets3[3 * k + 2];

        int blocks = Rows >= ParallelThreshold ? 4 * ParallelBlocks.Shared.Threads : 1;
        _blockStarts = ParallelBlocks.UniformPartition(Rows, blocks);
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <inheritdoc />
    public OperatorProperties Properties { get; }

    /// <summary>Grid size per axis (a copy).</summary>
    public int[] GridShape => (int[])_gridShape.Clone();

    /// <summary>Stencil offsets, s × d row-major (a copy).</summary>
    public int[] Offsets => (int[])_offsets.Clone();

    /// <summary>The coefficients: length s (constant) or s·N (variable), entry s·N + i.</summary>
    public ReadOnlySpan<double> Coefficients => _coefficients;

    /// <summary>Boundary rule per axis (a copy).</summary>
    public StencilBoundary[] Boundary => (StencilBoundary[])_boundary.Clone();

    /// <summary>True when the coefficients vary with the grid point.</summary>
    public bool IsVariable { get; }

    /// <summary>Number of stencil entries s.</summary>
    public int StencilSize { get; }

    private struct KernelState
    {
        public double* X;
        public double* Y;
        public double* Coef;
        public int* Offsets3;
        public int* Deltas;
        public int* Shape3;
        public int* Bounds3;
        public int* Interior3;
        public int* BlockStarts;
        public int S;
        public int N;
        public int Variable;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}, but the {Rows}×{Columns} stencil operator needs {Columns}.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}, but the {Rows}×{Columns} stencil operator needs {Rows}.", nameof(y));
        fixed (double* px = x, py = y, pc = _coefficients)
        fixed (int* po = _offsets3, pd = _deltas, ps = _shape3, pb = _bounds3, pi = _interior3, bs = _blockStarts)
        {
            var st = new KernelState
            {
                X = px, Y = py, Coef = pc, Offsets3 = po, Deltas = pd, Shape3 = ps, Bounds3 = pb, Interior3 = pi,
                BlockStarts = bs, S = StencilSize, N = Rows, Variable = IsVariable ? 1 : 0,
            };
            ParallelBlocks.Shared.Run(&ApplyBlock, &st, _blockStarts.Length - 1);
        }
    }

    private static void ApplyBlock(void* state, int block)
    {
        var st = (KernelState*)state;
        int r = st->BlockStarts[block], rEnd = st->BlockStarts[block + 1];
        int n1 = st->Shape3[1], n2 = st->Shape3[2];
        int* box = st->Interior3;
        while (r < rEnd)
        {
            int line = r / n2;
            int j0 = r - line * n2;
            int j1 = Math.Min(n2, j0 + (rEnd - r));
            int i0 = line / n1, i1 = line - i0 * n1;
            bool leadInterior = i0 >= box[0] && i0 < box[1] && i1 >= box[2] && i1 < box[3];
            if (leadInterior)
            {
                int f0 = Math.Clamp(box[4], j0, j1), f1 = Math.Clamp(box[5], f0, j1);
                for (int j = j0; j < f0; j++) st->Y[line * n2 + j] = BoundaryPoint(st, i0, i1, j);
                if (f1 > f0) InteriorSegment(st, line * n2 + f0, f1 - f0);
                for (int j = f1; j < j1; j++) st->Y[line * n2 + j] = BoundaryPoint(st, i0, i1, j);
            }
            else
            {
                for (int j = j0; j < j1; j++) st->Y[line * n2 + j] = BoundaryPoint(st, i0, i1, j);
            }

            r += j1 - j0;
        }
    }

    /// <summary>y[start .. start+len) for points whose whole stencil is inside the grid: SIMD over the segment.</summary>
    private static void InteriorSegment(KernelState* st, int start, int len)
    {
        var y = new Span<double>(st->Y + start, len);
        double* x = st->X + start;
        int s = st->S;
        if (st->Variable == 0)
        {
            double* c = st->Coef;
            TensorPrimitives.Multiply(new ReadOnlySpan<double>(x + st->Deltas[0], len), c[0], y);
            for (int k = 1; k < s; k++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(x + st->Deltas[k], len), c[k], y, y);
        }
        else
        {
            long n = st->N;
            double* c = st->Coef + start;
            TensorPrimitives.Multiply(new ReadOnlySpan<double>(x + st->Deltas[0], len), new ReadOnlySpan<double>(c, len), y);
            for (int k = 1; k < s; k++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(x + st->Deltas[k], len), new ReadOnlySpan<double>(c + k * n, len), y, y);
        }
    }

    /// <summary>One row through the boundary rules, terms summed in stencil order.</summary>
    private static double BoundaryPoint(KernelState* st, int i0, int i1, int j)
    {
        int* sh = st->Shape3;
        int* bd = st->Bounds3;
        int* off = st->Offsets3;
        int s = st->S;
        int row = (i0 * sh[1] + i1) * sh[2] + j;
        double acc = 0;
        for (int k = 0; k < s; k++)
        {
            int c0 = i0 + off[3 * k], c1 = i1 + off[3 * k + 1], c2 = j + off[3 * k + 2];
            if (!Fix(ref c0, sh[0], bd[0]) || !Fix(ref c1, sh[1], bd[1]) || !Fix(ref c2, sh[2], bd[2])) continue;
            double c = st->Variable == 0 ? st->Coef[k] : st->Coef[(long)k * st->N + row];
            acc += c * st->X[(c0 * sh[1] + c1) * sh[2] + c2];
        }

        return acc;
    }

    /// <summary>Maps an axis index into the grid by the boundary rule; false when the term is dropped.</summary>
    private static bool Fix(ref int c, int n, int boundary)
    {
        if ((uint)c < (uint)n) return true;
        switch ((StencilBoundary)boundary)
        {
            case StencilBoundary.Periodic:
                c += c < 0 ? n : -n;
                return true;
            case StencilBoundary.Neumann:
                c = c < 0 ? 0 : n - 1;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The column hit by stencil entry <paramref name="k"/> from row <paramref name="row"/>, or −1 when dropped.</summary>
    private int Neighbour(int row, int k)
    {
        int n1 = _shape3[1], n2 = _shape3[2];
        int i0 = row / (n1 * n2), rest = row - i0 * n1 * n2;
        int i1 = rest / n2, j = rest - i1 * n2;
        int c0 = i0 + _offsets3[3 * k], c1 = i1 + _offsets3[3 * k + 1], c2 = j + _offsets3[3 * k + 2];
        if (!Fix(ref c0, _shape3[0], _bounds3[0]) || !Fix(ref c1, n1, _bounds3[1]) || !Fix(ref c2, n2, _bounds3[2])) return -1;
        return (c0 * n1 + c1) * n2 + c2;
    }

    private double Coefficient(int row, int k) => IsVariable ? _coefficients[(long)k * Rows + row] : _coefficients[k];

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        if (diagonal.Length != Rows) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {Rows}.", nameof(diagonal));
        for (int i = 0; i < Rows; i++)
        {
            double acc = 0;
            for (int k = 0; k < StencilSize; k++)
            {
                if (Neighbour(i, k) == i) acc += Coefficient(i, k);
            }

            diagonal[i] = acc;
        }
    }

    /// <inheritdoc />
    /// <remarks>Stencil entries that land on the same column (clamped or wrapped) are summed; explicit zeros are kept.</remarks>
    public CsrMatrix ToCsr()
    {
        var rows = new List<int>(Rows * StencilSize);
        var cols = new List<int>(Rows * StencilSize);
        var vals = new List<double>(Rows * StencilSize);
        for (int i = 0; i < Rows; i++)
        {
            for (int k = 0; k < StencilSize; k++)
            {
                int c = Neighbour(i, k);
                if (c < 0) continue;
                rows.Add(i);
                cols.Add(c);
                vals.Add(Coefficient(i, k));
            }
        }

        return CsrMatrix.FromCoordinates(Rows, Columns, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(cols), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(vals),
            sumDuplicates: true, out _, Properties);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"StencilOperator {string.Join("×", _gridShape)}, {StencilSize} points, {(IsVariable ? "variable" : "constant")}");
}
