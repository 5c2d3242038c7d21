namespace Solvers.Preconditioners;

/// <summary>
/// A preconditioner stored in inverse form, M ≈ A⁻¹, as an operator: z = M r (PS §4.10, form "inverse").
/// For CG, M must be symmetric positive definite; the solver detects rᵀz ≤ 0, not Setup.
/// </summary>
public sealed class OperatorPreconditioner : IPreconditioner
{
    private readonly ILinearOperator _m;

    /// <summary>Wraps the operator M.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="m"/> is null.</exception>
    public OperatorPreconditioner(ILinearOperator m)
    {
        ArgumentNullException.ThrowIfNull(m);
        _m = m;
    }

    /// <summary>The operator M.</summary>
    public ILinearOperator Operator => _m;

    /// <summary>Checks that M is square and of the size of <paramref name="a"/>.</summary>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    public void Setup(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (_m.Rows != _m.Columns || _m.Rows != a.Rows || a.Rows != a.Columns)
            throw new ArgumentException(
                $"The preconditioner M is {_m.Rows}×{_m.Columns}, but A is {a.Rows}×{a.Columns}; both must be square of one size.", nameof(a));
    }

    /// <summary>z = M r.</summary>
    public void Apply(ReadOnlySpan<double> r, Span<double> z) => _m.Apply(r, z);
}
