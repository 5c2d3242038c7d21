using System.Diagnostics;
using System.Numerics.Tensors;

namespace Solvers.Cli.Commands;

/// <summary>Memory-bandwidth ceiling of a benchmark run, for reading its GB/s figures (bench cg, LS-7).</summary>
internal static class MachineBalance
{
    /// <summary>a ← b + s·c over 3 × 16 M doubles (384 MB), one thread, best of 5, in GB/s.</summary>
    public static double TriadBandwidth()
    {
        const int n = 16 << 20;
        var a = new double[n];
        var b = new double[n];
        var c = new double[n];
        TensorPrimitives.Add(b, 1.0, b);
        TensorPrimitives.Add(c, 2.0, c);
        double best = double.PositiveInfinity;
        for (int k = 0; k < 5; k++)
        {
            var t = Stopwatch.StartNew();
            TensorPrimitives.MultiplyAdd(c, 3.0, b, a);
            best = Math.Min(best, t.Elapsed.TotalSeconds);
        }

        return 3.0 * 8 * n / best / 1e9;
    }
}
