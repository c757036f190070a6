using System.Runtime.InteropServices;

namespace GpuNet.Cli;

/// <summary>
/// Stop requests during training. The first SIGINT (Ctrl+C), SIGTERM (docker stop, Slurm, systemd,
/// timeout) or SIGHUP (the terminal closed) asks the trainer to stop after the step in progress, so a
/// resumable checkpoint can be saved; the run then exits 130 for SIGINT and 143 for SIGTERM and SIGHUP.
/// A second signal gets the runtime's default handling, which ends the process at once; checkpoint
/// files are only ever replaced by a rename, so even that leaves no torn file.
/// </summary>
public sealed class InterruptHandler : IDisposable
{
    private static readonly PosixSignal[] Handled = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP];

    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal; // the first signal received (its PosixSignal value), 0 before

    public InterruptHandler(Action<string> note)
    {
        foreach (var signal in Handled)
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) != 0) return; // a second signal: default handling ends the process
                    context.Cancel = true;
                    note($"{Describe(context.Signal)}: finishing the current step and saving (send it again to quit at once)");
                    _stop.Cancel();
                }));
            }
            catch (PlatformNotSupportedException)
            {
                // this signal does not exist here (SIGHUP on Windows): it keeps its default meaning
            }
        }
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>What the run exits with after stopping: 130 after SIGINT, 143 after SIGTERM or SIGHUP, or after a stop another rank was asked for.</summary>
    public int ExitCode => (PosixSignal)_signal == PosixSignal.SIGINT ? ExitCodes.Interrupted : ExitCodes.Terminated;

    /// <summary>How the stop request is announced: "interrupt" for Ctrl+C, the signal's name otherwise.</summary>
    public string Reason => _signal == 0 ? "a signal to another rank" : Describe((PosixSignal)_signal);

    private static string Describe(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => "interrupt",
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal.SIGHUP => "SIGHUP",
        _ => signal.ToString(),
    };

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
