using System.CommandLine;
using GpuNet.Cli.Commands;

namespace GpuNet.Cli;

/// <summary>
/// The gpunet command line. Every error reaches the user as one line and an exit code:
/// 0 success, 1 runtime or data error, 2 usage error (see <see cref="ExitCodes"/>).
/// A stack trace is shown only with --verbose.
/// </summary>
public static class GpuNetCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show stack traces for errors", Recursive = true };
        var root = new RootCommand("GpuNet: train logistic, softmax and MLP classifiers on ILGPU kernels (CUDA, OpenCL, CPU) or a managed SIMD CPU fallback.");
        root.Options.Add(verbose);
        root.Subcommands.Add(TrainCommand.Create(stdout, stderr));
        root.Subcommands.Add(DevicesCommand.Create(stdout));
        root.Subcommands.Add(SelftestCommand.Create(stdout));
        root.Subcommands.Add(EvalCommand.Create(stdout, stderr));
        root.Subcommands.Add(PredictCommand.Create(stdout, stderr));
        root.Subcommands.Add(GradcheckCommand.Create(stdout));
        root.Subcommands.Add(BenchCommand.Create(stdout, stderr));
        root.Subcommands.Add(PtxCommand.Create(stdout));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? "gpunet" : $"gpunet {command.Name}";
            // System.CommandLine lists allowed values on separate lines; the user gets one line.
            var message = string.Join(" ", parsed.Errors[0].Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            stderr.WriteLine($"{name}: {message} (see '{name} --help')");
            return ExitCodes.UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (GpuNetException e)
        {
            stderr.WriteLine($"gpunet: {(parsed.GetValue(verbose) ? e.ToString() : e.Message)}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            stderr.WriteLine($"gpunet: {(parsed.GetValue(verbose) ? e.ToString() : e.Message)}");
            return ExitCodes.RuntimeError;
        }
    }
}
