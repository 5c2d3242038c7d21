using System.Globalization;

namespace Solvers.LeastSquares.Sketching;

/// <summary>The trigonometric transform of an SRTT sketch.</summary>
public enum SrttTransform
{
    /// <summary>Orthonormal DCT-II.</summary>
    Dct2,
    /// <summary>Discrete Hartley transform.</summary>
    Hartley,
}

/// <summary>How a sketch is drawn (spec sketched-regression §3.2).</summary>
public sealed record SketchOptions
{
    /// <summary>The family (default sparse sign).</summary>
    public SketchKind Kind { get; init; } = SketchKind.SparseSign;

    /// <summary>m explicitly; null = ⌈<see cref="RowFactor"/>·d⌉.</summary>
    public int? Rows { get; init; }

    /// <summary>γ = m/d (10 for sketch-and-solve, 4 for sketch-and-precondition).</summary>
    public double RowFactor { get; init; } = 10;

    /// <summary>s, nonzeros per column of a sparse-sign sketch (8).</summary>
    public int NonzerosPerColumn { get; init; } = 8;

    /// <summary>The SRTT transform.</summary>
    public SrttTransform Transform { get; init; } = SrttTransform.Dct2;

    /// <summary>The 64-bit seed (0).</summary>
    public ulong Seed { get; init; }

    /// <summary>Column-panel width for SRHT / row-panel height for Gaussian; 0 = automatic.</summary>
    public int PanelWidth { get; init; }

    /// <summary>Workspace budget for panels and private accumulators (256 MiB).</summary>
    public long WorkspaceBudgetBytes { get; init; } = 256L << 20;

    /// <summary>m for a problem with d columns (and n rows, for the sketch's limits).</summary>
    /// <exception cref="ArgumentException">m &lt; d + 2, or beyond the sketch's limit (SRHT: m ≤ 2^⌈log₂ n⌉; uniform: m ≤ n).</exception>
    public int RowsFor(int n, int d)
    {
        Validate();
        long m = Rows ?? (long)Math.Ceiling(RowFactor * d);
        if (m < d + 2)
            throw new ArgumentException($"The sketch needs m ≥ d + 2 rows (d = {d}); got m = {m}.", nameof(d));
        long limit = Kind switch
        {
            SketchKind.Srht => NextPowerOfTwo(n),
            SketchKind.UniformRows => n,
            _ => int.MaxValue,
        };
        if (m > limit)
            throw new ArgumentException($"A {Kind} sketch of an n = {n}-row matrix allows at most {limit} rows; got m = {m}.", nameof(d));
        return (int)m;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range values.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"Unknown sketch kind {Kind}.", nameof(Kind));
        if (Rows is { } r && r < 1) throw new ArgumentException($"Rows must be ≥ 1 (got {r}).", nameof(Rows));
        if (Rows is null && (!(RowFactor >= 1) || !double.IsFinite(RowFactor)))
            throw new ArgumentException($"RowFactor γ must be finite and ≥ 1 (got {RowFactor.ToString(CultureInfo.InvariantCulture)}).", nameof(RowFactor));
        if (NonzerosPerColumn < 1) throw new ArgumentException($"NonzerosPerColumn must be ≥ 1 (got {NonzerosPerColumn}).", nameof(NonzerosPerColumn));
        if (PanelWidth < 0) throw new ArgumentException($"PanelWidth must be ≥ 0 (got {PanelWidth}).", nameof(PanelWidth));
        if (WorkspaceBudgetBytes < 1 << 20) throw new ArgumentException($"WorkspaceBudgetBytes must be ≥ 1 MiB (got {WorkspaceBudgetBytes}).", nameof(WorkspaceBudgetBytes));
    }

    /// <summary>2^⌈log₂ n⌉.</summary>
    public static long NextPowerOfTwo(long n) => n <= 1 ? 1 : 1L << (64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1)));
}
