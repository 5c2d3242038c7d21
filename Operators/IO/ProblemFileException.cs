using System.Globalization;

namespace Solvers.IO;

/// <summary>What is wrong with a problem file (REL §2.1).</summary>
public enum ProblemFileError
{
    /// <summary>The file or object does not exist.</summary>
    NotFound,
    /// <summary>The file is not in a format the suite reads (or a different major version).</summary>
    UnsupportedFormat,
    /// <summary>A feature the suite refuses (filters, external links, complex values, …).</summary>
    UnsupportedFeature,
    /// <summary>The file is corrupt or truncated.</summary>
    Malformed,
    /// <summary>A required attribute or member is missing or has an invalid value.</summary>
    SchemaViolation,
    /// <summary>An object has a datatype the schema does not allow.</summary>
    TypeMismatch,
    /// <summary>Shapes disagree.</summary>
    ShapeMismatch,
    /// <summary>A sparse matrix's structure is inconsistent.</summary>
    InvalidSparseStructure,
    /// <summary>A NaN or infinity where finite values are required.</summary>
    NonFiniteValue,
    /// <summary>A size, depth or count limit was exceeded.</summary>
    LimitExceeded,
    /// <summary>The isolated reader process crashed.</summary>
    ReaderCrashed,
    /// <summary>The isolated reader process timed out.</summary>
    Timeout,
}

/// <summary>The one exception type for every problem-file failure. Message: "&lt;file&gt;: &lt;object path or 'line N'&gt;: &lt;reason&gt;".</summary>
public sealed class ProblemFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ProblemFileException(string filePath, string? objectPath, ProblemFileError error, string reason,
        long? line = null, Exception? innerException = null)
        : base(Format(filePath, objectPath, line, reason), innerException)
    {
        FilePath = filePath;
        ObjectPath = objectPath;
        Error = error;
        Line = line;
        Reason = reason;
    }

    /// <summary>Creates the exception.</summary>
    public ProblemFileException() : this("", null, ProblemFileError.Malformed, "unknown error") { }

    /// <summary>Creates the exception.</summary>
    public ProblemFileException(string message) : this("", null, ProblemFileError.Malformed, message) { }

    /// <summary>Creates the exception.</summary>
    public ProblemFileException(string message, Exception innerException)
        : this("", null, ProblemFileError.Malformed, message, null, innerException) { }

    /// <summary>The file path as given by the caller.</summary>
    public string FilePath { get; }

    /// <summary>HDF5 object path, or null for whole-file and text-format errors.</summary>
    public string? ObjectPath { get; }

    /// <summary>1-based line number in text formats.</summary>
    public long? Line { get; }

    /// <summary>The kind of failure.</summary>
    public ProblemFileError Error { get; }

    /// <summary>The reason without the file and location prefix.</summary>
    public string Reason { get; }

    private static string Format(string file, string? obj, long? line, string reason)
    {
        string where = obj ?? (line is { } l ? string.Create(CultureInfo.InvariantCulture, $"line {l}") : null) ?? "";
        string name = string.IsNullOrEmpty(file) ? "" : Path.GetFileName(file);
        if (name.Length == 0) return where.Length == 0 ? reason : $"{where}: {reason}";
        return where.Length == 0 ? $"{name}: {reason}" : $"{name}: {where}: {reason}";
    }
}
