using System.Runtime.InteropServices;

namespace GpuNet.Cli;

/// <summary>
/// Ctrl+C during training: the first SIGINT asks the trainer to stop after the step in progress
/// (so a consistent checkpoint can be written); a second one lets the runtime end the process at
/// once. Files are only ever replaced atomically, so even that never leaves a torn file.
/// </summary>
public sealed class InterruptHandler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration? _registration;

    public InterruptHandler(Action<string> note)
    {
        try
        {
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                if (_stop.IsCancellationRequested) return; // second Ctrl+C: default handling ends the process
                context.Cancel = true;
                note("interrupt: finishing the current step and saving (press Ctrl+C again to quit at once)");
                _stop.Cancel();
            });
        }
        catch (PlatformNotSupportedException)
        {
            _registration = null; // no signals here: Ctrl+C keeps its default meaning
        }
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _registration?.Dispose();
        _stop.Dispose();
    }
}
