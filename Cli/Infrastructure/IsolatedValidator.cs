using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Solvers.IO;

namespace Solvers.Cli.Infrastructure;

/// <summary>
/// Validates an untrusted problem file in a child process of the same executable (REL §5.2): the child performs the
/// complete load the parent will perform, so a crash in the reader (an uncatchable stack overflow, an abort) or a
/// hang kills the child, not the caller. The child runs with a GC heap limit, in an empty temporary directory.
/// </summary>
public static class IsolatedValidator
{
    /// <summary>File identity recorded before validation (time-of-check to time-of-use guard).</summary>
    public readonly record struct FileStamp(long Length, DateTime LastWriteUtc);

    /// <summary>Reads the identity of <paramref name="path"/>.</summary>
    public static FileStamp Stamp(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new ProblemFileException(path, null, ProblemFileError.NotFound, "file not found");
        return new FileStamp(info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>
    /// Validates <paramref name="path"/> in a child process and returns the file's identity as validated. When the file
    /// changes during validation (time of check vs. time of use), validation is repeated once; a second change fails.
    /// The caller compares the returned stamp with <see cref="Stamp"/> again after its own load.
    /// </summary>
    public static FileStamp ValidateStable(string path, IEnumerable<string> readerArguments, long memoryBudgetBytes, TimeSpan timeout,
        string? problemId = null)
    {
        var arguments = readerArguments.ToList();
        var before = Stamp(path);
        Validate(path, arguments, memoryBudgetBytes, timeout, problemId);
        var after = Stamp(path);
        if (after == before) return after;
        Validate(path, arguments, memoryBudgetBytes, timeout, problemId);
        if (Stamp(path) != after)
            throw new ProblemFileException(path, null, ProblemFileError.Malformed, "the file kept changing while it was being validated");
        return after;
    }

    /// <summary>Throws when <paramref name="path"/> no longer has the identity <paramref name="validated"/> (checked after the in-process load).</summary>
    public static void EnsureUnchanged(string path, FileStamp validated)
    {
        if (Stamp(path) != validated)
            throw new ProblemFileException(path, null, ProblemFileError.Malformed,
                "the file changed after it was validated; run the command again");
    }

    /// <summary>
    /// Runs <c>solvers __validate</c> on <paramref name="path"/> and returns its JSON summary. Throws
    /// <see cref="ProblemFileException"/> with the child's error, or with <see cref="ProblemFileError.ReaderCrashed"/> /
    /// <see cref="ProblemFileError.Timeout"/>.
    /// </summary>
    public static string Validate(string path, IEnumerable<string> readerArguments, long memoryBudgetBytes, TimeSpan timeout,
        string? problemId = null)
    {
        string full = Path.GetFullPath(path);
        string workDir = Path.Combine(Path.GetTempPath(), "solvers-validate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        try
        {
            var psi = new ProcessStartInfo
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = workDir,
            };
            string? processPath = Environment.ProcessPath;
            string entry = Assembly.GetEntryAssembly()?.Location ?? typeof(IsolatedValidator).Assembly.Location;
            if (processPath is null || Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
                || !Path.GetFileNameWithoutExtension(processPath).Equals("Solvers.Cli", StringComparison.OrdinalIgnoreCase))
            {
                // Running as `dotnet Solvers.Cli.dll` (or inside a test host): start the CLI assembly explicitly.
                psi.FileName = "dotnet";
                string cliDll = Path.Combine(Path.GetDirectoryName(typeof(IsolatedValidator).Assembly.Location)!, "Solvers.Cli.dll");
                psi.ArgumentList.Add(File.Exists(cliDll) ? cliDll : entry);
            }
            else
            {
                psi.FileName = processPath;
            }

            psi.ArgumentList.Add("__validate");
            psi.ArgumentList.Add(full);
            if (problemId is not null)
            {
                psi.ArgumentList.Add("--problem");
                psi.ArgumentList.Add(problemId);
            }

            foreach (var a in readerArguments) psi.ArgumentList.Add(a);
            long limit = checked(memoryBudgetBytes + (256L << 20));
            psi.Environment["DOTNET_GCHeapHardLimit"] = "0x" + limit.ToString("X", CultureInfo.InvariantCulture);
            psi.Environment["DOTNET_gcServer"] = "0";

            using var child = Process.Start(psi) ?? throw new ProblemFileException(path, null, ProblemFileError.ReaderCrashed, "could not start the validation process");
            child.StandardInput.Close();
            var stdoutTask = child.StandardOutput.ReadToEndAsync();
            var stderrTask = child.StandardError.ReadToEndAsync();
            if (!child.WaitForExit(timeout))
            {
                try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                child.WaitForExit();
                throw new ProblemFileException(path, null, ProblemFileError.Timeout,
                    $"validation did not finish within {timeout.TotalSeconds:0.#} s (raise --validate-timeout, or pass --trusted to skip isolation)");
            }

            child.WaitForExit();
            string stdout = stdoutTask.GetAwaiter().GetResult();
            string stderr = stderrTask.GetAwaiter().GetResult();
            switch (child.ExitCode)
            {
                case 0:
                    return stdout;
                case 2:
                    throw ParseError(path, stdout, stderr);
                default:
                    string tail = string.Join(" | ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
                    throw new ProblemFileException(path, null, ProblemFileError.ReaderCrashed,
                        $"the reader process crashed (exit status {child.ExitCode}{(tail.Length > 0 ? ": " + tail : "")}); the file is malformed or hostile");
            }
        }
        finally
        {
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static ProblemFileException ParseError(string path, string stdout, string stderr)
    {
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var e = doc.RootElement.GetProperty("error");
            var kind = Enum.TryParse<ProblemFileError>(e.GetProperty("kind").GetString(), out var k) ? k : ProblemFileError.Malformed;
            string? obj = e.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            long? line = e.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt64() : null;
            string reason = e.GetProperty("reason").GetString() ?? "invalid file";
            // The child may have failed on another file than the one given (a Matrix Market companion such as <stem>_b.mtx).
            string file = e.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(f.GetString())
                ? f.GetString()! : path;
            return new ProblemFileException(file, obj, kind, reason, line);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new ProblemFileException(path, null, ProblemFileError.ReaderCrashed, "the validation process failed: " + (stderr.Length > 0 ? stderr.Trim() : stdout.Trim()), null, ex);
        }
    }
}
