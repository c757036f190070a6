using GpuNet.Cli;

namespace GpuNet.Tests.TestSupport;

/// <summary>Runs the gpunet command line in-process and captures what it prints.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = GpuNetCli.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>gpunet <paramref name="verb"/> with <paramref name="defaults"/>, <paramref name="option"/> set to <paramref name="value"/> in place of its default.</summary>
    public static CliRun Replacing(string verb, IReadOnlyDictionary<string, string> defaults, string option, string value)
    {
        var args = new Dictionary<string, string>(defaults) { [option] = value };
        return Of([verb, .. args.SelectMany(a => new[] { a.Key, a.Value })]);
    }

    /// <summary>The documented usage error: exit code 2 and one line on stderr (naming <paramref name="fragment"/> when given), never a stack trace.</summary>
    public void AssertOneLineUsageError(string? fragment = null)
    {
        Assert.True(ExitCode == 2, ToString());
        if (fragment is not null) Assert.Contains(fragment, Stderr);
        Assert.Single(Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", Stderr);
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
