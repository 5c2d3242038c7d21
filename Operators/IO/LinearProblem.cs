namespace Solvers.IO;

/// <summary>The kind of a problem (PS §3.2).</summary>
public enum ProblemKind
{
    /// <summary>Square A: solve A x = b.</summary>
    LinearSystem,
    /// <summary>m×n A: minimise ‖A x − b‖₂.</summary>
    LeastSquares,
}

/// <summary>How a stored preconditioner is applied (PS §4.10).</summary>
public enum PreconditionerForm
{
    /// <summary>M ≈ A⁻¹, applied as z = M r.</summary>
    Inverse,
    /// <summary>M is a lower-triangular factor L; z = (L Lᵀ)⁻¹ r.</summary>
    CholeskyLower,
}

/// <summary>A preconditioner stored with a problem.</summary>
/// <param name="Operator">The stored operator (M or L).</param>
/// <param name="Form">How it is applied.</param>
/// <param name="Description">Free text, e.g. "IC(0)".</param>
public sealed record PreconditionerData(ILinearOperator Operator, PreconditionerForm Form, string? Description);

/// <summary>Grid coordinates of the unknowns (PS §3.4).</summary>
/// <param name="Axes">Axis names in storage order, e.g. ["x", "y"].</param>
/// <param name="Coordinates">One strictly increasing coordinate array per axis.</param>
public sealed record GridInfo(IReadOnlyList<string> Axes, IReadOnlyList<double[]> Coordinates)
{
    /// <summary>Grid size per axis.</summary>
    public int[] Shape => [.. Coordinates.Select(c => c.Length)];
}

/// <summary>What a load did: warnings, bytes read and time.</summary>
public sealed class LoadReport
{
    /// <summary>Warnings that did not stop the load (duplicates summed, f32 widened, symmetry doubt, …).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Bytes of array data read.</summary>
    public long BytesRead { get; set; }

    /// <summary>Wall time of the load.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>The detected source format, e.g. "problem-set", "matrix-market".</summary>
    public string Format { get; set; } = "";
}

/// <summary>
/// A validated problem as read from a file (PS §8). <see cref="B"/> is k×m even for one right-hand side, so callers
/// always use one code path.
/// </summary>
public sealed record LinearProblem(
    string Id,
    string Name,
    ProblemKind Kind,
    ILinearOperator A,
    double[,] B,
    double[,]? XExact,
    double[,]? X0,
    PreconditionerData? M,
    GridInfo? Grid,
    IReadOnlyDictionary<string, double[]> Fields,
    IReadOnlyDictionary<string, string> Meta,
    LoadReport Report)
{
    /// <summary>Optional problem attributes (PS §3.2): source, license, symmetric, spd, sequence, … as strings.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Number of right-hand sides k.</summary>
    public int RightHandSideCount => B.GetLength(0);

    /// <summary>True when <c>b</c> was stored 1-D (k = 1, rhs_index = −1 in results).</summary>
    public bool IsSingleRightHandSide { get; init; } = true;

    /// <summary>Copies right-hand side <paramref name="j"/> into a new array.</summary>
    public double[] GetRightHandSide(int j) => Row(B, j);

    /// <summary>Copies initial guess <paramref name="j"/> (zeros when none is stored).</summary>
    public double[] GetInitialGuess(int j) => X0 is null ? new double[A.Columns] : Row(X0, X0.GetLength(0) == 1 ? 0 : j);

    /// <summary>Copies exact solution <paramref name="j"/>, or null.</summary>
    public double[]? GetExactSolution(int j) => XExact is null ? null : Row(XExact, XExact.GetLength(0) == 1 ? 0 : j);

    private static double[] Row(double[,] m, int j)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(j);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(j, m.GetLength(0));
        int n = m.GetLength(1);
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = m[j, i];
        return r;
    }

    /// <summary>Wraps a vector as a 1×n block.</summary>
    public static double[,] AsBlock(ReadOnlySpan<double> v)
    {
        var m = new double[1, v.Length];
        for (int i = 0; i < v.Length; i++) m[0, i] = v[i];
        return m;
    }
}
