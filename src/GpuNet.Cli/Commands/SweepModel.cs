using System.Text.Json.Serialization;

namespace GpuNet.Cli.Commands;

/// <summary>
/// One model of a sweep as <c>gpunet train</c> would be told to train it: its per-model settings, the whole
/// argument list (shared options, the data seed and its settings; no --out) and its run directory in the sweep.
/// Its request is read from those arguments by train's own options, so it means what <c>gpunet train</c> would.
/// </summary>
public sealed record SweepModel(
    [property: JsonPropertyName("model")] string Name,
    [property: JsonPropertyName("settings")] IReadOnlyList<SweepSetting> Settings,
    [property: JsonPropertyName("train_args")] IReadOnlyList<string> TrainArgs,
    [property: JsonPropertyName("run_dir")] string RunDir)
{
    public const string ModelsFolder = "models";

    /// <summary>The models of <paramref name="grid"/>, named 000, 001, ... in grid order.</summary>
    public static IReadOnlyList<SweepModel> Create(IReadOnlyList<string> sharedArgs, IReadOnlyList<IReadOnlyList<SweepSetting>> grid)
    {
        int digits = Math.Max(3, (grid.Count - 1).ToString(CultureInfo.InvariantCulture).Length);
        return grid.Select((settings, i) =>
        {
            string name = i.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
            return new SweepModel(name, settings, [.. sharedArgs, .. settings.SelectMany(s => new[] { s.Flag, s.Value })], $"{ModelsFolder}/{name}");
        }).ToList();
    }

    /// <summary>"--lr 0.1 --hidden 64": the settings, as the leaderboard and errors name the model.</summary>
    public string Describe() => Settings.Count == 0 ? "defaults" : string.Join(" ", Settings.Select(s => $"{s.Flag} {s.Value}"));

    /// <summary>
    /// The train request of this model, writing into its run directory under <paramref name="sweepDir"/>: read and
    /// checked as train reads and checks its command line, so a bad value is a usage error naming the model.
    /// </summary>
    public TrainRequest Request(string sweepDir)
    {
        var options = new TrainCommandOptions();
        var command = new RootCommand();
        foreach (var option in options.All) command.Options.Add(option);
        var parsed = command.Parse(TrainArgs.ToArray());
        if (parsed.Errors.Count > 0) throw Problem(parsed.Errors[0].Message);
        try
        {
            var request = options.Read(parsed);
            request.Train.Validate();
            OptimizerOptions.Require(request);
            return request.WithAbsoluteDataPaths() with { OutDir = Path.GetFullPath(Path.Combine(sweepDir, RunDir)), Ranks = 1 };
        }
        catch (UsageException e)
        {
            throw Problem(SettingFlags.Describe(e));
        }
    }

    private UsageException Problem(string message) =>
        new($"model {Name} ({Describe()}): {GpuNetCli.OneLine(message)}");
}
