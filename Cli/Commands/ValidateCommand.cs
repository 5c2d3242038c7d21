using System.CommandLine;
using System.Text.Json;
using Solvers.Cli.Infrastructure;
using Solvers.IO;

namespace Solvers.Cli.Commands;

/// <summary>
/// The internal <c>__validate</c> verb: loads every problem of a file exactly as the parent will (every dataset read
/// and validated), prints a JSON summary and exits 0, or prints the <see cref="ProblemFileException"/> as JSON and exits 2.
/// </summary>
public static class ValidateCommand
{
    /// <summary>Creates the command (hidden from help).</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Problem file." };
        var problem = new Option<string?>("--problem") { Description = "Only this problem id." };
        var input = new InputOptions();
        var cmd = new Command("__validate", "Internal: validate a file in isolation.") { Hidden = true };
        cmd.Add(file);
        cmd.Add(problem);
        input.AddTo(cmd);
        cmd.SetAction(r =>
        {
            TestCrashSwitch();
            string path = r.GetValue(file)!;
            try
            {
                var options = input.Build(r, null) with { };
                using var source = ProblemSource.Open(path, options);
                var ids = r.GetValue(problem) is { } one ? [one] : source.ProblemIds;
                var summaries = new List<object>();
                foreach (var id in ids)
                {
                    var p = source.ReadProblem(id);
                    summaries.Add(new
                    {
                        id,
                        name = p.Name,
                        rows = p.A.Rows,
                        columns = p.A.Columns,
                        rhs = p.RightHandSideCount,
                        warnings = p.Report.Warnings,
                        bytes = p.Report.BytesRead,
                    });
                }

                Console.Out.Write(JsonSerializer.Serialize(new { format = source.Format.ToString(), problems = summaries }));
                return 0;
            }
            catch (ProblemFileException e)
            {
                Console.Out.Write(JsonSerializer.Serialize(new
                {
                    error = new { kind = e.Error.ToString(), file = e.FilePath, @object = e.ObjectPath, line = e.Line, reason = e.Reason },
                }));
                return 2;
            }
            catch (ArgumentException e)
            {
                Console.Out.Write(JsonSerializer.Serialize(new
                {
                    error = new { kind = nameof(ProblemFileError.SchemaViolation), @object = (string?)null, line = (long?)null, reason = e.Message },
                }));
                return 2;
            }
        });
        return cmd;
    }

    // Test-only switch (REL §5.2): lets the test suite exercise the isolation path without a malicious file.
    private static void TestCrashSwitch()
    {
        switch (Environment.GetEnvironmentVariable("SOLVERS_TEST_CRASH"))
        {
            case "stackoverflow":
                Recurse(0);
                break;
            case "abort":
                Environment.FailFast("SOLVERS_TEST_CRASH=abort");
                break;
            case "hang":
                Thread.Sleep(Timeout.Infinite);
                break;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Recurse(int depth)
    {
        Span<byte> pad = stackalloc byte[256];
        pad[0] = (byte)depth;
        return Recurse(depth + 1) + pad[0];
    }
}
