using Microsoft.Extensions.Logging;

namespace Solvers.Cli.Infrastructure;

/// <summary>Verbosity levels of the command line.</summary>
public enum Verbosity
{
    /// <summary>Errors only.</summary>
    Quiet,
    /// <summary>Warnings and the summary.</summary>
    Normal,
    /// <summary>Informational library logs.</summary>
    Detailed,
    /// <summary>Everything, including debug logs.</summary>
    Diagnostic,
}

/// <summary>Creates the console logger factory; all logs go to standard error so standard output stays machine-readable.</summary>
public static class CliLogging
{
    /// <summary>Creates a logger factory for <paramref name="verbosity"/>.</summary>
    public static ILoggerFactory Create(Verbosity verbosity) => LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(verbosity switch
        {
            Verbosity.Quiet => LogLevel.Error,
            Verbosity.Normal => LogLevel.Warning,
            Verbosity.Detailed => LogLevel.Information,
            _ => LogLevel.Debug,
        });
        b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = null;
        });
        b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });
}
