using System.CommandLine;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.IO.Text;
using Solvers.Operators;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary><c>solvers convert IN OUT</c>: import any supported format into the native schema, or export to Matrix Market.</summary>
public static class ConvertCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Input file (any supported format; detected from its content)." };
        var output = new Argument<string>("output") { Description = "Output file: .h5 (native problem set) or .mtx (Matrix Market; one problem)." };
        var problem = new Option<string?>("--problem") { Description = "Problem id to export to Matrix Market (default: the first)." };
        var keepTriangle = new Option<bool>("--keep-triangle") { Description = "Write symmetric matrices as one triangle (lower in HDF5, symmetric banner in Matrix Market)." };
        var inputOptions = new InputOptions();
        var cmd = new Command("convert", "Convert between Matrix Market, Harwell-Boeing, MATLAB v7.3, CSR groups and the native HDF5 problem-set schema.")
        {
            input, output, problem, keepTriangle,
        };
        inputOptions.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            try
            {
                string inPath = r.GetValue(input)!;
                string outPath = r.GetValue(output)!;
                if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath))
                    throw new ArgumentException("convert never overwrites its input; choose another output path.");
                var open = inputOptions.Build(r, null);
                if (!r.GetValue(inputOptions.Trusted))
                    IsolatedValidator.Validate(inPath, inputOptions.ToChildArguments(r), open.Reader.MemoryBudgetBytes, TimeSpan.FromSeconds(r.GetValue(inputOptions.ValidateTimeout)));
                using var source = ProblemSource.Open(inPath, open);
                string ext = Path.GetExtension(outPath).ToLowerInvariant();
                if (ext == ".mtx")
                {
                    string id = r.GetValue(problem) ?? source.ProblemIds[0];
                    var p = source.ReadProblem(id);
                    var csr = p.A as CsrMatrix ?? (p.A as IConvertibleToCsr)?.ToCsr()
                        ?? throw new ArgumentException($"problem {id}: its operator ({p.A.GetType().Name}) cannot be assembled as a sparse matrix.");
                    MatrixMarketWriter.Write(outPath, csr, $"{p.Name} (converted by solvers from {Path.GetFileName(inPath)})",
                        symmetric: r.GetValue(keepTriangle) && csr.IsSymmetric(0));
                    AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outPath)}[/]: {csr.Rows}×{csr.Columns}, nnz {csr.NonZeroCount}");
                    return ExitCodes.Success;
                }

                if (ext == ".mat")
                {
                    // MATLAB v7.3: one problem as a SuiteSparse-style Problem struct.
                    string id = r.GetValue(problem) ?? source.ProblemIds[0];
                    var p = source.ReadProblem(id);
                    MatlabV73Writer.Write(outPath, p);
                    AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outPath)}[/]: MATLAB v7.3, {p.A.Rows}×{p.A.Columns}, problem {Markup.Escape(id)}");
                    return ExitCodes.Success;
                }

                if (ext is not (".h5" or ".hdf5"))
                    throw new ArgumentException($"unknown output extension '{ext}': use .h5 (native problem set) or .mtx (Matrix Market).");
                var writer = new ProblemSetWriter { Description = $"converted from {Path.GetFileName(inPath)} ({source.Format})" };
                foreach (var id in source.ProblemIds)
                {
                    var p = source.ReadProblem(id);
                    writer.Add(p, new ProblemWriteOptions { StoredTriangle = r.GetValue(keepTriangle) ? "lower" : "full" });
                }

                writer.Write(outPath);
                AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outPath)}[/]: {source.ProblemIds.Count} problem(s) from {source.Format}");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ArgumentException or ProblemFileException or IOException)
            {
                err.MarkupLine($"[red]error[/] {Markup.Escape(e.Message)}");
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }
}
