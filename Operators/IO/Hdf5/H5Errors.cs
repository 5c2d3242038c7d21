namespace Solvers.IO.Hdf5;

/// <summary>Maps exceptions escaping PureHDF to <see cref="ProblemFileException"/> (REL §2.2).</summary>
internal static class H5Errors
{
    /// <summary>True for exceptions that are translated; <see cref="OperationCanceledException"/> passes through.</summary>
    public static bool ShouldWrap(Exception e) => e is not OperationCanceledException and not ProblemFileException;

    /// <summary>Translates <paramref name="e"/> into a <see cref="ProblemFileException"/> for the given object.</summary>
    public static ProblemFileException Wrap(Exception e, string file, string? objectPath)
    {
        if (e is ProblemFileException p) return p;
        string message = e.Message;
        if (e is OutOfMemoryException or InsufficientExecutionStackException)
            return new ProblemFileException(file, objectPath, ProblemFileError.LimitExceeded,
                $"out of memory while reading ({e.GetType().Name}); lower the problem size or raise --max-memory", null, e);
        if (message.Contains("Could not find filter", StringComparison.Ordinal))
            return new ProblemFileException(file, objectPath, ProblemFileError.UnsupportedFeature,
                $"unsupported HDF5 filter: {message} Re-compress the file with h5py as gzip (compression=\"gzip\", shuffle=True).", null, e);
        if (IsByteOrderError(e))
            return new ProblemFileException(file, objectPath, ProblemFileError.UnsupportedFeature,
                "big-endian data that cannot be converted here (big-endian attributes and compounds are refused); re-write the file little-endian", null, e);
        if (e is EndOfStreamException || message.Contains("too small", StringComparison.OrdinalIgnoreCase)
            || message.Contains("end of the stream", StringComparison.OrdinalIgnoreCase))
            return new ProblemFileException(file, objectPath, ProblemFileError.Malformed,
                $"file is truncated or corrupt ({e.GetType().Name}: {message})", null, e);
        return new ProblemFileException(file, objectPath, ProblemFileError.Malformed,
            $"cannot read HDF5 structure ({e.GetType().Name}: {message})", null, e);
    }

    /// <summary>PureHDF's "Byte order conversion is not (yet) support" exception (PS §11, E1).</summary>
    public static bool IsByteOrderError(Exception e) =>
        e.Message.Contains("Byte order conversion", StringComparison.Ordinal);
}
