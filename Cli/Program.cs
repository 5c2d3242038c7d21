namespace Solvers.Cli;

/// <summary>Entry point of the <c>solvers</c> command line.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static int Main(string[] args)
    {
        _ = args;
        return 0;
    }
}
