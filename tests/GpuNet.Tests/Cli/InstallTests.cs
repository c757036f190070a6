namespace GpuNet.Tests.Cli;

/// <summary>
/// `./run.sh install` end to end, into a temporary tool path (never the user's own tools): it packs the CLI as a .NET
/// tool, installs it, and the installed `gpunet` trains; run again, it updates the installed tool in place.
/// </summary>
public sealed class InstallTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly TempDirectory _dir = new();

    [Slow]
    [Fact]
    public void Run_sh_install_packs_and_installs_a_gpunet_that_trains_and_a_second_install_updates_it()
    {
        string tools = Path.Combine(_dir.Path, "tools");
        string script = Path.Combine(Repository.Root, "run.sh");

        var install = ShellRun.Of($"'{script}' install --tool-path '{tools}'", _dir.Path, Timeout);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("was successfully installed", install.Stdout);
        Assert.True(File.Exists(Path.Combine(tools, "gpunet")), install.ToString());

        // As a user runs it: the bare command name, found on the PATH, in another folder.
        var train = ShellRun.Of("gpunet train --data xor --epochs 2 --device cpu --quiet", _dir.Path, Timeout, tools);
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("done: test accuracy", train.Stdout);

        var again = ShellRun.Of($"'{script}' install --tool-path '{tools}'", _dir.Path, Timeout);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("was successfully updated", again.Stdout);
        Assert.Equal(0, ShellRun.Of("gpunet --help", _dir.Path, Timeout, tools).ExitCode);
    }

    [Fact]
    public void Run_sh_install_refuses_an_unknown_argument_before_packing()
    {
        var run = ShellRun.Of($"'{Path.Combine(Repository.Root, "run.sh")}' install --global-ish", _dir.Path, Timeout);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown argument '--global-ish'", run.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
