using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>What <see cref="HarwellBoeingReader.Read(string, TextImportOptions?, CancellationToken)"/> found in a Harwell-Boeing or Rutherford-Boeing file.</summary>
public sealed class HarwellBoeingData
{
    internal HarwellBoeingData(CsrMatrix matrix) => Matrix = matrix;

    /// <summary>The matrix as 0-based canonical CSR in full storage (symmetric triangles mirrored, skew-symmetric ones mirrored and negated). Pattern entries hold 1.0.</summary>
    public CsrMatrix Matrix { get; internal set; }

    /// <summary>Title (columns 1–72 of line 1), trimmed.</summary>
    public string Title { get; internal set; } = "";

    /// <summary>Key (columns 73–80 of line 1), trimmed.</summary>
    public string Key { get; internal set; } = "";

    /// <summary>The MXTYPE code as written, upper case (e.g. <c>RSA</c>).</summary>
    public string TypeCode { get; internal set; } = "";

    /// <summary>The first right-hand side of an RHS block (type F), or null.</summary>
    public double[]? RightHandSide { get; internal set; }

    /// <summary>The first starting guess (RHSTYP letter 2 = G), or null.</summary>
    public double[]? InitialGuess { get; internal set; }

    /// <summary>The first exact solution (RHSTYP letter 3 = X), or null.</summary>
    public double[]? ExactSolution { get; internal set; }

    /// <summary>Number of right-hand sides declared by the RHS block (NRHS), 0 without one.</summary>
    public int RightHandSideCount { get; internal set; }

    /// <summary>Declared number of stored entries (NNZERO).</summary>
    public long DeclaredEntries { get; internal set; }

    /// <summary>Number of duplicate (row, column) entries summed.</summary>
    public int DuplicatesSummed { get; internal set; }

    /// <summary>Number of stored values that are exactly zero in the file.</summary>
    public int ExplicitZeros { get; internal set; }

    /// <summary>True for pattern matrices (type letter 1 = P).</summary>
    public bool IsPattern { get; internal set; }

    /// <summary>True for symmetric matrices (type letter 2 = S).</summary>
    public bool IsSymmetric { get; internal set; }

    /// <summary>Warnings that did not stop the load.</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    /// <summary>Lower-case hex SHA-256 of the input bytes.</summary>
    public string Sha256 { get; internal set; } = "";

    /// <summary>Bytes read from the input.</summary>
    public long BytesRead { get; internal set; }
}
