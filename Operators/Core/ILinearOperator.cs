namespace Solvers;

/// <summary>Structural facts an operator knows about itself (verified facts, never unchecked hints).</summary>
[Flags]
public enum OperatorProperties
{
    /// <summary>Nothing is known.</summary>
    None = 0,
    /// <summary>A = Aᵀ.</summary>
    Symmetric = 1,
    /// <summary>xᵀAx &gt; 0 for x ≠ 0.</summary>
    PositiveDefinite = 2,
}

/// <summary>A real linear map y = A x of size <see cref="Rows"/> × <see cref="Columns"/>.</summary>
/// <remarks><see cref="Apply"/> must not allocate: solvers call it once per iteration.</remarks>
public interface ILinearOperator
{
    /// <summary>Number of rows (length of y).</summary>
    int Rows { get; }

    /// <summary>Number of columns (length of x).</summary>
    int Columns { get; }

    /// <summary>What is known about the operator.</summary>
    OperatorProperties Properties { get; }

    /// <summary>y = A x. <paramref name="x"/> and <paramref name="y"/> must not overlap.</summary>
    void Apply(ReadOnlySpan<double> x, Span<double> y);
}

/// <summary>An operator that can also apply its transpose.</summary>
public interface IAdjointableOperator : ILinearOperator
{
    /// <summary>y = Aᵀ x.</summary>
    void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> y);
}

/// <summary>An operator whose diagonal is cheap to extract.</summary>
public interface IHasDiagonal
{
    /// <summary>Copies diag(A) (length min(rows, cols)) into <paramref name="diagonal"/>.</summary>
    void CopyDiagonal(Span<double> diagonal);
}

/// <summary>An operator that can be assembled into a CSR matrix.</summary>
public interface IConvertibleToCsr
{
    /// <summary>Assembles the operator as a canonical CSR matrix.</summary>
    Operators.CsrMatrix ToCsr();
}
