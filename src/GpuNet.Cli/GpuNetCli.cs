using System.CommandLine.Parsing;
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
        root.Subcommands.Add(ExportCommand.Create(stderr));
        root.Subcommands.Add(ConvertCommand.Create(stderr));
        root.Subcommands.Add(GradcheckCommand.Create(stdout));
        root.Subcommands.Add(BenchCommand.Create(stdout, stderr));
        root.Subcommands.Add(PtxCommand.Create(stdout));
        root.Subcommands.Add(SweepCommand.Create(stdout, stderr));
        root.Subcommands.Add(RunsCommand.Create(stdout, stderr));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? "gpunet" : $"gpunet {command.Name}";
            // A hidden option is a retired spelling (eval's old --model): its error explains the rest (a missing --checkpoint).
            var error = parsed.Errors.FirstOrDefault(e => e.SymbolResult is OptionResult { Option.Hidden: true }) ?? parsed.Errors[0];
            // System.CommandLine lists allowed values on separate lines; the user gets one line.
            var message = PlainTypeNames(OneLine(error.Message));
            stderr.WriteLine($"{name}: {message} (see '{name} --help')");
            return ExitCodes.UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (GpuNetException e)
        {
            stderr.WriteLine($"gpunet: {(parsed.GetValue(verbose) ? e.ToString() : ErrorAdvice.For(e, OneLine(SettingFlags.Describe(e))))}");
            return ExitCodes.For(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            stderr.WriteLine($"gpunet: {(parsed.GetValue(verbose) ? e.ToString() : e.Message)}");
            return ExitCodes.RuntimeError;
        }
        catch (Exception e)
        {
            // Anything unforeseen is still one line and exit 1: what failed, and where to see more.
            stderr.WriteLine(parsed.GetValue(verbose)
                ? $"gpunet: internal error: {e}"
                : $"gpunet: internal error: {e.GetType().Name}: {OneLine(e.Message)} (run again with --verbose for the stack trace, and please report it)");
            return ExitCodes.RuntimeError;
        }
    }

    /// <summary>"as expected type 'System.Nullable`1[System.Int32]'" becomes "as an integer": users need not read .NET type names.</summary>
    private static string PlainTypeNames(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"as expected type '([^']*)'", m => m.Groups[1].Value switch
        {
            var t when t.Contains("Int32", StringComparison.Ordinal) || t.Contains("Int64", StringComparison.Ordinal) => "as an integer",
            var t when t.Contains("Single", StringComparison.Ordinal) || t.Contains("Double", StringComparison.Ordinal) => "as a number",
            var t when t.Contains("Boolean", StringComparison.Ordinal) => "as true or false",
            _ => "as a value of this option",
        });

    /// <summary>A message as one line (System.CommandLine lists allowed values on separate lines).</summary>
    internal static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
