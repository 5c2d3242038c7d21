namespace Solvers.Preconditioners;

/// <summary>M = I: z = r. Conjugate gradients recognises it and runs unpreconditioned (no copy, no extra dot).</summary>
public sealed class IdentityPreconditioner : IPreconditioner
{
    /// <summary>Nothing to build; checks only that <paramref name="a"/> is not null.</summary>
    public void Setup(ILinearOperator a) => ArgumentNullException.ThrowIfNull(a);

    /// <summary>z = r.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        if (r.Length != z.Length)
            throw new ArgumentException($"z has length {z.Length}, but r has length {r.Length}.", nameof(z));
        r.CopyTo(z);
    }
}
