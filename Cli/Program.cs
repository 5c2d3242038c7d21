using System.CommandLine;
using Solvers.Cli.Commands;

namespace Solvers.Cli;

/// <summary>Entry point of the <c>solvers</c> command line.</summary>
public static class Program
{
    /// <summary>Runs the command line. Exit codes: 0 success/converged, 1 bad input, 2 not converged.</summary>
    public static int Main(string[] args)
    {
        // Redirected output (pipes, CI logs) gets wide tables instead of Spectre's 80-column default.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;
        var root = BuildRootCommand();
        return root.Parse(args).Invoke();
    }

    /// <summary>The command tree (also used by tests).</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("solvers: iterative linear solvers for problems stored in files (HDF5 problem sets, Matrix Market, Harwell-Boeing, MATLAB v7.3).")
        {
            SolveCommand.Create(),
            InspectCommand.Create(),
            GenerateCommand.Create(),
            ConvertCommand.Create(),
            BenchCommand.Create(),
            PdeCommand.Create(),
            LstsqCommand.Create(),
            SparseCommand.Create(),
            ValidateCommand.Create(),
        };
        return root;
    }
}
