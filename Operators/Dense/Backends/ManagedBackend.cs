using System.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;
using MnTranspose = MathNet.Numerics.Providers.LinearAlgebra.Transpose;

namespace Solvers.Dense;

/// <summary>
/// The pure managed dense backend: MathNet.Numerics 5.0.0's managed provider for gemm, the SVD and the symmetric
/// eigen-decomposition, and LAPACK-convention kernels written here for everything whose result must agree with the
/// native backends entry by entry (Cholesky, LU, Householder QR, triangular solves, gemv, syrk).
/// </summary>
/// <remarks>
/// <para><b>Conventions.</b> QR follows LAPACK dgeqr2/dlarfg exactly: for each column, β = −sign(α)·‖(α, x)‖,
/// τ = (β − α)/β, v = (1, x/(α − β)), with τ = 0 (H = I, the entry kept as is) when x = 0 and for the last row of a
/// tall or square matrix. LU is dgetf2's right-looking partial pivoting with the first largest |a| as pivot and 0-based
/// interchanges. Cholesky is dpotf2 (the pivot is the updated diagonal entry; a pivot ≤ 0 or NaN fails). So the
/// factors, τ and the pivots agree with MKL/OpenBLAS up to rounding.</para>
/// <para><b>SVD and eigenvectors</b> are unique only up to sign (and, for repeated values, up to a rotation): the
/// values agree with the native backends to rounding, the vectors only as invariants (orthogonality, reconstruction,
/// |uᵢ| up to sign). Singular values are returned descending and non-negative, eigenvalues ascending.</para>
/// <para><b>Non-finite input.</b> gemm/gemv/syrk/triangular solves/QR/LU propagate NaN and ±∞ by IEEE arithmetic
/// (with the BLAS rules that β = 0 does not read C or y and α = 0 does not read A or B). Cholesky reports a NaN pivot as
/// <see cref="NotPositiveDefiniteException"/> (as dpotrf does). The SVD and the symmetric eigen-decomposition, whose
/// iterations need finite input, fill every output (s, U, Vᵀ; w and the eigenvectors) with NaN when the referenced
/// input holds a NaN or ±∞.</para>
/// <para><b>Singular cases.</b> <see cref="LuFactor"/> completes the factorization and then throws
/// <see cref="SingularMatrixException"/> for the first exact zero on U's diagonal; <see cref="LuSolve"/>,
/// <see cref="CholeskySolve"/> and <see cref="TriangularSolve"/> (non-unit diagonal) refuse a factor with an exact zero
/// on its diagonal before touching B; <see cref="LeastSquares"/> throws for an exact zero on R's diagonal, an all-zero A
/// included.</para>
/// </remarks>
public sealed class ManagedBackend : IDenseBackend
{
    /// <summary>The smallest normal double, LAPACK's dlamch('S').</summary>
    private const double SafeMin = 2.2250738585072014E-308;

    /// <summary>dlarfg's rescaling threshold dlamch('S')/dlamch('E'), with dlamch('E') = 2⁻⁵³.</summary>
    private const double ReflectorSafeMin = SafeMin / 1.1102230246251565E-16;

    private readonly ManagedLinearAlgebraProvider _provider = ManagedLinearAlgebraProvider.Instance;

    /// <inheritdoc/>
    public string Name => "managed";

    /// <inheritdoc/>
    public string Description =>
        $"MathNet.Numerics {typeof(ILinearAlgebraProvider).Assembly.GetName().Version} managed provider (gemm, SVD, symmetric eigen) " +
        $"with LAPACK-convention managed Cholesky/LU/QR/triangular kernels; {Environment.ProcessorCount} cores";

    /// <inheritdoc/>
    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        DenseChecks.CheckGemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        ScaleMatrix(c, m, n, ldc, beta);
        if (alpha == 0 || k == 0) return;

        int rowsA = transA == Transpose.No ? m : k, colsA = transA == Transpose.No ? k : m;
        int rowsB = transB == Transpose.No ? k : n, colsB = transB == Transpose.No ? n : k;
        double[] ap = Pack(a, rowsA, colsA, lda);
        double[] bp = Pack(b, rowsB, colsB, ldb);
        double[] cp = Pack(c, m, n, ldc);
        _provider.MatrixMultiplyWithUpdate(ToMathNet(transA), ToMathNet(transB), alpha, ap, rowsA, colsA, bp, rowsB, colsB, 1.0, cp);
        Unpack(cp, c, m, n, ldc);
    }

    /// <inheritdoc/>
    public void Gemv(Transpose transA, int m, int n, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> x,
        double beta, Span<double> y)
    {
        DenseChecks.CheckGemv(transA, m, n, a.Length, lda, x.Length, y.Length);
        int leny = transA == Transpose.No ? m : n;
        // Reference dgemv returns at once for m = 0 or n = 0, leaving y untouched (no β scaling).
        if (m == 0 || n == 0) return;

        Span<double> yv = y[..leny];
        if (beta == 0) yv.Clear();
        else if (beta != 1) for (int i = 0; i < leny; i++) yv[i] *= beta;
        if (alpha == 0) return;

        if (transA == Transpose.No)
        {
            for (int j = 0; j < n; j++)
            {
                double t = alpha * x[j];
                ReadOnlySpan<double> col = a.Slice(j * lda, m);
                for (int i = 0; i < m; i++) yv[i] += t * col[i];
            }
        }
        else
        {
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<double> col = a.Slice(j * lda, m);
                double s = 0;
                for (int i = 0; i < m; i++) s += col[i] * x[i];
                yv[j] += alpha * s;
            }
        }
    }

    /// <inheritdoc/>
    public void Syrk(Triangle triangle, Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta,
        Span<double> c, int ldc)
    {
        DenseChecks.CheckSyrk(triangle, trans, n, k, a.Length, lda, c.Length, ldc);
        if (n == 0) return;
        bool lower = triangle == Triangle.Lower;
        for (int j = 0; j < n; j++)
        {
            int i0 = lower ? j : 0, i1 = lower ? n : j + 1;
            Span<double> cj = c.Slice(j * ldc + i0, i1 - i0);
            if (beta == 0) cj.Clear();
            else if (beta != 1) for (int i = 0; i < cj.Length; i++) cj[i] *= beta;
        }

        if (alpha == 0 || k == 0) return;
        for (int j = 0; j < n; j++)
        {
            int i0 = lower ? j : 0, i1 = lower ? n : j + 1;
            Span<double> cj = c.Slice(j * ldc, i1);
            if (trans == Transpose.No)
            {
                // C(:, j) += α·Σ_l A(j, l)·A(:, l) on the triangle's rows.
                for (int l = 0; l < k; l++)
                {
                    ReadOnlySpan<double> al = a.Slice(l * lda, n);
                    double t = alpha * al[j];
                    for (int i = i0; i < i1; i++) cj[i] += t * al[i];
                }
            }
            else
            {
                // C(i, j) += α·A(:, i)ᵀ·A(:, j).
                ReadOnlySpan<double> aj = a.Slice(j * lda, k);
                for (int i = i0; i < i1; i++)
                {
                    ReadOnlySpan<double> ai = a.Slice(i * lda, k);
                    double s = 0;
                    for (int l = 0; l < k; l++) s += ai[l] * aj[l];
                    cj[i] += alpha * s;
                }
            }
        }
    }

    /// <inheritdoc/>
    public void TriangularSolve(Side side, Triangle triangle, Transpose transA, Diagonal diagonal, int m, int n, double alpha,
        ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckTriangularSolve(side, triangle, transA, diagonal, m, n, a.Length, lda, b.Length, ldb);
        int order = side == Side.Left ? m : n;
        if (diagonal == Diagonal.NonUnit) CheckDiagonal(a, order, lda, "the triangular matrix");
        if (m == 0 || n == 0) return;
        if (alpha != 1) ScaleMatrix(b, m, n, ldb, alpha);
        if (alpha == 0) return;
        bool unit = diagonal == Diagonal.Unit;
        if (side == Side.Left)
        {
            // op(A)·X = B, one column of B at a time.
            for (int j = 0; j < n; j++)
                TriangularSolveVector(triangle, transA, unit, m, a, lda, b, j * ldb, 1);
        }
        else
        {
            // X·op(A) = B ⇔ op(A)ᵀ·Xᵀ = Bᵀ: one row of B (stride ldb) at a time with the transpose flipped.
            Transpose flipped = transA == Transpose.No ? Transpose.Yes : Transpose.No;
            for (int i = 0; i < m; i++)
                TriangularSolveVector(triangle, flipped, unit, n, a, lda, b, i, ldb);
        }
    }

    /// <inheritdoc/>
    public void CholeskyFactor(Triangle triangle, int n, Span<double> a, int lda)
    {
        DenseChecks.CheckCholeskyFactor(triangle, n, a.Length, lda);
        if (triangle == Triangle.Lower)
        {
            for (int j = 0; j < n; j++)
            {
                // Pivot: a(j, j) − L(j, 0:j)·L(j, 0:j)ᵀ (row j of L, stride lda).
                double ajj = a[j + j * lda];
                for (int p = 0; p < j; p++) ajj -= a[j + p * lda] * a[j + p * lda];
                if (!(ajj > 0)) throw new NotPositiveDefiniteException(j, ajj);
                ajj = Math.Sqrt(ajj);
                a[j + j * lda] = ajj;
                int len = n - j - 1;
                if (len == 0) continue;
                Span<double> cj = a.Slice(j + 1 + j * lda, len);
                for (int p = 0; p < j; p++)
                {
                    double t = a[j + p * lda];
                    ReadOnlySpan<double> cp = a.Slice(j + 1 + p * lda, len);
                    for (int i = 0; i < len; i++) cj[i] -= cp[i] * t;
                }

                double r = 1.0 / ajj;
                for (int i = 0; i < len; i++) cj[i] *= r;
            }
        }
        else
        {
            for (int j = 0; j < n; j++)
            {
                // Pivot: a(j, j) − U(0:j, j)ᵀ·U(0:j, j) (column j of U, contiguous).
                ReadOnlySpan<double> uj = a.Slice(j * lda, j);
                double ajj = a[j + j * lda];
                for (int p = 0; p < j; p++) ajj -= uj[p] * uj[p];
                if (!(ajj > 0)) throw new NotPositiveDefiniteException(j, ajj);
                ajj = Math.Sqrt(ajj);
                a[j + j * lda] = ajj;
                double r = 1.0 / ajj;
                for (int c = j + 1; c < n; c++)
                {
                    ReadOnlySpan<double> uc = a.Slice(c * lda, j);
                    double s = a[j + c * lda];
                    for (int p = 0; p < j; p++) s -= uc[p] * uj[p];
                    a[j + c * lda] = s * r;
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>LAPACK dpotri unblocked: dtrti2 (the factor's inverse in place) then dlauu2 (U⁻¹·U⁻ᵀ or L⁻ᵀ·L⁻¹).</remarks>
    public void CholeskyInverse(Triangle triangle, int n, Span<double> factor, int lda)
    {
        DenseChecks.CheckCholeskyInverse(triangle, n, factor.Length, lda);
        CheckDiagonal(factor, n, lda, "the Cholesky factor");
        if (n == 0) return;
        if (triangle == Triangle.Upper)
        {
            InvertUpperTriangle(n, factor, lda);
            UpperTimesTranspose(n, factor, lda);
        }
        else
        {
            InvertLowerTriangle(n, factor, lda);
            LowerTransposeTimes(n, factor, lda);
        }
    }

    /// <summary>dtrti2('U', 'N'): the upper triangle U (non-zero diagonal) is overwritten by U⁻¹.</summary>
    private static void InvertUpperTriangle(int n, Span<double> a, int lda)
    {
        for (int j = 0; j < n; j++)
        {
            double inv = 1.0 / a[j + j * lda];
            a[j + j * lda] = inv;
            double ajj = -inv;
            // Column j above the diagonal: x ← T·x (dtrmv upper, T = the already inverted leading j×j block), then x ← ajj·x.
            Span<double> x = a.Slice(j * lda, j);
            for (int c = 0; c < j; c++)
            {
                double t = x[c];
                if (t == 0) continue;
                ReadOnlySpan<double> tc = a.Slice(c * lda, c);
                for (int i = 0; i < c; i++) x[i] += t * tc[i];
                x[c] = t * a[c + c * lda];
            }

            for (int i = 0; i < j; i++) x[i] *= ajj;
        }
    }

    /// <summary>dtrti2('L', 'N'): the lower triangle L (non-zero diagonal) is overwritten by L⁻¹.</summary>
    private static void InvertLowerTriangle(int n, Span<double> a, int lda)
    {
        for (int j = n - 1; j >= 0; j--)
        {
            double inv = 1.0 / a[j + j * lda];
            a[j + j * lda] = inv;
            double ajj = -inv;
            int m = n - j - 1;
            if (m == 0) continue;
            // Column j below the diagonal: x ← T·x (dtrmv lower, T = the already inverted trailing block), then x ← ajj·x.
            Span<double> x = a.Slice(j + 1 + j * lda, m);
            for (int c = m - 1; c >= 0; c--)
            {
                double t = x[c];
                if (t == 0) continue;
                int col = j + 1 + c;
                for (int i = m - 1; i > c; i--) x[i] += t * a[j + 1 + i + col * lda];
                x[c] = t * a[col + col * lda];
            }

            for (int i = 0; i < m; i++) x[i] *= ajj;
        }
    }

    /// <summary>dlauu2('U'): the upper triangle U is overwritten by the upper triangle of U·Uᵀ.</summary>
    private static void UpperTimesTranspose(int n, Span<double> a, int lda)
    {
        for (int i = 0; i < n; i++)
        {
            double aii = a[i + i * lda];
            if (i < n - 1)
            {
                // a(i, i) ← U(i, i:n)·U(i, i:n) (row i, stride lda).
                double d = 0;
                for (int c = i; c < n; c++) d += a[i + c * lda] * a[i + c * lda];
                a[i + i * lda] = d;
                // A(0:i, i) ← aii·A(0:i, i) + A(0:i, i+1:n)·U(i, i+1:n)ᵀ (dgemv 'N').
                Span<double> y = a.Slice(i * lda, i);
                for (int r = 0; r < i; r++) y[r] *= aii;
                for (int c = i + 1; c < n; c++)
                {
                    double t = a[i + c * lda];
                    if (t == 0) continue;
                    ReadOnlySpan<double> ac = a.Slice(c * lda, i);
                    for (int r = 0; r < i; r++) y[r] += t * ac[r];
                }
            }
            else
            {
                Span<double> y = a.Slice(i * lda, i + 1);
                for (int r = 0; r <= i; r++) y[r] *= aii;
            }
        }
    }

    /// <summary>dlauu2('L'): the lower triangle L is overwritten by the lower triangle of Lᵀ·L.</summary>
    private static void LowerTransposeTimes(int n, Span<double> a, int lda)
    {
        for (int i = 0; i < n; i++)
        {
            double aii = a[i + i * lda];
            if (i < n - 1)
            {
                // a(i, i) ← L(i:n, i)·L(i:n, i) (column i, contiguous).
                ReadOnlySpan<double> li = a.Slice(i + i * lda, n - i);
                double d = 0;
                for (int r = 0; r < li.Length; r++) d += li[r] * li[r];
                a[i + i * lda] = d;
                // A(i, 0:i) ← aii·A(i, 0:i) + L(i+1:n, i)ᵀ·A(i+1:n, 0:i) (dgemv 'T', one dot product per column).
                ReadOnlySpan<double> v = a.Slice(i + 1 + i * lda, n - i - 1);
                for (int c = 0; c < i; c++)
                {
                    ReadOnlySpan<double> ac = a.Slice(i + 1 + c * lda, n - i - 1);
                    double s = 0;
                    for (int r = 0; r < v.Length; r++) s += ac[r] * v[r];
                    a[i + c * lda] = aii * a[i + c * lda] + s;
                }
            }
            else
            {
                for (int c = 0; c <= i; c++) a[i + c * lda] *= aii;
            }
        }
    }

    /// <inheritdoc/>
    public void CholeskySolve(Triangle triangle, int n, int nrhs, ReadOnlySpan<double> factor, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckCholeskySolve(triangle, n, nrhs, factor.Length, lda, b.Length, ldb);
        CheckDiagonal(factor, n, lda, "the Cholesky factor");
        if (n == 0 || nrhs == 0) return;
        Transpose first = triangle == Triangle.Lower ? Transpose.No : Transpose.Yes;
        Transpose second = triangle == Triangle.Lower ? Transpose.Yes : Transpose.No;
        for (int j = 0; j < nrhs; j++)
        {
            TriangularSolveVector(triangle, first, false, n, factor, lda, b, j * ldb, 1);
            TriangularSolveVector(triangle, second, false, n, factor, lda, b, j * ldb, 1);
        }
    }

    /// <inheritdoc/>
    public void LuFactor(int m, int n, Span<double> a, int lda, Span<int> pivots)
    {
        DenseChecks.CheckLuFactor(m, n, a.Length, lda, pivots.Length);
        int steps = Math.Min(m, n);
        int singular = -1;
        for (int j = 0; j < steps; j++)
        {
            // First largest |a(i, j)|, i ≥ j (idamax: a NaN is never larger, so it is chosen only in first place).
            Span<double> colj = a.Slice(j * lda, m);
            int p = j;
            double max = Math.Abs(colj[j]);
            for (int i = j + 1; i < m; i++)
            {
                double v = Math.Abs(colj[i]);
                if (v > max) { max = v; p = i; }
            }

            pivots[j] = p;
            double pivot = colj[p];
            if (pivot != 0)
            {
                if (p != j)
                {
                    for (int c = 0; c < n; c++)
                        (a[j + c * lda], a[p + c * lda]) = (a[p + c * lda], a[j + c * lda]);
                }

                if (Math.Abs(pivot) >= SafeMin)
                {
                    double r = 1.0 / pivot;
                    for (int i = j + 1; i < m; i++) colj[i] *= r;
                }
                else
                {
                    for (int i = j + 1; i < m; i++) colj[i] /= pivot;
                }
            }
            else if (singular < 0)
            {
                singular = j;
            }

            // Trailing update A(j+1:m, j+1:n) −= A(j+1:m, j)·A(j, j+1:n).
            int len = m - j - 1;
            if (len == 0) continue;
            ReadOnlySpan<double> l = a.Slice(j + 1 + j * lda, len);
            for (int c = j + 1; c < n; c++)
            {
                double t = a[j + c * lda];
                if (t == 0) continue;
                Span<double> cc = a.Slice(j + 1 + c * lda, len);
                for (int i = 0; i < len; i++) cc[i] -= l[i] * t;
            }
        }

        if (singular >= 0) throw new SingularMatrixException(singular, "the LU factor U");
    }

    /// <inheritdoc/>
    public void LuSolve(Transpose trans, int n, int nrhs, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<int> pivots,
        Span<double> b, int ldb)
    {
        DenseChecks.CheckLuSolve(trans, n, nrhs, factor.Length, lda, pivots, b.Length, ldb);
        CheckDiagonal(factor, n, lda, "the LU factor U");
        if (n == 0 || nrhs == 0) return;
        if (trans == Transpose.No)
        {
            SwapRows(b, nrhs, ldb, pivots, n, forward: true);
            for (int j = 0; j < nrhs; j++)
            {
                TriangularSolveVector(Triangle.Lower, Transpose.No, true, n, factor, lda, b, j * ldb, 1);
                TriangularSolveVector(Triangle.Upper, Transpose.No, false, n, factor, lda, b, j * ldb, 1);
            }
        }
        else
        {
            for (int j = 0; j < nrhs; j++)
            {
                TriangularSolveVector(Triangle.Upper, Transpose.Yes, false, n, factor, lda, b, j * ldb, 1);
                TriangularSolveVector(Triangle.Lower, Transpose.Yes, true, n, factor, lda, b, j * ldb, 1);
            }

            SwapRows(b, nrhs, ldb, pivots, n, forward: false);
        }
    }

    /// <inheritdoc/>
    public void QrFactor(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        DenseChecks.CheckQrFactor(m, n, a.Length, lda, tau.Length);
        int steps = Math.Min(m, n);
        for (int j = 0; j < steps; j++)
        {
            // H(j) annihilates A(j+1:m, j).
            Span<double> col = a.Slice(j + j * lda, m - j);
            double t = GenerateReflector(col);
            tau[j] = t;
            if (t == 0) continue;
            for (int c = j + 1; c < n; c++)
                ApplyReflector(col, t, a.Slice(j + c * lda, m - j));
        }
    }

    /// <inheritdoc/>
    public void ApplyQ(Transpose trans, int m, int n, int k, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<double> tau,
        Span<double> c, int ldc)
    {
        DenseChecks.CheckApplyQ(trans, m, n, k, factor.Length, lda, tau.Length, c.Length, ldc);
        if (m == 0 || n == 0 || k == 0) return;
        // Q = H(0)⋯H(k−1): Qᵀ·C applies H(0) first, Q·C applies H(k−1) first.
        for (int s = 0; s < k; s++)
        {
            int i = trans == Transpose.Yes ? s : k - 1 - s;
            double t = tau[i];
            if (t == 0) continue;
            ReadOnlySpan<double> v = factor.Slice(i + i * lda, m - i);
            for (int j = 0; j < n; j++)
                ApplyReflector(v, t, c.Slice(i + j * ldc, m - i));
        }
    }

    /// <inheritdoc/>
    public void LeastSquares(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        DenseChecks.CheckLeastSquares(m, n, nrhs, a.Length, lda, b.Length, ldb);
        if (n == 0 || nrhs == 0) return;
        var tau = new double[n];
        QrFactor(m, n, a, lda, tau);
        for (int i = 0; i < n; i++)
            if (a[i + i * lda] == 0) throw new SingularMatrixException(i, "the QR factor R");
        ApplyQ(Transpose.Yes, m, nrhs, n, a, lda, tau, b, ldb);
        for (int j = 0; j < nrhs; j++)
            TriangularSolveVector(Triangle.Upper, Transpose.No, false, n, a, lda, b, j * ldb, 1);
    }

    /// <inheritdoc/>
    public void Svd(int m, int n, Span<double> a, int lda, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        DenseChecks.CheckSvd(m, n, a.Length, lda, s.Length, u.Length, ldu, vt.Length, ldvt);
        int p = Math.Min(m, n);
        if (p == 0) return;
        if (!AllFinite(a, m, n, lda))
        {
            s[..p].Fill(double.NaN);
            FillMatrix(u, m, p, ldu, double.NaN);
            FillMatrix(vt, p, n, ldvt, double.NaN);
            return;
        }

        if (m >= n)
        {
            SvdTall(m, n, Pack(a, m, n, lda), s, u, ldu, vt, ldvt);
        }
        else
        {
            // A = (Aᵀ)ᵀ: the SVD Aᵀ = U'·S·V'ᵀ gives U = V' and Vᵀ = U'ᵀ.
            var at = new double[n * m];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++) at[j + i * n] = a[i + j * lda];
            var ut = new double[n * m];
            var vtt = new double[m * m];
            SvdTall(n, m, at, s, ut, n, vtt, m);
            for (int j = 0; j < m; j++)
                for (int i = 0; i < m; i++) u[i + j * ldu] = vtt[j + i * m];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++) vt[i + j * ldvt] = ut[j + i * n];
        }
    }

    /// <inheritdoc/>
    public void SymmetricEigen(Triangle triangle, int n, Span<double> a, int lda, Span<double> w)
    {
        DenseChecks.CheckSymmetricEigen(triangle, n, a.Length, lda, w.Length);
        if (n == 0) return;
        var full = new double[n * n];
        bool finite = true;
        for (int j = 0; j < n; j++)
        {
            int i0 = triangle == Triangle.Lower ? j : 0, i1 = triangle == Triangle.Lower ? n : j + 1;
            for (int i = i0; i < i1; i++)
            {
                double v = a[i + j * lda];
                finite &= double.IsFinite(v);
                full[i + j * n] = v;
                full[j + i * n] = v;
            }
        }

        if (!finite)
        {
            w[..n].Fill(double.NaN);
            FillMatrix(a, n, n, lda, double.NaN);
            return;
        }

        // MathNet's tridiagonal QL breaks down (IndexOutOfRange) on entries near the overflow threshold: scale A to
        // max |a_ij| = 1 first (eigenvectors unchanged, eigenvalues scale back), as LAPACK's dsyev does.
        double maxAbs = 0;
        foreach (double v in full) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        double scale = maxAbs > 0 ? maxAbs : 1;
        if (scale != 1)
        {
            for (int i = 0; i < full.Length; i++) full[i] /= scale;
        }

        var vectors = new double[n * n];
        var values = new Complex[n];
        var blockDiagonal = new double[n * n];
        _provider.EigenDecomp(true, n, full, vectors, values, blockDiagonal);
        int[] order = SortedOrder(n, i => values[i].Real, descending: false);
        for (int j = 0; j < n; j++)
        {
            int src = order[j];
            w[j] = values[src].Real * scale;
            vectors.AsSpan(src * n, n).CopyTo(a.Slice(j * lda, n));
        }
    }

    /// <summary>The thin SVD of a packed tall (m ≥ n ≥ 1) matrix: QR first when m &gt; n, then MathNet on the n×n R.</summary>
    private void SvdTall(int m, int n, double[] packed, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        double[] core;
        double[]? tau = null;
        if (m > n)
        {
            tau = new double[n];
            QrFactor(m, n, packed, m, tau);
            core = new double[n * n];
            for (int j = 0; j < n; j++)
                for (int i = 0; i <= j; i++) core[i + j * n] = packed[i + j * m];
        }
        else
        {
            core = packed;
        }

        var sv = new double[n];
        var uc = new double[n * n];
        var vtc = new double[n * n];
        _provider.SingularValueDecomposition(true, core, n, n, sv, uc, vtc);

        // Descending, non-negative (a negative value flips its left vector).
        int[] order = SortedOrder(n, i => Math.Abs(sv[i]), descending: true);
        if (tau is null)
        {
            for (int j = 0; j < n; j++)
            {
                int src = order[j];
                double sign = sv[src] < 0 ? -1 : 1;
                s[j] = Math.Abs(sv[src]);
                for (int i = 0; i < n; i++) u[i + j * ldu] = sign * uc[i + src * n];
                for (int c = 0; c < n; c++) vt[j + c * ldvt] = vtc[src + c * n];
            }

            return;
        }

        // U = Q·[U_R; 0].
        var full = new double[m * n];
        for (int j = 0; j < n; j++)
        {
            int src = order[j];
            double sign = sv[src] < 0 ? -1 : 1;
            s[j] = Math.Abs(sv[src]);
            for (int i = 0; i < n; i++) full[i + j * m] = sign * uc[i + src * n];
            for (int c = 0; c < n; c++) vt[j + c * ldvt] = vtc[src + c * n];
        }

        ApplyQ(Transpose.No, m, n, n, packed, m, tau, full, m);
        Unpack(full, u, m, n, ldu);
    }

    /// <summary>
    /// dlarfg on x = (α, x₂…): on exit x holds (β, v₂…) and the return value is τ, so that
    /// H = I − τ·v·vᵀ with v = (1, v₂…) maps x to (β, 0…).
    /// </summary>
    private static double GenerateReflector(Span<double> x)
    {
        if (x.Length <= 1) return 0;
        double alpha = x[0];
        Span<double> tail = x[1..];
        double xnorm = Norm2(tail);
        if (xnorm == 0) return 0;
        double beta = -Math.CopySign(Hypot(alpha, xnorm), alpha);
        int knt = 0;
        if (Math.Abs(beta) < ReflectorSafeMin)
        {
            // xnorm and beta may be inaccurate: scale x up and recompute them (dlarfg).
            do
            {
                knt++;
                for (int i = 0; i < tail.Length; i++) tail[i] *= 1.0 / ReflectorSafeMin;
                beta *= 1.0 / ReflectorSafeMin;
                alpha *= 1.0 / ReflectorSafeMin;
            }
            while (Math.Abs(beta) < ReflectorSafeMin && knt < 20);

            xnorm = Norm2(tail);
            beta = -Math.CopySign(Hypot(alpha, xnorm), alpha);
        }

        double tau = (beta - alpha) / beta;
        double scale = 1.0 / (alpha - beta);
        for (int i = 0; i < tail.Length; i++) tail[i] *= scale;
        for (int j = 0; j < knt; j++) beta *= ReflectorSafeMin;
        x[0] = beta;
        return tau;
    }

    /// <summary>c ← (I − τ·v·vᵀ)·c with v = (1, stored[1..]) (the first stored entry is R's, not v's).</summary>
    private static void ApplyReflector(ReadOnlySpan<double> stored, double tau, Span<double> c)
    {
        double w = c[0];
        for (int i = 1; i < c.Length; i++) w += stored[i] * c[i];
        double t = tau * w;
        c[0] -= t;
        for (int i = 1; i < c.Length; i++) c[i] -= stored[i] * t;
    }

    /// <summary>Solves op(A)·x = b in place for the order-n triangular A; x starts at <paramref name="offset"/> with stride <paramref name="inc"/>.</summary>
    private static void TriangularSolveVector(Triangle triangle, Transpose trans, bool unit, int n, ReadOnlySpan<double> a, int lda,
        Span<double> x, int offset, int inc)
    {
        bool lower = triangle == Triangle.Lower;
        if (trans == Transpose.No)
        {
            // Column sweep: x_j is final once divided, then removed from the rows still to come.
            if (lower)
            {
                for (int j = 0; j < n; j++)
                {
                    ref double xj = ref x[offset + j * inc];
                    if (!unit) xj /= a[j + j * lda];
                    double t = xj;
                    if (t == 0) continue;
                    for (int i = j + 1; i < n; i++) x[offset + i * inc] -= t * a[i + j * lda];
                }
            }
            else
            {
                for (int j = n - 1; j >= 0; j--)
                {
                    ref double xj = ref x[offset + j * inc];
                    if (!unit) xj /= a[j + j * lda];
                    double t = xj;
                    if (t == 0) continue;
                    for (int i = 0; i < j; i++) x[offset + i * inc] -= t * a[i + j * lda];
                }
            }
        }
        else
        {
            // Dot form on the columns of A: op(A)(i, :) = A(:, i)ᵀ.
            if (lower)
            {
                for (int i = n - 1; i >= 0; i--)
                {
                    double s = x[offset + i * inc];
                    for (int p = i + 1; p < n; p++) s -= a[p + i * lda] * x[offset + p * inc];
                    if (!unit) s /= a[i + i * lda];
                    x[offset + i * inc] = s;
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    double s = x[offset + i * inc];
                    for (int p = 0; p < i; p++) s -= a[p + i * lda] * x[offset + p * inc];
                    if (!unit) s /= a[i + i * lda];
                    x[offset + i * inc] = s;
                }
            }
        }
    }

    private static void SwapRows(Span<double> b, int nrhs, int ldb, ReadOnlySpan<int> pivots, int n, bool forward)
    {
        for (int s = 0; s < n; s++)
        {
            int i = forward ? s : n - 1 - s;
            int p = pivots[i];
            if (p == i) continue;
            for (int j = 0; j < nrhs; j++)
                (b[i + j * ldb], b[p + j * ldb]) = (b[p + j * ldb], b[i + j * ldb]);
        }
    }

    private static void CheckDiagonal(ReadOnlySpan<double> a, int n, int lda, string what)
    {
        for (int i = 0; i < n; i++)
            if (a[i + i * lda] == 0) throw new SingularMatrixException(i, what);
    }

    private static void ScaleMatrix(Span<double> c, int m, int n, int ldc, double beta)
    {
        if (beta == 1) return;
        for (int j = 0; j < n; j++)
        {
            Span<double> cj = c.Slice(j * ldc, m);
            if (beta == 0) cj.Clear();
            else for (int i = 0; i < m; i++) cj[i] *= beta;
        }
    }

    private static void FillMatrix(Span<double> c, int m, int n, int ldc, double value)
    {
        for (int j = 0; j < n; j++) c.Slice(j * ldc, m).Fill(value);
    }

    private static bool AllFinite(ReadOnlySpan<double> a, int m, int n, int lda)
    {
        for (int j = 0; j < n; j++)
        {
            ReadOnlySpan<double> col = a.Slice(j * lda, m);
            for (int i = 0; i < m; i++)
                if (!double.IsFinite(col[i])) return false;
        }

        return true;
    }

    private static double[] Pack(ReadOnlySpan<double> a, int rows, int cols, int ld)
    {
        var packed = new double[rows * cols];
        for (int j = 0; j < cols; j++) a.Slice(j * ld, rows).CopyTo(packed.AsSpan(j * rows, rows));
        return packed;
    }

    private static void Unpack(double[] packed, Span<double> a, int rows, int cols, int ld)
    {
        for (int j = 0; j < cols; j++) packed.AsSpan(j * rows, rows).CopyTo(a.Slice(j * ld, rows));
    }

    private static MnTranspose ToMathNet(Transpose t) => t == Transpose.No ? MnTranspose.DontTranspose : MnTranspose.Transpose;

    /// <summary>The Euclidean norm with scaling against overflow (dnrm2's result up to rounding).</summary>
    private static double Norm2(ReadOnlySpan<double> x)
    {
        double scale = 0, ssq = 1;
        foreach (double v in x)
        {
            if (v == 0) continue;
            double av = Math.Abs(v);
            if (double.IsNaN(av)) return double.NaN;
            if (scale < av)
            {
                double r = scale / av;
                ssq = 1 + ssq * r * r;
                scale = av;
            }
            else
            {
                double r = av / scale;
                ssq += r * r;
            }
        }

        return scale * Math.Sqrt(ssq);
    }

    /// <summary>sqrt(x² + y²) without overflow (dlapy2).</summary>
    private static double Hypot(double x, double y)
    {
        if (double.IsNaN(x) || double.IsNaN(y)) return double.NaN;
        double xa = Math.Abs(x), ya = Math.Abs(y);
        double w = Math.Max(xa, ya), z = Math.Min(xa, ya);
        if (z == 0 || double.IsInfinity(w)) return w;
        double q = z / w;
        return w * Math.Sqrt(1 + q * q);
    }

    /// <summary>The indices 0…n−1 stably sorted by key (ties keep MathNet's order).</summary>
    private static int[] SortedOrder(int n, Func<int, double> key, bool descending)
    {
        IEnumerable<int> indices = Enumerable.Range(0, n);
        return (descending ? indices.OrderByDescending(key) : indices.OrderBy(key)).ToArray();
    }
}
