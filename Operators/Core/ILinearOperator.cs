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

/// <summary>
/// An adjointable operator that forms A·x and Aᵀ·(A·x) together in one pass over its data (spec sketched-regression §3.8,
/// "optional optimisation"): each part of A is used for both products while it is in cache, halving the memory traffic of
/// an iteration that needs both.
/// </summary>
public interface IFusedNormalOperator : IAdjointableOperator
{
    /// <summary>
    /// y = A·x and normal = Aᵀ·y = AᵀA·x in one pass. <paramref name="y"/> equals what <see cref="ILinearOperator.Apply"/>
    /// gives; <paramref name="normal"/> equals ApplyAdjoint(y) up to rounding. No two of the spans may overlap; must not
    /// allocate.
    /// </summary>
    /// <param name="x">The input, length <see cref="ILinearOperator.Columns"/>.</param>
    /// <param name="y">Receives A·x, length <see cref="ILinearOperator.Rows"/>.</param>
    /// <param name="normal">Receives Aᵀ·(A·x), length <see cref="ILinearOperator.Columns"/>.</param>
    void ApplyWithNormal(ReadOnlySpan<double> x, Span<double> y, Span<double> normal);

    /// <summary>
    /// r = b − A·x and adjoint = Aᵀ·r, in one pass where the operator can (the default makes two: Apply, then
    /// ApplyAdjoint). <paramref name="r"/> equals b − Apply(x) elementwise; <paramref name="adjoint"/> equals
    /// ApplyAdjoint(r) up to rounding. No two of the spans may overlap; must not allocate.
    /// </summary>
    /// <param name="x">The input, length <see cref="ILinearOperator.Columns"/>.</param>
    /// <param name="b">The right-hand side, length <see cref="ILinearOperator.Rows"/>.</param>
    /// <param name="r">Receives b − A·x, length <see cref="ILinearOperator.Rows"/>.</param>
    /// <param name="adjoint">Receives Aᵀ·(b − A·x), length <see cref="ILinearOperator.Columns"/>.</param>
    void ResidualWithAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> r, Span<double> adjoint)
    {
        if (b.Length != Rows) throw new ArgumentException($"b has length {b.Length}, but the operator has {Rows} rows.", nameof(b));
        Apply(x, r);
        Operators.VectorMath.Subtract(b, r, r);
        ApplyAdjoint(r, adjoint);
    }
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
