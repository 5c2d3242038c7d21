using System.Diagnostics;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Spectre.Console;

namespace Solvers.Cli.Infrastructure;

/// <summary>
/// The problem-file steps that the single-problem commands (<c>lstsq</c>, <c>sparse</c>) share: validate an untrusted file
/// in an isolated child first, open it, read the requested (or first) problem, make sure the file did not change between
/// validation and reading, and print the reader's warnings; then, at the end, write the results file.
/// </summary>
internal static class CommandProblem
{
    /// <summary>A problem read from its file: the open source (dispose it), the problem, its id and the load time.</summary>
    public sealed record Loaded(ProblemSource Source, LinearProblem Problem, string Id, double LoadSeconds) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => Source.Dispose();
    }

    /// <summary>Reads problem <paramref name="problemId"/> (null: the first) of <paramref name="file"/>.</summary>
    /// <param name="file">The problem file.</param>
    /// <param name="problemId">The problem to read, or null for the file's first.</param>
    /// <param name="open">The reader options (memory budget, trust, logger).</param>
    /// <param name="trusted">True to skip the isolated validation.</param>
    /// <param name="childArguments">The reader options as command-line arguments for the validating child.</param>
    /// <param name="validateTimeout">The child's time limit.</param>
    /// <param name="err">Where warnings go.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="ProblemFileException">The file is invalid, holds no problems, or changed after validation.</exception>
    public static Loaded Load(string file, string? problemId, ProblemOpenOptions open, bool trusted, IEnumerable<string> childArguments,
        TimeSpan validateTimeout, IAnsiConsole err, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(err);
        long budget = open.Reader.MemoryBudgetBytes;
        IsolatedValidator.FileStamp? validated = trusted ? null
            : IsolatedValidator.ValidateStable(file, childArguments, budget, validateTimeout, problemId);
        var load = Stopwatch.StartNew();
        var source = ProblemSource.Open(file, open);
        try
        {
            string id = problemId ?? (source.ProblemIds.Count > 0 ? source.ProblemIds[0]
                : throw new ProblemFileException(file, "/problems", ProblemFileError.SchemaViolation, "the file holds no problems"));
            var p = source.ReadProblem(id, ct);
            if (validated is { } stamp) IsolatedValidator.EnsureUnchanged(file, stamp);
            foreach (var w in p.Report.Warnings) err.MarkupLine($"[yellow]warning[/] {Markup.Escape(id)}: {Markup.Escape(w)}");
            return new Loaded(source, p, id, load.Elapsed.TotalSeconds);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>A results writer for <paramref name="file"/>'s problems, or null when no output was asked for.</summary>
    public static ResultFileWriter? NewWriter(string? output, string file) =>
        output is null ? null : new ResultFileWriter(Path.GetFileName(file), ResultFileWriter.Sha256(file));

    /// <summary>Writes the results file (when there is a writer) and says where.</summary>
    public static void Write(ResultFileWriter? writer, string? output)
    {
        if (writer is null || output is null) return;
        writer.Write(output);
        AnsiConsole.MarkupLine($"results written to [blue]{Markup.Escape(output)}[/]");
    }
}
