using System.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;
using Solvers.Dense;
using Transpose = Solvers.Dense.Transpose;

namespace Solvers.Tests.Dense;

/// <summary>
/// A test-only IDenseBackend written from the definitions (triple loops, unblocked Householder QR), with SVD and the
/// symmetric eigenproblem taken from MathNet's managed provider instance (never through LinearAlgebraControl, so it stays
/// usable while the adapter is installed). Slow and exact enough for the self-test; lets the selection and adapter tests
/// run on a branch where no real backend is registered.
/// </summary>
internal class ReferenceDenseBackend(string name = "reference") : IDenseBackend
{
    public string Name { get; } = name;

    public virtual string Description => $"test reference backend ({Name})";

    private static double Op(ReadOnlySpan<double> a, int ld, Transpose t, int i, int j) => t == Transpose.No ? a[i + j * ld] : a[j + i * ld];

    public virtual void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += Op(a, lda, transA, i, p) * Op(b, ldb, transB, p, j);
                c[i + j * ldc] = beta == 0 ? alpha * s : alpha * s + beta * c[i + j * ldc];
            }
    }

    public void Gemv(Transpose transA, int m, int n, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> x, double beta, Span<double> y)
    {
        int rows = transA == Transpose.No ? m : n, cols = transA == Transpose.No ? n : m;
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int p = 0; p < cols; p++) s += Op(a, lda, transA, i, p) * x[p];
            y[i] = beta == 0 ? alpha * s : alpha * s + beta * y[i];
        }
    }

    public void Syrk(Triangle triangle, Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = triangle == Triangle.Lower ? j : 0; i < (triangle == Triangle.Lower ? n : j + 1); i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += Op(a, lda, trans, i, p) * Op(a, lda, trans, j, p);
                c[i + j * ldc] = beta == 0 ? alpha * s : alpha * s + beta * c[i + j * ldc];
            }
    }

    public void TriangularSolve(Side side, Triangle triangle, Transpose transA, Diagonal diagonal, int m, int n, double alpha, ReadOnlySpan<double> a, int lda,
        Span<double> b, int ldb)
    {
        int na = side == Side.Left ? m : n;
        // T = op(A) as an explicit dense matrix; the effective triangle flips with the transpose.
        var t = new double[na * na];
        for (int j = 0; j < na; j++)
            for (int i = 0; i < na; i++)
            {
                bool inTriangle = triangle == Triangle.Lower ? i >= j : i <= j;
                if (!inTriangle) continue;
                double v = i == j && diagonal == Diagonal.Unit ? 1.0 : a[i + j * lda];
                if (transA == Transpose.No) t[i + j * na] = v;
                else t[j + i * na] = v;
            }

        bool lower = (triangle == Triangle.Lower) == (transA == Transpose.No);
        for (int i = 0; i < na; i++)
            if (t[i + i * na] == 0) throw new SingularMatrixException(i, "the triangular matrix");
        if (side == Side.Left)
        {
            for (int c = 0; c < n; c++)
            {
                var col = new double[m];
                for (int i = 0; i < m; i++) col[i] = alpha * b[i + c * ldb];
                Substitute(t, na, lower, col);
                for (int i = 0; i < m; i++) b[i + c * ldb] = col[i];
            }
        }
        else
        {
            // X·T = αB  ⇔  Tᵀ·Xᵀ = αBᵀ, row by row.
            var tt = new double[na * na];
            for (int j = 0; j < na; j++)
                for (int i = 0; i < na; i++) tt[j + i * na] = t[i + j * na];
            for (int r = 0; r < m; r++)
            {
                var row = new double[n];
                for (int j = 0; j < n; j++) row[j] = alpha * b[r + j * ldb];
                Substitute(tt, na, !lower, row);
                for (int j = 0; j < n; j++) b[r + j * ldb] = row[j];
            }
        }
    }

    private static void Substitute(double[] t, int n, bool lower, double[] x)
    {
        if (lower)
            for (int i = 0; i < n; i++)
            {
                double s = x[i];
                for (int p = 0; p < i; p++) s -= t[i + p * n] * x[p];
                x[i] = s / t[i + i * n];
            }
        else
            for (int i = n - 1; i >= 0; i--)
            {
                double s = x[i];
                for (int p = i + 1; p < n; p++) s -= t[i + p * n] * x[p];
                x[i] = s / t[i + i * n];
            }
    }

    public void CholeskyFactor(Triangle triangle, int n, Span<double> a, int lda)
    {
        // Work on L (lower) = Uᵀ (upper): entry (i, j), i ≥ j, of L lives at (i, j) or (j, i).
        int Idx(int i, int j) => triangle == Triangle.Lower ? i + j * lda : j + i * lda;
        for (int j = 0; j < n; j++)
        {
            double d = a[Idx(j, j)];
            for (int p = 0; p < j; p++) d -= a[Idx(j, p)] * a[Idx(j, p)];
            if (!(d > 0)) throw new NotPositiveDefiniteException(j, d);
            double l = Math.Sqrt(d);
            a[Idx(j, j)] = l;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[Idx(i, j)];
                for (int p = 0; p < j; p++) s -= a[Idx(i, p)] * a[Idx(j, p)];
                a[Idx(i, j)] = s / l;
            }
        }
    }

    public void CholeskyInverse(Triangle triangle, int n, Span<double> factor, int lda)
    {
        // A = M·Mᵀ with M = L (lower) or Uᵀ (upper), so A⁻¹ = M⁻ᵀ·M⁻¹ = Xᵀ·X with X = M⁻¹ (lower triangular).
        int Idx(int i, int j) => triangle == Triangle.Lower ? i + j * lda : j + i * lda;
        for (int i = 0; i < n; i++)
            if (factor[Idx(i, i)] == 0) throw new SingularMatrixException(i, "the Cholesky factor");
        var x = new double[n * n];
        for (int c = 0; c < n; c++)
        {
            // Column c of X: forward substitution M·x = e_c.
            for (int i = c; i < n; i++)
            {
                double s = i == c ? 1 : 0;
                for (int p = c; p < i; p++) s -= factor[Idx(i, p)] * x[p + c * n];
                x[i + c * n] = s / factor[Idx(i, i)];
            }
        }

        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++)
            {
                // (Xᵀ·X)(i, j), i ≥ j: X(k, i)·X(k, j) is non-zero only for k ≥ i.
                double s = 0;
                for (int k = i; k < n; k++) s += x[k + i * n] * x[k + j * n];
                factor[Idx(i, j)] = s;
            }
    }

    public void CholeskySolve(Triangle triangle, int n, int nrhs, ReadOnlySpan<double> factor, int lda, Span<double> b, int ldb)
    {
        var tr = triangle == Triangle.Lower ? Transpose.No : Transpose.Yes;
        var other = tr == Transpose.No ? Transpose.Yes : Transpose.No;
        TriangularSolve(Side.Left, triangle, tr, Diagonal.NonUnit, n, nrhs, 1.0, factor, lda, b, ldb);
        TriangularSolve(Side.Left, triangle, other, Diagonal.NonUnit, n, nrhs, 1.0, factor, lda, b, ldb);
    }

    public void LuFactor(int m, int n, Span<double> a, int lda, Span<int> pivots)
    {
        int k = Math.Min(m, n), zero = -1;
        for (int j = 0; j < k; j++)
        {
            int p = j;
            for (int i = j + 1; i < m; i++)
                if (Math.Abs(a[i + j * lda]) > Math.Abs(a[p + j * lda])) p = i;
            pivots[j] = p;
            if (p != j)
                for (int c = 0; c < n; c++) (a[j + c * lda], a[p + c * lda]) = (a[p + c * lda], a[j + c * lda]);
            double d = a[j + j * lda];
            if (d == 0)
            {
                if (zero < 0) zero = j;
                continue;
            }

            for (int i = j + 1; i < m; i++) a[i + j * lda] /= d;
            for (int c = j + 1; c < n; c++)
                for (int i = j + 1; i < m; i++) a[i + c * lda] -= a[i + j * lda] * a[j + c * lda];
        }

        if (zero >= 0) throw new SingularMatrixException(zero, "U");
    }

    public void LuSolve(Transpose trans, int n, int nrhs, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<int> pivots, Span<double> b, int ldb)
    {
        if (trans == Transpose.No)
        {
            for (int i = 0; i < n; i++)
                if (pivots[i] != i)
                    for (int c = 0; c < nrhs; c++) (b[i + c * ldb], b[pivots[i] + c * ldb]) = (b[pivots[i] + c * ldb], b[i + c * ldb]);
            TriangularSolve(Side.Left, Triangle.Lower, Transpose.No, Diagonal.Unit, n, nrhs, 1.0, factor, lda, b, ldb);
            TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, n, nrhs, 1.0, factor, lda, b, ldb);
        }
        else
        {
            TriangularSolve(Side.Left, Triangle.Upper, Transpose.Yes, Diagonal.NonUnit, n, nrhs, 1.0, factor, lda, b, ldb);
            TriangularSolve(Side.Left, Triangle.Lower, Transpose.Yes, Diagonal.Unit, n, nrhs, 1.0, factor, lda, b, ldb);
            for (int i = n - 1; i >= 0; i--)
                if (pivots[i] != i)
                    for (int c = 0; c < nrhs; c++) (b[i + c * ldb], b[pivots[i] + c * ldb]) = (b[pivots[i] + c * ldb], b[i + c * ldb]);
        }
    }

    public void QrFactor(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        int k = Math.Min(m, n);
        for (int j = 0; j < k; j++)
        {
            double alpha = a[j + j * lda], xnorm = 0;
            for (int i = j + 1; i < m; i++) xnorm = double.Hypot(xnorm, a[i + j * lda]);
            if (xnorm == 0)
            {
                tau[j] = 0;
                continue;
            }

            double beta = -Math.CopySign(double.Hypot(alpha, xnorm), alpha);
            tau[j] = (beta - alpha) / beta;
            double scale = 1.0 / (alpha - beta);
            for (int i = j + 1; i < m; i++) a[i + j * lda] *= scale;
            a[j + j * lda] = beta;
            for (int c = j + 1; c < n; c++) Reflect(m, j, a, lda, tau[j], a[(c * lda)..], 0);
        }
    }

    /// <summary>Applies H = I − τ·v·vᵀ (v from column <paramref name="j"/> of the factor, v_j = 1) to one column of c.</summary>
    private static void Reflect(int m, int j, ReadOnlySpan<double> f, int lda, double tau, Span<double> c, int offset)
    {
        if (tau == 0) return;
        double s = c[offset + j];
        for (int i = j + 1; i < m; i++) s += f[i + j * lda] * c[offset + i];
        s *= tau;
        c[offset + j] -= s;
        for (int i = j + 1; i < m; i++) c[offset + i] -= s * f[i + j * lda];
    }

    public void ApplyQ(Transpose trans, int m, int n, int k, ReadOnlySpan<double> factor, int lda, ReadOnlySpan<double> tau, Span<double> c, int ldc)
    {
        for (int col = 0; col < n; col++)
        {
            if (trans == Transpose.Yes)
                for (int j = 0; j < k; j++) Reflect(m, j, factor, lda, tau[j], c, col * ldc);
            else
                for (int j = k - 1; j >= 0; j--) Reflect(m, j, factor, lda, tau[j], c, col * ldc);
        }
    }

    public void LeastSquares(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        var tau = new double[n];
        QrFactor(m, n, a, lda, tau);
        ApplyQ(Transpose.Yes, m, nrhs, n, a, lda, tau, b, ldb);
        TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
    }

    public void Svd(int m, int n, Span<double> a, int lda, Span<double> s, Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        int k = Math.Min(m, n);
        var packed = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) packed[i + j * m] = a[i + j * lda];
        var sFull = new double[k];
        var uFull = new double[m * m];
        var vtFull = new double[n * n];
        ManagedLinearAlgebraProvider.Instance.SingularValueDecomposition(true, packed, m, n, sFull, uFull, vtFull);
        sFull.CopyTo(s);
        for (int j = 0; j < k; j++)
            for (int i = 0; i < m; i++) u[i + j * ldu] = uFull[i + j * m];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < k; i++) vt[i + j * ldvt] = vtFull[i + j * n];
    }

    public void SymmetricEigen(Triangle triangle, int n, Span<double> a, int lda, Span<double> w)
    {
        var full = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                bool stored = triangle == Triangle.Lower ? i >= j : i <= j;
                full[i + j * n] = stored ? a[i + j * lda] : a[j + i * lda];
            }

        var ev = new double[n * n];
        var lambda = new Complex[n];
        ManagedLinearAlgebraProvider.Instance.EigenDecomp(true, n, full, ev, lambda, new double[n * n]);
        for (int i = 0; i < n; i++) w[i] = lambda[i].Real;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) a[i + j * lda] = ev[i + j * n];
    }
}

/// <summary>A reference backend whose gemm is wrong in the sixth digit: it must fail the self-test and never be switched in.</summary>
internal sealed class BrokenGemmBackend(string name) : ReferenceDenseBackend(name)
{
    public override string Description => $"broken test backend ({Name})";

    public override void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        base.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if (m > 0 && n > 0) c[0] += 1e-6 * (1 + Math.Abs(c[0]));
    }
}
