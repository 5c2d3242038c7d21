namespace Solvers.Dense;

/// <summary>Whether an operand is used as stored or transposed.</summary>
public enum Transpose
{
    /// <summary>op(A) = A.</summary>
    No,
    /// <summary>op(A) = Aᵀ.</summary>
    Yes,
}

/// <summary>Which triangle of a symmetric or triangular matrix is referenced.</summary>
public enum Triangle
{
    /// <summary>The lower triangle.</summary>
    Lower,
    /// <summary>The upper triangle.</summary>
    Upper,
}

/// <summary>Which side a matrix multiplies from.</summary>
public enum Side
{
    /// <summary>op(A)·B.</summary>
    Left,
    /// <summary>B·op(A).</summary>
    Right,
}

/// <summary>Whether a triangular matrix has an implicit unit diagonal.</summary>
public enum Diagonal
{
    /// <summary>The stored diagonal is used.</summary>
    NonUnit,
    /// <summary>The diagonal is taken as ones and not referenced.</summary>
    Unit,
}

/// <summary>
/// The narrow dense linear-algebra interface of the suite (DESIGN §5), implemented over MKL, OpenBLAS and MathNet.
/// </summary>
/// <remarks>
/// <para><b>Storage: column-major</b> (Fortran/LAPACK order). An m×n matrix with leading dimension ld ≥ max(1, m) stores
/// element (i, j) at index i + j·ld. Every method checks its dimensions and buffer lengths and throws
/// <see cref="ArgumentException"/> before any native call, so a wrong size never reaches native code.</para>
/// <para><b>Numerical failures</b> throw <see cref="NotPositiveDefiniteException"/> (Cholesky) or
/// <see cref="SingularMatrixException"/> (LU, triangular solves with a zero diagonal), naming the pivot. NaN and ±∞ in
/// inputs are not scanned for by the BLAS-3/LAPACK calls: they propagate into the outputs as IEEE arithmetic
/// dictates (documented propagation), except where a factorization would report a bogus pivot, which is refused.
/// Zero-sized dimensions are valid and do nothing.</para>
/// <para>Implementations are thread-safe for concurrent calls on distinct buffers.</para>
/// </remarks>
public interface IDenseBackend
{
    /// <summary>Short name: "mkl", "openblas" or "managed".</summary>
    string Name { get; }

    /// <summary>A human-readable description (library, version, threads).</summary>
    string Description { get; }

    /// <summary>C ← α·op(A)·op(B) + β·C, with op(A) m×k, op(B) k×n, C m×n.</summary>
    void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc);

    /// <summary>y ← α·op(A)·x + β·y, A m×n (stored), x and y contiguous.</summary>
    void Gemv(Transpose transA, int m, int n, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> x,
        double beta, Span<double> y);

    /// <summary>C ← α·op(A)·op(A)ᵀ + β·C on the <paramref name="triangle"/> of the n×n C; op(A) is n×k (A·Aᵀ for No, Aᵀ·A for Yes).</summary>
    void Syrk(Triangle triangle, Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta,
        Span<double> c, int ldc);

    /// <summary>B ← α·op(A)⁻¹·B (left) or α·B·op(A)⁻¹ (right), A triangular; B is m×n.</summary>
    void TriangularSolve(Side side, Triangle triangle, Transpose transA, Diagonal diagonal, int m, int n, double alpha,
        ReadOnlySpan<double> a, int lda, Span<double> b, int ldb);

    /// <summary>Cholesky A = L·Lᵀ (lower) or Uᵀ·U (upper) in place on the given triangle of the n×n A; the other triangle is untouched.</summary>
    /// <exception cref="NotPositiveDefiniteException">The leading minor of order <c>Pivot + 1</c> is not positive.</exception>
    void CholeskyFactor(Triangle triangle, int n, Span<double> a, int lda);

    /// <summary>Solves A·X = B with a Cholesky factor from <see cref="CholeskyFactor"/>; B (n×nrhs) is overwritten by X.</summary>
    void CholeskySolve(Triangle triangle, int n, int nrhs, ReadOnlySpan<double> factor, int lda, Span<double> b, int ldb);

    /// <summary>
    /// Overwrites the Cholesky factor from <see cref="CholeskyFactor"/> (given triangle of the n×n array) with that triangle
    /// of A⁻¹ (LAPACK potri); the other triangle is untouched. Symmetrise afterwards if both triangles are needed.
    /// </summary>
    /// <exception cref="SingularMatrixException">The factor has an exact zero on its diagonal.</exception>
    void CholeskyInverse(Triangle triangle, int n, Span<double> factor, int lda);

    /// <summary>LU with partial pivoting, P·A = L·U, of the m×n A in place; <paramref name="pivots"/> (length min(m, n)) holds 0-based row interchanges.</summary>
    /// <exception cref="SingularMatrixException">U has an exact zero on its diagonal (the factorization is complete, but unusable for solves).</exception>
    void LuFactor(int m, int n, Span<double> a, int lda, Span<int> pivots);

    /// <summary>Solves op(A)·X = B with an LU factor of the n×n A; B (n×nrhs) is overwritten by X.</summary>
    void LuSolve(Transpose trans, int n, int nrhs, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<int> pivots,
        Span<double> b, int ldb);

    /// <summary>
    /// Householder QR of the m×n A in place (LAPACK geqrf convention): R on and above the diagonal, the reflectors below it,
    /// scalar factors in <paramref name="tau"/> (length min(m, n)).
    /// </summary>
    void QrFactor(int m, int n, Span<double> a, int lda, Span<double> tau);

    /// <summary>C ← Qᵀ·C (<paramref name="trans"/> = Yes) or Q·C (No) for the m×n C, with Q = H₁⋯H_k from <see cref="QrFactor"/> of an m×k-reflector factor.</summary>
    void ApplyQ(Transpose trans, int m, int n, int k, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<double> tau,
        Span<double> c, int ldc);

    /// <summary>
    /// Minimum-norm-residual solution of the full-column-rank m×n (m ≥ n) system by Householder QR: A is overwritten by
    /// its factor; B (m×nrhs, ldb ≥ m) is overwritten, its first n rows holding X.
    /// </summary>
    /// <exception cref="SingularMatrixException">R has an exact zero on its diagonal (A is rank deficient).</exception>
    void LeastSquares(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb);

    /// <summary>
    /// Thin SVD A = U·diag(s)·Vᵀ of the m×n A (destroyed): s (length min(m, n)) descending, U m×min(m, n), Vᵀ min(m, n)×n.
    /// </summary>
    void Svd(int m, int n, Span<double> a, int lda, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt);

    /// <summary>Eigen-decomposition of the symmetric n×n A (given triangle): eigenvalues ascending in <paramref name="w"/>, orthonormal eigenvectors overwrite A's columns.</summary>
    void SymmetricEigen(Triangle triangle, int n, Span<double> a, int lda, Span<double> w);
}

/// <summary>A Cholesky factorization met a leading minor that is not positive.</summary>
public sealed class NotPositiveDefiniteException : ArithmeticException
{
    /// <summary>Creates the exception for the 0-based pivot that failed.</summary>
    public NotPositiveDefiniteException(int pivot, double value)
        : base($"Matrix is not positive definite: Cholesky pivot {pivot} (0-based; leading minor of order {pivot + 1}) is {value:G6}.")
    {
        Pivot = pivot;
        Value = value;
    }

    /// <summary>Creates the exception.</summary>
    public NotPositiveDefiniteException() : this(-1, double.NaN) { }

    /// <summary>Creates the exception.</summary>
    public NotPositiveDefiniteException(string message) : base(message) { Pivot = -1; Value = double.NaN; }

    /// <summary>Creates the exception.</summary>
    public NotPositiveDefiniteException(string message, Exception innerException) : base(message, innerException) { Pivot = -1; Value = double.NaN; }

    /// <summary>0-based index of the failing pivot.</summary>
    public int Pivot { get; }

    /// <summary>The value of the pivot where it is known (the updated diagonal entry), else NaN.</summary>
    public double Value { get; }
}

/// <summary>A factorization produced an exact zero pivot (LU, QR least squares, triangular solve).</summary>
public sealed class SingularMatrixException : ArithmeticException
{
    /// <summary>Creates the exception for the 0-based zero pivot.</summary>
    public SingularMatrixException(int pivot, string what)
        : base($"Matrix is singular: {what} has an exact zero at diagonal position {pivot} (0-based).")
    {
        Pivot = pivot;
    }

    /// <summary>Creates the exception.</summary>
    public SingularMatrixException() : base("Matrix is singular.") { Pivot = -1; }

    /// <summary>Creates the exception.</summary>
    public SingularMatrixException(string message) : base(message) { Pivot = -1; }

    /// <summary>Creates the exception.</summary>
    public SingularMatrixException(string message, Exception innerException) : base(message, innerException) { Pivot = -1; }

    /// <summary>0-based diagonal position of the zero pivot.</summary>
    public int Pivot { get; }
}
