using System.Globalization;
using System.Runtime.Versioning;
using GpuNet.IO;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Nothing a user has is lost or silently changed (issue 22), one case per way it was: outputs replacing what is not a
/// regular file (1), guards fooled by a linked folder or a hard link (2), --overwrite deleting by name (3), a run that
/// cannot be accounted for restarted over its weights (4), and debris after a kill or a full disk (9).
/// </summary>
[SupportedOSPlatform("linux")] // FIFOs, device nodes and mounts
public sealed class UserFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _run, _model, _features, _data;

    public UserFilesTests()
    {
        _run = Path.Combine(_dir.Path, "run");
        var train = CliRun.Of("train", "--data", "blobs", "--model", "softmax", "--samples", "100", "--epochs", "1", "--device", "cpu", "--quiet", "--out", _run);
        Assert.True(train.ExitCode == 0, train.ToString());
        _model = Path.Combine(_run, RunCheckpoints.LastFile);
        _features = _dir.WriteText("user/features.csv", "0.5,1.5\n-1,2\n3,0.25\n");
        _data = _dir.WriteText("user/data.csv", string.Join("\n", Enumerable.Range(0, 60).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 2},{i % 2 * 3 + i * 0.01},{i * 0.02}"))) + "\n");
    }

    /// <summary>Each verb that writes a file a user names, writing to <paramref name="output"/>.</summary>
    private string[] Writing(string verb, string output) => verb switch
    {
        "predict" => ["predict", "--checkpoint", _model, "--input", _features, "--device", "cpu", "--output", output],
        "export" => ["export", "--checkpoint", _model, "--output", output],
        _ => ["bench", "--data", "random", "--samples", "64", "--batch-sizes", "8", "--steps", "1", "--warmup-steps", "0", "--device", "cpu", "--hidden", "4", "--csv", output],
    };

    [Theory]
    [InlineData("predict")]
    [InlineData("export")]
    [InlineData("bench")]
    public void A_fifo_output_is_written_in_place_and_stays_a_fifo(string verb)
    {
        var fifo = FileSystemStates.MakeFifo(Path.Combine(_dir.Path, "user", "out.fifo"));
        using var reader = new FifoReader(fifo);

        var run = CliRun.Of(Writing(verb, fifo));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(FileKind.Fifo, FileStatus.Of(fifo, followLinks: false).Kind);
        Assert.NotEmpty(reader.Received(TimeSpan.FromSeconds(10)) ?? []);
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("export")]
    [InlineData("bench")]
    public void A_device_output_is_written_in_place_and_stays_a_device(string verb)
    {
        Assert.SkipUnless(FileSystemStates.IsRoot, "mknod needs root");
        var device = FileSystemStates.MakeNullDevice(Path.Combine(_dir.Path, "user", "null"));

        var run = CliRun.Of(Writing(verb, device));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(FileKind.CharacterDevice, FileStatus.Of(device, followLinks: false).Kind);
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("export")]
    [InlineData("bench")]
    public void An_output_link_is_written_through_to_its_target_and_stays_a_link(string verb)
    {
        var target = _dir.WriteText("elsewhere/target.out", "old");
        var link = Path.Combine(_dir.Path, "user", "out.link");
        File.CreateSymbolicLink(link, target);
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var run = CliRun.Of(Writing(verb, link));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.NotEqual("old", File.ReadAllText(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target)); // the replaced file keeps its permissions
    }

    [Fact]
    public void A_link_into_a_missing_folder_is_an_error_naming_its_target_and_no_folder_is_made()
    {
        var target = Path.Combine(_dir.Path, "gone", "deeper", "out.csv");
        var link = Path.Combine(_dir.Path, "user", "out.link");
        File.CreateSymbolicLink(link, target);

        var run = CliRun.Of(Writing("bench", link));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(target, run.Stderr);
        Assert.DoesNotContain(".tmp", run.Stderr); // the file the user named, not our temporary one
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "gone")));
    }

    [Fact]
    public void Bench_csv_dash_is_standard_output()
    {
        var run = CliRun.Of(Writing("bench", "-"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("device,model,batch_size,samples_per_second", run.Stdout);
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "-")));
    }

    [Theory]
    [InlineData("predict", "linked folder")]
    [InlineData("export", "linked folder")]
    [InlineData("predict", "hard link")]
    [InlineData("export", "hard link")]
    public void An_output_naming_the_checkpoint_by_another_path_is_refused_and_the_checkpoint_kept(string verb, string how)
    {
        string other = how == "hard link"
            ? FileSystemStates.HardLink(_model, Path.Combine(_dir.Path, "user", "hard.safetensors"))
            : Path.Combine(Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "runlink"), _run).FullName, RunCheckpoints.LastFile);
        var before = File.ReadAllBytes(_model);

        var run = CliRun.Of(Writing(verb, other));

        run.AssertOneLineUsageError("is the --checkpoint file");
        Assert.Equal(before, File.ReadAllBytes(_model));
    }

    [Fact]
    public void Predict_output_naming_its_input_through_a_linked_folder_is_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "userlink"), Path.Combine(_dir.Path, "user"));
        var before = File.ReadAllText(_features);

        var run = CliRun.Of(Writing("predict", Path.Combine(_dir.Path, "userlink", "features.csv")));

        run.AssertOneLineUsageError("is the --input file");
        Assert.Equal(before, File.ReadAllText(_features));
    }

    [Fact]
    public void Streams_are_told_from_files_by_what_they_are()
    {
        var fifo = FileSystemStates.MakeFifo(Path.Combine(_dir.Path, "user", "pipe"));
        Assert.True(InputFile.IsStream(fifo));
        Assert.True(InputFile.IsStream(InputFile.StandardInput));
        Assert.False(InputFile.IsStream(_data));
        Assert.Equal([_data], DataFile.Read(new DataOptions { Source = _data }).Select(f => f.Path));
        if (!FileSystemStates.IsRoot) return;
        Assert.True(InputFile.IsStream(FileSystemStates.MakeNullDevice(Path.Combine(_dir.Path, "user", "null"))));
        using var tmpfs = FileSystemStates.MountTmpfs(Path.Combine(_dir.Path, "shm"), 256);
        var onTmpfs = Path.Combine(_dir.Path, "shm", "data.csv");
        File.Copy(_data, onTmpfs);
        Assert.False(InputFile.IsStream(onTmpfs));
    }

    [Fact]
    public void Resume_notices_a_changed_data_file_under_dev_shm()
    {
        // /dev/shm as a user has it, a tmpfs, mounted over the real one in a mount namespace of the child's own: the real /dev is never touched.
        Assert.SkipUnless(FileSystemStates.IsRoot, "a private mount namespace needs root");
        var dll = Path.Combine(AppContext.BaseDirectory, "gpunet.dll");
        var script = $"""
            mount -t tmpfs -o size=1m tmpfs /dev/shm && cp '{_data}' /dev/shm/data.csv &&
            dotnet '{dll}' train --data /dev/shm/data.csv --epochs 1 --device cpu --quiet --out '{_dir.Path}/shmrun' &&
            echo '1,9,9' >> /dev/shm/data.csv && dotnet '{dll}' train --resume '{_dir.Path}/shmrun' --epochs 2 --quiet
            """;
        var start = new System.Diagnostics.ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd(), stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}\n{stdout}\n{stderr}");
        Assert.Contains("the data differs from what the run was trained on", stderr);
    }

    public void Dispose() => _dir.Dispose();
}
