using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>What <see cref="MatrixMarketReader.Read(string, TextImportOptions?, CancellationToken)"/> found in a Matrix Market file.</summary>
public sealed class MatrixMarketData
{
    internal MatrixMarketData() { }

    /// <summary>
    /// The matrix as 0-based canonical CSR in full storage (symmetric and skew-symmetric triangles mirrored), for
    /// matrix objects in coordinate and array format; null for vector objects. Pattern entries hold 1.0.
    /// </summary>
    public CsrMatrix? Matrix { get; internal set; }

    /// <summary>The values of a vector object, or of an array-format matrix with one column.</summary>
    public double[]? Vector { get; internal set; }

    /// <summary>The dense matrix (row-major, full storage) of an array-format matrix object.</summary>
    public double[,]? Dense { get; internal set; }

    /// <summary>Banner object token, lower case (<c>matrix</c>, <c>vector</c>), or <c>none</c> without a banner.</summary>
    public string Object { get; internal set; } = "none";

    /// <summary>Banner format token, lower case (<c>coordinate</c>, <c>array</c>), or <c>none</c> without a banner.</summary>
    public string Format { get; internal set; } = "none";

    /// <summary>
    /// Banner field token, lower case and normalised (<c>real</c>, <c>integer</c>, <c>unsigned-integer</c>,
    /// <c>pattern</c>; non-standard <c>double</c> reads as <c>real</c>), or <c>none</c> without a banner.
    /// </summary>
    public string Field { get; internal set; } = "none";

    /// <summary>
    /// Symmetry as read, lower case (<c>general</c>, <c>symmetric</c>, <c>skew-symmetric</c>; a real <c>hermitian</c>
    /// banner reads as <c>symmetric</c> with a warning), or <c>none</c> without a banner (then
    /// <see cref="CsrMatrix.Properties"/> of <see cref="Matrix"/> says whether <c>--symmetry symmetric</c> was applied).
    /// </summary>
    public string Symmetry { get; internal set; } = "none";

    /// <summary>Number of rows (vector length for vector objects).</summary>
    public int Rows { get; internal set; }

    /// <summary>Number of columns (1 for vector objects).</summary>
    public int Columns { get; internal set; }

    /// <summary>Entries declared by the size line (coordinate), values expected (array), or lines read (triplets).</summary>
    public long DeclaredEntries { get; internal set; }

    /// <summary>Number of duplicate coordinate entries that were summed into an earlier one.</summary>
    public int DuplicatesSummed { get; internal set; }

    /// <summary>Number of entries whose value in the file is exactly zero (kept unless <see cref="TextImportOptions.DropExplicitZeros"/>).</summary>
    public int ExplicitZeros { get; internal set; }

    /// <summary>Warnings that did not stop the load (permissive variants, duplicates, inferred sizes, …).</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    /// <summary>SuiteSparse header comments (<c>name</c>, <c>id</c>, <c>date</c>, <c>author</c>, <c>ed</c>, <c>fields</c>, <c>kind</c>, <c>notes</c>, <c>aux</c>, <c>title</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Lower-case hex SHA-256 of the input bytes.</summary>
    public string Sha256 { get; internal set; } = "";

    /// <summary>True for pattern files (no values; <see cref="Matrix"/> holds 1.0 for each stored entry).</summary>
    public bool IsPattern { get; internal set; }

    /// <summary>Bytes read from the input.</summary>
    public long BytesRead { get; internal set; }
}
