using System.Diagnostics;

namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// perf/gpu/cuda-tools.sh fetches ptxas through a private apt sources list. It used to write a mirror's host name into
/// that list; it now takes the archive from the machine's own apt sources (deb822 .sources files, else the one-line
/// sources.list), so the repository names no mirror.
/// </summary>
public sealed class CudaToolsScriptTests : IDisposable
{
    private readonly TempDirectory _etc = new();

    [Fact]
    public void The_archive_comes_from_the_first_enabled_deb822_entry_of_a_release_suite()
    {
        _etc.WriteText("sources.list.d/a.sources", """
            Types: deb
            URIs: http://security.example.invalid/debian-security
            Suites: bookworm-security

            Types: deb-src deb
            Enabled: no
            URIs: http://disabled.example.invalid/debian
            Suites: bookworm

            # a comment
            Types: deb
            URIs: http://archive.example.invalid/debian
            Suites: bookworm bookworm-updates
            Signed-By: /usr/share/keyrings/example.gpg
            """);

        Assert.Equal("http://archive.example.invalid/debian /usr/share/keyrings/example.gpg", Archive());
    }

    [Fact]
    public void A_one_line_sources_list_is_read_with_its_signed_by_option()
    {
        _etc.WriteText("sources.list", """
            deb-src http://source.example.invalid/debian bookworm main
            deb [arch=amd64 signed-by=/etc/apt/keyrings/k.gpg] http://archive.example.invalid/debian bookworm main
            """);

        Assert.Equal("http://archive.example.invalid/debian /etc/apt/keyrings/k.gpg", Archive());
    }

    [Fact]
    public void No_sources_give_nothing_and_the_script_names_no_archive_of_its_own()
    {
        Assert.Equal("", Archive());
        Assert.DoesNotContain("://", File.ReadAllText(Script()));
    }

    private string Archive()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("a bash script for Debian");
        var start = new ProcessStartInfo("bash", [Script(), "--archive"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["CUDA_TOOLS_APT_ETC"] = _etc.Path;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        return output.Trim();
    }

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GpuNet.sln")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "perf", "gpu", "cuda-tools.sh");
    }

    public void Dispose() => _etc.Dispose();
}
