using System.Runtime.InteropServices;

namespace Solvers.Dense;

/// <summary>
/// Source-generated interop into OpenBLAS (<c>libopenblas.so.0</c>): CBLAS for the BLAS-2/3 kernels and the Fortran
/// LAPACK symbols (trailing underscore) for the factorizations.
/// </summary>
/// <remarks>
/// <para><b>CBLAS</b> takes its scalars by value and the enums below as C <c>int</c>s.</para>
/// <para><b>Fortran LAPACK</b> (gfortran ABI, OpenBLAS built with 32-bit integers): every argument is passed by
/// reference, a CHARACTER*1 argument as a pointer to its byte, and after the declared arguments come the <i>hidden
/// string lengths</i>, one per CHARACTER argument in declaration order, each of type <c>size_t</c> (gfortran ≥ 8; here
/// <see cref="nuint"/>). Omitting them is undefined behaviour: a routine that forwards a character argument to another
/// (xerbla, lsame, ilaenv's option string) reads whatever happens to be in the register or stack slot. Routines
/// OpenBLAS reimplements in C (dpotrf, dgetrf, dgetrs, dtrtrs) ignore the lengths, which is harmless under the System V
/// calling convention, so the same declaration suits both.</para>
/// <para>All routines here only read the arrays LAPACK documents as input, except dormqr, whose unblocked path (dorm2r)
/// writes a 1 on the diagonal of the reflector array and restores it afterwards: callers pass a private copy.</para>
/// </remarks>
internal static unsafe partial class OpenBlasNative
{
    /// <summary>The logical library name every import below is bound to (mapped by <see cref="NativeLibraries"/>' resolver).</summary>
    internal const string LibraryName = NativeLibraries.OpenBlas;

    /// <summary>File names tried in order: the runtime package's soname first, then the development symlink.</summary>
    internal static readonly string[] Candidates = ["libopenblas.so.0", "libopenblas.so"];

    /// <summary>Every symbol the backend needs; each is checked with <see cref="NativeLibrary.TryGetExport"/> before the first call.</summary>
    internal static readonly string[] RequiredSymbols =
    [
        "cblas_dgemm", "cblas_dgemv", "cblas_dsyrk", "cblas_dtrsm",
        "dpotrf_", "dpotrs_", "dpotri_", "dgetrf_", "dgetrs_", "dgeqrf_", "dormqr_", "dtrtrs_", "dgesdd_", "dsyevd_",
        "openblas_set_num_threads", "openblas_get_num_threads",
    ];

    // CBLAS enumerations (cblas.h).
    internal const int ColMajor = 102;
    internal const int NoTrans = 111;
    internal const int Trans = 112;
    internal const int Upper = 121;
    internal const int Lower = 122;
    internal const int NonUnit = 131;
    internal const int Unit = 132;
    internal const int Left = 141;
    internal const int Right = 142;

    // ---- CBLAS ----

    [LibraryImport(LibraryName, EntryPoint = "cblas_dgemm")]
    internal static partial void Dgemm(int order, int transA, int transB, int m, int n, int k, double alpha,
        double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [LibraryImport(LibraryName, EntryPoint = "cblas_dgemv")]
    internal static partial void Dgemv(int order, int trans, int m, int n, double alpha, double* a, int lda,
        double* x, int incX, double beta, double* y, int incY);

    [LibraryImport(LibraryName, EntryPoint = "cblas_dsyrk")]
    internal static partial void Dsyrk(int order, int uplo, int trans, int n, int k, double alpha, double* a, int lda,
        double beta, double* c, int ldc);

    [LibraryImport(LibraryName, EntryPoint = "cblas_dtrsm")]
    internal static partial void Dtrsm(int order, int side, int uplo, int transA, int diag, int m, int n, double alpha,
        double* a, int lda, double* b, int ldb);

    // ---- Fortran LAPACK (by reference; hidden CHARACTER lengths last) ----

    /// <summary>DPOTRF(UPLO, N, A, LDA, INFO) + len(UPLO).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dpotrf_")]
    internal static partial void Dpotrf(byte* uplo, int* n, double* a, int* lda, int* info, nuint uploLen);

    /// <summary>DPOTRS(UPLO, N, NRHS, A, LDA, B, LDB, INFO) + len(UPLO).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dpotrs_")]
    internal static partial void Dpotrs(byte* uplo, int* n, int* nrhs, double* a, int* lda, double* b, int* ldb,
        int* info, nuint uploLen);

    /// <summary>DPOTRI(UPLO, N, A, LDA, INFO) + len(UPLO).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dpotri_")]
    internal static partial void Dpotri(byte* uplo, int* n, double* a, int* lda, int* info, nuint uploLen);

    /// <summary>DGETRF(M, N, A, LDA, IPIV, INFO): no character arguments, so no hidden lengths.</summary>
    [LibraryImport(LibraryName, EntryPoint = "dgetrf_")]
    internal static partial void Dgetrf(int* m, int* n, double* a, int* lda, int* ipiv, int* info);

    /// <summary>DGETRS(TRANS, N, NRHS, A, LDA, IPIV, B, LDB, INFO) + len(TRANS).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dgetrs_")]
    internal static partial void Dgetrs(byte* trans, int* n, int* nrhs, double* a, int* lda, int* ipiv, double* b,
        int* ldb, int* info, nuint transLen);

    /// <summary>DGEQRF(M, N, A, LDA, TAU, WORK, LWORK, INFO): no character arguments.</summary>
    [LibraryImport(LibraryName, EntryPoint = "dgeqrf_")]
    internal static partial void Dgeqrf(int* m, int* n, double* a, int* lda, double* tau, double* work, int* lwork,
        int* info);

    /// <summary>DORMQR(SIDE, TRANS, M, N, K, A, LDA, TAU, C, LDC, WORK, LWORK, INFO) + len(SIDE), len(TRANS).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dormqr_")]
    internal static partial void Dormqr(byte* side, byte* trans, int* m, int* n, int* k, double* a, int* lda,
        double* tau, double* c, int* ldc, double* work, int* lwork, int* info, nuint sideLen, nuint transLen);

    /// <summary>DTRTRS(UPLO, TRANS, DIAG, N, NRHS, A, LDA, B, LDB, INFO) + len(UPLO), len(TRANS), len(DIAG).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dtrtrs_")]
    internal static partial void Dtrtrs(byte* uplo, byte* trans, byte* diag, int* n, int* nrhs, double* a, int* lda,
        double* b, int* ldb, int* info, nuint uploLen, nuint transLen, nuint diagLen);

    /// <summary>DGESDD(JOBZ, M, N, A, LDA, S, U, LDU, VT, LDVT, WORK, LWORK, IWORK, INFO) + len(JOBZ).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dgesdd_")]
    internal static partial void Dgesdd(byte* jobz, int* m, int* n, double* a, int* lda, double* s, double* u, int* ldu,
        double* vt, int* ldvt, double* work, int* lwork, int* iwork, int* info, nuint jobzLen);

    /// <summary>DSYEVD(JOBZ, UPLO, N, A, LDA, W, WORK, LWORK, IWORK, LIWORK, INFO) + len(JOBZ), len(UPLO).</summary>
    [LibraryImport(LibraryName, EntryPoint = "dsyevd_")]
    internal static partial void Dsyevd(byte* jobz, byte* uplo, int* n, double* a, int* lda, double* w, double* work,
        int* lwork, int* iwork, int* liwork, int* info, nuint jobzLen, nuint uploLen);

    // ---- OpenBLAS extensions ----

    [LibraryImport(LibraryName, EntryPoint = "openblas_set_num_threads")]
    internal static partial void SetNumThreads(int threads);

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_num_threads")]
    internal static partial int GetNumThreads();

    /// <summary>A static NUL-terminated string such as "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".</summary>
    [LibraryImport(LibraryName, EntryPoint = "openblas_get_config")]
    internal static partial nint GetConfig();

    /// <summary>A static NUL-terminated string naming the kernel set in use ("Haswell", "Zen", ...).</summary>
    [LibraryImport(LibraryName, EntryPoint = "openblas_get_corename")]
    internal static partial nint GetCoreName();
}
