using NUnit.Framework;
using System.Diagnostics;

namespace Solvers.Tests.Cli;

/// <summary>Runs the built <c>solvers</c> CLI as a child process, as a user would.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + "\n" + Stderr;
    }

    public static string CliDll
    {
        get
        {
            string dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "Solvers.Cli.dll");
            if (!File.Exists(dll)) Assert.Fail($"CLI assembly not found at {dll}");
            return dll;
        }
    }

    public static Outcome Run(IDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("CLI did not finish within 3 minutes: solvers " + string.Join(' ', args));
        }

        p.WaitForExit();
        return new Outcome(p.ExitCode, o.Result, e.Result);
    }

    public static Outcome Run(params string[] args) => Run(null, args);
}
