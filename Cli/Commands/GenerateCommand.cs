using System.CommandLine;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Pde;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary><c>solvers generate KIND --n N -o FILE</c>: write a generated problem set.</summary>
public static class GenerateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "poisson2d, poisson3d or diffusion2d." };
        kind.AcceptOnlyFromAmong("poisson2d", "poisson3d", "diffusion2d");
        var n = new Option<int>("--n") { Description = "Interior grid points per axis.", Required = true };
        var contrast = new Option<double>("--contrast") { Description = "diffusion2d: coefficient contrast max(a)/min(a).", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "diffusion2d: seed of the coefficient field.", DefaultValueFactory = _ => 1 };
        var storage = new Option<string>("--storage") { Description = "Operator storage: stencil (matrix-free) or csr.", DefaultValueFactory = _ => "stencil" };
        storage.AcceptOnlyFromAmong("stencil", "csr");
        var output = new Option<string>("--output", "-o") { Description = "Output HDF5 file.", Required = true };
        var cmd = new Command("generate", "Generate a Poisson or variable-coefficient diffusion problem set with a manufactured solution.")
        {
            kind, n, contrast, seed, storage, output,
        };
        cmd.SetAction(r =>
        {
            var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            try
            {
                int size = r.GetValue(n);
                if (size < 2) throw new ArgumentException($"--n must be ≥ 2 (got {size}).");
                bool matrixFree = r.GetValue(storage) == "stencil";
                LinearProblem p = r.GetValue(kind) switch
                {
                    "poisson2d" => PoissonProblems.Poisson2D(size, matrixFree),
                    "poisson3d" => PoissonProblems.Poisson3D(size, matrixFree),
                    _ => PoissonProblems.Diffusion2D(size, r.GetValue(contrast), r.GetValue(seed), matrixFree),
                };
                var writer = new ProblemSetWriter { Description = $"solvers generate {string.Join(' ', r.Tokens.Select(t => t.Value))}" };
                writer.Add(p);
                string path = r.GetValue(output)!;
                writer.Write(path);
                AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(path)}[/]: {Markup.Escape(p.Name)}, n = {p.A.Rows}, storage {(matrixFree ? "stencil" : "csr")}");
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
