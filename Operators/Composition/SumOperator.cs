namespace Solvers.Operators;

/// <summary>A + B, applied lazily with one scratch vector (see <see cref="LinearOperator"/> for capabilities).</summary>
public sealed class SumOperator : IAdjointableOperator, IHasDiagonal, IConditionalCapabilities
{
    private readonly double[] _scratch;
    private readonly double[] _adjointScratch;

    /// <summary>Creates A + B.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public SumOperator(ILinearOperator a, ILinearOperator b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rows != b.Rows || a.Columns != b.Columns) throw LinearOperator.ShapeMismatch("A + B needs equal shapes", a, b, nameof(b));
        A = a;
        B = b;
        _scratch = new double[Math.Max(a.Rows, Math.Min(a.Rows, a.Columns))];
        CanApplyAdjoint = LinearOperator.CanApplyAdjoint(a) && LinearOperator.CanApplyAdjoint(b);
        HasDiagonal = LinearOperator.HasDiagonal(a) && LinearOperator.HasDiagonal(b);
        _adjointScratch = CanApplyAdjoint ? new double[a.Columns] : [];
        var both = a.Properties & b.Properties;
        Properties = (both & OperatorProperties.Symmetric) != 0 ? both : OperatorProperties.None;
    }

    /// <summary>The first term.</summary>
    public ILinearOperator A { get; }

    /// <summary>The second term.</summary>
    public ILinearOperator B { get; }

    /// <inheritdoc />
    public int Rows => A.Rows;

    /// <inheritdoc />
    public int Columns => A.Columns;

    /// <summary>Symmetric when both terms are; also positive definite when both are SPD.</summary>
    public OperatorProperties Properties { get; }

    /// <summary>True when both terms can apply their adjoints (or are symmetric).</summary>
    public bool CanApplyAdjoint { get; }

    /// <summary>True when both terms provide their diagonals.</summary>
    public bool HasDiagonal { get; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        LinearOperator.CheckApply(this, x, y, adjoint: false);
        var t = _scratch.AsSpan(0, Rows);
        A.Apply(x, y);
        B.Apply(x, t);
        VectorMath.Add(y, t, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A term cannot apply its adjoint.</exception>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y)
    {
        if (!CanApplyAdjoint) throw new InvalidOperationException("Aᵀ + Bᵀ is not available: a term can neither apply its adjoint nor is it symmetric.");
        LinearOperator.CheckApply(this, x, y, adjoint: true);
        LinearOperator.ApplyAdjointOf(A, x, y);
        LinearOperator.ApplyAdjointOf(B, x, _adjointScratch);
        VectorMath.Add(y, _adjointScratch, y);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A term does not provide its diagonal.</exception>
    public void CopyDiagonal(Span<double> diagonal)
    {
        int m = Math.Min(Rows, Columns);
        if (diagonal.Length != m) throw new ArgumentException($"diagonal has length {diagonal.Length}, expected {m}.", nameof(diagonal));
        var t = _scratch.AsSpan(0, m);
        LinearOperator.CopyDiagonalOf(A, diagonal);
        LinearOperator.CopyDiagonalOf(B, t);
        VectorMath.Add(diagonal, t, diagonal);
    }
}
