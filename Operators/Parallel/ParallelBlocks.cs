namespace Solvers.Operators.Parallel;

/// <summary>
/// A fixed pool of worker threads that runs a kernel over numbered blocks without allocating: the kernel is a
/// function pointer and its state a pointer to a struct on the caller's stack (pinned spans inside). The caller
/// thread works too. Which thread runs a block never changes a result, because each block writes its own outputs.
/// </summary>
/// <remarks>
/// Task-based <c>Parallel.For</c> allocates on the calling thread each call, which breaks the suite's
/// zero-allocation promise for <c>Solve</c>; hence this small pool. Concurrent calls from several threads are
/// safe: a call that finds the pool busy runs its blocks inline.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Pools live for the whole process.")]
public sealed unsafe class ParallelBlocks
{
    private static readonly Lazy<ParallelBlocks> LazyShared = new(() => new ParallelBlocks(Environment.ProcessorCount));

    private readonly SemaphoreSlim[] _go;
    private readonly Lock _busy = new();
    private readonly ManualResetEventSlim _done = new(false);
    private delegate*<void*, int, void> _kernel;
    private void* _state;
    private int _blockCount;
    private int _nextBlock;
    private int _activeWorkers;

    /// <summary>The process-wide pool with one thread per core (the caller counts as one).</summary>
    public static ParallelBlocks Shared => LazyShared.Value;

    /// <summary>Creates a pool for <paramref name="threads"/> threads in all (the caller plus threads − 1 workers).</summary>
    public ParallelBlocks(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _go = new SemaphoreSlim[threads - 1];
        for (int i = 0; i < _go.Length; i++)
        {
            _go[i] = new SemaphoreSlim(0);
            var t = new Thread(WorkerLoop) { IsBackground = true, Name = $"solvers-worker-{i}" };
            t.Start(i);
        }

        // ManualResetEventSlim creates its lock object the first time a Wait actually blocks; a timed wait on the
        // unset event does that now, so that no later Run allocates (the zero-allocation promise of Apply).
        _done.Wait(1);
    }

    /// <summary>Threads that share the work, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Runs <paramref name="kernel"/>(state, b) for b = 0 … blockCount − 1 and returns when all are done.</summary>
    public void Run(delegate*<void*, int, void> kernel, void* state, int blockCount)
    {
        if (blockCount <= 0) return;
        if (blockCount == 1 || _go.Length == 0 || !_busy.TryEnter())
        {
            for (int b = 0; b < blockCount; b++) kernel(state, b);
            return;
        }

        try
        {
            _kernel = kernel;
            _state = state;
            _blockCount = blockCount;
            _nextBlock = 0;
            int workers = Math.Min(_go.Length, blockCount - 1);
            _activeWorkers = workers;
            _done.Reset();
            for (int i = 0; i < workers; i++) _go[i].Release();
            Drain();
            if (workers > 0) _done.Wait();
        }
        finally
        {
            _kernel = null;
            _state = null;
            _busy.Exit();
        }
    }

    private void Drain()
    {
        int n = _blockCount;
        var kernel = _kernel;
        var state = _state;
        int b;
        while ((b = Interlocked.Increment(ref _nextBlock) - 1) < n) kernel(state, b);
    }

    private void WorkerLoop(object? index)
    {
        var go = _go[(int)index!];
        while (true)
        {
            go.Wait();
            Drain();
            if (Interlocked.Decrement(ref _activeWorkers) == 0) _done.Set();
        }
    }

    /// <summary>Splits items, weighted by a prefix sum, into at most <paramref name="maxBlocks"/> contiguous ranges of similar weight.</summary>
    /// <param name="prefix">Non-decreasing prefix weights of length count + 1 (e.g. CSR row pointers).</param>
    /// <param name="maxBlocks">Upper bound on the number of ranges.</param>
    /// <returns>Block boundaries: block b is [starts[b], starts[b+1]).</returns>
    public static int[] BalancedPartition(ReadOnlySpan<int> prefix, int maxBlocks)
    {
        int count = prefix.Length - 1;
        if (count <= 0) return [0, 0];
        maxBlocks = Math.Clamp(maxBlocks, 1, count);
        long total = (long)prefix[count] - prefix[0] + count; // + count: every row costs something even if empty
        var starts = new List<int>(maxBlocks + 1) { 0 };
        int row = 0;
        for (int blk = 1; blk < maxBlocks; blk++)
        {
            long target = total * blk / maxBlocks;
            // advance row until weight(0..row) >= target
            int lo = row, hi = count;
            while (lo < hi)
            {
                int mid = lo + (hi - lo) / 2;
                long w = (long)prefix[mid] - prefix[0] + mid;
                if (w < target) lo = mid + 1; else hi = mid;
            }

            if (lo > starts[^1] && lo < count) starts.Add(lo);
            row = lo;
        }

        starts.Add(count);
        return [.. starts];
    }

    /// <summary>Splits <paramref name="count"/> equal-cost items into at most <paramref name="maxBlocks"/> ranges.</summary>
    public static int[] UniformPartition(int count, int maxBlocks)
    {
        if (count <= 0) return [0, 0];
        maxBlocks = Math.Clamp(maxBlocks, 1, count);
        var starts = new int[maxBlocks + 1];
        for (int b = 0; b <= maxBlocks; b++) starts[b] = (int)((long)count * b / maxBlocks);
        return starts;
    }
}
