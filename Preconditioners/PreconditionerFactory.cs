using Solvers.IO;
using Solvers.Operators;

namespace Solvers.Preconditioners;

/// <summary>Creates preconditioners by name (CLI, benchmarks) or from a problem set's stored preconditioner.</summary>
public static class PreconditionerFactory
{
    /// <summary>The names <see cref="Create"/> accepts (case-insensitive).</summary>
    public static IReadOnlyList<string> ValidNames { get; } = ["none", "jacobi", "ssor"];

    /// <summary>
    /// "none" gives <see cref="IdentityPreconditioner"/>, "jacobi" a <see cref="JacobiPreconditioner"/> requiring a
    /// positive diagonal, "ssor" an <see cref="SsorPreconditioner"/> with ω = 1 (symmetric Gauss–Seidel; change
    /// <see cref="SsorPreconditioner.Omega"/> afterwards). The result still needs <see cref="IPreconditioner.Setup"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static IPreconditioner Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "NONE" => new IdentityPreconditioner(),
            "JACOBI" => new JacobiPreconditioner(),
            "SSOR" => new SsorPreconditioner(),
            _ => throw new ArgumentException(
                $"Unknown preconditioner '{name}'; valid names are: {string.Join(", ", ValidNames)}.", nameof(name)),
        };
    }

    /// <summary>
    /// The preconditioner for a problem set's stored M: <see cref="OperatorPreconditioner"/> for the inverse form,
    /// <see cref="CholeskyFactorPreconditioner"/> for a lower Cholesky factor (which must be convertible to CSR).
    /// </summary>
    /// <exception cref="ArgumentException">The stored factor cannot be converted to CSR.</exception>
    public static IPreconditioner FromData(PreconditionerData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Form switch
        {
            PreconditionerForm.Inverse => new OperatorPreconditioner(data.Operator),
            PreconditionerForm.CholeskyLower => data.Operator is IConvertibleToCsr csr
                ? new CholeskyFactorPreconditioner(csr.ToCsr())
                : throw new ArgumentException(
                    $"A Cholesky-factor preconditioner needs a sparse factor, but the stored operator is {data.Operator.GetType().Name}.", nameof(data)),
            _ => throw new ArgumentException($"Unknown preconditioner form {data.Form}.", nameof(data)),
        };
    }
}
