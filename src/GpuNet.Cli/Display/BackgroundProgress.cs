using Spectre.Console;

namespace GpuNet.Cli.Display;

/// <summary>
/// Spectre's <see cref="Progress"/> owns a callback for as long as the bars are live, but training
/// pushes figures from its own thread. This runs that callback on a background thread that only
/// waits to be stopped, and hands its <see cref="ProgressContext"/> out: tasks are thread-safe,
/// and Spectre's own refresh thread redraws them. Stopping waits for the final redraw, so nothing
/// written afterwards can interleave with the bars.
/// </summary>
internal sealed class BackgroundProgress : IDisposable
{
    private readonly TaskCompletionSource<ProgressContext> _context = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private Exception? _failure;
    private bool _stopped;

    public BackgroundProgress(Progress progress)
    {
        _thread = new Thread(() =>
        {
            try
            {
                progress.Start(context =>
                {
                    _context.SetResult(context);
                    _stop.Wait();
                });
            }
            catch (Exception e)
            {
                _failure = e;
                _context.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "gpunet progress" };
        _thread.Start();
        Context = _context.Task.GetAwaiter().GetResult();
    }

    public ProgressContext Context { get; }

    /// <summary>Removes the live bars (the progress clears itself) and rethrows a failure of the render thread.</summary>
    public void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
        if (_failure is not null) throw new InvalidOperationException("the progress display failed", _failure);
    }

    /// <summary>Stops without rethrowing: disposal runs while another error may already be on its way out.</summary>
    public void Dispose()
    {
        try { Stop(); }
        catch (InvalidOperationException) { }
    }
}
