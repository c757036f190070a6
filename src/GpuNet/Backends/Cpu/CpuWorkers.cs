namespace GpuNet.Backends.Cpu;

/// <summary>One parallel op, cut into items that can run in any order on any thread.</summary>
internal interface IParallelWork
{
    /// <param name="worker">Which of the pool's <see cref="CpuWorkers.Threads"/> runs the item: 0 is
    /// the caller, and no two threads share a number during one op, so an op can keep its scratch
    /// per worker number and size it on the caller's thread before the op starts.</param>
    void Execute(int item, int worker);
}

/// <summary>
/// A fixed set of worker threads shared by every <see cref="CpuBackend"/>. Unlike Parallel.For it
/// allocates nothing per op and wakes in microseconds, which matters for the many small GEMMs of a
/// training step. Items are handed out dynamically; callers make each item's result independent of
/// the thread that runs it, so the output is deterministic. One job runs at a time: a second
/// caller that finds the pool busy runs its items itself instead of waiting.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification =
    "One pool for the life of the process: its threads never stop, so its semaphores are never released.")]
internal sealed class CpuWorkers
{
    public static readonly CpuWorkers Shared = new(Environment.ProcessorCount);

    private readonly object _gate = new();
    private readonly SemaphoreSlim _start = new(0);
    // A semaphore, not a ManualResetEventSlim: that one allocates its lock object the first time a
    // caller blocks, which could fall in the middle of a warm training run.
    private readonly SemaphoreSlim _finished = new(0);
    private IParallelWork? _work;
    private int _itemCount;
    private int _nextItem;
    private int _runningHelpers;
    private Exception? _failure;

    /// <summary>A pool of its own: tests run the same GEMM on pools of several sizes.</summary>
    internal CpuWorkers(int threads)
    {
        Threads = Math.Max(1, threads);
        for (int i = 1; i < Threads; i++)
        {
            int worker = i;
            new Thread(() => HelperLoop(worker)) { IsBackground = true, Name = $"gpunet-cpu-{i}" }.Start();
        }
    }

    /// <summary>Threads an op can use, the caller included.</summary>
    public int Threads { get; }

    public void Run(IParallelWork job, int items)
    {
        if (items <= 1 || Threads == 1 || !Monitor.TryEnter(_gate))
        {
            for (int i = 0; i < items; i++)
                job.Execute(i, worker: 0);
            return;
        }
        try
        {
            _work = job;
            _itemCount = items;
            _nextItem = 0;
            _failure = null;
            int helpers = Math.Min(Threads - 1, items - 1);
            _runningHelpers = helpers;
            _start.Release(helpers);
            Drain(worker: 0);
            _finished.Wait();
            if (_failure is not null)
                throw new AggregateException("a CPU worker failed", _failure);
        }
        finally
        {
            _work = null;
            Monitor.Exit(_gate);
        }
    }

    private void Drain(int worker)
    {
        try
        {
            int item;
            while ((item = Interlocked.Increment(ref _nextItem) - 1) < _itemCount)
                _work!.Execute(item, worker);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            _nextItem = _itemCount; // the others stop taking items
        }
    }

    private void HelperLoop(int worker)
    {
        while (true)
        {
            _start.Wait();
            Drain(worker);
            if (Interlocked.Decrement(ref _runningHelpers) == 0)
                _finished.Release();
        }
    }
}
