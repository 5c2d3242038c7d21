namespace Solvers.LeastSquares.Sketching;

/// <summary>Creates sketches from options.</summary>
public static class Sketch
{
    /// <summary>
    /// The sketch of <paramref name="options"/> with m rows for an n-row matrix, drawn with the given attempt number
    /// (a re-sketch passes attempt + 1, so its streams are independent of the failed draw).
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options or sizes (s &gt; m for sparse sign, m beyond the kind's limit).</exception>
    /// <exception cref="NotSupportedException">SRTT is not implemented yet.</exception>
    public static ISketch Create(SketchOptions options, int rows, int n, int attempt = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        return options.Kind switch
        {
            SketchKind.SparseSign => new SparseSignSketch(rows, n, options.NonzerosPerColumn, options.Seed, attempt, options),
            SketchKind.CountSketch => new CountSketch(rows, n, options.Seed, attempt, options),
            SketchKind.Gaussian => new GaussianSketch(rows, n, options.Seed, attempt, options),
            SketchKind.Srht => new SrhtSketch(rows, n, options.Seed, attempt, options),
            SketchKind.UniformRows => new UniformRowSketch(rows, n, options.Seed, attempt),
            _ => throw new NotSupportedException($"{options.Kind} sketches are not implemented yet; use SparseSign, Srht, Gaussian, CountSketch or UniformRows."),
        };
    }
}
