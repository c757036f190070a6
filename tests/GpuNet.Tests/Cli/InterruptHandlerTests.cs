using System.Runtime.InteropServices;
using GpuNet.Cli;

namespace GpuNet.Tests.Cli;

/// <summary>
/// The signal handler's body, called as the runtime calls it. A SIGTERM that lands as training finishes is dispatched on a
/// pool thread and can run after the handler was disposed: it used to cancel a disposed token source and crash the
/// process with an unhandled ObjectDisposedException (exit 134, 5 tries of 5).
/// </summary>
public sealed class InterruptHandlerTests
{
    [Fact]
    public void A_signal_after_dispose_is_left_to_the_default_handling_instead_of_throwing()
    {
        var notes = new List<string>();
        var handler = new InterruptHandler(notes.Add);
        handler.Dispose();

        bool kept = handler.OnSignal(PosixSignal.SIGTERM, notes.Add);

        Assert.False(kept);
        Assert.Empty(notes);
    }

    [Fact]
    public void The_first_signal_stops_the_run_and_a_second_one_is_left_to_the_runtime()
    {
        var notes = new List<string>();
        using var handler = new InterruptHandler(notes.Add);

        Assert.True(handler.OnSignal(PosixSignal.SIGTERM, notes.Add));
        Assert.True(handler.Token.IsCancellationRequested);
        Assert.Equal(ExitCodes.Terminated, handler.ExitCode);
        Assert.False(handler.OnSignal(PosixSignal.SIGINT, notes.Add));
        Assert.Single(notes);
    }
}
