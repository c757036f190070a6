namespace GpuNet.Tests.TestSupport;

/// <summary>Managed bytes that code allocates on the calling thread, counted exactly.</summary>
public static class Allocations
{
    /// <summary>
    /// The bytes <paramref name="action"/> allocates on this thread. A full collection first empties this
    /// thread's allocation context: <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts the unused rest
    /// of that context (up to one 8 KB allocation quantum) as allocated when the runtime retires it while the
    /// thread is blocked, which a step's wait for the CPU workers can be. Measured beside other tests: 3 to 8
    /// of 180 warm training windows read 664 to 8,184 bytes, and a bare 5 ms SemaphoreSlim wait 5,904; after
    /// a collection, 0 of 2,700. From an empty context there is nothing to retire, and every real allocation
    /// still counts in full.
    /// </summary>
    public static long OnThisThread(Action action)
    {
        BlockOnce();
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// The first wait of a thread that really blocks in a <see cref="SemaphoreSlim"/> (a Monitor wait) allocates 64 bytes,
    /// once per thread: measured with a console probe that times <c>GC.GetAllocatedBytesForCurrentThread</c> around a
    /// <c>Wait</c> another thread releases 50 ms later — 64 bytes the first time on a thread, 0 on every later wait, on a
    /// new semaphore too, and 0 for a kernel <see cref="Semaphore"/>. A test thread that had never blocked before
    /// the measured window would count that once-per-thread cost as the code's, the likely source of the 264 bytes one
    /// full-suite run of Warm_streamed_steps_allocate_nothing read (it passed alone): one blocking wait first pays it
    /// outside the window.
    /// </summary>
    private static void BlockOnce()
    {
        using var released = new SemaphoreSlim(0);
        var releaser = new Thread(() =>
        {
            Thread.Sleep(20);
            released.Release();
        });
        releaser.Start();
        released.Wait();
        releaser.Join();
    }
}
