namespace Solvers;

/// <summary>A preconditioner M ≈ A⁻¹ with a PETSc-style setup/apply split.</summary>
public interface IPreconditioner
{
    /// <summary>Builds the preconditioner for <paramref name="a"/>. Throws <see cref="PreconditionerSetupException"/> when it cannot.</summary>
    void Setup(ILinearOperator a);

    /// <summary>z = M r. Must not allocate.</summary>
    void Apply(ReadOnlySpan<double> r, Span<double> z);
}

/// <summary>A preconditioner could not be built from the operator's data (DESIGN §4, REL §10.6).</summary>
public sealed class PreconditionerSetupException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public PreconditionerSetupException(string message, int row, double value, int count)
        : base(message)
    {
        Row = row;
        Value = value;
        Count = count;
    }

    /// <summary>Creates the exception.</summary>
    public PreconditionerSetupException() : this("Preconditioner setup failed.", -1, double.NaN, 0) { }

    /// <summary>Creates the exception.</summary>
    public PreconditionerSetupException(string message) : this(message, -1, double.NaN, 0) { }

    /// <summary>Creates the exception.</summary>
    public PreconditionerSetupException(string message, Exception innerException) : base(message, innerException)
    {
        Row = -1;
        Value = double.NaN;
    }

    /// <summary>0-based row of the first offending entry.</summary>
    public int Row { get; }

    /// <summary>The offending value.</summary>
    public double Value { get; }

    /// <summary>Number of offending rows.</summary>
    public int Count { get; }
}
