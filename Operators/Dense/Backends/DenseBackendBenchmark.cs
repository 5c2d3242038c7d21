using System.Diagnostics;

namespace Solvers.Dense;

/// <summary>
/// Timed dense workloads on one backend, reported in GFLOP/s with the conventional flop counts: gemm 2n³, Cholesky n³/3,
/// Householder QR (R and reflectors, geqrf) 2mn² − 2n³/3. Each figure is the best of a number of timed calls, every call
/// on a fresh copy of the same pseudo-random input (the copy is not timed): at least <c>repeats</c> calls, and more (up to
/// 200) until <c>minSeconds</c> of timed work has accumulated, so that short operations on a loaded machine still get a
/// fair best. Used by <c>best</c> selection and by
/// <c>solvers bench dense</c>.
/// </summary>
public static class DenseBackendBenchmark
{
    /// <summary>The most timed calls one figure takes when <c>minSeconds</c> asks for more than <c>repeats</c>.</summary>
    public const int MaxCalls = 200;

    /// <summary>Flops of an n×n by n×n product.</summary>
    public static double GemmFlops(int n) => 2.0 * n * n * n;

    /// <summary>Flops of an n×n Cholesky factorization.</summary>
    public static double CholeskyFlops(int n) => (double)n * n * n / 3.0;

    /// <summary>Flops of the Householder QR of an m×n matrix, m ≥ n (R and reflectors only).</summary>
    public static double QrFlops(int m, int n) => 2.0 * m * n * n - 2.0 * n * n * (double)n / 3.0;

    /// <summary>Best-of-<paramref name="repeats"/> GFLOP/s of C ← A·B, all n×n.</summary>
    public static double Gemm(IDenseBackend backend, int n, int repeats, double minSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var a = RandomMatrix(n, n, 1);
        var b = RandomMatrix(n, n, 2);
        var c = new double[(long)n * n];
        double best = double.PositiveInfinity, total = 0;
        for (int r = 0; r < Math.Max(1, repeats) || (total < minSeconds && r < MaxCalls); r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            backend.Gemm(Transpose.No, Transpose.No, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
            double t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Min(best, t);
            total += t;
        }

        return GemmFlops(n) / best / 1e9;
    }

    /// <summary>Best-of-<paramref name="repeats"/> GFLOP/s of the lower Cholesky factorization of an n×n SPD matrix.</summary>
    public static double Cholesky(IDenseBackend backend, int n, int repeats, double minSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var a = SpdMatrix(n);
        var work = new double[a.Length];
        double best = double.PositiveInfinity, total = 0;
        for (int r = 0; r < Math.Max(1, repeats) || (total < minSeconds && r < MaxCalls); r++)
        {
            a.CopyTo(work, 0);
            long t0 = Stopwatch.GetTimestamp();
            backend.CholeskyFactor(Triangle.Lower, n, work, n);
            double t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Min(best, t);
            total += t;
        }

        return CholeskyFlops(n) / best / 1e9;
    }

    /// <summary>Best-of-<paramref name="repeats"/> GFLOP/s of the Householder QR of an m×n matrix (m ≥ n).</summary>
    public static double Qr(IDenseBackend backend, int m, int n, int repeats, double minSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var a = RandomMatrix(m, n, 3);
        var work = new double[a.Length];
        var tau = new double[Math.Min(m, n)];
        double best = double.PositiveInfinity, total = 0;
        for (int r = 0; r < Math.Max(1, repeats) || (total < minSeconds && r < MaxCalls); r++)
        {
            a.CopyTo(work, 0);
            long t0 = Stopwatch.GetTimestamp();
            backend.QrFactor(m, n, work, m, tau);
            double t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Min(best, t);
            total += t;
        }

        return QrFlops(m, n) / best / 1e9;
    }

    /// <summary>
    /// The short fixed workload of <c>best</c> selection (gemm n = 400, Cholesky n = 400, QR 2000×100; one untimed warm-up
    /// call each, then the best of at least 3 calls and 40 ms of timed work per operation): a fraction of a second on any
    /// native backend.
    /// </summary>
    public static DenseBackendMeasurement Quick(IDenseBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Gemm(backend, 64, 1);
        Cholesky(backend, 64, 1);
        Qr(backend, 200, 20, 1);
        double gemm = Gemm(backend, 400, 3, 0.04);
        double chol = Cholesky(backend, 400, 3, 0.04);
        double qr = Qr(backend, 2000, 100, 3, 0.04);
        return new DenseBackendMeasurement(backend.Name, backend.Description, gemm, chol, qr);
    }

    /// <summary>A column-major m×n matrix of pseudo-random entries in [-1, 1) (fixed seed, no <see cref="Random"/>).</summary>
    public static double[] RandomMatrix(int m, int n, ulong seed)
    {
        var a = new double[(long)m * n];
        ulong s = 0x9E3779B97F4A7C15UL * (seed + 1);
        for (long i = 0; i < a.Length; i++)
        {
            // splitmix64
            ulong z = s += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            a[i] = (z >> 11) * (2.0 / (1UL << 53)) - 1.0;
        }

        return a;
    }

    /// <summary>A symmetric, strictly diagonally dominant (hence SPD) n×n matrix, built in O(n²).</summary>
    public static double[] SpdMatrix(int n)
    {
        var a = RandomMatrix(n, n, 4);
        for (int j = 0; j < n; j++)
        {
            for (int i = j + 1; i < n; i++) a[i + (long)j * n] = a[j + (long)i * n];
            a[j + (long)j * n] = n + 1.0;
        }

        return a;
    }
}

/// <summary>The quick measurement of one backend used by <c>best</c> selection.</summary>
/// <param name="Name">Backend name.</param>
/// <param name="Description">Backend description (library, version, threads) at measurement time.</param>
/// <param name="GemmGflops">gemm n = 400.</param>
/// <param name="CholeskyGflops">Cholesky n = 400.</param>
/// <param name="QrGflops">QR 2000×100.</param>
public sealed record DenseBackendMeasurement(string Name, string Description, double GemmGflops, double CholeskyGflops, double QrGflops)
{
    /// <summary>The score compared by <c>best</c>: the geometric mean of the three rates, so that each weighs the same.</summary>
    public double Score => Math.Cbrt(Math.Max(GemmGflops, 0) * Math.Max(CholeskyGflops, 0) * Math.Max(QrGflops, 0));
}
