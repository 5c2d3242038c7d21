using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Solvers.Dense;

/// <summary>
/// <see cref="IDenseBackend"/> over OpenBLAS (<c>libopenblas.so.0</c>; on Debian 12 the package
/// <c>libopenblas0-pthread</c>): CBLAS for gemm/gemv/syrk/trsm and the Fortran LAPACK symbols for the factorizations.
/// </summary>
/// <remarks>
/// <para><b>Arguments</b> are checked by <see cref="DenseChecks"/> before any native call; zero-sized dimensions return
/// without calling OpenBLAS (Fortran LAPACK rejects a leading dimension of 0, so every ld passed is at least 1).</para>
/// <para><b>NaN and ±∞</b> follow the suite's documented contract (the same results as <see cref="ManagedBackend"/>).
/// Fortran LAPACK does not check its inputs, so the backend does where it matters, with a vectorized scan of the
/// referenced part only (one triangle for Cholesky and eigen):</para>
/// <list type="bullet">
/// <item><see cref="CholeskyFactor"/>: a NaN is refused as <see cref="NotPositiveDefiniteException"/> at the first
/// pivot it would reach (pivot max(i, j) of the earliest NaN entry; value NaN), unless a genuine non-positive pivot comes
/// first. dpotrf itself never sees the NaN: only the leading block before that pivot is factored. OpenBLAS's dpotrf
/// lets a NaN pivot through silently (it tests ajj ≤ 0), so a NaN made inside the factorization from ±∞ input
/// (∞ − ∞) is found on the factor's diagonal afterwards and reported the same way.</item>
/// <item><see cref="Svd"/> and <see cref="SymmetricEigen"/>: a NaN or ±∞ fills every output (s, U, Vᵀ; w and the
/// eigenvectors) with NaN without calling dgesdd/dsyevd, whose iterations are not safe on non-finite input (dgesdd can
/// loop without end on NaN in some LAPACK versions).</item>
/// <item><see cref="LuFactor"/>, <see cref="QrFactor"/>, <see cref="LeastSquares"/> and the BLAS kernels
/// (<see cref="Gemm"/>, <see cref="Gemv"/>, <see cref="Syrk"/>, <see cref="TriangularSolve"/>): NaN and ±∞ propagate
/// as IEEE arithmetic dictates (dgetrf and dgeqrf run a fixed number of steps; idamax's pivot stays in range).</item>
/// </list>
/// <para><b>Singular factors.</b> <see cref="LuSolve"/>, <see cref="CholeskySolve"/> and <see cref="TriangularSolve"/>
/// (non-unit diagonal) refuse a factor with an exact zero on its diagonal before touching B
/// (<see cref="SingularMatrixException"/>), as dtrtrs would.</para>
/// <para><b>Threads.</b> OpenBLAS keeps one process-wide thread count; <see cref="Threads"/> reads and sets it.</para>
/// <para><b>Pivots</b> are exposed 0-based; they are converted to LAPACK's 1-based form in a temporary for dgetrs.</para>
/// </remarks>
public sealed unsafe class OpenBlasBackend : IDenseBackend
{
    /// <summary>The reason given when the library cannot be loaded.</summary>
    public const string NotFoundReason =
        "OpenBLAS not found (libopenblas.so.0); install Debian's package libopenblas0-pthread";

    // Below this size the 1-based pivot copy for dgetrs lives on the stack.
    private const int StackPivotLimit = 256;

    private readonly string _config;
    private readonly string _coreName;

    private OpenBlasBackend(string config, string coreName)
    {
        _config = config;
        _coreName = coreName;
    }

    /// <inheritdoc />
    public string Name => "openblas";

    /// <inheritdoc />
    public string Description =>
        $"{_config} (core {_coreName}), {Threads} thread(s), {OpenBlasNative.Candidates[0]}, CBLAS + Fortran LAPACK";

    /// <summary>OpenBLAS's thread count (process-wide, shared by every instance); at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is less than 1.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "An instance exists only once the library is loaded; a static property could call into a missing library.")]
    public int Threads
    {
        get => OpenBlasNative.GetNumThreads();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            OpenBlasNative.SetNumThreads(value);
        }
    }

    /// <summary>
    /// Loads OpenBLAS and checks that every symbol the backend calls is exported; never throws.
    /// </summary>
    /// <returns>The backend, or null and the reason (the missing library and its Debian package, or the missing symbol).</returns>
    public static (IDenseBackend? Backend, string? Reason) TryCreate()
        => TryCreate(OpenBlasNative.LibraryName, OpenBlasNative.Candidates, OpenBlasNative.RequiredSymbols);

    /// <summary>
    /// <see cref="TryCreate()"/> with the logical name, candidate files and required symbols given (tests use it to
    /// exercise the missing-library and missing-symbol reasons without disturbing the real "openblas" mapping).
    /// </summary>
    internal static (IDenseBackend? Backend, string? Reason) TryCreate(string logicalName, string[] candidates,
        IReadOnlyList<string> requiredSymbols)
    {
        try
        {
            if (!NativeLibraries.TryLoad(logicalName, candidates, out IntPtr handle, out string? error))
            {
                return (null, $"{NotFoundReason} ({error})");
            }
            foreach (string symbol in requiredSymbols)
            {
                if (!NativeLibrary.TryGetExport(handle, symbol, out _))
                {
                    return (null, $"The OpenBLAS library that was loaded ({string.Join(" or ", candidates)}) does not export {symbol}; "
                        + "install Debian's package libopenblas0-pthread, which includes LAPACK.");
                }
            }
            string config = NativeLibrary.TryGetExport(handle, "openblas_get_config", out _)
                ? Marshal.PtrToStringUTF8(OpenBlasNative.GetConfig()) ?? "OpenBLAS"
                : "OpenBLAS";
            string core = NativeLibrary.TryGetExport(handle, "openblas_get_corename", out _)
                ? Marshal.PtrToStringUTF8(OpenBlasNative.GetCoreName()) ?? "unknown"
                : "unknown";
            return (new OpenBlasBackend(config.Trim(), core.Trim()), null);
        }
#pragma warning disable CA1031 // TryCreate reports every failure to load as a reason, by contract.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (null, $"{NotFoundReason} ({ex.GetType().Name}: {ex.Message})");
        }
    }

    // ---------------------------------------------------------------- BLAS (CBLAS)

    /// <inheritdoc />
    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        DenseChecks.CheckGemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            ScaleColumns(c, m, n, ldc, beta);
            return;
        }
        fixed (double* pa = a, pb = b, pc = c)
        {
            OpenBlasNative.Dgemm(OpenBlasNative.ColMajor, Cblas(transA), Cblas(transB), m, n, k, alpha, pa, lda, pb, ldb,
                beta, pc, ldc);
        }
    }

    /// <inheritdoc />
    public void Gemv(Transpose transA, int m, int n, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> x,
        double beta, Span<double> y)
    {
        DenseChecks.CheckGemv(transA, m, n, a.Length, lda, x.Length, y.Length);
        if (m == 0 || n == 0)
        {
            return; // reference dgemv returns at once: y is left as it is (not scaled by β)
        }
        fixed (double* pa = a, px = x, py = y)
        {
            OpenBlasNative.Dgemv(OpenBlasNative.ColMajor, Cblas(transA), m, n, alpha, pa, lda, px, 1, beta, py, 1);
        }
    }

    /// <inheritdoc />
    public void Syrk(Triangle triangle, Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        double beta, Span<double> c, int ldc)
    {
        DenseChecks.CheckSyrk(triangle, trans, n, k, a.Length, lda, c.Length, ldc);
        if (n == 0)
        {
            return;
        }
        if (k == 0)
        {
            ScaleTriangle(c, n, ldc, triangle, beta);
            return;
        }
        fixed (double* pa = a, pc = c)
        {
            OpenBlasNative.Dsyrk(OpenBlasNative.ColMajor, Cblas(triangle), Cblas(trans), n, k, alpha, pa, lda, beta, pc, ldc);
        }
    }

    /// <inheritdoc />
    public void TriangularSolve(Side side, Triangle triangle, Transpose transA, Diagonal diagonal, int m, int n, double alpha,
        ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckTriangularSolve(side, triangle, transA, diagonal, m, n, a.Length, lda, b.Length, ldb);
        if (diagonal == Diagonal.NonUnit)
        {
            RequireNonzeroDiagonal(a, side == Side.Left ? m : n, lda, "the triangular matrix");
        }
        if (m == 0 || n == 0)
        {
            return;
        }
        fixed (double* pa = a, pb = b)
        {
            OpenBlasNative.Dtrsm(OpenBlasNative.ColMajor, side == Side.Left ? OpenBlasNative.Left : OpenBlasNative.Right,
                Cblas(triangle), Cblas(transA), diagonal == Diagonal.Unit ? OpenBlasNative.Unit : OpenBlasNative.NonUnit,
                m, n, alpha, pa, lda, pb, ldb);
        }
    }

    // ---------------------------------------------------------------- Cholesky

    /// <inheritdoc />
    public void CholeskyFactor(Triangle triangle, int n, Span<double> a, int lda)
    {
        DenseChecks.CheckCholeskyFactor(triangle, n, a.Length, lda);
        if (n == 0)
        {
            return;
        }
        // The first pivot a NaN reaches; dpotrf only factors the (NaN-free) leading block before it.
        int nanPivot = FirstNaNPivot(a, n, lda, triangle);
        int order = nanPivot >= 0 ? nanPivot : n;
        if (order > 0)
        {
            byte uplo = Fortran(triangle);
            int nn = order, ld = lda, info = 0;
            fixed (double* pa = a)
            {
                OpenBlasNative.Dpotrf(&uplo, &nn, pa, &ld, &info, 1);
            }
            if (info > 0)
            {
                // dpotrf (reference dpotf2 and OpenBLAS's potf2 alike) stores the non-positive updated pivot before stopping.
                int pivot = info - 1;
                throw new NotPositiveDefiniteException(pivot, a[pivot + (pivot * lda)]);
            }
            ThrowIfIllegal("dpotrf", info, PotrfArgs);
            // ±∞ input can make a NaN pivot (∞ − ∞), which OpenBLAS's potf2 (ajj ≤ 0 test) lets through.
            for (int j = 0; j < order; j++)
            {
                if (double.IsNaN(a[j + (j * lda)]))
                {
                    throw new NotPositiveDefiniteException(j, double.NaN);
                }
            }
        }
        if (nanPivot >= 0)
        {
            throw new NotPositiveDefiniteException(nanPivot, double.NaN);
        }
    }

    /// <inheritdoc/>
    public void CholeskyInverse(Triangle triangle, int n, Span<double> factor, int lda)
    {
        DenseChecks.CheckCholeskyInverse(triangle, n, factor.Length, lda);
        RequireNonzeroDiagonal(factor, n, lda, "the Cholesky factor");
        if (n == 0)
        {
            return;
        }
        byte uplo = Fortran(triangle);
        int nn = n, la = lda, info = 0;
        fixed (double* pa = factor)
        {
            OpenBlasNative.Dpotri(&uplo, &nn, pa, &la, &info, 1);
        }
        if (info > 0)
        {
            // Unreachable after the diagonal check: dpotri's only numerical failure is an exact zero on the diagonal.
            throw new SingularMatrixException(info - 1, "the Cholesky factor");
        }
        ThrowIfIllegal("dpotri", info, PotriArgs);
    }

    /// <inheritdoc />

    public void CholeskySolve(Triangle triangle, int n, int nrhs, ReadOnlySpan<double> factor, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckCholeskySolve(triangle, n, nrhs, factor.Length, lda, b.Length, ldb);
        RequireNonzeroDiagonal(factor, n, lda, "the Cholesky factor");
        if (n == 0 || nrhs == 0)
        {
            return;
        }
        byte uplo = Fortran(triangle);
        int nn = n, nr = nrhs, la = lda, lb = ldb, info = 0;
        fixed (double* pa = factor, pb = b)
        {
            OpenBlasNative.Dpotrs(&uplo, &nn, &nr, pa, &la, pb, &lb, &info, 1);
        }
        ThrowIfIllegal("dpotrs", info, PotrsArgs);
    }

    // ---------------------------------------------------------------- LU

    /// <inheritdoc />
    public void LuFactor(int m, int n, Span<double> a, int lda, Span<int> pivots)
    {
        DenseChecks.CheckLuFactor(m, n, a.Length, lda, pivots.Length);
        if (m == 0 || n == 0)
        {
            return;
        }
        int mm = m, nn = n, ld = lda, info = 0;
        // dgetrf writes min(m, n) 1-based pivots straight into the caller's span, converted to 0-based below.
        fixed (double* pa = a)
        fixed (int* pp = pivots)
        {
            OpenBlasNative.Dgetrf(&mm, &nn, pa, &ld, pp, &info);
        }
        ThrowIfIllegal("dgetrf", info, GetrfArgs);
        Span<int> ipiv = pivots[..Math.Min(m, n)];
        for (int i = 0; i < ipiv.Length; i++)
        {
            ipiv[i]--;
        }
        if (info > 0)
        {
            throw new SingularMatrixException(info - 1, "the LU factor U");
        }
    }

    /// <inheritdoc />
    public void LuSolve(Transpose trans, int n, int nrhs, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<int> pivots,
        Span<double> b, int ldb)
    {
        DenseChecks.CheckLuSolve(trans, n, nrhs, factor.Length, lda, pivots, b.Length, ldb);
        RequireNonzeroDiagonal(factor, n, lda, "the LU factor U");
        if (n == 0 || nrhs == 0)
        {
            return;
        }
        int[]? rented = null;
        Span<int> ipiv = n <= StackPivotLimit ? stackalloc int[n] : (rented = ArrayPool<int>.Shared.Rent(n)).AsSpan(0, n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                ipiv[i] = pivots[i] + 1;
            }
            byte t = Fortran(trans);
            int nn = n, nr = nrhs, la = lda, lb = ldb, info = 0;
            fixed (double* pa = factor, pb = b)
            fixed (int* pp = ipiv)
            {
                OpenBlasNative.Dgetrs(&t, &nn, &nr, pa, &la, pp, pb, &lb, &info, 1);
            }
            ThrowIfIllegal("dgetrs", info, GetrsArgs);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    // ---------------------------------------------------------------- QR

    /// <inheritdoc />
    public void QrFactor(int m, int n, Span<double> a, int lda, Span<double> tau)
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

    /// <inheritdoc />
    /// <remarks>
    /// The reflectors are copied to a pooled buffer first: dormqr's unblocked path (dorm2r) temporarily writes a 1 on the
    /// factor's diagonal, which must never happen to the caller's read-only span (shared by other threads, or read-only memory).
    /// </remarks>
    public void ApplyQ(Transpose trans, int m, int n, int k, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<double> tau,
        Span<double> c, int ldc)
    {
        DenseChecks.CheckApplyQ(trans, m, n, k, factor.Length, lda, tau.Length, c.Length, ldc);
        if (m == 0 || n == 0 || k == 0)
        {
            return; // k = 0: Q is the identity
        }
        int size = checked(m * k);
        double[] copy = ArrayPool<double>.Shared.Rent(size);
        try
        {
            for (int j = 0; j < k; j++)
            {
                factor.Slice(j * lda, m).CopyTo(copy.AsSpan(j * m, m));
            }
            fixed (double* pa = copy, pt = tau, pc = c)
            {
                Ormqr(trans, m, n, k, pa, m, pt, pc, ldc);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(copy);
        }
    }

    /// <inheritdoc />
    /// <remarks>dgeqrf, then dormqr (Qᵀ·B), then dtrtrs on R, which reports an exact zero on R's diagonal.</remarks>
    public void LeastSquares(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckLeastSquares(m, n, nrhs, a.Length, lda, b.Length, ldb);
        if (n == 0 || nrhs == 0)
        {
            return; // zero-sized: nothing is done, A included
        }
        double[] tau = ArrayPool<double>.Shared.Rent(n);
        try
        {
            fixed (double* pa = a, pt = tau, pb = b)
            {
                Geqrf(m, n, pa, lda, pt);
                // R's diagonal is checked before B is touched (dtrtrs checks it too, after dormqr has changed B).
                RequireNonzeroDiagonal(a, n, lda, "the QR factor R");
                Ormqr(Transpose.Yes, m, nrhs, n, pa, lda, pt, pb, ldb);
                byte uplo = (byte)'U', t = (byte)'N', diag = (byte)'N';
                int nn = n, nr = nrhs, la = lda, lb = ldb, info = 0;
                OpenBlasNative.Dtrtrs(&uplo, &t, &diag, &nn, &nr, pa, &la, pb, &lb, &info, 1, 1, 1);
                if (info > 0)
                {
                    throw new SingularMatrixException(info - 1, "the QR factor R");
                }
                ThrowIfIllegal("dtrtrs", info, TrtrsArgs);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(tau);
        }
    }

    // ---------------------------------------------------------------- SVD and symmetric eigen

    /// <inheritdoc />
    /// <remarks>dgesdd with JOBZ = 'S'; a non-converged bidiagonal divide and conquer throws <see cref="ArithmeticException"/>.</remarks>
    public void Svd(int m, int n, Span<double> a, int lda, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        DenseChecks.CheckSvd(m, n, a.Length, lda, s.Length, u.Length, ldu, vt.Length, ldvt);
        if (m == 0 || n == 0)
        {
            return;
        }
        int p = Math.Min(m, n);
        if (!AllFinite(a, m, n, lda))
        {
            s[..p].Fill(double.NaN);
            FillColumns(u, m, p, ldu, double.NaN);
            FillColumns(vt, p, n, ldvt, double.NaN);
            return;
        }
        byte jobz = (byte)'S';
        int mm = m, nn = n, la = lda, lu = ldu, lvt = ldvt, info = 0;
        int[] iwork = ArrayPool<int>.Shared.Rent(checked(8 * p));
        double[]? work = null;
        try
        {
            fixed (double* pa = a, ps = s, pu = u, pvt = vt)
            fixed (int* pi = iwork)
            {
                double query = 0;
                int lwork = -1;
                OpenBlasNative.Dgesdd(&jobz, &mm, &nn, pa, &la, ps, pu, &lu, pvt, &lvt, &query, &lwork, pi, &info, 1);
                ThrowIfIllegal("dgesdd", info, GesddArgs);
                lwork = WorkspaceSize(query, "dgesdd");
                work = ArrayPool<double>.Shared.Rent(lwork);
                fixed (double* pw = work)
                {
                    OpenBlasNative.Dgesdd(&jobz, &mm, &nn, pa, &la, ps, pu, &lu, pvt, &lvt, pw, &lwork, pi, &info, 1);
                }
            }
            ThrowIfIllegal("dgesdd", info, GesddArgs);
            if (info > 0)
            {
                throw new ArithmeticException($"OpenBLAS dgesdd: the bidiagonal divide and conquer did not converge (info = {info}).");
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(iwork);
            if (work is not null)
            {
                ArrayPool<double>.Shared.Return(work);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>dsyevd with JOBZ = 'V'; a non-converged tridiagonal eigensolver throws <see cref="ArithmeticException"/>.</remarks>
    public void SymmetricEigen(Triangle triangle, int n, Span<double> a, int lda, Span<double> w)
    {
        DenseChecks.CheckSymmetricEigen(triangle, n, a.Length, lda, w.Length);
        if (n == 0)
        {
            return;
        }
        if (!AllFiniteTriangle(a, n, lda, triangle))
        {
            w[..n].Fill(double.NaN);
            FillColumns(a, n, n, lda, double.NaN);
            return;
        }
        byte jobz = (byte)'V', uplo = Fortran(triangle);
        int nn = n, la = lda, info = 0;
        double[]? work = null;
        int[]? iwork = null;
        try
        {
            fixed (double* pa = a, pw = w)
            {
                double query = 0;
                int iquery = 0, lwork = -1, liwork = -1;
                OpenBlasNative.Dsyevd(&jobz, &uplo, &nn, pa, &la, pw, &query, &lwork, &iquery, &liwork, &info, 1, 1);
                ThrowIfIllegal("dsyevd", info, SyevdArgs);
                lwork = WorkspaceSize(query, "dsyevd");
                liwork = Math.Max(1, iquery);
                work = ArrayPool<double>.Shared.Rent(lwork);
                iwork = ArrayPool<int>.Shared.Rent(liwork);
                fixed (double* pwork = work)
                fixed (int* piwork = iwork)
                {
                    OpenBlasNative.Dsyevd(&jobz, &uplo, &nn, pa, &la, pw, pwork, &lwork, piwork, &liwork, &info, 1, 1);
                }
            }
            ThrowIfIllegal("dsyevd", info, SyevdArgs);
            if (info > 0)
            {
                throw new ArithmeticException($"OpenBLAS dsyevd: the eigenvalue iteration did not converge (info = {info}).");
            }
        }
        finally
        {
            if (work is not null)
            {
                ArrayPool<double>.Shared.Return(work);
            }
            if (iwork is not null)
            {
                ArrayPool<int>.Shared.Return(iwork);
            }
        }
    }

    // ---------------------------------------------------------------- LAPACK helpers (workspace query + call)

    private static void Geqrf(int m, int n, double* a, int lda, double* tau)
    {
        int mm = m, nn = n, la = lda, info = 0, lwork = -1;
        double query = 0;
        OpenBlasNative.Dgeqrf(&mm, &nn, a, &la, tau, &query, &lwork, &info);
        ThrowIfIllegal("dgeqrf", info, GeqrfArgs);
        lwork = WorkspaceSize(query, "dgeqrf");
        double[] work = ArrayPool<double>.Shared.Rent(lwork);
        try
        {
            fixed (double* pw = work)
            {
                OpenBlasNative.Dgeqrf(&mm, &nn, a, &la, tau, pw, &lwork, &info);
            }
            ThrowIfIllegal("dgeqrf", info, GeqrfArgs);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(work);
        }
    }

    /// <summary>C ← op(Q)·C from the left, Q from k reflectors of length m in <paramref name="a"/> (modified and restored by dorm2r).</summary>
    private static void Ormqr(Transpose trans, int m, int n, int k, double* a, int lda, double* tau, double* c, int ldc)
    {
        byte side = (byte)'L', t = Fortran(trans);
        int mm = m, nn = n, kk = k, la = lda, lc = ldc, info = 0, lwork = -1;
        double query = 0;
        OpenBlasNative.Dormqr(&side, &t, &mm, &nn, &kk, a, &la, tau, c, &lc, &query, &lwork, &info, 1, 1);
        ThrowIfIllegal("dormqr", info, OrmqrArgs);
        lwork = WorkspaceSize(query, "dormqr");
        double[] work = ArrayPool<double>.Shared.Rent(lwork);
        try
        {
            fixed (double* pw = work)
            {
                OpenBlasNative.Dormqr(&side, &t, &mm, &nn, &kk, a, &la, tau, c, &lc, pw, &lwork, &info, 1, 1);
            }
            ThrowIfIllegal("dormqr", info, OrmqrArgs);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(work);
        }
    }

    /// <summary>The optimal LWORK a workspace query returned in WORK(1), as an array length (at least 1).</summary>
    private static int WorkspaceSize(double query, string routine)
    {
        double size = Math.Ceiling(query);
        if (!(size <= Array.MaxLength))
        {
            throw new InvalidOperationException($"OpenBLAS {routine}: the workspace query asked for {query:G} elements, more than an array can hold.");
        }
        return Math.Max(1, (int)size);
    }

    // LAPACK argument names, 1-based positions as in the Fortran declarations (for info < 0).
    private static readonly string[] PotrfArgs = ["UPLO", "N", "A", "LDA"];
    private static readonly string[] PotriArgs = ["UPLO", "N", "A", "LDA"];
    private static readonly string[] PotrsArgs = ["UPLO", "N", "NRHS", "A", "LDA", "B", "LDB"];
    private static readonly string[] GetrfArgs = ["M", "N", "A", "LDA", "IPIV"];
    private static readonly string[] GetrsArgs = ["TRANS", "N", "NRHS", "A", "LDA", "IPIV", "B", "LDB"];
    private static readonly string[] GeqrfArgs = ["M", "N", "A", "LDA", "TAU", "WORK", "LWORK"];
    private static readonly string[] OrmqrArgs = ["SIDE", "TRANS", "M", "N", "K", "A", "LDA", "TAU", "C", "LDC", "WORK", "LWORK"];
    private static readonly string[] TrtrsArgs = ["UPLO", "TRANS", "DIAG", "N", "NRHS", "A", "LDA", "B", "LDB"];
    private static readonly string[] GesddArgs = ["JOBZ", "M", "N", "A", "LDA", "S", "U", "LDU", "VT", "LDVT", "WORK", "LWORK", "IWORK"];
    private static readonly string[] SyevdArgs = ["JOBZ", "UPLO", "N", "A", "LDA", "W", "WORK", "LWORK", "IWORK", "LIWORK"];

    /// <summary>info &lt; 0 (argument −info was illegal) cannot happen after <see cref="DenseChecks"/>; if it does, it is a bug here.</summary>
    private static void ThrowIfIllegal(string routine, int info, string[] args)
    {
        if (info < 0)
        {
            int position = -info;
            string name = position <= args.Length ? args[position - 1] : "?";
            throw new InvalidOperationException(
                $"OpenBLAS {routine}: argument {position} ({name}) had an illegal value (info = {info}).");
        }
    }

    // ---------------------------------------------------------------- enum translation

    private static int Cblas(Transpose t) => t == Transpose.No ? OpenBlasNative.NoTrans : OpenBlasNative.Trans;

    private static int Cblas(Triangle t) => t == Triangle.Upper ? OpenBlasNative.Upper : OpenBlasNative.Lower;

    private static byte Fortran(Transpose t) => t == Transpose.No ? (byte)'N' : (byte)'T';

    private static byte Fortran(Triangle t) => t == Triangle.Upper ? (byte)'U' : (byte)'L';

    // ---------------------------------------------------------------- managed pieces: beta scaling, finiteness scan

    /// <summary>X ← β·X on an r×c block (β = 0 sets zeros without reading, as BLAS does).</summary>
    private static void ScaleColumns(Span<double> x, int rows, int cols, int ld, double beta)
    {
        if (beta == 1.0)
        {
            return;
        }
        for (int j = 0; j < cols; j++)
        {
            Span<double> col = x.Slice(j * ld, rows);
            if (beta == 0.0)
            {
                col.Clear();
            }
            else
            {
                for (int i = 0; i < col.Length; i++)
                {
                    col[i] *= beta;
                }
            }
        }
    }

    /// <summary>C ← β·C on one triangle (diagonal included) of the n×n C.</summary>
    private static void ScaleTriangle(Span<double> c, int n, int ldc, Triangle triangle, double beta)
    {
        for (int j = 0; j < n; j++)
        {
            int start = triangle == Triangle.Upper ? 0 : j;
            int length = triangle == Triangle.Upper ? j + 1 : n - j;
            ScaleColumns(c.Slice((j * ldc) + start, length), length, 1, length, beta);
        }
    }

    /// <summary>Throws <see cref="SingularMatrixException"/> at the first exact zero on the diagonal of the n×n factor.</summary>
    private static void RequireNonzeroDiagonal(ReadOnlySpan<double> a, int n, int ld, string what)
    {
        for (int i = 0; i < n; i++)
        {
            if (a[i + (i * ld)] == 0.0)
            {
                throw new SingularMatrixException(i, what);
            }
        }
    }

    /// <summary>X ← value on an r×c block.</summary>
    private static void FillColumns(Span<double> x, int rows, int cols, int ld, double value)
    {
        for (int j = 0; j < cols; j++)
        {
            x.Slice(j * ld, rows).Fill(value);
        }
    }

    /// <summary>Whether the r×c matrix holds no NaN or ±∞.</summary>
    private static bool AllFinite(ReadOnlySpan<double> a, int rows, int cols, int ld)
    {
        for (int j = 0; j < cols; j++)
        {
            if (IndexOfNonFinite(a.Slice(j * ld, rows)) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether the referenced triangle (diagonal included) of the n×n matrix holds no NaN or ±∞.</summary>
    private static bool AllFiniteTriangle(ReadOnlySpan<double> a, int n, int ld, Triangle triangle)
    {
        for (int j = 0; j < n; j++)
        {
            int start = triangle == Triangle.Upper ? 0 : j;
            int length = triangle == Triangle.Upper ? j + 1 : n - j;
            if (IndexOfNonFinite(a.Slice((j * ld) + start, length)) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The first Cholesky pivot a NaN in the referenced triangle reaches, or −1: entry (i, j) enters pivot max(i, j) and
    /// no earlier one, so this is the least max(i, j) over the NaN entries.
    /// </summary>
    private static int FirstNaNPivot(ReadOnlySpan<double> a, int n, int ld, Triangle triangle)
    {
        if (triangle == Triangle.Upper)
        {
            // Column j holds rows 0..j, all entering pivot j: the first column with a NaN decides.
            for (int j = 0; j < n; j++)
            {
                if (IndexOfNaN(a.Slice(j * ld, j + 1)) >= 0)
                {
                    return j;
                }
            }
            return -1;
        }
        // Column j holds rows j..n−1; row i enters pivot i. Columns past the best row cannot improve on it.
        int best = -1;
        for (int j = 0; j < n && (best < 0 || j < best); j++)
        {
            int length = (best < 0 ? n : best) - j;
            int i = IndexOfNaN(a.Slice((j * ld) + j, length));
            if (i >= 0)
            {
                best = j + i;
            }
        }
        return best;
    }

    /// <summary>Index of the first NaN, or −1; vectorized (only NaN compares unequal to itself).</summary>
    private static int IndexOfNaN(ReadOnlySpan<double> x)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            ReadOnlySpan<Vector<double>> blocks = MemoryMarshal.Cast<double, Vector<double>>(x);
            int b = 0;
            for (; b < blocks.Length; b++)
            {
                if (!Vector.EqualsAll(blocks[b], blocks[b]))
                {
                    break;
                }
            }
            i = b * Vector<double>.Count;
        }
        for (; i < x.Length; i++)
        {
            if (double.IsNaN(x[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Index of the first NaN or ±∞, or −1; vectorized (x − x is 0 exactly when x is finite).</summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<double> x)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            ReadOnlySpan<Vector<double>> blocks = MemoryMarshal.Cast<double, Vector<double>>(x);
            int b = 0;
            for (; b < blocks.Length; b++)
            {
                Vector<double> v = blocks[b];
                if (!Vector.EqualsAll(v - v, Vector<double>.Zero))
                {
                    break;
                }
            }
            i = b * Vector<double>.Count;
        }
        for (; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
