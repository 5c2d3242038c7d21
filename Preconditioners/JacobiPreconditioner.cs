using System.Globalization;
using System.Numerics.Tensors;

namespace Solvers.Preconditioners;

/// <summary>
/// Diagonal (Jacobi) preconditioning, z = r ./ diag(A) (REL §10.6).
/// </summary>
/// <remarks>
/// <para>With <c>requirePositive: true</c> (the default, for CG, PCG and MINRES, which need an SPD preconditioner)
/// every diagonal entry must be finite and &gt; 0; with <c>false</c> (GMRES, BiCGStab) finite and non-zero.
/// <see cref="Setup"/> refuses anything else with <see cref="PreconditionerSetupException"/>.</para>
/// <para><b>Row convention.</b> <see cref="PreconditionerSetupException.Row"/> is the 0-based row of the first
/// offending entry, and the message writes the entry with the same 0-based indices: for A = diag(2, −1) it says
/// "a[1,1] = -1 at row 1", with <c>Row = 1</c>, <c>Value = −1</c>, <c>Count = 1</c>. This is the reading of the
/// REL §10.8 case "a_11 = −1 → Row 1" under which that test is exact.</para>
/// </remarks>
public sealed class JacobiPreconditioner : IPreconditioner
{
    private readonly bool _requirePositive;
    private double[] _diagonal = [];
    private bool _isSetUp;

    /// <summary>Creates the preconditioner.</summary>
    /// <param name="requirePositive">Refuse non-positive diagonal entries (true for SPD methods such as CG).</param>
    public JacobiPreconditioner(bool requirePositive = true)
    {
        _requirePositive = requirePositive;
    }

    /// <summary>Whether Setup refuses non-positive diagonal entries.</summary>
    public bool RequirePositive => _requirePositive;

    /// <summary>The diagonal in use (empty before <see cref="Setup"/>).</summary>
    public ReadOnlySpan<double> Diagonal => _diagonal;

    /// <summary>Copies and checks diag(A). A must be square and implement <see cref="IHasDiagonal"/>.</summary>
    /// <exception cref="ArgumentException">A is not square or does not expose its diagonal.</exception>
    /// <exception cref="PreconditionerSetupException">A diagonal entry is non-finite, zero, or (when required) negative.</exception>
    public void Setup(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        // Composites always implement IHasDiagonal but can supply it only when their parts can (LinearOperator.HasDiagonal).
        if (a is not IHasDiagonal withDiagonal || !Solvers.Operators.LinearOperator.HasDiagonal(a))
            throw new ArgumentException(
                $"Jacobi needs an operator that exposes its diagonal (IHasDiagonal), but {a.GetType().Name} does not.", nameof(a));
        if (a.Rows != a.Columns)
            throw new ArgumentException($"Jacobi needs a square operator, but A is {a.Rows}×{a.Columns}.", nameof(a));

        _isSetUp = false;
        int n = a.Rows;
        var d = _diagonal.Length == n ? _diagonal : new double[n];
        withDiagonal.CopyDiagonal(d);

        int count = 0, first = -1;
        for (int i = 0; i < n; i++)
        {
            double v = d[i];
            bool bad = !double.IsFinite(v) || (_requirePositive ? v <= 0 : v == 0);
            if (!bad) continue;
            if (first < 0) first = i;
            count++;
        }

        _diagonal = d;
        if (count > 0)
        {
            double value = d[first];
            string kind = !double.IsFinite(value) ? "non-finite" : _requirePositive ? "non-positive" : "zero";
            string need = _requirePositive
                ? "Jacobi-PCG needs a positive diagonal"
                : "Jacobi needs a finite, non-zero diagonal";
            throw new PreconditionerSetupException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Jacobi: {kind} diagonal entry a[{first},{first}] = {value} at row {first} ({count} row(s) offending); {need}."),
                first, value, count);
        }

        _isSetUp = true;
    }

    /// <summary>z = r ./ d.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Setup"/> has not succeeded.</exception>
    /// <exception cref="ArgumentException">A length differs from n.</exception>
    public void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        if (!_isSetUp) throw new InvalidOperationException("Jacobi: call Setup before Apply.");
        if (r.Length != _diagonal.Length || z.Length != _diagonal.Length)
            throw new ArgumentException(
                $"r has length {r.Length} and z {z.Length}, but the preconditioner was set up for n = {_diagonal.Length}.", nameof(r));
        TensorPrimitives.Divide(r, _diagonal, z);
    }
}
