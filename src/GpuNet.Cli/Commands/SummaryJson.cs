using System.Text.Json;
using System.Text.Json.Nodes;

namespace GpuNet.Cli.Commands;

/// <summary>
/// summary.json (and train --json): the run's figures, and under <c>options</c> the hyperparameters it ran with, in
/// run.json's keys (<see cref="RunJson"/>), so runs compare from their summaries alone (<c>gpunet runs</c>).
/// </summary>
public static class SummaryJson
{
    public const string OptionsKey = "options";

    public static string Write(RunSummary summary, TrainRequest request)
    {
        var json = JsonNode.Parse(summary.ToJson())!.AsObject();
        json[OptionsKey] = RunJson.Options(request);
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
