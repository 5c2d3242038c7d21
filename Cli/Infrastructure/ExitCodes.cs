namespace Solvers.Cli.Infrastructure;

/// <summary>Process exit codes of the command line.</summary>
public static class ExitCodes
{
    /// <summary>Success (every solve converged).</summary>
    public const int Success = 0;
    /// <summary>Bad input: a file, option or preconditioner setup problem.</summary>
    public const int BadInput = 1;
    /// <summary>At least one solve did not converge.</summary>
    public const int NotConverged = 2;
}
