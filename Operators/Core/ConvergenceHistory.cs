namespace Solvers;

/// <summary>
/// Residual history of a solve (PS §6): one entry per iteration up to a fixed capacity, then every s-th entry
/// (s doubling each time the buffer fills) plus the last one. Storage is allocated once, up front, so recording
/// inside a solve allocates nothing.
/// </summary>
public sealed class ConvergenceHistory
{
    private readonly double[] _norms;
    private readonly int[] _iterations;
    private readonly double[] _seconds;
    private readonly List<(int Iteration, double Norm)> _trueResiduals = [];
    private int _count;
    private int _stride = 1;
    private bool _lastIsOffStride;

    /// <summary>Creates a history holding at most <paramref name="capacity"/> residual entries (≥ 4).</summary>
    public ConvergenceHistory(int capacity = 1_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 4);
        _norms = new double[capacity];
        _iterations = new int[capacity];
        _seconds = new double[capacity];
    }

    /// <summary>Number of stored entries.</summary>
    public int Count => _count;

    /// <summary>Recursive residual norms, in iteration order.</summary>
    public ReadOnlySpan<double> ResidualNorms => _norms.AsSpan(0, _count);

    /// <summary>The iteration k of each entry of <see cref="ResidualNorms"/>.</summary>
    public ReadOnlySpan<int> ResidualIterations => _iterations.AsSpan(0, _count);

    /// <summary>Seconds since the solve started for each entry (zeros unless timing was recorded).</summary>
    public ReadOnlySpan<double> ElapsedSeconds => _seconds.AsSpan(0, _count);

    /// <summary>True residuals ‖b − A x_k‖ sampled during the solve, always including the final one.</summary>
    public IReadOnlyList<(int Iteration, double Norm)> TrueResiduals => _trueResiduals;

    /// <summary>Clears the history for reuse (keeps the buffers).</summary>
    public void Clear()
    {
        _count = 0;
        _stride = 1;
        _lastIsOffStride = false;
        _trueResiduals.Clear();
    }

    /// <summary>Records the recursive residual of iteration <paramref name="iteration"/>.</summary>
    public void Record(int iteration, double norm, double elapsedSeconds = 0)
    {
        if (_lastIsOffStride)
        {
            _count--; // the previous entry was kept only as "the last one"
            _lastIsOffStride = false;
        }

        if (_count == _norms.Length)
        {
            // Thin in place to every second stored entry, doubling the stride.
            int w = 0;
            for (int i = 0; i < _count; i += 2)
            {
                _norms[w] = _norms[i];
                _iterations[w] = _iterations[i];
                _seconds[w] = _seconds[i];
                w++;
            }

            _count = w;
            _stride *= 2;
        }

        _norms[_count] = norm;
        _iterations[_count] = iteration;
        _seconds[_count] = elapsedSeconds;
        _count++;
        _lastIsOffStride = iteration % _stride != 0;
    }

    /// <summary>Records a true residual; grows a small list (not called per iteration unless asked for).</summary>
    public void RecordTrueResidual(int iteration, double norm) => _trueResiduals.Add((iteration, norm));
}
