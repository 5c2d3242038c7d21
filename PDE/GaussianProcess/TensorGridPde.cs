using System.Globalization;

namespace Solvers.Pde.GaussianProcess;

/// <summary>The differential operator of a <see cref="TensorGridPde"/> (spec §2.5).</summary>
public enum PdeKind
{
    /// <summary>Δu = f.</summary>
    Poisson,
    /// <summary>Δu + u(u² − 1) = f.</summary>
    AllenCahn,
    /// <summary>β·u_x + u_y = f in 2-D (y plays the role of time).</summary>
    Advection,
}

/// <summary>A scalar function of a point of the domain (length D).</summary>
public delegate double GridFunction(ReadOnlySpan<double> point);

/// <summary>
/// A PDE with Dirichlet data on the tensor grid of a box [0, L_1] × … × [0, L_D] (D = 1 or 2), M_j equally spaced
/// points per dimension with both ends included (spec §2.1). Grid arrays are row-major: node (a, b) of a 2-D grid
/// (a along x, b along y) is element a·M_2 + b.
/// </summary>
public sealed class TensorGridPde
{
    private readonly double[] _lengths;
    private readonly int[] _points;
    private readonly double[] _source;
    private readonly double[] _boundary;

    /// <summary>Creates the problem from grid arrays.</summary>
    /// <param name="kind">The operator.</param>
    /// <param name="lengths">L_j &gt; 0, one per dimension (1 or 2 of them).</param>
    /// <param name="points">M_j ≥ 3, one per dimension.</param>
    /// <param name="source">f at every node, row-major, length Π M_j, finite.</param>
    /// <param name="boundaryValues">Dirichlet data g, a grid array of length Π M_j of which only the boundary nodes are
    /// read (they must be finite; interior entries are ignored).</param>
    /// <param name="exactSolution">The exact solution, when known (enables the test-error metric).</param>
    /// <param name="advectionSpeed">β for <see cref="PdeKind.Advection"/> (finite; ignored otherwise).</param>
    /// <param name="name">A label for logs and files.</param>
    /// <exception cref="ArgumentException">Any input is malformed; the message says which and where.</exception>
    public TensorGridPde(PdeKind kind, IReadOnlyList<double> lengths, IReadOnlyList<int> points,
        ReadOnlySpan<double> source, ReadOnlySpan<double> boundaryValues, GridFunction? exactSolution = null,
        double advectionSpeed = 0, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(points);
        if (!Enum.IsDefined(kind)) throw new ArgumentException($"Unknown PDE kind {kind}.", nameof(kind));
        if (lengths.Count is < 1 or > 2)
            throw new ArgumentException($"GP-HM supports 1-D and 2-D grids; got {lengths.Count} domain lengths.", nameof(lengths));
        if (points.Count != lengths.Count)
            throw new ArgumentException($"{points.Count} point counts for {lengths.Count} domain lengths: give one per dimension.", nameof(points));
        if (kind == PdeKind.Advection && lengths.Count != 2)
            throw new ArgumentException("The advection operator β·u_x + u_y needs a 2-D grid (x, t).", nameof(kind));
        long total = 1;
        for (int j = 0; j < lengths.Count; j++)
        {
            if (!double.IsFinite(lengths[j]) || lengths[j] <= 0)
                throw new ArgumentException($"Domain length of dimension {j} must be finite and > 0 (got {lengths[j].ToString(CultureInfo.InvariantCulture)}).", nameof(lengths));
            if (points[j] < 3)
                throw new ArgumentException($"Dimension {j} has {points[j]} grid points; GP-HM needs at least 3 per dimension.", nameof(points));
            total *= points[j];
            if (total > int.MaxValue / 2)
                throw new ArgumentException($"The grid has more than {int.MaxValue / 2} nodes.", nameof(points));
        }
        int count = (int)total;
        if (source.Length != count)
            throw new ArgumentException($"The source has {source.Length} values but the grid has {count} nodes ({string.Join("×", points)}).", nameof(source));
        if (boundaryValues.Length != count)
            throw new ArgumentException($"The boundary data has {boundaryValues.Length} values but the grid has {count} nodes ({string.Join("×", points)}); give a grid-sized array (only boundary nodes are read).", nameof(boundaryValues));
        if (kind == PdeKind.Advection && !double.IsFinite(advectionSpeed))
            throw new ArgumentException($"The advection speed must be finite (got {advectionSpeed.ToString(CultureInfo.InvariantCulture)}).", nameof(advectionSpeed));
        for (int i = 0; i < count; i++)
        {
            if (!double.IsFinite(source[i]))
                throw new ArgumentException($"The source is not finite at node {DescribeNode(i, points)}: {source[i].ToString(CultureInfo.InvariantCulture)}.", nameof(source));
        }
        _lengths = [.. lengths];
        _points = [.. points];
        _source = source.ToArray();
        _boundary = boundaryValues.ToArray();
        Kind = kind;
        AdvectionSpeed = kind == PdeKind.Advection ? advectionSpeed : 0;
        ExactSolution = exactSolution;
        Name = name ?? kind.ToString();
        NodeCount = count;
        foreach (int n in BoundaryNodes())
        {
            if (!double.IsFinite(_boundary[n]))
                throw new ArgumentException($"The boundary data is not finite at boundary node {DescribeNode(n, points)}: {_boundary[n].ToString(CultureInfo.InvariantCulture)}.", nameof(boundaryValues));
        }
    }

    /// <summary>Creates the problem by sampling f and g (and optionally the exact solution) on the grid.</summary>
    public static TensorGridPde FromFunctions(PdeKind kind, IReadOnlyList<double> lengths, IReadOnlyList<int> points,
        GridFunction source, GridFunction boundary, GridFunction? exactSolution = null, double advectionSpeed = 0,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(boundary);
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(points);
        if (lengths.Count != points.Count || lengths.Count is < 1 or > 2)
            throw new ArgumentException($"Give one length and one point count per dimension (1 or 2 dimensions); got {lengths.Count} and {points.Count}.", nameof(points));
        long total = 1;
        foreach (int p in points)
        {
            if (p < 3) throw new ArgumentException($"A dimension has {p} grid points; GP-HM needs at least 3 per dimension.", nameof(points));
            total *= p;
        }
        if (total > int.MaxValue / 2) throw new ArgumentException("The grid is too large.", nameof(points));
        var f = new double[total];
        var g = new double[total];
        Span<double> x = stackalloc double[lengths.Count];
        int m2 = lengths.Count == 2 ? points[1] : 1;
        for (int i = 0; i < total; i++)
        {
            int a = i / m2, b = i % m2;
            x[0] = Coordinate(lengths[0], points[0], a);
            if (lengths.Count == 2) x[1] = Coordinate(lengths[1], points[1], b);
            f[i] = source(x);
            g[i] = boundary(x);
        }
        return new TensorGridPde(kind, lengths, points, f, g, exactSolution, advectionSpeed, name);
    }

    /// <summary>The operator.</summary>
    public PdeKind Kind { get; }

    /// <summary>A label for logs and files.</summary>
    public string Name { get; }

    /// <summary>D (1 or 2).</summary>
    public int Dimensions => _points.Length;

    /// <summary>L_j.</summary>
    public IReadOnlyList<double> Lengths => _lengths;

    /// <summary>M_j.</summary>
    public IReadOnlyList<int> Points => _points;

    /// <summary>M = Π M_j.</summary>
    public int NodeCount { get; }

    /// <summary>β (0 unless advection).</summary>
    public double AdvectionSpeed { get; }

    /// <summary>f on the grid (row-major).</summary>
    public ReadOnlySpan<double> Source => _source;

    /// <summary>The grid-sized Dirichlet array (only boundary nodes are meaningful).</summary>
    public ReadOnlySpan<double> BoundaryValues => _boundary;

    /// <summary>The exact solution, if known.</summary>
    public GridFunction? ExactSolution { get; }

    /// <summary>h_j = L_j / (M_j − 1).</summary>
    public double Spacing(int dimension) => _lengths[dimension] / (_points[dimension] - 1);

    /// <summary>x_j^a = a·h_j (the last point exactly L_j).</summary>
    public double GridCoordinate(int dimension, int index) => Coordinate(_lengths[dimension], _points[dimension], index);

    /// <summary>
    /// The boundary occurrences in the reference's order (spec §2.5): 1-D the two ends; 2-D row 0, row M_1 − 1, column 0,
    /// column M_2 − 1, so corners appear twice.
    /// </summary>
    public IEnumerable<int> BoundaryNodes()
    {
        if (_points.Length == 1)
        {
            yield return 0;
            yield return _points[0] - 1;
            yield break;
        }
        int m1 = _points[0], m2 = _points[1];
        for (int b = 0; b < m2; b++) yield return b;
        for (int b = 0; b < m2; b++) yield return (m1 - 1) * m2 + b;
        for (int a = 0; a < m1; a++) yield return a * m2;
        for (int a = 0; a < m1; a++) yield return a * m2 + m2 - 1;
    }

    // numpy/JAX linspace semantics: a·h, with the last point exactly L.
    private static double Coordinate(double length, int points, int index) =>
        index == points - 1 ? length : index * (length / (points - 1));

    private static string DescribeNode(int index, IReadOnlyList<int> points) =>
        points.Count == 1 ? $"{index}" : $"{index} (row {index / points[1]}, column {index % points[1]})";
}
