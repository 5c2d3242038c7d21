using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;
using MathTranspose = MathNet.Numerics.Providers.LinearAlgebra.Transpose;

namespace Solvers.Dense;

/// <summary>
/// Offers an <see cref="IDenseBackend"/> to MathNet.Numerics as its linear-algebra provider (DESIGN §5), so that MathNet
/// <c>Matrix&lt;double&gt;</c> products and factorizations run on the same native library as the suite.
/// </summary>
/// <remarks>
/// <para>MathNet stores matrices column-major, like the backend. Forwarded (double precision only), each mapping exactly
/// onto MathNet's contract for the managed provider, so that a factor produced by either provider can be used by the other:</para>
/// <list type="bullet">
/// <item><c>MatrixMultiply</c>, <c>MatrixMultiplyWithUpdate</c> → gemm (an output that aliases an input goes through a temporary);</item>
/// <item><c>CholeskyFactor</c> (L in the lower triangle, the upper one zeroed, as MathNet does), <c>CholeskySolve</c>,
/// <c>CholeskySolveFactored</c>; a matrix that is not positive definite throws <see cref="ArgumentException"/> like the managed provider;</item>
/// <item><c>LUFactor</c>, <c>LUSolve</c>, <c>LUSolveFactored</c> (0-based sequential row interchanges, the format both use;
/// an exactly singular U is returned, not thrown, as the managed provider does);</item>
/// <item><c>QRFactor</c> / <c>ThinQRFactor</c> for rows ≥ columns: explicit Q and a clean upper-triangular R (zeros below
/// the diagonal), which is what the managed provider returns and what <c>QRSolveFactored</c> consumes; <c>tau</c> receives
/// the Householder scalars. <c>QRSolveFactored</c> computes R⁻¹·(Q₁ᵀ·B) from those Q and R with gemm and a triangular
/// solve, <c>QRSolve</c> is the backend's least squares. An R with an exact zero on its diagonal goes to the managed
/// provider (which then produces its usual non-finite result);</item>
/// <item><c>SingularValueDecomposition</c> when only singular values are wanted, or when A is square (thin = full SVD);
/// MathNet asks for the full m×m U and n×n Vᵀ, so rectangular matrices with vectors go to the managed provider;</item>
/// <item><c>EigenDecomp</c> for symmetric matrices (ascending eigenvalues, orthonormal eigenvectors, diagonal D).</item>
/// </list>
/// <para>Everything else (inverse, SVD solve, norms, vector arithmetic, general eigenproblems, wide QR, and all of
/// <c>float</c>, <c>Complex</c> and <c>Complex32</c>) is delegated to MathNet's managed provider. Eigen- and singular
/// vectors are unique only up to sign, so they may differ in sign from the managed provider's.</para>
/// <para><see cref="InitializeVerify"/> (called by MathNet when the provider is installed) runs
/// <see cref="DenseBackendSelfTest"/> once and refuses a backend that fails it.</para>
/// </remarks>
public sealed class DenseBackendLinearAlgebraProvider : ILinearAlgebraProvider
{
    private readonly ManagedLinearAlgebraProvider _managed = ManagedLinearAlgebraProvider.Instance;
    private readonly Lock _verifyGate = new();
    private DenseSelfTestResult? _selfTest;

    /// <summary>Creates the provider over <paramref name="backend"/>.</summary>
    public DenseBackendLinearAlgebraProvider(IDenseBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
    }

    /// <summary>The backend the double-precision operations run on.</summary>
    public IDenseBackend Backend { get; }

    /// <summary>Installs a provider over <paramref name="backend"/> as <see cref="LinearAlgebraControl.Provider"/> (process-wide).</summary>
    /// <exception cref="NotSupportedException">The backend fails its self-test; the previous provider stays.</exception>
    public static void UseForMathNet(IDenseBackend backend)
    {
        var provider = new DenseBackendLinearAlgebraProvider(backend);
        provider.InitializeVerify();
        LinearAlgebraControl.Provider = provider;
    }

    /// <inheritdoc />
    public bool IsAvailable() => true;

    /// <summary>Runs the self-test once.</summary>
    /// <exception cref="NotSupportedException">The backend fails it.</exception>
    public void InitializeVerify()
    {
        lock (_verifyGate) _selfTest ??= DenseBackendSelfTest.Run(Backend);
        if (!_selfTest.Passed)
            throw new NotSupportedException($"Dense backend {Backend.Name} failed its self-test and cannot serve MathNet: {_selfTest}");
    }

    /// <inheritdoc />
    public void FreeResources() => _managed.FreeResources();

    /// <inheritdoc />
    public override string ToString() => $"Solvers dense backend {Backend.Name} ({Backend.Description}); managed for the rest";

    private static Transpose Map(MathTranspose t) => t == MathTranspose.DontTranspose ? Transpose.No : Transpose.Yes;

    // ---- double: forwarded ---------------------------------------------------------------------------------------

    /// <inheritdoc />
    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result) =>
        MatrixMultiplyWithUpdate(MathTranspose.DontTranspose, MathTranspose.DontTranspose, 1.0, x, rowsX, columnsX, y, rowsY, columnsY, 0.0, result);

    /// <inheritdoc />
    public void MatrixMultiplyWithUpdate(MathTranspose transposeA, MathTranspose transposeB, double alpha, double[] a, int rowsA, int columnsA,
        double[] b, int rowsB, int columnsB, double beta, double[] c)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        var ta = Map(transposeA);
        var tb = Map(transposeB);
        int m = ta == Transpose.No ? rowsA : columnsA;
        int k = ta == Transpose.No ? columnsA : rowsA;
        int kb = tb == Transpose.No ? rowsB : columnsB;
        int n = tb == Transpose.No ? columnsB : rowsB;
        if (k != kb) throw new ArgumentException($"Matrix dimensions must agree: op(A) is {m}×{k}, op(B) is {kb}×{n}.");
        if (c.Length != (long)m * n) throw new ArgumentException($"The result array has length {c.Length}; a {m}×{n} result needs {(long)m * n}.", nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            // An empty inner dimension: C ← β·C (β = 0 clears, as BLAS does without reading C).
            if (beta == 0) Array.Clear(c);
            else if (beta != 1) for (int i = 0; i < c.Length; i++) c[i] *= beta;
            return;
        }

        if (ReferenceEquals(c, a) || ReferenceEquals(c, b))
        {
            var tmp = (double[])c.Clone();
            Backend.Gemm(ta, tb, m, n, k, alpha, a, Math.Max(1, rowsA), b, Math.Max(1, rowsB), beta, tmp, Math.Max(1, m));
            tmp.CopyTo(c, 0);
            return;
        }

        Backend.Gemm(ta, tb, m, n, k, alpha, a, Math.Max(1, rowsA), b, Math.Max(1, rowsB), beta, c, Math.Max(1, m));
    }

    /// <inheritdoc />
    public void CholeskyFactor(double[] a, int order)
    {
        ArgumentNullException.ThrowIfNull(a);
        try
        {
            Backend.CholeskyFactor(Triangle.Lower, order, a, Math.Max(1, order));
        }
        catch (NotPositiveDefiniteException e)
        {
            throw new ArgumentException("Matrix must be positive definite. " + e.Message, nameof(a), e);
        }

        for (int j = 1; j < order; j++) Array.Clear(a, j * order, j);
    }

    /// <inheritdoc />
    public void CholeskySolve(double[] a, int orderA, double[] b, int columnsB)
    {
        ArgumentNullException.ThrowIfNull(a);
        var f = (double[])a.Clone();
        CholeskyFactor(f, orderA);
        CholeskySolveFactored(f, orderA, b, columnsB);
    }

    /// <inheritdoc />
    public void CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB) =>
        Backend.CholeskySolve(Triangle.Lower, orderA, columnsB, a, Math.Max(1, orderA), b, Math.Max(1, orderA));

    /// <inheritdoc />
    public void LUFactor(double[] data, int order, int[] ipiv)
    {
        try
        {
            Backend.LuFactor(order, order, data, Math.Max(1, order), ipiv);
        }
        catch (SingularMatrixException)
        {
            // The factorization is complete; MathNet reports singularity through the determinant, not here.
        }
    }

    /// <inheritdoc />
    public void LUSolve(int columnsOfB, double[] a, int order, double[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        var f = (double[])a.Clone();
        var ipiv = new int[order];
        LUFactor(f, order, ipiv);
        LUSolveFactored(columnsOfB, f, order, ipiv, b);
    }

    /// <inheritdoc />
    public void LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b) =>
        Backend.LuSolve(Transpose.No, order, columnsOfB, a, Math.Max(1, order), ipiv, b, Math.Max(1, order));

    /// <inheritdoc />
    public void QRFactor(double[] a, int rowsA, int columnsA, double[] q, double[] tau)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(q);
        if (rowsA < columnsA)
        {
            _managed.QRFactor(a, rowsA, columnsA, q, tau);
            return;
        }

        int m = rowsA, n = columnsA, ld = Math.Max(1, m);
        Backend.QrFactor(m, n, a, ld, tau);
        Array.Clear(q);
        for (int i = 0; i < m; i++) q[i + i * m] = 1.0;
        Backend.ApplyQ(Transpose.No, m, m, n, a, ld, tau, q, ld);
        for (int j = 0; j < n; j++) Array.Clear(a, j * m + j + 1, m - j - 1);
    }

    /// <inheritdoc />
    public void ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(r);
        if (rowsA < columnsA)
        {
            _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
            return;
        }

        int m = rowsA, n = columnsA, ld = Math.Max(1, m);
        Backend.QrFactor(m, n, a, ld, tau);
        Array.Clear(r);
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++) r[i + j * n] = a[i + j * m];
        var factor = (double[])a.Clone();
        Array.Clear(a);
        for (int i = 0; i < n; i++) a[i + i * m] = 1.0;
        Backend.ApplyQ(Transpose.No, m, n, n, factor, ld, tau, a, ld);
    }

    /// <inheritdoc />
    public void QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau, double[] b, int columnsB, double[] x,
        QRMethod method = QRMethod.Full)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(x);
        int m = rowsA, n = columnsA;
        if (m < n)
        {
            _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
            return;
        }

        int ldr = method == QRMethod.Full ? m : n;
        if (r.Length < (long)ldr * n || q.Length < (long)m * n)
            throw new ArgumentException($"QR factors too short for a {m}×{n} {method} factorization.");
        var y = new double[(long)n * columnsB];
        Backend.Gemm(Transpose.Yes, Transpose.No, n, columnsB, m, 1.0, q, Math.Max(1, m), b, Math.Max(1, m), 0.0, y, Math.Max(1, n));
        try
        {
            Backend.TriangularSolve(Side.Left, Triangle.Upper, Transpose.No, Diagonal.NonUnit, n, columnsB, 1.0, r, Math.Max(1, ldr), y, Math.Max(1, n));
        }
        catch (SingularMatrixException)
        {
            _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
            return;
        }

        if (x.Length != y.Length) throw new ArgumentException($"x has length {x.Length}; the {n}×{columnsB} solution needs {y.Length}.", nameof(x));
        y.CopyTo(x, 0);
    }

    /// <inheritdoc />
    public void QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x, QRMethod method = QRMethod.Full)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(x);
        if (rows < columns)
        {
            _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
            return;
        }

        var f = (double[])a.Clone();
        var w = (double[])b.Clone();
        try
        {
            Backend.LeastSquares(rows, columns, columnsB, f, Math.Max(1, rows), w, Math.Max(1, rows));
        }
        catch (SingularMatrixException)
        {
            _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
            return;
        }

        for (int j = 0; j < columnsB; j++) Array.Copy(w, (long)j * rows, x, (long)j * columns, columns);
    }

    /// <inheritdoc />
    public void SingularValueDecomposition(bool computeVectors, double[] a, int rowsA, int columnsA, double[] s, double[] u, double[] vt)
    {
        ArgumentNullException.ThrowIfNull(a);
        int m = rowsA, n = columnsA, k = Math.Min(m, n);
        if (!computeVectors)
        {
            Backend.Svd(m, n, a, Math.Max(1, m), s, new double[(long)m * k], Math.Max(1, m), new double[(long)k * n], Math.Max(1, k));
            return;
        }

        if (m != n)
        {
            _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
            return;
        }

        Backend.Svd(m, n, a, Math.Max(1, m), s, u, Math.Max(1, m), vt, Math.Max(1, n));
    }

    /// <inheritdoc />
    public void EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv, Complex[] vectorEv, double[] matrixD)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(matrixEv);
        ArgumentNullException.ThrowIfNull(vectorEv);
        ArgumentNullException.ThrowIfNull(matrixD);
        if (!isSymmetric)
        {
            _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
            return;
        }

        Array.Copy(matrix, matrixEv, (long)order * order);
        var w = new double[order];
        Backend.SymmetricEigen(Triangle.Lower, order, matrixEv, Math.Max(1, order), w);
        Array.Clear(matrixD);
        for (int i = 0; i < order; i++)
        {
            vectorEv[i] = new Complex(w[i], 0);
            matrixD[i + i * order] = w[i];
        }
    }

    // ---- double: delegated ---------------------------------------------------------------------------------------

    /// <inheritdoc />
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc />
    public void ScaleArray(double alpha, double[] x, double[] result) => _managed.ScaleArray(alpha, x, result);

    /// <inheritdoc />
    public void ConjugateArray(double[] x, double[] result) => _managed.ConjugateArray(x, result);

    /// <inheritdoc />
    public double DotProduct(double[] x, double[] y) => _managed.DotProduct(x, y);

    /// <inheritdoc />
    public void AddArrays(double[] x, double[] y, double[] result) => _managed.AddArrays(x, y, result);

    /// <inheritdoc />
    public void SubtractArrays(double[] x, double[] y, double[] result) => _managed.SubtractArrays(x, y, result);

    /// <inheritdoc />
    public void PointWiseMultiplyArrays(double[] x, double[] y, double[] result) => _managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc />
    public void PointWiseDivideArrays(double[] x, double[] y, double[] result) => _managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc />
    public void PointWisePowerArrays(double[] x, double[] y, double[] result) => _managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc />
    public double MatrixNorm(Norm norm, int rows, int columns, double[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc />
    public void LUInverse(double[] a, int order) => _managed.LUInverse(a, order);

    /// <inheritdoc />
    public void LUInverseFactored(double[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc />
    public void SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB, double[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc />
    public void SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt, double[] b, int columnsB, double[] x) =>
        _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    // ---- float: delegated ----------------------------------------------------------------------------------------

    void ILinearAlgebraProvider<float>.AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);
    void ILinearAlgebraProvider<float>.ScaleArray(float alpha, float[] x, float[] result) => _managed.ScaleArray(alpha, x, result);
    void ILinearAlgebraProvider<float>.ConjugateArray(float[] x, float[] result) => _managed.ConjugateArray(x, result);
    float ILinearAlgebraProvider<float>.DotProduct(float[] x, float[] y) => _managed.DotProduct(x, y);
    void ILinearAlgebraProvider<float>.AddArrays(float[] x, float[] y, float[] result) => _managed.AddArrays(x, y, result);
    void ILinearAlgebraProvider<float>.SubtractArrays(float[] x, float[] y, float[] result) => _managed.SubtractArrays(x, y, result);
    void ILinearAlgebraProvider<float>.PointWiseMultiplyArrays(float[] x, float[] y, float[] result) => _managed.PointWiseMultiplyArrays(x, y, result);
    void ILinearAlgebraProvider<float>.PointWiseDivideArrays(float[] x, float[] y, float[] result) => _managed.PointWiseDivideArrays(x, y, result);
    void ILinearAlgebraProvider<float>.PointWisePowerArrays(float[] x, float[] y, float[] result) => _managed.PointWisePowerArrays(x, y, result);
    double ILinearAlgebraProvider<float>.MatrixNorm(Norm norm, int rows, int columns, float[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);
    void ILinearAlgebraProvider<float>.MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result) =>
        _managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    void ILinearAlgebraProvider<float>.MatrixMultiplyWithUpdate(MathTranspose transposeA, MathTranspose transposeB, float alpha, float[] a, int rowsA, int columnsA,
        float[] b, int rowsB, int columnsB, float beta, float[] c) => _managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    void ILinearAlgebraProvider<float>.LUFactor(float[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);
    void ILinearAlgebraProvider<float>.LUInverse(float[] a, int order) => _managed.LUInverse(a, order);
    void ILinearAlgebraProvider<float>.LUInverseFactored(float[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);
    void ILinearAlgebraProvider<float>.LUSolve(int columnsOfB, float[] a, int order, float[] b) => _managed.LUSolve(columnsOfB, a, order, b);
    void ILinearAlgebraProvider<float>.LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    void ILinearAlgebraProvider<float>.CholeskyFactor(float[] a, int order) => _managed.CholeskyFactor(a, order);
    void ILinearAlgebraProvider<float>.CholeskySolve(float[] a, int orderA, float[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<float>.CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<float>.QRFactor(float[] r, int rowsR, int columnsR, float[] q, float[] tau) => _managed.QRFactor(r, rowsR, columnsR, q, tau);
    void ILinearAlgebraProvider<float>.ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    void ILinearAlgebraProvider<float>.QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x, QRMethod method) =>
        _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    void ILinearAlgebraProvider<float>.QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau, float[] b, int columnsB, float[] x, QRMethod method) =>
        _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    void ILinearAlgebraProvider<float>.SingularValueDecomposition(bool computeVectors, float[] a, int rowsA, int columnsA, float[] s, float[] u, float[] vt) =>
        _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    void ILinearAlgebraProvider<float>.SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    void ILinearAlgebraProvider<float>.SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt, float[] b, int columnsB, float[] x) =>
        _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    void ILinearAlgebraProvider<float>.EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv, Complex[] vectorEv, float[] matrixD) =>
        _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- Complex: delegated --------------------------------------------------------------------------------------

    void ILinearAlgebraProvider<Complex>.AddVectorToScaledVector(Complex[] y, Complex alpha, Complex[] x, Complex[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);
    void ILinearAlgebraProvider<Complex>.ScaleArray(Complex alpha, Complex[] x, Complex[] result) => _managed.ScaleArray(alpha, x, result);
    void ILinearAlgebraProvider<Complex>.ConjugateArray(Complex[] x, Complex[] result) => _managed.ConjugateArray(x, result);
    Complex ILinearAlgebraProvider<Complex>.DotProduct(Complex[] x, Complex[] y) => _managed.DotProduct(x, y);
    void ILinearAlgebraProvider<Complex>.AddArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.AddArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.SubtractArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.SubtractArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.PointWiseMultiplyArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWiseMultiplyArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.PointWiseDivideArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWiseDivideArrays(x, y, result);
    void ILinearAlgebraProvider<Complex>.PointWisePowerArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWisePowerArrays(x, y, result);
    double ILinearAlgebraProvider<Complex>.MatrixNorm(Norm norm, int rows, int columns, Complex[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);
    void ILinearAlgebraProvider<Complex>.MatrixMultiply(Complex[] x, int rowsX, int columnsX, Complex[] y, int rowsY, int columnsY, Complex[] result) =>
        _managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    void ILinearAlgebraProvider<Complex>.MatrixMultiplyWithUpdate(MathTranspose transposeA, MathTranspose transposeB, Complex alpha, Complex[] a, int rowsA, int columnsA,
        Complex[] b, int rowsB, int columnsB, Complex beta, Complex[] c) => _managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    void ILinearAlgebraProvider<Complex>.LUFactor(Complex[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);
    void ILinearAlgebraProvider<Complex>.LUInverse(Complex[] a, int order) => _managed.LUInverse(a, order);
    void ILinearAlgebraProvider<Complex>.LUInverseFactored(Complex[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);
    void ILinearAlgebraProvider<Complex>.LUSolve(int columnsOfB, Complex[] a, int order, Complex[] b) => _managed.LUSolve(columnsOfB, a, order, b);
    void ILinearAlgebraProvider<Complex>.LUSolveFactored(int columnsOfB, Complex[] a, int order, int[] ipiv, Complex[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    void ILinearAlgebraProvider<Complex>.CholeskyFactor(Complex[] a, int order) => _managed.CholeskyFactor(a, order);
    void ILinearAlgebraProvider<Complex>.CholeskySolve(Complex[] a, int orderA, Complex[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex>.CholeskySolveFactored(Complex[] a, int orderA, Complex[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex>.QRFactor(Complex[] r, int rowsR, int columnsR, Complex[] q, Complex[] tau) => _managed.QRFactor(r, rowsR, columnsR, q, tau);
    void ILinearAlgebraProvider<Complex>.ThinQRFactor(Complex[] a, int rowsA, int columnsA, Complex[] r, Complex[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    void ILinearAlgebraProvider<Complex>.QRSolve(Complex[] a, int rows, int columns, Complex[] b, int columnsB, Complex[] x, QRMethod method) =>
        _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex>.QRSolveFactored(Complex[] q, Complex[] r, int rowsA, int columnsA, Complex[] tau, Complex[] b, int columnsB, Complex[] x,
        QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex>.SingularValueDecomposition(bool computeVectors, Complex[] a, int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt) =>
        _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    void ILinearAlgebraProvider<Complex>.SvdSolve(Complex[] a, int rowsA, int columnsA, Complex[] b, int columnsB, Complex[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    void ILinearAlgebraProvider<Complex>.SvdSolveFactored(int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt, Complex[] b, int columnsB, Complex[] x) =>
        _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    void ILinearAlgebraProvider<Complex>.EigenDecomp(bool isSymmetric, int order, Complex[] matrix, Complex[] matrixEv, Complex[] vectorEv, Complex[] matrixD) =>
        _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- Complex32: delegated ------------------------------------------------------------------------------------

    void ILinearAlgebraProvider<Complex32>.AddVectorToScaledVector(Complex32[] y, Complex32 alpha, Complex32[] x, Complex32[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);
    void ILinearAlgebraProvider<Complex32>.ScaleArray(Complex32 alpha, Complex32[] x, Complex32[] result) => _managed.ScaleArray(alpha, x, result);
    void ILinearAlgebraProvider<Complex32>.ConjugateArray(Complex32[] x, Complex32[] result) => _managed.ConjugateArray(x, result);
    Complex32 ILinearAlgebraProvider<Complex32>.DotProduct(Complex32[] x, Complex32[] y) => _managed.DotProduct(x, y);
    void ILinearAlgebraProvider<Complex32>.AddArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.AddArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.SubtractArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.SubtractArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.PointWiseMultiplyArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWiseMultiplyArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.PointWiseDivideArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWiseDivideArrays(x, y, result);
    void ILinearAlgebraProvider<Complex32>.PointWisePowerArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWisePowerArrays(x, y, result);
    double ILinearAlgebraProvider<Complex32>.MatrixNorm(Norm norm, int rows, int columns, Complex32[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);
    void ILinearAlgebraProvider<Complex32>.MatrixMultiply(Complex32[] x, int rowsX, int columnsX, Complex32[] y, int rowsY, int columnsY, Complex32[] result) =>
        _managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    void ILinearAlgebraProvider<Complex32>.MatrixMultiplyWithUpdate(MathTranspose transposeA, MathTranspose transposeB, Complex32 alpha, Complex32[] a, int rowsA,
        int columnsA, Complex32[] b, int rowsB, int columnsB, Complex32 beta, Complex32[] c) =>
        _managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    void ILinearAlgebraProvider<Complex32>.LUFactor(Complex32[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);
    void ILinearAlgebraProvider<Complex32>.LUInverse(Complex32[] a, int order) => _managed.LUInverse(a, order);
    void ILinearAlgebraProvider<Complex32>.LUInverseFactored(Complex32[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);
    void ILinearAlgebraProvider<Complex32>.LUSolve(int columnsOfB, Complex32[] a, int order, Complex32[] b) => _managed.LUSolve(columnsOfB, a, order, b);
    void ILinearAlgebraProvider<Complex32>.LUSolveFactored(int columnsOfB, Complex32[] a, int order, int[] ipiv, Complex32[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    void ILinearAlgebraProvider<Complex32>.CholeskyFactor(Complex32[] a, int order) => _managed.CholeskyFactor(a, order);
    void ILinearAlgebraProvider<Complex32>.CholeskySolve(Complex32[] a, int orderA, Complex32[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex32>.CholeskySolveFactored(Complex32[] a, int orderA, Complex32[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);
    void ILinearAlgebraProvider<Complex32>.QRFactor(Complex32[] r, int rowsR, int columnsR, Complex32[] q, Complex32[] tau) => _managed.QRFactor(r, rowsR, columnsR, q, tau);
    void ILinearAlgebraProvider<Complex32>.ThinQRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] r, Complex32[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    void ILinearAlgebraProvider<Complex32>.QRSolve(Complex32[] a, int rows, int columns, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) =>
        _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex32>.QRSolveFactored(Complex32[] q, Complex32[] r, int rowsA, int columnsA, Complex32[] tau, Complex32[] b, int columnsB,
        Complex32[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    void ILinearAlgebraProvider<Complex32>.SingularValueDecomposition(bool computeVectors, Complex32[] a, int rowsA, int columnsA, Complex32[] s, Complex32[] u,
        Complex32[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    void ILinearAlgebraProvider<Complex32>.SvdSolve(Complex32[] a, int rowsA, int columnsA, Complex32[] b, int columnsB, Complex32[] x) =>
        _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    void ILinearAlgebraProvider<Complex32>.SvdSolveFactored(int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt, Complex32[] b, int columnsB,
        Complex32[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    void ILinearAlgebraProvider<Complex32>.EigenDecomp(bool isSymmetric, int order, Complex32[] matrix, Complex32[] matrixEv, Complex[] vectorEv, Complex32[] matrixD) =>
        _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
