using System.Runtime.InteropServices;

namespace GpuNet.Cli;

/// <summary>
/// Stop requests during training. The first SIGINT (Ctrl+C), SIGTERM (docker stop, Slurm, systemd,
/// timeout) or SIGHUP (the terminal closed) asks the trainer to stop after the step in progress, so a
/// resumable checkpoint can be saved; the run then exits 130 for SIGINT and 143 for SIGTERM and SIGHUP.
/// A second signal gets the runtime's default handling, which ends the process at once; checkpoint
/// files are only ever replaced by a rename, so even that leaves no torn file. A signal that arrives as the run
/// finishes may reach its handler after <see cref="Dispose"/> (the runtime dispatches it on a pool thread and
/// disposing a registration does not wait for it): the handler then does nothing.
/// </summary>
public sealed class InterruptHandler : IDisposable
{
    private static readonly PosixSignal[] Handled = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP];

    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _gate = new(); // orders a late handler against Dispose
    private int _signal; // the first signal received (its PosixSignal value), 0 before
    private bool _disposed;

    public InterruptHandler(Action<string> note)
    {
        foreach (var signal in Handled)
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, context => context.Cancel = OnSignal(context.Signal, note)));
            }
            catch (PlatformNotSupportedException)
            {
                // this signal does not exist here (SIGHUP on Windows): it keeps its default meaning
            }
        }
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>
    /// The first signal asks for a stop and is kept from ending the process (true); a second one, or any after
    /// <see cref="Dispose"/>, gets the runtime's default handling (false).
    /// </summary>
    internal bool OnSignal(PosixSignal signal, Action<string> note)
    {
        lock (_gate)
        {
            if (_disposed) return false; // the run is over: the process is exiting anyway
            if (Interlocked.CompareExchange(ref _signal, (int)signal, 0) != 0) return false; // a second signal: default handling ends the process
            note($"{Describe(signal)}: finishing the current step and saving (send it again to quit at once)");
            _stop.Cancel();
            return true;
        }
    }

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
        lock (_gate)
        {
            _disposed = true;
            _stop.Dispose();
        }
    }
}
