using System.Diagnostics;
using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;

namespace Solvers.Tests.IO.Hdf5;

/// <summary>Shared helpers for the HDF5 tests: temporary files, fixtures, sample problems, exception assertions.</summary>
internal static class H5TestSupport
{
    public static string FixtureDir => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "h5");

    public static string Fixture(string name)
    {
        string p = Path.Combine(FixtureDir, name);
        Assert.That(File.Exists(p), Is.True, $"fixture {name} is missing (run Tests/Fixtures/generate_h5.py)");
        return p;
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "solvers-h5-tests", TestContext.CurrentContext.Test.ID + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string TempFile(string name = "set.h5") => Path.Combine(TempDir(), name);

    /// <summary>An n×n 1-D Laplacian-like unsymmetric tridiagonal CSR matrix (values distinct so transposes show).</summary>
    public static CsrMatrix Tridiagonal(int n, double lower = -1, double diag = 4, double upper = -1)
    {
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (int i = 0; i < n; i++)
        {
            if (i > 0) { rows.Add(i); cols.Add(i - 1); vals.Add(lower + 0.001 * i); }
            rows.Add(i); cols.Add(i); vals.Add(diag + 0.01 * i);
            if (i < n - 1) { rows.Add(i); cols.Add(i + 1); vals.Add(upper - 0.002 * i); }
        }

        return CsrMatrix.FromCoordinates(n, n, rows.ToArray(), cols.ToArray(), vals.ToArray(), false, out _);
    }

    /// <summary>A symmetric tridiagonal matrix (exactly symmetric).</summary>
    public static CsrMatrix SymmetricTridiagonal(int n)
    {
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (int i = 0; i < n; i++)
        {
            rows.Add(i); cols.Add(i); vals.Add(4 + 0.1 * i);
            if (i < n - 1)
            {
                double off = -1 - 0.01 * i;
                rows.Add(i); cols.Add(i + 1); vals.Add(off);
                rows.Add(i + 1); cols.Add(i); vals.Add(off);
            }
        }

        return CsrMatrix.FromCoordinates(n, n, rows.ToArray(), cols.ToArray(), vals.ToArray(), false, out _, OperatorProperties.Symmetric);
    }

    public static double[] Apply(ILinearOperator a, double[] x)
    {
        var y = new double[a.Rows];
        a.Apply(x, y);
        return y;
    }

    public static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    public static LinearProblem Problem(string id, ILinearOperator a, double[,]? b = null, bool singleRhs = true)
    {
        b ??= LinearProblem.AsBlock(Apply(a, Ones(a.Columns)));
        return new LinearProblem(id, "test " + id, a.Rows == a.Columns ? ProblemKind.LinearSystem : ProblemKind.LeastSquares, a, b,
            null, null, null, null, new Dictionary<string, double[]>(), new Dictionary<string, string>(), new LoadReport())
        {
            IsSingleRightHandSide = singleRhs,
        };
    }

    /// <summary>Asserts that <paramref name="action"/> throws a ProblemFileException with the given error (and nothing else escapes).</summary>
    public static ProblemFileException ThrowsProblem(ProblemFileError expected, Action action, string? context = null)
    {
        try
        {
            action();
        }
        catch (ProblemFileException e)
        {
            Assert.That(e.Error, Is.EqualTo(expected), $"{context}: {e.Message}");
            return e;
        }
        catch (Exception e)
        {
            Assert.Fail($"{context}: expected ProblemFileException({expected}), got {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
        }

        Assert.Fail($"{context}: expected ProblemFileException({expected}), but nothing was thrown");
        return null!;
    }

    /// <summary>Reads the single problem of a file.</summary>
    public static LinearProblem ReadOnly(string path, ProblemReaderOptions? options = null, string id = "000000")
    {
        using var r = ProblemSetReader.Open(path, options);
        return r.ReadProblem(id);
    }

    /// <summary>Runs a process; returns (exit code, stdout + stderr); null when the executable does not exist.</summary>
    public static (int Code, string Output)? Run(string exe, string args, string? stdin = null, int timeoutMs = 60_000)
    {
        if (!File.Exists(exe)) return null;
        var psi = new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }

        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(true);
            return (-1, "timeout");
        }

        return (p.ExitCode, outTask.Result + errTask.Result);
    }

    public static bool PythonHasH5py()
    {
        var r = Run("/usr/bin/python3", "-c \"import h5py, numpy, scipy.sparse\"");
        return r is { Code: 0 };
    }
}
