namespace Solvers.Operators;

/// <summary>diag(d): y = d ⊙ x. Symmetric; positive definite when every dᵢ &gt; 0.</summary>
public sealed class DiagonalOperator : IAdjointableOperator, IHasDiagonal, IConvertibleToCsr
{
    private readonly double[] _d;

    /// <summary>Creates diag(d); d is copied.</summary>
    public DiagonalOperator(double[] d)
    {
        ArgumentNullException.ThrowIfNull(d);
        _d = (double[])d.Clone();
        Properties = OperatorProperties.Symmetric | (d.All(v => v > 0) ? OperatorProperties.PositiveDefinite : OperatorProperties.None);
    }

    /// <summary>The diagonal.</summary>
    public ReadOnlySpan<double> Values => _d;

    /// <inheritdoc />
    public int Rows => _d.Length;

    /// <inheritdoc />
    public int Columns => _d.Length;

    /// <inheritdoc />
    public OperatorProperties Properties { get; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        VectorMath.Multiply(_d, x, y);
    }

    /// <inheritdoc />
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y) => Apply(x, y);

    /// <inheritdoc />
    public void CopyDiagonal(Span<double> diagonal)
    {
        if (diagonal.Length != Rows) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {Rows}.", nameof(diagonal));
        _d.CopyTo(diagonal);
    }

    /// <inheritdoc />
    public CsrMatrix ToCsr()
    {
        int n = Rows;
        var rp = new int[n + 1];
        var ci = new int[n];
        for (int i = 0; i < n; i++) { rp[i + 1] = i + 1; ci[i] = i; }
        return new CsrMatrix(n, n, rp, ci, (double[])_d.Clone(), Properties);
    }
}
