namespace GpuNet.Tests.Cli;

/// <summary>
/// README.md is the manual, so its marked blocks are run as written (<see cref="ReadmeBlock"/>), in order, in one
/// scratch folder, with a `gpunet` on the PATH that is this build: each command must exit 0 and print the lines the
/// README shows for it. Commands and output cannot drift apart unnoticed.
/// </summary>
public sealed class ReadmeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly TempDirectory _dir = new();

    private static string[] Readme() => File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));

    [Fact]
    public void Every_marker_precedes_a_block_and_names_known_clauses()
    {
        var blocks = ReadmeBlock.Parse(Readme());

        Assert.True(blocks.Count >= 5, $"only {blocks.Count} marked blocks");
        Assert.All(blocks, b => Assert.NotEmpty(b.Commands));
        Assert.Contains(blocks, b => b.Commands.Any(c => c.Command.StartsWith("mpirun -np 2 gpunet train", StringComparison.Ordinal)));
    }

    [Fact]
    public void Shown_lines_match_in_order_with_timings_loose()
    {
        string[] printed = ["data: x", "epoch 1/2  acc 80.74%  131.9k samples/s  0.4s", "done: 88.35% on cpu, 203.6k samples/s, 12.9 s", "lr-0.3  0.3    96.88%    0.5s"];

        Assert.Null(ReadmeBlock.Missing(["epoch 1/2  acc 80.74%  75.4k samples/s  0.8s", "done: 88.35% on cpu, 122.5k samples/s, 5.0 s", "lr-0.3  0.3  96.88%  12.3s"], printed));
        Assert.Equal("epoch 1/2  acc 80.75%  75.4k samples/s  0.8s", ReadmeBlock.Missing(["epoch 1/2  acc 80.75%  75.4k samples/s  0.8s"], printed)); // figures are exact
        Assert.Equal("data: x", ReadmeBlock.Missing(["done: 88.35% on cpu, 1k samples/s, 1 s", "data: x"], printed)); // and in order
    }

    [Slow]
    [Fact]
    public void The_marked_blocks_run_as_written_and_print_what_the_readme_shows()
    {
        string bin = Directory.CreateDirectory(Path.Combine(_dir.Path, "bin")).FullName, work = Directory.CreateDirectory(Path.Combine(_dir.Path, "work")).FullName;
        string wrapper = Path.Combine(bin, "gpunet");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "gpunet.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // README commands run from the repository root; its scripts are reached from the scratch folder too.
        Directory.CreateSymbolicLink(Path.Combine(work, "perf"), Path.Combine(Repository.Root, "perf"));

        var failures = new List<string>();
        foreach (var block in ReadmeBlock.Parse(Readme()))
        {
            if (block.Needs is { } needed && !Path.Exists(needed))
            {
                TestContext.Current.SendDiagnosticMessage($"README.md line {block.Line}: skipped, {needed} is not there");
                continue;
            }
            foreach (var (command, shown) in block.Commands)
            {
                string line = block.Prepare(command);
                var run = ShellRun.Of(line, work, Timeout, bin);
                string where = $"README.md line {block.Line}: `{line}`";
                if (run.ExitCode != 0) { failures.Add($"{where} exited {run.ExitCode}\n{Tail(run)}"); break; }
                if (block.ExitOnly) continue;
                var printed = (run.Stdout + run.Stderr).Split('\n');
                if (ReadmeBlock.Missing(shown, printed) is { } missing)
                    failures.Add($"{where} did not print\n  {missing}\n{Tail(run)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void The_state_dict_keys_are_those_of_the_readme_snippets_layers_module_list()
    {
        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of("train", "--data", "xor", "--samples", "100", "--hidden", "4,3", "--epochs", "1", "--device", "cpu", "--quiet", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.ToString());

        byte[] file = File.ReadAllBytes(Path.Combine(outDir, "model.safetensors"));
        using var header = JsonDocument.Parse(file.AsMemory(8, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(file)));
        var tensors = header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__");
        Assert.Equal(["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight", "layers.2.bias", "layers.2.weight"], tensors.Order(StringComparer.Ordinal));
        string readme = string.Join("\n", Readme());
        Assert.Contains("self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))", readme);
        Assert.DoesNotContain("loads into an `nn.Sequential`", readme);
    }

    /// <summary>What a command printed, cut to its first and last lines: a 400-epoch run would bury the failure.</summary>
    private static string Tail(CliRun run)
    {
        var lines = run.ToString().Split('\n');
        return lines.Length <= 40 ? run.ToString() : string.Join("\n", [.. lines[..20], $"... ({lines.Length - 40} lines)", .. lines[^20..]]);
    }

    public void Dispose() => _dir.Dispose();
}
