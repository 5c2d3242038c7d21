namespace Solvers.Dense;

/// <summary>
/// The argument checks every <see cref="IDenseBackend"/> runs before any work (and so before any native call): sizes,
/// leading dimensions, buffer lengths, enum values and pivot indices. Each failure is an <see cref="ArgumentException"/>
/// (or <see cref="ArgumentOutOfRangeException"/>) whose parameter name is the offending argument and whose message
/// gives both the size found and the size needed.
/// </summary>
/// <remarks>
/// The per-operation methods (<see cref="CheckGemm"/> … <see cref="CheckSymmetricEigen"/>) are the exact checks for the
/// corresponding <see cref="IDenseBackend"/> method; backends call them first thing. Buffer lengths follow the column-major
/// rule: an r×c matrix with leading dimension ld needs ld ≥ max(1, r) and, when c &gt; 0, at least ld·(c − 1) + r
/// elements. Arithmetic is done in 64 bits so that huge sizes cannot overflow into a passing check.
/// </remarks>
internal static class DenseChecks
{
    /// <summary>A dimension must be ≥ 0.</summary>
    public static void CheckDimension(string name, int value)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {value}; a dimension must be ≥ 0.");
    }

    /// <summary>
    /// The r×c column-major matrix <paramref name="name"/>: r, c ≥ 0, ld ≥ max(1, r), and, when c &gt; 0, a buffer of
    /// at least ld·(c − 1) + r elements.
    /// </summary>
    /// <param name="name">The buffer argument, for example "a".</param>
    /// <param name="rows">Stored rows r.</param>
    /// <param name="cols">Stored columns c.</param>
    /// <param name="ld">The leading dimension.</param>
    /// <param name="length">The buffer's length.</param>
    /// <param name="ldName">The leading-dimension argument; "ld" + <paramref name="name"/> when null.</param>
    public static void CheckMatrix(string name, int rows, int cols, int ld, int length, string? ldName = null)
    {
        ldName ??= "ld" + name;
        if (rows < 0)
            throw new ArgumentOutOfRangeException(name, rows, $"{name}: row count {rows} must be ≥ 0.");
        if (cols < 0)
            throw new ArgumentOutOfRangeException(name, cols, $"{name}: column count {cols} must be ≥ 0.");
        int minLd = Math.Max(1, rows);
        if (ld < minLd)
            throw new ArgumentException(
                $"{ldName} = {ld} is less than max(1, rows) = {minLd} for the {rows}×{cols} matrix {name}.", ldName);
        if (cols > 0)
        {
            long needed = (long)ld * (cols - 1) + rows;
            if (length < needed)
                throw new ArgumentException(
                    $"{name} has length {length}, but a {rows}×{cols} matrix with {ldName} = {ld} needs at least {needed} (= {ldName}·(cols − 1) + rows).",
                    name);
        }
    }

    /// <summary>A vector argument (x, y, pivots, tau, s, w) needs at least <paramref name="required"/> elements.</summary>
    public static void CheckVector(string name, long required, int length)
    {
        if (length < required)
            throw new ArgumentException($"{name} has length {length}, but at least {required} elements are needed.", name);
    }

    /// <summary>A <see cref="Transpose"/> argument must be one of its named values.</summary>
    public static void CheckEnum(string name, Transpose value)
    {
        if (value is not (Transpose.No or Transpose.Yes))
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {(int)value} is not a Transpose value.");
    }

    /// <summary>A <see cref="Triangle"/> argument must be one of its named values.</summary>
    public static void CheckEnum(string name, Triangle value)
    {
        if (value is not (Triangle.Lower or Triangle.Upper))
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {(int)value} is not a Triangle value.");
    }

    /// <summary>A <see cref="Side"/> argument must be one of its named values.</summary>
    public static void CheckEnum(string name, Side value)
    {
        if (value is not (Side.Left or Side.Right))
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {(int)value} is not a Side value.");
    }

    /// <summary>A <see cref="Diagonal"/> argument must be one of its named values.</summary>
    public static void CheckEnum(string name, Diagonal value)
    {
        if (value is not (Diagonal.NonUnit or Diagonal.Unit))
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {(int)value} is not a Diagonal value.");
    }

    /// <summary>The first <paramref name="count"/> 0-based row interchanges must lie in [i, n) (as getrf produces them), so a native row swap never leaves the matrix.</summary>
    public static void CheckPivotValues(string name, ReadOnlySpan<int> pivots, int count, int n)
    {
        for (int i = 0; i < count; i++)
        {
            int p = pivots[i];
            if (p < i || p >= n)
                throw new ArgumentOutOfRangeException(name, p,
                    $"{name}[{i}] = {p} is not a row interchange of an LU factor of order {n} (must lie in [{i}, {n})).");
        }
    }

    /// <summary>The checks of <see cref="IDenseBackend.Gemm"/>.</summary>
    public static void CheckGemm(Transpose transA, Transpose transB, int m, int n, int k, int aLength, int lda,
        int bLength, int ldb, int cLength, int ldc)
    {
        CheckEnum("transA", transA);
        CheckEnum("transB", transB);
        CheckDimension("m", m);
        CheckDimension("n", n);
        CheckDimension("k", k);
        if (transA == Transpose.No) CheckMatrix("a", m, k, lda, aLength);
        else CheckMatrix("a", k, m, lda, aLength);
        if (transB == Transpose.No) CheckMatrix("b", k, n, ldb, bLength);
        else CheckMatrix("b", n, k, ldb, bLength);
        CheckMatrix("c", m, n, ldc, cLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.Gemv"/>.</summary>
    public static void CheckGemv(Transpose transA, int m, int n, int aLength, int lda, int xLength, int yLength)
    {
        CheckEnum("transA", transA);
        CheckDimension("m", m);
        CheckDimension("n", n);
        CheckMatrix("a", m, n, lda, aLength);
        CheckVector("x", transA == Transpose.No ? n : m, xLength);
        CheckVector("y", transA == Transpose.No ? m : n, yLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.Syrk"/>.</summary>
    public static void CheckSyrk(Triangle triangle, Transpose trans, int n, int k, int aLength, int lda, int cLength, int ldc)
    {
        CheckEnum("triangle", triangle);
        CheckEnum("trans", trans);
        CheckDimension("n", n);
        CheckDimension("k", k);
        if (trans == Transpose.No) CheckMatrix("a", n, k, lda, aLength);
        else CheckMatrix("a", k, n, lda, aLength);
        CheckMatrix("c", n, n, ldc, cLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.TriangularSolve"/>.</summary>
    public static void CheckTriangularSolve(Side side, Triangle triangle, Transpose transA, Diagonal diagonal, int m, int n,
        int aLength, int lda, int bLength, int ldb)
    {
        CheckEnum("side", side);
        CheckEnum("triangle", triangle);
        CheckEnum("transA", transA);
        CheckEnum("diagonal", diagonal);
        CheckDimension("m", m);
        CheckDimension("n", n);
        int order = side == Side.Left ? m : n;
        CheckMatrix("a", order, order, lda, aLength);
        CheckMatrix("b", m, n, ldb, bLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.CholeskyFactor"/>.</summary>
    public static void CheckCholeskyFactor(Triangle triangle, int n, int aLength, int lda)
    {
        CheckEnum("triangle", triangle);
        CheckDimension("n", n);
        CheckMatrix("a", n, n, lda, aLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.CholeskySolve"/>.</summary>
    public static void CheckCholeskySolve(Triangle triangle, int n, int nrhs, int factorLength, int lda, int bLength, int ldb)
    {
        CheckEnum("triangle", triangle);
        CheckDimension("n", n);
        CheckDimension("nrhs", nrhs);
        CheckMatrix("factor", n, n, lda, factorLength, "lda");
        CheckMatrix("b", n, nrhs, ldb, bLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.CholeskyInverse"/>.</summary>
    public static void CheckCholeskyInverse(Triangle triangle, int n, int factorLength, int lda)
    {
        CheckEnum("triangle", triangle);
        CheckDimension("n", n);
        CheckMatrix("factor", n, n, lda, factorLength, "lda");
    }

    /// <summary>The checks of <see cref="IDenseBackend.LuFactor"/>.</summary>
    public static void CheckLuFactor(int m, int n, int aLength, int lda, int pivotsLength)
    {
        CheckDimension("m", m);
        CheckDimension("n", n);
        CheckMatrix("a", m, n, lda, aLength);
        CheckVector("pivots", Math.Min(m, n), pivotsLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.LuSolve"/>, including the range of every pivot.</summary>
    public static void CheckLuSolve(Transpose trans, int n, int nrhs, int factorLength, int lda, ReadOnlySpan<int> pivots,
        int bLength, int ldb)
    {
        CheckEnum("trans", trans);
        CheckDimension("n", n);
        CheckDimension("nrhs", nrhs);
        CheckMatrix("factor", n, n, lda, factorLength, "lda");
        CheckVector("pivots", n, pivots.Length);
        CheckPivotValues("pivots", pivots, n, n);
        CheckMatrix("b", n, nrhs, ldb, bLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.QrFactor"/>.</summary>
    public static void CheckQrFactor(int m, int n, int aLength, int lda, int tauLength)
    {
        CheckDimension("m", m);
        CheckDimension("n", n);
        CheckMatrix("a", m, n, lda, aLength);
        CheckVector("tau", Math.Min(m, n), tauLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.ApplyQ"/>: the factor holds k ≤ m reflectors of length m.</summary>
    public static void CheckApplyQ(Transpose trans, int m, int n, int k, int factorLength, int lda, int tauLength,
        int cLength, int ldc)
    {
        CheckEnum("trans", trans);
        CheckDimension("m", m);
        CheckDimension("n", n);
        CheckDimension("k", k);
        if (k > m)
            throw new ArgumentException($"k = {k} reflectors exceed m = {m}, the order of Q.", nameof(k));
        CheckMatrix("factor", m, k, lda, factorLength, "lda");
        CheckVector("tau", k, tauLength);
        CheckMatrix("c", m, n, ldc, cLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.LeastSquares"/>: m ≥ n, and B is m×nrhs.</summary>
    public static void CheckLeastSquares(int m, int n, int nrhs, int aLength, int lda, int bLength, int ldb)
    {
        CheckDimension("m", m);
        CheckDimension("n", n);
        CheckDimension("nrhs", nrhs);
        if (m < n)
            throw new ArgumentException($"LeastSquares needs m ≥ n (an overdetermined or square system); got m = {m} < n = {n}.", nameof(m));
        CheckMatrix("a", m, n, lda, aLength);
        CheckMatrix("b", m, nrhs, ldb, bLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.Svd"/>: s has min(m, n) entries, U is m×min(m, n), Vᵀ is min(m, n)×n.</summary>
    public static void CheckSvd(int m, int n, int aLength, int lda, int sLength, int uLength, int ldu, int vtLength, int ldvt)
    {
        CheckDimension("m", m);
        CheckDimension("n", n);
        int p = Math.Min(m, n);
        CheckMatrix("a", m, n, lda, aLength);
        CheckVector("s", p, sLength);
        CheckMatrix("u", m, p, ldu, uLength);
        CheckMatrix("vt", p, n, ldvt, vtLength);
    }

    /// <summary>The checks of <see cref="IDenseBackend.SymmetricEigen"/>.</summary>
    public static void CheckSymmetricEigen(Triangle triangle, int n, int aLength, int lda, int wLength)
    {
        CheckEnum("triangle", triangle);
        CheckDimension("n", n);
        CheckMatrix("a", n, n, lda, aLength);
        CheckVector("w", n, wLength);
    }
}
