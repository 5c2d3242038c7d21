using Microsoft.Extensions.Logging;
using Solvers.Operators;

namespace Solvers.Tests.Krylov;

/// <summary>Matrices, operators and hooks shared by the Krylov and preconditioner tests (test-local on purpose).</summary>
internal static class KrylovTestSupport
{
    public const OperatorProperties Spd = OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite;

    public static CsrMatrix Diagonal(params double[] d)
    {
        var dense = new double[d.Length, d.Length];
        for (int i = 0; i < d.Length; i++) dense[i, i] = d[i];
        return CsrMatrix.FromDense(dense, OperatorProperties.Symmetric);
    }

    /// <summary>tridiag(−1, 2, −1), n × n.</summary>
    public static CsrMatrix Laplacian1D(int n)
    {
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (int i = 0; i < n; i++)
        {
            if (i > 0) { rows.Add(i); cols.Add(i - 1); vals.Add(-1); }
            rows.Add(i); cols.Add(i); vals.Add(2);
            if (i < n - 1) { rows.Add(i); cols.Add(i + 1); vals.Add(-1); }
        }

        return CsrMatrix.FromCoordinates(n, n, rows.ToArray(), cols.ToArray(), vals.ToArray(), false, out _, Spd);
    }

    /// <summary>The 5-point Laplacian (4 on the diagonal, −1 to each grid neighbour) on an m × m interior grid, row-major.</summary>
    public static CsrMatrix Laplacian2D(int m, OperatorProperties properties = Spd)
    {
        int n = m * m;
        var rp = new int[n + 1];
        var ci = new List<int>(5 * n);
        var v = new List<double>(5 * n);
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < m; i++)
            {
                int row = j * m + i;
                if (j > 0) { ci.Add(row - m); v.Add(-1); }
                if (i > 0) { ci.Add(row - 1); v.Add(-1); }
                ci.Add(row); v.Add(4);
                if (i < m - 1) { ci.Add(row + 1); v.Add(-1); }
                if (j < m - 1) { ci.Add(row + m); v.Add(-1); }
                rp[row + 1] = ci.Count;
            }
        }

        return new CsrMatrix(n, n, rp, ci.ToArray(), v.ToArray(), properties);
    }

    /// <summary>y = A x by an independent loop over the CSR arrays (not the matrix's own SpMV).</summary>
    public static double[] Multiply(CsrMatrix a, ReadOnlySpan<double> x)
    {
        var y = new double[a.Rows];
        var rp = a.RowPointers;
        var ci = a.ColumnIndices;
        var v = a.Values;
        for (int i = 0; i < a.Rows; i++)
        {
            double s = 0;
            for (int p = rp[i]; p < rp[i + 1]; p++) s += v[p] * x[ci[p]];
            y[i] = s;
        }

        return y;
    }

    public static double Norm(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double t in x) s += t * t;
        return Math.Sqrt(s);
    }

    public static double ResidualNorm(CsrMatrix a, ReadOnlySpan<double> x, ReadOnlySpan<double> b)
    {
        var ax = Multiply(a, x);
        double s = 0;
        for (int i = 0; i < b.Length; i++) s += (b[i] - ax[i]) * (b[i] - ax[i]);
        return Math.Sqrt(s);
    }

    /// <summary>Dense Cholesky A = L Lᵀ (lower L), plain loops.</summary>
    public static double[,] CholeskyLower(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double d = a[j, j];
            for (int k = 0; k < j; k++) d -= l[j, k] * l[j, k];
            if (!(d > 0)) throw new InvalidOperationException($"not SPD at column {j}");
            l[j, j] = Math.Sqrt(d);
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                l[i, j] = s / l[j, j];
            }
        }

        return l;
    }

    /// <summary>Solves L Lᵀ x = b.</summary>
    public static double[] CholeskySolve(double[,] l, ReadOnlySpan<double> b)
    {
        int n = b.Length;
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i, k] * y[k];
            y[i] = s / l[i, i];
        }

        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k, i] * x[k];
            x[i] = s / l[i, i];
        }

        return x;
    }

    public static long[] Bits(ReadOnlySpan<double> x)
    {
        var bits = new long[x.Length];
        for (int i = 0; i < x.Length; i++) bits[i] = BitConverter.DoubleToInt64Bits(x[i]);
        return bits;
    }
}

/// <summary>Wraps an operator and writes NaN into y[0] after every application.</summary>
internal sealed class NaNOperator(ILinearOperator inner) : ILinearOperator
{
    public int Rows => inner.Rows;
    public int Columns => inner.Columns;
    public OperatorProperties Properties => inner.Properties;

    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        inner.Apply(x, y);
        y[0] = double.NaN;
    }
}

/// <summary>Wraps an operator and sleeps on every application.</summary>
internal sealed class SleepingOperator(ILinearOperator inner, int milliseconds) : ILinearOperator
{
    public int Rows => inner.Rows;
    public int Columns => inner.Columns;
    public OperatorProperties Properties => inner.Properties;

    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Thread.Sleep(milliseconds);
        inner.Apply(x, y);
    }
}

/// <summary>Hides every capability of an operator except Apply (e.g. IHasDiagonal).</summary>
internal sealed class OpaqueOperator(ILinearOperator inner) : ILinearOperator
{
    public int Rows => inner.Rows;
    public int Columns => inner.Columns;
    public OperatorProperties Properties => inner.Properties;
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => inner.Apply(x, y);
}

/// <summary>Records every enabled log entry.</summary>
internal sealed class CapturingLogger(LogLevel minimum = LogLevel.Trace) : ILogger
{
    public List<(LogLevel Level, EventId Id, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Entries.Add((logLevel, eventId, formatter(state, exception)));
    }
}

/// <summary>A logger that is never enabled (and fails the test if asked to log anyway).</summary>
internal sealed class DisabledLogger : ILogger
{
    public int LogCalls { get; private set; }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => false;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        LogCalls++;
}

/// <summary>A synchronous progress sink that records iterations and can run an action.</summary>
internal sealed class RecordingProgress(int capacity = 0, Action<IterationInfo>? onReport = null) : IProgress<IterationInfo>
{
    private readonly int[] _iterations = new int[capacity];

    public int Count { get; private set; }

    public IterationInfo Last { get; private set; }

    public ReadOnlySpan<int> Iterations => _iterations.AsSpan(0, Math.Min(Count, _iterations.Length));

    public void Reset() => Count = 0;

    public void Report(IterationInfo value)
    {
        if (Count < _iterations.Length) _iterations[Count] = value.Iteration;
        Count++;
        Last = value;
        onReport?.Invoke(value);
    }
}
