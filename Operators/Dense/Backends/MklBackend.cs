using System.Buffers;
using System.Runtime.InteropServices;

namespace Solvers.Dense;

/// <summary>
/// <see cref="IDenseBackend"/> over Intel MKL (<c>libmkl_rt.so</c>): CBLAS for gemm/gemv/syrk/trsm and LAPACKE for the
/// factorizations, through our own source-generated imports (<see cref="MklNative"/>). Name "mkl".
/// </summary>
/// <remarks>
/// <para>Create it with <see cref="TryCreate"/>, which never throws: a missing MKL, a missing OpenMP runtime
/// (<c>libiomp5.so</c>) or a library that fails a tiny first computation yields a reason instead of a backend.</para>
/// <para>Every method runs <see cref="DenseChecks"/> first, so wrong sizes throw <see cref="ArgumentException"/> before
/// any native call, and returns without calling MKL when the output is empty.</para>
/// <para><b>NaN inputs.</b> MKL's LAPACKE scans its matrix arguments for NaN (LAPACKE's NaN check, switched on by
/// <see cref="TryCreate"/> whatever <c>LAPACKE_NANCHECK</c> says) and refuses them with a negative info; this backend
/// reports that as an <see cref="ArgumentException"/> ("… contains NaN") naming the argument. So for
/// <see cref="CholeskyFactor"/>, <see cref="CholeskySolve"/>, <see cref="LuFactor"/>, <see cref="LuSolve"/>,
/// <see cref="QrFactor"/>, <see cref="ApplyQ"/>, <see cref="LeastSquares"/>, <see cref="Svd"/> and
/// <see cref="SymmetricEigen"/> a NaN in the referenced part of an input is an error rather than propagated, and the
/// inputs are left as they were. ±∞ are not scanned for. The CBLAS calls (<see cref="Gemm"/>, <see cref="Gemv"/>,
/// <see cref="Syrk"/>, <see cref="TriangularSolve"/>) do no scan: NaN and ±∞ propagate as IEEE arithmetic dictates.</para>
/// <para><b>Threads</b> (<see cref="Threads"/>) is MKL's process-wide setting (<c>MKL_Set_Num_Threads</c>).</para>
/// </remarks>
public sealed class MklBackend : IDenseBackend
{
    /// <summary>The library file names tried in order.</summary>
    internal static readonly string[] LibraryCandidates = ["libmkl_rt.so.1", "libmkl_rt.so", "libmkl_rt.so.2"];

    /// <summary>The OpenMP runtime MKL's default (Intel) threading layer needs.</summary>
    internal static readonly string[] OpenMpCandidates = ["libiomp5.so", "libomp.so.5"];

    /// <summary>The reason given when libmkl_rt cannot be loaded.</summary>
    internal const string NotFoundReason =
        "MKL not found (libmkl_rt.so); install Debian's non-free package libmkl-rt (with Recommends, for libiomp5)";

    private static readonly Lock CreateGate = new();
    private static MklBackend? s_instance;

    private readonly string _version;
    private readonly string _cpuPath;

    private MklBackend(string version, string cpuPath)
    {
        _version = version;
        _cpuPath = cpuPath;
    }

    /// <inheritdoc/>
    public string Name => "mkl";

    /// <inheritdoc/>
    public string Description => $"Intel MKL {_version} (libmkl_rt, LP64, {Threads} threads, code path: {_cpuPath}, LAPACKE NaN check on)";

    /// <summary>MKL's code path for this CPU as MKL reports it (on AMD CPUs MKL 2020 takes the generic one).</summary>
    public string CpuPath => _cpuPath;

    /// <summary>
    /// MKL's thread count (process-wide): set with <c>MKL_Set_Num_Threads</c>, read with <c>MKL_Get_Max_Threads</c>.
    /// <see cref="TryCreate"/> sets it to <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "Part of the backend instance's API; MKL's setting happens to be process-wide.")]
    public int Threads
    {
        get => MklNative.MKL_Get_Max_Threads();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            MklNative.MKL_Set_Num_Threads(value);
        }
    }

    /// <summary>
    /// Loads MKL and checks it with a tiny computation; never throws. The backend is a process-wide singleton (MKL's
    /// settings are global), created on the first successful call.
    /// </summary>
    /// <returns>The backend, or null with the reason it is unavailable (for example the Debian package to install).</returns>
    public static (IDenseBackend? Backend, string? Reason) TryCreate()
    {
        (MklBackend? backend, string? reason) = TryCreateFrom(NativeLibraries.MklRt, LibraryCandidates, OpenMpCandidates);
        return (backend, reason);
    }

    /// <summary>
    /// <see cref="TryCreate()"/> with the library names given (tests pass a bogus name to exercise the failure path; the
    /// imports themselves always bind to <see cref="NativeLibraries.MklRt"/>).
    /// </summary>
    internal static (MklBackend? Backend, string? Reason) TryCreateFrom(string logicalName, string[] candidates, string[] openMpCandidates)
    {
        try
        {
            lock (CreateGate)
            {
                if (s_instance is not null && logicalName == NativeLibraries.MklRt)
                {
                    return (s_instance, null);
                }
                if (!NativeLibraries.TryLoad(logicalName, candidates, out IntPtr handle, out string? loadError))
                {
                    return (null, $"{NotFoundReason}: {loadError}");
                }
                foreach (string symbol in MklNative.Symbols)
                {
                    if (!NativeLibrary.TryGetExport(handle, symbol, out _))
                    {
                        return (null, $"the loaded libmkl_rt does not export {symbol} (not MKL, or an MKL older than 2017); install Debian's non-free package libmkl-rt");
                    }
                }
                if (logicalName != NativeLibraries.MklRt)
                {
                    return (null, $"MKL was found under the logical name '{logicalName}', but the imports bind to '{NativeLibraries.MklRt}'");
                }
                string? missing = CheckDependencies("iomp5", openMpCandidates);
                if (missing is not null)
                {
                    return (null, missing);
                }
                return Initialize();
            }
        }
#pragma warning disable CA1031 // TryCreate reports every failure as a reason, never as an exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (null, $"MKL failed to initialize: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// MKL dlopens its core, threading layer and OpenMP runtime at the first call and exits the process if one is
    /// missing; load the core and the OpenMP runtime here first so that a missing package is a reason, not a dead process.
    /// </summary>
    /// <param name="openMpLogicalName">The name the OpenMP runtime is registered under in <see cref="NativeLibraries"/>.</param>
    /// <param name="openMpCandidates">File names of the OpenMP runtime.</param>
    /// <returns>Null when all are present, else the reason naming the package.</returns>
    internal static string? CheckDependencies(string openMpLogicalName, string[] openMpCandidates)
    {
        if (!NativeLibraries.TryLoad("mkl_core", ["libmkl_core.so", "libmkl_core.so.1", "libmkl_core.so.2"], out _, out string? coreError))
        {
            return $"MKL's libmkl_core.so could not be loaded ({coreError}); install Debian's non-free package libmkl-rt with its dependencies";
        }
        // The threading layer itself (libmkl_intel_thread.so …) cannot be preloaded on its own: it needs symbols that
        // mkl_rt provides when it loads it, and .NET loads with RTLD_NOW. Its packages are dependencies of libmkl-rt;
        // the OpenMP runtime is only a Recommends, so that is the one to check.
        string layer = (Environment.GetEnvironmentVariable("MKL_THREADING_LAYER") ?? "INTEL").Trim().ToUpperInvariant();
        bool needsIomp = layer is not ("SEQUENTIAL" or "GNU" or "TBB");
        if (needsIomp && !NativeLibraries.TryLoad(openMpLogicalName, openMpCandidates, out _, out string? iompError))
        {
            return "MKL was found, but its OpenMP runtime libiomp5.so is missing and the first threaded MKL call would kill the process "
                + $"({iompError}); install libmkl-rt's Recommends (libomp-dev, which provides libiomp5.so), or set MKL_THREADING_LAYER=SEQUENTIAL";
        }
        return null;
    }

    /// <summary>Selects LP64, turns the NaN check on, sets the threads and verifies a 1×1 gemm and a 2×2 Cholesky.</summary>
    private static unsafe (MklBackend? Backend, string? Reason) Initialize()
    {
        int layer = MklNative.MKL_Set_Interface_Layer(MklNative.InterfaceLp64);
        if (layer != MklNative.InterfaceLp64)
        {
            return (null, $"MKL's interface layer is {layer}, not LP64 (was MKL_INTERFACE_LAYER set, or MKL used earlier with ILP64?)");
        }
        MklNative.LAPACKE_set_nancheck(1);

        MklNative.MklVersion v;
        MklNative.MKL_Get_Version(&v);
        string version = $"{v.MajorVersion}.{v.MinorVersion}.{v.UpdateVersion}";
        string cpuPath = v.Processor == null ? "unknown" : Marshal.PtrToStringUTF8((IntPtr)v.Processor) ?? "unknown";
        byte* buffer = stackalloc byte[256];
        MklNative.MKL_Get_Version_String(buffer, 256);
        string full = Marshal.PtrToStringUTF8((IntPtr)buffer) ?? "";
        string build = v.Build == null ? "" : Marshal.PtrToStringUTF8((IntPtr)v.Build) ?? "";
        if (build.Length > 0)
        {
            version += $" build {build}";
        }
        if (full.Length == 0)
        {
            return (null, "MKL_Get_Version_String returned nothing; the library does not behave like MKL");
        }

        var backend = new MklBackend(version, cpuPath) { Threads = Math.Max(1, Environment.ProcessorCount) };

        // The first computational calls: the threading layer, OpenMP and the CPU-specific kernels load here.
        double a = 2, b = 3, c = 1;
        MklNative.cblas_dgemm(MklNative.ColMajor, MklNative.NoTrans, MklNative.NoTrans, 1, 1, 1, 1.0, &a, 1, &b, 1, 1.0, &c, 1);
        if (c != 7.0)
        {
            return (null, $"MKL self-test failed: 1×1 dgemm gave {c} instead of 7");
        }
        double* spd = stackalloc double[] { 4, 2, 2, 5 };
        int info = MklNative.LAPACKE_dpotrf(MklNative.ColMajor, (byte)'L', 2, spd, 2);
        if (info != 0 || spd[0] != 2.0 || spd[1] != 1.0 || spd[3] != 2.0)
        {
            return (null, $"MKL self-test failed: 2×2 dpotrf gave info {info}, L = [{spd[0]}, {spd[1]}, {spd[3]}] instead of [2, 1, 2]");
        }
        s_instance = backend;
        return (backend, null);
    }

    // ------------------------------------------------------------------ BLAS

    /// <inheritdoc/>
    public unsafe void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a,
        int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        DenseChecks.CheckGemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            Scale(c, m, n, ldc, beta, null);
            return;
        }
        fixed (double* pa = a, pb = b, pc = c)
        {
            MklNative.cblas_dgemm(MklNative.ColMajor, Op(transA), Op(transB), m, n, k, alpha, pa, Ld(lda), pb, Ld(ldb), beta,
                pc, Ld(ldc));
        }
    }

    /// <inheritdoc/>
    public unsafe void Gemv(Transpose transA, int m, int n, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> x, double beta, Span<double> y)
    {
        DenseChecks.CheckGemv(transA, m, n, a.Length, lda, x.Length, y.Length);
        int rows = transA == Transpose.No ? m : n; // length of y
        int cols = transA == Transpose.No ? n : m; // length of x
        if (rows == 0)
        {
            return;
        }
        if (cols == 0)
        {
            Scale(y, rows, 1, rows, beta, null);
            return;
        }
        fixed (double* pa = a, px = x, py = y)
        {
            MklNative.cblas_dgemv(MklNative.ColMajor, Op(transA), m, n, alpha, pa, Ld(lda), px, 1, beta, py, 1);
        }
    }

    /// <inheritdoc/>
    public unsafe void Syrk(Triangle triangle, Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        double beta, Span<double> c, int ldc)
    {
        DenseChecks.CheckSyrk(triangle, trans, n, k, a.Length, lda, c.Length, ldc);
        if (n == 0)
        {
            return;
        }
        if (k == 0)
        {
            Scale(c, n, n, ldc, beta, triangle);
            return;
        }
        fixed (double* pa = a, pc = c)
        {
            MklNative.cblas_dsyrk(MklNative.ColMajor, Uplo(triangle), Op(trans), n, k, alpha, pa, Ld(lda), beta, pc, Ld(ldc));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="SingularMatrixException">A non-unit triangular A has an exact zero on its diagonal.</exception>
    public unsafe void TriangularSolve(Side side, Triangle triangle, Transpose transA, Diagonal diagonal, int m, int n,
        double alpha, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckTriangularSolve(side, triangle, transA, diagonal, m, n, a.Length, lda, b.Length, ldb);
        // An exact zero on a non-unit diagonal is refused (trsm would divide by it), even when B has no columns.
        int order = side == Side.Left ? m : n;
        if (diagonal == Diagonal.NonUnit)
        {
            for (int i = 0; i < order; i++)
            {
                if (a[i + (i * lda)] == 0.0)
                {
                    throw new SingularMatrixException(i, "the triangular matrix");
                }
            }
        }
        if (m == 0 || n == 0)
        {
            return;
        }
        fixed (double* pa = a, pb = b)
        {
            MklNative.cblas_dtrsm(MklNative.ColMajor, side == Side.Left ? MklNative.Left : MklNative.Right, Uplo(triangle),
                Op(transA), diagonal == Diagonal.Unit ? MklNative.Unit : MklNative.NonUnit, m, n, alpha, pa, Ld(lda), pb, Ld(ldb));
        }
    }

    // ------------------------------------------------------------------ Cholesky

    /// <inheritdoc/>
    public unsafe void CholeskyFactor(Triangle triangle, int n, Span<double> a, int lda)
    {
        DenseChecks.CheckCholeskyFactor(triangle, n, a.Length, lda);
        if (n == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = a)
        {
            info = MklNative.LAPACKE_dpotrf(MklNative.ColMajor, UploChar(triangle), n, pa, Ld(lda));
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dpotrf", info, (4, "a"));
        }
        if (info > 0)
        {
            // potrf leaves the updated (non-positive or NaN) diagonal entry at the failing pivot.
            int pivot = info - 1;
            throw new NotPositiveDefiniteException(pivot, a[pivot + (pivot * lda)]);
        }
    }

    /// <inheritdoc/>
    public unsafe void CholeskySolve(Triangle triangle, int n, int nrhs, ReadOnlySpan<double> factor, int lda, Span<double> b,
        int ldb)
    {
        DenseChecks.CheckCholeskySolve(triangle, n, nrhs, factor.Length, lda, b.Length, ldb);
        if (n == 0 || nrhs == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = factor, pb = b)
        {
            info = MklNative.LAPACKE_dpotrs(MklNative.ColMajor, UploChar(triangle), n, nrhs, pa, Ld(lda), pb, Ld(ldb));
        }
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dpotrs", info, (5, "factor"), (7, "b"));
        }
    }

    // ------------------------------------------------------------------ LU

    /// <inheritdoc/>
    public unsafe void LuFactor(int m, int n, Span<double> a, int lda, Span<int> pivots)
    {
        DenseChecks.CheckLuFactor(m, n, a.Length, lda, pivots.Length);
        int p = Math.Min(m, n);
        if (p == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = a)
        fixed (int* pp = pivots)
        {
            info = MklNative.LAPACKE_dgetrf(MklNative.ColMajor, m, n, pa, Ld(lda), pp);
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dgetrf", info, (4, "a"));
        }
        for (int i = 0; i < p; i++)
        {
            pivots[i]--; // LAPACK's 1-based row interchanges → 0-based
        }
        if (info > 0)
        {
            throw new SingularMatrixException(info - 1, "U");
        }
    }

    /// <inheritdoc/>
    public unsafe void LuSolve(Transpose trans, int n, int nrhs, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<int> pivots,
        Span<double> b, int ldb)
    {
        DenseChecks.CheckLuSolve(trans, n, nrhs, factor.Length, lda, pivots, b.Length, ldb);
        if (n == 0 || nrhs == 0)
        {
            return;
        }
        const int StackLimit = 256;
        int[]? rented = null;
        Span<int> ipiv = n <= StackLimit ? stackalloc int[StackLimit] : (rented = ArrayPool<int>.Shared.Rent(n));
        try
        {
            for (int i = 0; i < n; i++)
            {
                ipiv[i] = pivots[i] + 1; // back to LAPACK's 1-based interchanges
            }
            int info;
            fixed (double* pa = factor, pb = b)
            fixed (int* pp = ipiv)
            {
                info = MklNative.LAPACKE_dgetrs(MklNative.ColMajor, trans == Transpose.No ? (byte)'N' : (byte)'T', n, nrhs, pa,
                    Ld(lda), pp, pb, Ld(ldb));
            }
            if (info != 0)
            {
                throw NegativeInfo("LAPACKE_dgetrs", info, (5, "factor"), (8, "b"));
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    // ------------------------------------------------------------------ QR

    /// <inheritdoc/>
    public unsafe void QrFactor(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        DenseChecks.CheckQrFactor(m, n, a.Length, lda, tau.Length);
        if (m == 0 || n == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = a, pt = tau)
        {
            info = MklNative.LAPACKE_dgeqrf(MklNative.ColMajor, m, n, pa, Ld(lda), pt);
        }
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dgeqrf", info, (4, "a"));
        }
    }

    /// <inheritdoc/>
    public unsafe void ApplyQ(Transpose trans, int m, int n, int k, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<double> tau,
        Span<double> c, int ldc)
    {
        DenseChecks.CheckApplyQ(trans, m, n, k, factor.Length, lda, tau.Length, c.Length, ldc);
        if (m == 0 || n == 0 || k == 0)
        {
            return; // Q = I when there are no reflectors
        }
        int info;
        fixed (double* pa = factor, pt = tau, pc = c)
        {
            info = MklNative.LAPACKE_dormqr(MklNative.ColMajor, (byte)'L', trans == Transpose.No ? (byte)'N' : (byte)'T', m, n, k,
                pa, Ld(lda), pt, pc, Ld(ldc));
        }
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dormqr", info, (7, "factor"), (9, "tau"), (10, "c"));
        }
    }

    /// <inheritdoc/>
    public unsafe void LeastSquares(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckLeastSquares(m, n, nrhs, a.Length, lda, b.Length, ldb);
        if (n == 0 || nrhs == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = a, pb = b)
        {
            info = MklNative.LAPACKE_dgels(MklNative.ColMajor, (byte)'N', m, n, nrhs, pa, Ld(lda), pb, Ld(ldb));
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dgels", info, (6, "a"), (8, "b"));
        }
        if (info > 0)
        {
            throw new SingularMatrixException(info - 1, "R (A is rank deficient)");
        }
    }

    // ------------------------------------------------------------------ SVD and eigen

    /// <inheritdoc/>
    public unsafe void Svd(int m, int n, Span<double> a, int lda, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        DenseChecks.CheckSvd(m, n, a.Length, lda, s.Length, u.Length, ldu, vt.Length, ldvt);
        if (m == 0 || n == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = a, ps = s, pu = u, pv = vt)
        {
            info = MklNative.LAPACKE_dgesdd(MklNative.ColMajor, (byte)'S', m, n, pa, Ld(lda), ps, pu, Ld(ldu), pv, Ld(ldvt));
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dgesdd", info, (5, "a"));
        }
        if (info > 0)
        {
            throw new ArithmeticException($"LAPACKE_dgesdd: the divide-and-conquer SVD did not converge (info = {info}).");
        }
    }

    /// <inheritdoc/>
    public unsafe void SymmetricEigen(Triangle triangle, int n, Span<double> a, int lda, Span<double> w)
    {
        DenseChecks.CheckSymmetricEigen(triangle, n, a.Length, lda, w.Length);
        if (n == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = a, pw = w)
        {
            info = MklNative.LAPACKE_dsyevd(MklNative.ColMajor, (byte)'V', UploChar(triangle), n, pa, Ld(lda), pw);
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dsyevd", info, (5, "a"));
        }
        if (info > 0)
        {
            throw new ArithmeticException($"LAPACKE_dsyevd: the divide-and-conquer eigensolver did not converge (info = {info}).");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int Op(Transpose t) => t == Transpose.No ? MklNative.NoTrans : MklNative.Trans;

    private static int Uplo(Triangle t) => t == Triangle.Lower ? MklNative.Lower : MklNative.Upper;

    private static byte UploChar(Triangle t) => t == Triangle.Lower ? (byte)'L' : (byte)'U';

    /// <summary>LAPACKE refuses a leading dimension of 0 even for empty matrices.</summary>
    private static int Ld(int ld) => Math.Max(1, ld);

    /// <summary>
    /// C ← β·C on the m×n C (or on one triangle of the square C), with BLAS semantics: β = 0 sets zeros without reading C.
    /// Used when the inner dimension is 0, where there is nothing for MKL to multiply.
    /// </summary>
    private static void Scale(Span<double> c, int m, int n, int ldc, double beta, Triangle? triangle)
    {
        if (beta == 1.0)
        {
            return;
        }
        for (int j = 0; j < n; j++)
        {
            int from = triangle == Triangle.Lower ? j : 0;
            int to = triangle == Triangle.Upper ? j + 1 : m;
            Span<double> column = c.Slice(j * ldc + from, to - from);
            if (beta == 0.0)
            {
                column.Clear();
            }
            else
            {
                foreach (ref double v in column)
                {
                    v *= beta;
                }
            }
        }
    }

    /// <summary>
    /// A negative LAPACKE info: −(position) of an array argument means LAPACKE's NaN check found a NaN there (the sizes
    /// passed <see cref="DenseChecks"/>, so a bad size cannot be the cause); any other position is a bug here.
    /// </summary>
    private static Exception NegativeInfo(string function, int info, params ReadOnlySpan<(int Position, string Name)> arrays)
    {
        foreach ((int position, string name) in arrays)
        {
            if (-info == position)
            {
                return new ArgumentException(
                    $"{name} contains NaN: {function} refused it (LAPACKE's NaN check, argument {position}); NaN inputs are an error for MKL's LAPACK calls.",
                    name);
            }
        }
        return new InvalidOperationException(
            $"{function}: argument {-info} had an illegal value (info = {info}). The arguments passed DenseChecks, so this is a bug in MklBackend.");
    }
}
