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
/// <para><b>Non-finite input</b> follows the <see cref="IDenseBackend"/> contract, as <see cref="ManagedBackend"/> does:
/// the factorizations and solves call LAPACKE's middle-level <c>_work</c> functions, which skip LAPACKE's NaN scan, so
/// NaN and ±∞ propagate through gemm/gemv/syrk/trsm, LU, QR and least squares; a NaN reaching a Cholesky pivot is
/// reported by dpotrf as <see cref="NotPositiveDefiniteException"/> with <see cref="NotPositiveDefiniteException.Value"/>
/// NaN; the SVD and the symmetric eigen-decomposition scan their referenced input and return all-NaN outputs for a NaN
/// or ±∞ (never handing it to MKL's iterations). Should a LAPACKE NaN check ever answer anyway (a negative info naming
/// an array argument), it is reported as an <see cref="ArgumentException"/> ("… contains NaN"), never a crash.</para>
/// <para><b>Singular factors</b> given to <see cref="CholeskySolve"/>, <see cref="LuSolve"/> and
/// <see cref="TriangularSolve"/> (an exact zero on the diagonal) throw <see cref="SingularMatrixException"/> before B is
/// touched; <see cref="LeastSquares"/> factors A, then refuses an exact zero on R's diagonal before touching B.</para>
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
    public string Description => $"Intel MKL {_version} (libmkl_rt, LP64, {Threads} threads, code path: {_cpuPath})";

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

    /// <summary>Selects LP64, sets the threads and verifies a 1×1 gemm and a 2×2 Cholesky.</summary>
    private static unsafe (MklBackend? Backend, string? Reason) Initialize()
    {
        int layer = MklNative.MKL_Set_Interface_Layer(MklNative.InterfaceLp64);
        if (layer != MklNative.InterfaceLp64)
        {
            return (null, $"MKL's interface layer is {layer}, not LP64 (was MKL_INTERFACE_LAYER set, or MKL used earlier with ILP64?)");
        }
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
        int info = MklNative.LAPACKE_dpotrf_work(MklNative.ColMajor, (byte)'L', 2, spd, 2);
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
        if (m == 0 || n == 0)
        {
            return; // as reference dgemv: y is left as it is
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
            CheckNonZeroDiagonal(a, order, lda, "the triangular matrix");
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
            info = MklNative.LAPACKE_dpotrf_work(MklNative.ColMajor, UploChar(triangle), n, pa, Ld(lda));
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dpotrf_work", info, (4, "a"));
        }
        if (info > 0)
        {
            // potrf leaves the updated (non-positive or NaN) diagonal entry at the failing pivot.
            int pivot = info - 1;
            throw new NotPositiveDefiniteException(pivot, a[pivot + (pivot * lda)]);
        }
    }

    /// <inheritdoc/>
    public unsafe void CholeskyInverse(Triangle triangle, int n, Span<double> factor, int lda)
    {
        DenseChecks.CheckCholeskyInverse(triangle, n, factor.Length, lda);
        CheckNonZeroDiagonal(factor, n, lda, "the Cholesky factor");
        if (n == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = factor)
        {
            info = MklNative.LAPACKE_dpotri_work(MklNative.ColMajor, UploChar(triangle), n, pa, Ld(lda));
        }
        if (info > 0)
        {
            // Unreachable after the diagonal check: dpotri's only numerical failure is an exact zero on the diagonal.
            throw new SingularMatrixException(info - 1, "the Cholesky factor");
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dpotri_work", info, (4, "factor"));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="SingularMatrixException">The factor has an exact zero on its diagonal (B is untouched).</exception>

    public unsafe void CholeskySolve(Triangle triangle, int n, int nrhs, ReadOnlySpan<double> factor, int lda, Span<double> b,
        int ldb)
    {
        DenseChecks.CheckCholeskySolve(triangle, n, nrhs, factor.Length, lda, b.Length, ldb);
        CheckNonZeroDiagonal(factor, n, lda, "the Cholesky factor");
        if (n == 0 || nrhs == 0)
        {
            return;
        }
        int info;
        fixed (double* pa = factor, pb = b)
        {
            info = MklNative.LAPACKE_dpotrs_work(MklNative.ColMajor, UploChar(triangle), n, nrhs, pa, Ld(lda), pb, Ld(ldb));
        }
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dpotrs_work", info, (5, "factor"), (7, "b"));
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
            info = MklNative.LAPACKE_dgetrf_work(MklNative.ColMajor, m, n, pa, Ld(lda), pp);
        }
        if (info < 0)
        {
            throw NegativeInfo("LAPACKE_dgetrf_work", info, (4, "a"));
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
    /// <exception cref="SingularMatrixException">U has an exact zero on its diagonal (B is untouched).</exception>
    public unsafe void LuSolve(Transpose trans, int n, int nrhs, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<int> pivots,
        Span<double> b, int ldb)
    {
        DenseChecks.CheckLuSolve(trans, n, nrhs, factor.Length, lda, pivots, b.Length, ldb);
        CheckNonZeroDiagonal(factor, n, lda, "the LU factor U");
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
                info = MklNative.LAPACKE_dgetrs_work(MklNative.ColMajor, TransChar(trans), n, nrhs, pa, Ld(lda), pp, pb, Ld(ldb));
            }
            if (info != 0)
            {
                throw NegativeInfo("LAPACKE_dgetrs_work", info, (5, "factor"), (8, "b"));
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
        fixed (double* pa = a, pt = tau)
        {
            Geqrf(m, n, pa, lda, pt);
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
        fixed (double* pa = factor, pt = tau, pc = c)
        {
            Ormqr(trans, m, n, k, pa, lda, pt, pc, ldc);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// geqrf, then a check of R's diagonal, then ormqr (Qᵀ·B) and trtrs (R·X = (Qᵀ·B)[0..n)). Unlike dgels, an all-zero
    /// A is refused as rank deficient rather than answered with X = 0.
    /// </remarks>
    public unsafe void LeastSquares(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckLeastSquares(m, n, nrhs, a.Length, lda, b.Length, ldb);
        if (n == 0 || nrhs == 0)
        {
            return;
        }
        double[] tau = ArrayPool<double>.Shared.Rent(n);
        try
        {
            fixed (double* pa = a, pb = b, pt = tau)
            {
                Geqrf(m, n, pa, lda, pt);
                CheckNonZeroDiagonal(a, n, lda, "the QR factor R");
                Ormqr(Transpose.Yes, m, nrhs, n, pa, lda, pt, pb, ldb);
                int info = MklNative.LAPACKE_dtrtrs_work(MklNative.ColMajor, (byte)'U', (byte)'N', (byte)'N', n, nrhs, pa, Ld(lda),
                    pb, Ld(ldb));
                if (info < 0)
                {
                    throw NegativeInfo("LAPACKE_dtrtrs_work", info, (7, "a"), (9, "b"));
                }
                if (info > 0)
                {
                    throw new SingularMatrixException(info - 1, "the QR factor R");
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(tau);
        }
    }

    /// <summary>geqrf with workspace from the pool (size queried first).</summary>
    private static unsafe void Geqrf(int m, int n, double* a, int lda, double* tau)
    {
        double query = 0;
        int info = MklNative.LAPACKE_dgeqrf_work(MklNative.ColMajor, m, n, a, Ld(lda), tau, &query, -1);
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dgeqrf_work (workspace query)", info);
        }
        int lwork = Math.Max(1, (int)query);
        double[] work = ArrayPool<double>.Shared.Rent(lwork);
        try
        {
            fixed (double* pw = work)
            {
                info = MklNative.LAPACKE_dgeqrf_work(MklNative.ColMajor, m, n, a, Ld(lda), tau, pw, lwork);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(work);
        }
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dgeqrf_work", info, (4, "a"));
        }
    }

    /// <summary>ormqr from the left with workspace from the pool (size queried first).</summary>
    private static unsafe void Ormqr(Transpose trans, int m, int n, int k, double* a, int lda, double* tau, double* c, int ldc)
    {
        double query = 0;
        byte t = TransChar(trans);
        int info = MklNative.LAPACKE_dormqr_work(MklNative.ColMajor, (byte)'L', t, m, n, k, a, Ld(lda), tau, c, Ld(ldc), &query, -1);
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dormqr_work (workspace query)", info);
        }
        int lwork = Math.Max(1, (int)query);
        double[] work = ArrayPool<double>.Shared.Rent(lwork);
        try
        {
            fixed (double* pw = work)
            {
                info = MklNative.LAPACKE_dormqr_work(MklNative.ColMajor, (byte)'L', t, m, n, k, a, Ld(lda), tau, c, Ld(ldc), pw, lwork);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(work);
        }
        if (info != 0)
        {
            throw NegativeInfo("LAPACKE_dormqr_work", info, (7, "factor"), (9, "tau"), (10, "c"));
        }
    }

    // ------------------------------------------------------------------ SVD and eigen

    /// <inheritdoc/>
    /// <remarks>A NaN or ±∞ in A gives all-NaN s, U and Vᵀ without calling MKL.</remarks>
    public unsafe void Svd(int m, int n, Span<double> a, int lda, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        DenseChecks.CheckSvd(m, n, a.Length, lda, s.Length, u.Length, ldu, vt.Length, ldvt);
        int p = Math.Min(m, n);
        if (p == 0)
        {
            return;
        }
        if (!AllFinite(a, m, n, lda, null))
        {
            s[..p].Fill(double.NaN);
            Fill(u, m, p, ldu, double.NaN);
            Fill(vt, p, n, ldvt, double.NaN);
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
    /// <remarks>A NaN or ±∞ in the referenced triangle gives all-NaN eigenvalues and eigenvectors without calling MKL.</remarks>
    public unsafe void SymmetricEigen(Triangle triangle, int n, Span<double> a, int lda, Span<double> w)
    {
        DenseChecks.CheckSymmetricEigen(triangle, n, a.Length, lda, w.Length);
        if (n == 0)
        {
            return;
        }
        if (!AllFinite(a, n, n, lda, triangle))
        {
            w[..n].Fill(double.NaN);
            Fill(a, n, n, lda, double.NaN);
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

    private static byte TransChar(Transpose t) => t == Transpose.No ? (byte)'N' : (byte)'T';

    /// <summary>Refuses a triangular factor with an exact zero on its diagonal, naming the first one.</summary>
    private static void CheckNonZeroDiagonal(ReadOnlySpan<double> a, int n, int lda, string what)
    {
        for (int i = 0; i < n; i++)
        {
            if (a[i + (i * lda)] == 0.0)
            {
                throw new SingularMatrixException(i, what);
            }
        }
    }

    /// <summary>Whether every referenced entry of the m×n A (all of it, or one triangle of the square A) is finite.</summary>
    private static bool AllFinite(ReadOnlySpan<double> a, int m, int n, int lda, Triangle? triangle)
    {
        for (int j = 0; j < n; j++)
        {
            int from = triangle == Triangle.Lower ? j : 0;
            int to = triangle == Triangle.Upper ? j + 1 : m;
            double probe = 0;
            foreach (double v in a.Slice(j * lda + from, to - from))
            {
                probe += v * 0.0; // NaN for NaN and ±∞, else 0
            }
            if (probe != 0.0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Sets the m×n entries of a column-major matrix (not the padding rows) to <paramref name="value"/>.</summary>
    private static void Fill(Span<double> a, int m, int n, int lda, double value)
    {
        for (int j = 0; j < n; j++)
        {
            a.Slice(j * lda, m).Fill(value);
        }
    }

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
    /// A negative LAPACKE info: −(position) of an array argument of a high-level LAPACKE function means LAPACKE's NaN
    /// check found a NaN there (the sizes passed <see cref="DenseChecks"/>, so a bad size cannot be the cause); any other
    /// position is a bug here.
    /// </summary>
    internal static Exception NegativeInfo(string function, int info, params ReadOnlySpan<(int Position, string Name)> arrays)
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
