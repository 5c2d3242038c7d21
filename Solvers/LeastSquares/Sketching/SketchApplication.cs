using Solvers.Operators;

namespace Solvers.LeastSquares.Sketching;

/// <summary>Applies a sketch to the project's operators: dense, CSR or matrix-free (spec sketched-regression §3.7).</summary>
public static class SketchApplication
{
    /// <summary>Workspace for one matrix-free column panel (n×b doubles).</summary>
    private const long PanelBudgetBytes = 32L << 20;

    /// <summary>
    /// SA (row-major m×d) for an n×d operator: a <see cref="DenseOperator"/> is sketched as its row-major data, a
    /// <see cref="CsrMatrix"/> through the sparse path, and any other operator by columns A·e_j in panels of b columns
    /// (d operator applications in total; never through m adjoint applications), each panel sketched as an n×b block.
    /// </summary>
    /// <exception cref="ArgumentException">A has not n rows, or <paramref name="result"/> is not m·d long.</exception>
    public static void Apply(ISketch sketch, ILinearOperator a, Span<double> result)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != sketch.Columns)
            throw new ArgumentException($"The operator must have n = {sketch.Columns} rows (got {a.Rows}).", nameof(a));
        int d = a.Columns;
        if (d < 1) throw new ArgumentException("The operator has no columns.", nameof(a));
        if (result.Length != (long)sketch.Rows * d)
            throw new ArgumentException($"The result must hold m·d = {(long)sketch.Rows * d} values (got {result.Length}).", nameof(result));
        switch (a)
        {
            case DenseOperator dense:
                sketch.Apply(dense.Data, d, result);
                return;
            case CsrMatrix csr:
                sketch.Apply(csr, result);
                return;
        }

        int n = sketch.Columns, m = sketch.Rows;
        int width = (int)Math.Clamp(PanelBudgetBytes / ((long)n * sizeof(double)), 1, d);
        var unit = new double[d];
        var column = new double[n];
        var block = new double[(long)n * width];
        var sketched = new double[(long)m * width];
        for (int j0 = 0; j0 < d; j0 += width)
        {
            int b = Math.Min(width, d - j0);
            for (int jj = 0; jj < b; jj++)
            {
                unit[j0 + jj] = 1;
                a.Apply(unit, column);
                unit[j0 + jj] = 0;
                for (int i = 0; i < n; i++) block[(long)i * b + jj] = column[i];
            }
            sketch.Apply(block.AsSpan(0, n * b), b, sketched.AsSpan(0, m * b));
            for (int i = 0; i < m; i++)
                sketched.AsSpan(i * b, b).CopyTo(result.Slice(i * d + j0, b));
        }
    }

    /// <summary>
    /// SA and Sb with the same S (spec §2.1, pitfall 13): A as in <see cref="Apply"/>, b as an n×1 block.
    /// </summary>
    /// <remarks>
    /// For the sparse-sign, CountSketch and uniform sketches every entry of the result is computed by the same sequence of
    /// IEEE operations whatever the number of block columns, so this equals sketching [A | b] jointly, bitwise. For the
    /// Gaussian sketch the products go through the backend's gemm, whose blocking may depend on the block width: there the
    /// two agree to rounding only (spec §3.8).
    /// </remarks>
    /// <exception cref="ArgumentException">Mismatched sizes.</exception>
    public static void ApplyAugmented(ISketch sketch, ILinearOperator a, ReadOnlySpan<double> b, Span<double> sa, Span<double> sb)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentNullException.ThrowIfNull(a);
        if (b.Length != sketch.Columns)
            throw new ArgumentException($"b must have n = {sketch.Columns} entries (got {b.Length}).", nameof(b));
        if (sb.Length != sketch.Rows)
            throw new ArgumentException($"Sb must have m = {sketch.Rows} entries (got {sb.Length}).", nameof(sb));
        Apply(sketch, a, sa);
        sketch.Apply(b, 1, sb);
    }
}
