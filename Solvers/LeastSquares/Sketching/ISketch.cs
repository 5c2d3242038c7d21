using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>The sketch families (spec sketched-regression §2.2).</summary>
public enum SketchKind
{
    /// <summary>s nonzeros ±1/√s per column at distinct rows (OSNAP-like); the project default with s = 8.</summary>
    SparseSign,
    /// <summary>iid N(0, 1/m) entries, generated in panels, never stored.</summary>
    Gaussian,
    /// <summary>Subsampled randomized Walsh–Hadamard transform √(N/m)·P·H_N·D with zero padding to N = 2^k.</summary>
    Srht,
    /// <summary>Subsampled randomized trigonometric transform (DCT-II or Hartley); not implemented yet.</summary>
    Srtt,
    /// <summary>Clarkson–Woodruff: one ±1 per column at a uniform row.</summary>
    CountSketch,
    /// <summary>√(n/m)·P: m rows sampled uniformly without replacement (test baseline).</summary>
    UniformRows,
}

/// <summary>
/// A random sketch S (m×n) with E[SᵀS] = I. S is never stored: it is regenerated from its Philox streams
/// (seed, purpose, attempt, index) wherever it is applied, so results do not depend on the thread count
/// (except Gaussian's gemm, which belongs to the dense backend).
/// </summary>
/// <remarks>
/// Blocks are <b>row-major</b>: an n×k input block stores row i at [i·k, (i+1)·k) (the problem-set and
/// <see cref="DenseOperator"/> layout); the m×k output likewise.
/// </remarks>
public interface ISketch
{
    /// <summary>The family.</summary>
    SketchKind Kind { get; }

    /// <summary>m, the sketch rows.</summary>
    int Rows { get; }

    /// <summary>n, the rows of the sketched matrix.</summary>
    int Columns { get; }

    /// <summary>The seed (echoed in every result).</summary>
    ulong Seed { get; }

    /// <summary>The attempt (0 for the first draw; a re-sketch uses the next).</summary>
    int Attempt { get; }

    /// <summary>Y = S·X for the row-major n×k block X; Y is the row-major m×k block (overwritten).</summary>
    void Apply(ReadOnlySpan<double> block, int columns, Span<double> result);

    /// <summary>Y = S·A for a CSR A (n×k); Y is the row-major m×k block (overwritten).</summary>
    void Apply(CsrMatrix matrix, Span<double> result);

    /// <summary>S as a dense row-major m×n array (tests only; small n).</summary>
    double[] Materialize();
}
