using GpuNet.Distributed;
using Microsoft.Win32.SafeHandles;

namespace GpuNet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // mpirun hands each rank a pseudo-terminal, whatever mpirun's own output is (a file, a pipe): a rank's output is never
        // a person's terminal, so it goes to the file descriptors directly. Console.Out would count it as a terminal (live bars,
        // lines wrapped at the pty's 80 columns), and .NET's console set-up writes the terminal's keypad mode (ESC[?1h ESC=).
        if (!UnderLauncher()) return GpuNetCli.Run(args, Console.Out, Console.Error);
        using TextWriter stdout = Descriptor(1), stderr = Descriptor(2);
        return GpuNetCli.Run(args, stdout, stderr);
    }

    // A launcher's variables that make no sense are reported by the commands that use them, as one line.
    private static bool UnderLauncher()
    {
        try { return LaunchEnvironment.Detect() is not null; }
        catch (GpuNetException) { return false; }
    }

    private static StreamWriter Descriptor(int fd) =>
        new(new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
}
