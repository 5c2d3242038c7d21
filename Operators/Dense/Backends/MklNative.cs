using System.Runtime.InteropServices;

namespace Solvers.Dense;

/// <summary>
/// Source-generated, blittable imports from MKL's single dynamic library (<c>libmkl_rt.so</c>, logical name
/// <see cref="NativeLibraries.MklRt"/>): CBLAS, LAPACKE and the service functions. LP64 interface (32-bit integers),
/// which <see cref="MklBackend.TryCreate"/> selects before the first computational call.
/// </summary>
/// <remarks>
/// Nothing here checks arguments: callers run <see cref="DenseChecks"/> first. LAPACKE <c>char</c> arguments are passed
/// as one byte. These imports must not be called before <see cref="NativeLibraries.TryLoad"/> has mapped the logical name.
/// </remarks>
internal static unsafe partial class MklNative
{
    private const string Lib = NativeLibraries.MklRt;

    /// <summary>LAPACK_COL_MAJOR and CblasColMajor.</summary>
    public const int ColMajor = 102;
    /// <summary>CblasNoTrans.</summary>
    public const int NoTrans = 111;
    /// <summary>CblasTrans.</summary>
    public const int Trans = 112;
    /// <summary>CblasUpper.</summary>
    public const int Upper = 121;
    /// <summary>CblasLower.</summary>
    public const int Lower = 122;
    /// <summary>CblasNonUnit.</summary>
    public const int NonUnit = 131;
    /// <summary>CblasUnit.</summary>
    public const int Unit = 132;
    /// <summary>CblasLeft.</summary>
    public const int Left = 141;
    /// <summary>CblasRight.</summary>
    public const int Right = 142;

    /// <summary>MKL_INTERFACE_LP64 for <see cref="MKL_Set_Interface_Layer"/>.</summary>
    public const int InterfaceLp64 = 0;

    /// <summary>Every symbol imported below; <see cref="MklBackend.TryCreate"/> checks they all exist before any call.</summary>
    public static readonly string[] Symbols =
    [
        "cblas_dgemm", "cblas_dgemv", "cblas_dsyrk", "cblas_dtrsm",
        "LAPACKE_dpotrf_work", "LAPACKE_dpotrs_work", "LAPACKE_dpotri_work", "LAPACKE_dgetrf_work", "LAPACKE_dgetrs_work", "LAPACKE_dgeqrf_work",
        "LAPACKE_dormqr_work", "LAPACKE_dtrtrs_work", "LAPACKE_dgesdd", "LAPACKE_dsyevd",
        "MKL_Set_Num_Threads", "MKL_Get_Max_Threads", "MKL_Get_Version", "MKL_Get_Version_String", "MKL_Set_Interface_Layer",
    ];

    // ---- CBLAS ----

    [LibraryImport(Lib, EntryPoint = "cblas_dgemm")]
    public static partial void cblas_dgemm(int layout, int transA, int transB, int m, int n, int k, double alpha,
        double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [LibraryImport(Lib, EntryPoint = "cblas_dgemv")]
    public static partial void cblas_dgemv(int layout, int trans, int m, int n, double alpha, double* a, int lda,
        double* x, int incx, double beta, double* y, int incy);

    [LibraryImport(Lib, EntryPoint = "cblas_dsyrk")]
    public static partial void cblas_dsyrk(int layout, int uplo, int trans, int n, int k, double alpha, double* a, int lda,
        double beta, double* c, int ldc);

    [LibraryImport(Lib, EntryPoint = "cblas_dtrsm")]
    public static partial void cblas_dtrsm(int layout, int side, int uplo, int transA, int diag, int m, int n, double alpha,
        double* a, int lda, double* b, int ldb);

    // ---- LAPACKE (return info: 0 success, < 0 bad argument, > 0 numerical failure) ----
    // The factorizations and solves use the middle-level _work functions, which skip LAPACKE's NaN scan: the
    // IDenseBackend contract lets NaN propagate (and dpotrf itself reports a NaN pivot). geqrf/ormqr take their
    // workspace from the caller (lwork = −1 queries its size).

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dpotrf_work")]
    public static partial int LAPACKE_dpotrf_work(int layout, byte uplo, int n, double* a, int lda);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dpotrs_work")]
    public static partial int LAPACKE_dpotrs_work(int layout, byte uplo, int n, int nrhs, double* a, int lda, double* b, int ldb);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dpotri_work")]
    public static partial int LAPACKE_dpotri_work(int layout, byte uplo, int n, double* a, int lda);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dgetrf_work")]
    public static partial int LAPACKE_dgetrf_work(int layout, int m, int n, double* a, int lda, int* ipiv);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dgetrs_work")]
    public static partial int LAPACKE_dgetrs_work(int layout, byte trans, int n, int nrhs, double* a, int lda, int* ipiv,
        double* b, int ldb);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dgeqrf_work")]
    public static partial int LAPACKE_dgeqrf_work(int layout, int m, int n, double* a, int lda, double* tau, double* work,
        int lwork);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dormqr_work")]
    public static partial int LAPACKE_dormqr_work(int layout, byte side, byte trans, int m, int n, int k, double* a, int lda,
        double* tau, double* c, int ldc, double* work, int lwork);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dtrtrs_work")]
    public static partial int LAPACKE_dtrtrs_work(int layout, byte uplo, byte trans, byte diag, int n, int nrhs, double* a,
        int lda, double* b, int ldb);

    // The SVD and eigen-decomposition use the high-level functions (LAPACKE allocates their workspace); their input is
    // scanned for non-finite values first, so LAPACKE's NaN check never fires there.

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dgesdd")]
    public static partial int LAPACKE_dgesdd(int layout, byte jobz, int m, int n, double* a, int lda, double* s, double* u,
        int ldu, double* vt, int ldvt);

    [LibraryImport(Lib, EntryPoint = "LAPACKE_dsyevd")]
    public static partial int LAPACKE_dsyevd(int layout, byte jobz, byte uplo, int n, double* a, int lda, double* w);

    // ---- Service ----

    [LibraryImport(Lib, EntryPoint = "MKL_Set_Num_Threads")]
    public static partial void MKL_Set_Num_Threads(int threads);

    [LibraryImport(Lib, EntryPoint = "MKL_Get_Max_Threads")]
    public static partial int MKL_Get_Max_Threads();

    [LibraryImport(Lib, EntryPoint = "MKL_Get_Version")]
    public static partial void MKL_Get_Version(MklVersion* version);

    [LibraryImport(Lib, EntryPoint = "MKL_Get_Version_String")]
    public static partial void MKL_Get_Version_String(byte* buffer, int length);

    /// <summary>Selects LP64 or ILP64 for mkl_rt; must precede every computational call. Returns the layer in force (or −1).</summary>
    [LibraryImport(Lib, EntryPoint = "MKL_Set_Interface_Layer")]
    public static partial int MKL_Set_Interface_Layer(int layer);

    /// <summary>MKL's <c>MKLVersion</c> struct.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MklVersion
    {
        /// <summary>Major version, e.g. 2020.</summary>
        public int MajorVersion;
        /// <summary>Minor version.</summary>
        public int MinorVersion;
        /// <summary>Update number.</summary>
        public int UpdateVersion;
        /// <summary>"Product" or a pre-release tag.</summary>
        public byte* ProductStatus;
        /// <summary>Build date.</summary>
        public byte* Build;
        /// <summary>The code path MKL chose for this CPU.</summary>
        public byte* Processor;
        /// <summary>The platform.</summary>
        public byte* Platform;
    }
}
