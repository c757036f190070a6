using System.Globalization;
using System.Runtime.Versioning;
using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Issue 22's property: whatever the file-system state a verb's output lands on (a new path, a user's file, a link to a
/// file, a dangling link, a linked folder, a FIFO, a device node, a read-only folder, a full disk, or the very files the
/// verb reads under another name), the whole temporary folder, hashed before and after, differs only in the output the
/// user named (for a link: its target), and holds no debris. Every verb that writes is tried on every state, with seeded
/// contents; device nodes and the full disk (a small tmpfs) need root and are left out otherwise.
/// </summary>
[SupportedOSPlatform("linux")] // FIFOs, device nodes and mounts
public sealed class UserFilesPropertyTests : IDisposable
{
    private enum Target { NewFile, UsersFile, LinkToFile, DanglingLink, ThroughLinkedFolder, Fifo, Device, ReadOnlyFolder, FullDisk, CheckpointViaLinkedFolder, CheckpointHardLink, InputViaLinkedFolder }

    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _mounts = [];
    private readonly string _model;
    private int _cases;

    public UserFilesPropertyTests()
    {
        var run = CliRun.Of("train", "--data", "blobs", "--model", "softmax", "--samples", "100", "--epochs", "1", "--device", "cpu", "--quiet", "--out", Path.Combine(_dir.Path, "model"));
        Assert.True(run.ExitCode == 0, run.ToString());
        _model = Path.Combine(_dir.Path, "model", RunCheckpoints.LastFile);
    }

    [Fact]
    public void Predict_export_bench_and_convert_change_nothing_but_the_output_on_any_state()
    {
        var random = new Random(20261206);
        var violations = new List<string>();
        foreach (var verb in new[] { "predict", "export", "bench", "convert" })
            foreach (var target in Enum.GetValues<Target>().OrderBy(_ => random.Next()))
            {
                if (!Applies(verb, target)) continue;
                var (args, mayChange, refused) = OutputCase(verb, target, random);
                Check($"{verb} onto {target}", args, mayChange, refused ? [2] : target == Target.FullDisk ? [0, 1] : [0], violations);
            }
        Assert.True(violations.Count == 0, string.Join("\n\n", violations));
    }

    [Fact]
    public void Train_out_overwrite_and_resume_change_nothing_the_user_had_on_any_state()
    {
        var random = new Random(20261207);
        var violations = new List<string>();
        string[] train = ["train", "--data", "blobs", "--model", "logistic", "--samples", "80", "--epochs", "1", "--device", "cpu", "--quiet"];
        // A new run through a linked folder, and into a linked folder holding a run (--overwrite may change only that run's files).
        var folder = Case(random);
        Check("train --out through a linked folder", [.. train, "--out", Path.Combine(folder, "userlink", "newrun")], [], [0], violations);
        folder = Case(random);
        var (run, own) = PreviousRun(folder, "runs/a");
        Directory.CreateSymbolicLink(Path.Combine(folder, "runlink"), run);
        Check("train --overwrite into a linked run folder", [.. train, "--out", Path.Combine(folder, "runlink"), "--overwrite"], own, [0], violations);
        // A folder holding a user's own curves.png and summary.json, with and without --overwrite.
        folder = Case(random);
        File.WriteAllText(Path.Combine(folder, "user", "curves.png"), Text(random));
        File.WriteAllText(Path.Combine(folder, "user", "summary.json"), Text(random));
        Check("train --out a folder of the user's", [.. train, "--out", Path.Combine(folder, "user")], [], [2], violations);
        Check("train --overwrite a folder of the user's", [.. train, "--out", Path.Combine(folder, "user"), "--overwrite"], [], [2], violations);
        // A run's names held by what no run writes: a link to a user's file, a FIFO.
        folder = Case(random);
        (run, _) = PreviousRun(folder, "runs/e");
        File.Delete(Path.Combine(run, RunSaver.SummaryFile));
        File.CreateSymbolicLink(Path.Combine(run, RunSaver.SummaryFile), Path.Combine(folder, "user", "notes.txt"));
        File.Delete(Path.Combine(run, "curves.png"));
        FileSystemStates.MakeFifo(Path.Combine(run, "curves.png"));
        Check("train --overwrite a run whose names hold a link and a FIFO", [.. train, "--out", run, "--overwrite"], [], [2], violations);
        // A run whose metrics.csv the user changed, or replaced by the data the new run reads (named through a linked folder).
        folder = Case(random);
        (run, _) = PreviousRun(folder, "runs/b");
        File.AppendAllText(Path.Combine(run, RunSaver.MetricsFile), Text(random));
        Check("train --overwrite a run with a changed file", [.. train, "--out", run, "--overwrite"], [], [2], violations);
        folder = Case(random);
        (run, _) = PreviousRun(folder, "runs/c");
        File.Copy(Path.Combine(folder, "user", "data.csv"), Path.Combine(run, RunSaver.MetricsFile), overwrite: true);
        Directory.CreateSymbolicLink(Path.Combine(folder, "runlink"), run);
        Check("train --overwrite a run whose metrics.csv is the data", ["train", "--data", Path.Combine(folder, "runlink", RunSaver.MetricsFile), "--epochs", "1", "--device", "cpu", "--quiet", "--out", run, "--overwrite"], [], [2], violations);
        // Weights without their checkpoint.json: neither resumed over nor overwritten.
        folder = Case(random);
        (run, _) = PreviousRun(folder, "runs/d");
        File.Delete(Path.Combine(run, RunGeneration.ManifestFile));
        Check("train --resume weights without checkpoint.json", ["train", "--resume", run, "--epochs", "3", "--quiet"], [], [1], violations);
        Check("train --overwrite weights without checkpoint.json", [.. train, "--out", run, "--overwrite"], [], [2], violations);
        if (FileSystemStates.IsRoot)
        {
            // A disk with room for run.json and one staged weights file, not for the rest.
            folder = Case(random);
            _mounts.Add(FileSystemStates.MountTmpfs(Path.Combine(folder, "full"), 160));
            Check("train --out on a full disk", ["train", "--data", "blobs", "--model", "mlp", "--hidden", "4096", "--epochs", "1", "--device", "cpu", "--quiet", "--out", Path.Combine(folder, "full", "run")],
                [], [1], violations);
        }
        Assert.True(violations.Count == 0, string.Join("\n\n", violations));
    }

    [Fact]
    public void Sweep_out_and_resume_change_nothing_the_user_had()
    {
        var random = new Random(20261208);
        var violations = new List<string>();
        string[] sweep = ["sweep", "--data", "blobs", "--model", "logistic", "--samples", "80", "--lr", "0.1,0.05", "--epochs", "1", "--device", "cpu", "--quiet"];
        // A new sweep into a folder (named directly or through a link) holding a user's entry under a name the sweep writes.
        foreach (var name in new[] { "best", "best.staged", "models", "sweep.csv", "validation.png" })
        {
            var folder = Case(random);
            var path = Path.Combine(folder, "user", name);
            if (name.Contains(".csv", StringComparison.Ordinal) || name.Contains(".png", StringComparison.Ordinal)) File.WriteAllText(path, Text(random));
            else WriteText(Path.Combine(Directory.CreateDirectory(path).FullName, "notes.txt"), Text(random));
            Check($"sweep --out a folder holding the user's {name}", [.. sweep, "--out", Path.Combine(folder, random.Next(2) == 0 ? "user" : "userlink")], [], [2], violations);
        }
        // A finished sweep the user then worked in: training continued in best/, a file changed or added there, sweep.csv edited.
        foreach (var change in new[] { "train --resume best", "changed best file", "added best file", "edited sweep.csv" })
        {
            var folder = Case(random);
            string dir = Path.Combine(folder, "sweep");
            var first = CliRun.Of([.. sweep, "--out", dir]);
            Assert.True(first.ExitCode == 0, first.ToString());
            string best = Path.Combine(dir, "best");
            if (change == "train --resume best") Assert.Equal(0, CliRun.Of("train", "--resume", best, "--epochs", "2", "--quiet").ExitCode);
            else if (change == "changed best file") File.AppendAllText(Path.Combine(best, RunSaver.MetricsFile), Text(random));
            else if (change == "added best file") File.WriteAllText(Path.Combine(best, "notes.txt"), Text(random));
            else File.AppendAllText(Path.Combine(dir, "sweep.csv"), Text(random));
            Check($"sweep --resume after {change}", ["sweep", "--resume", dir, "--quiet"], [], [2], violations);
        }
        Assert.True(violations.Count == 0, string.Join("\n\n", violations));
    }

    private static bool Applies(string verb, Target target) => target switch
    {
        Target.Device or Target.FullDisk => FileSystemStates.IsRoot,
        Target.InputViaLinkedFolder => verb == "predict",
        Target.CheckpointViaLinkedFolder or Target.CheckpointHardLink => verb is "predict" or "export",
        Target.Fifo or Target.Device or Target.DanglingLink or Target.UsersFile => verb != "convert", // convert writes a folder of files
        _ => true,
    };

    /// <summary>A verb writing onto one state: its arguments, the entries it may change (relative to the temporary folder), and whether it must refuse.</summary>
    private (string[] Args, string[] MayChange, bool Refused) OutputCase(string verb, Target target, Random random)
    {
        var folder = Case(random);
        string user = Path.Combine(folder, "user"), relative = Path.GetRelativePath(_dir.Path, folder);
        // Each case reads its own copy of the model: a case that destroyed it must not fail the ones after it.
        var model = Path.Combine(folder, "model", RunCheckpoints.LastFile);
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.Copy(_model, model);
        string output;
        string[] mayChange = [];
        switch (target)
        {
            case Target.NewFile: output = Path.Combine(user, "new.out"); break;
            case Target.UsersFile: output = Path.Combine(user, "existing.out"); mayChange = [Path.Combine(relative, "user", "existing.out")]; break;
            case Target.LinkToFile:
                output = Path.Combine(user, "link.out");
                File.CreateSymbolicLink(output, Path.Combine(user, "existing.out"));
                mayChange = [Path.Combine(relative, "user", "existing.out")];
                if (verb == "convert") { output = user; File.Move(Path.Combine(user, "link.out"), Path.Combine(user, "features.npy")); }
                break;
            case Target.DanglingLink: output = Path.Combine(user, "dangling.out"); File.CreateSymbolicLink(output, Path.Combine(user, "not-yet.out")); break;
            case Target.ThroughLinkedFolder: output = Path.Combine(folder, "userlink", "new.out"); break;
            case Target.Fifo: output = FileSystemStates.MakeFifo(Path.Combine(user, "out.fifo")); _mounts.Add(new FifoReader(output)); break;
            case Target.Device: output = FileSystemStates.MakeNullDevice(Path.Combine(user, "null")); break;
            case Target.ReadOnlyFolder:
                output = Path.Combine(folder, "ro", "existing.out");
                File.WriteAllText(output, Text(random));
                File.SetUnixFileMode(Path.Combine(folder, "ro"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
                mayChange = [Path.Combine(relative, "ro", "existing.out")];
                break;
            case Target.FullDisk:
                _mounts.Add(FileSystemStates.MountTmpfs(Path.Combine(folder, "full"), 64));
                output = Path.Combine(folder, "full", "existing.out");
                File.WriteAllText(output, Text(random));
                FileSystemStates.FillUp(Path.Combine(folder, "full", "filler"));
                mayChange = [Path.Combine(relative, "full", "existing.out")];
                break;
            case Target.CheckpointViaLinkedFolder: output = Path.Combine(folder, "modellink", RunCheckpoints.LastFile); Directory.CreateSymbolicLink(Path.Combine(folder, "modellink"), Path.GetDirectoryName(model)!); break;
            case Target.CheckpointHardLink: output = FileSystemStates.HardLink(model, Path.Combine(user, "hard.safetensors")); break;
            default: output = Path.Combine(folder, "userlink", "features.csv"); break;
        }
        if (verb == "convert" && target != Target.LinkToFile) output = Path.Combine(Path.GetDirectoryName(output)!, "converted");
        string[] args = verb switch
        {
            "predict" => ["predict", "--checkpoint", model, "--input", Path.Combine(user, "features.csv"), "--device", "cpu", "--output", output],
            "export" => ["export", "--checkpoint", model, "--output", output],
            "bench" => ["bench", "--data", "random", "--samples", "64", "--batch-sizes", "8", "--steps", "1", "--warmup-steps", "0", "--device", "cpu", "--hidden", "4", "--csv", output],
            _ => ["convert", "--data", Path.Combine(user, "data.csv"), "--out", output, "--overwrite"],
        };
        return (args, mayChange, target is Target.CheckpointViaLinkedFolder or Target.CheckpointHardLink or Target.InputViaLinkedFolder);
    }

    private void Check(string what, string[] args, IEnumerable<string> mayChange, int[] exitCodes, List<string> violations)
    {
        var before = FileSystemStates.Snapshot(_dir.Path);
        var run = CliRun.Of(args);
        var problems = FileSystemStates.Differences(before, FileSystemStates.Snapshot(_dir.Path), mayChange);
        if (!exitCodes.Contains(run.ExitCode)) problems.Add($"exit {run.ExitCode}, expected {string.Join(" or ", exitCodes)}");
        if (run.Stderr.Contains("   at ", StringComparison.Ordinal) || run.Stderr.Contains("internal error", StringComparison.Ordinal)) problems.Add("a crash");
        if (problems.Count > 0) violations.Add($"{what}: {string.Join("; ", problems)}\ngpunet {string.Join(" ", args)}\n{run}");
    }

    /// <summary>A fresh case folder: user/ with seeded data, features, notes and an existing output; userlink -> user; an empty ro/.</summary>
    private string Case(Random random)
    {
        var folder = Path.Combine(_dir.Path, $"case{_cases++}");
        var user = Path.Combine(folder, "user");
        Directory.CreateDirectory(user);
        Directory.CreateDirectory(Path.Combine(folder, "ro"));
        string Row(int label) => string.Create(CultureInfo.InvariantCulture, $"{label},{random.NextDouble() * 4 - 2 + label * 3:0.###},{random.NextDouble() * 4 - 2:0.###}");
        File.WriteAllLines(Path.Combine(user, "data.csv"), Enumerable.Range(0, 40).Select(i => Row(i % 2)));
        File.WriteAllLines(Path.Combine(user, "features.csv"), Enumerable.Range(0, 5).Select(_ => Row(0)[2..]));
        File.WriteAllText(Path.Combine(user, "notes.txt"), Text(random));
        File.WriteAllText(Path.Combine(user, "existing.out"), Text(random));
        Directory.CreateSymbolicLink(Path.Combine(folder, "userlink"), user);
        // Decoys nothing may touch, a seeded few of them: a read-only file, a FIFO, a dangling link.
        if (random.Next(2) == 0) File.SetUnixFileMode(WriteText(Path.Combine(user, "readonly.txt"), Text(random)), UnixFileMode.UserRead);
        if (random.Next(2) == 0) FileSystemStates.MakeFifo(Path.Combine(user, "decoy.fifo"));
        if (random.Next(2) == 0) File.CreateSymbolicLink(Path.Combine(user, "decoy.link"), Path.Combine(folder, "nowhere"));
        return folder;
    }

    /// <summary>A finished run at <paramref name="relative"/> in <paramref name="folder"/>, a user's notes beside it, and the entries gpunet wrote there.</summary>
    private (string Run, string[] Own) PreviousRun(string folder, string relative)
    {
        var run = Path.Combine(folder, relative);
        var train = CliRun.Of("train", "--data", "circles", "--samples", "80", "--epochs", "2", "--plot-every", "1", "--device", "cpu", "--quiet", "--out", run);
        Assert.True(train.ExitCode == 0, train.ToString());
        var own = Directory.EnumerateFileSystemEntries(run).Select(f => Path.GetRelativePath(_dir.Path, f)).ToArray();
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        return (run, own);
    }

    private static string WriteText(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    private static string Text(Random random) => Convert.ToHexString(Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256)).ToArray()) + "\n";

    public void Dispose()
    {
        foreach (var mount in _mounts) mount.Dispose();
        _dir.Dispose();
    }
}
