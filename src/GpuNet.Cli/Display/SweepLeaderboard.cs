using GpuNet.Cli.Commands;
using GpuNet.Sweep;

namespace GpuNet.Cli.Display;

/// <summary>
/// The sweep's leaderboard as cells: one row per model, best validation loss first (models without one after,
/// diverged ones last), with the options that differ and the latest and best validation figures.
/// </summary>
internal static class SweepLeaderboard
{
    public static IReadOnlyList<string> Header(SweepResults results) =>
        ["model", .. results.Differing, "status", "epoch", "val loss", "val acc", "best val loss", "best epoch", "test acc (best)"];

    public static IReadOnlyList<string[]> Rows(SweepResults results) =>
        results.Models
            .OrderBy(m => m.Status == MemberStatus.Diverged)
            .ThenBy(m => m.Best?.ValidationLoss ?? double.PositiveInfinity)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => (string[])
            [
                m.Name == results.BestName ? m.Name + " *" : m.Name,
                .. results.Differing.Select(f => m.Options.GetValueOrDefault(f, "")),
                SweepCsv.Kebab(m.Status.ToString()),
                m.Epochs.ToString(CultureInfo.InvariantCulture),
                Loss(m.Final?.ValidationLoss), Percent(m.Final?.ValidationAccuracy),
                Loss(m.Best?.ValidationLoss), m.BestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "-", Percent(m.Best?.TestAccuracy),
            ]).ToList();

    /// <summary>"model 003 (--lr 0.1 --hidden 64) epoch 2/5  train loss 0.4123  val loss 0.3921 acc 86.10%".</summary>
    public static string EpochLine(SweepRow row, int epochs)
    {
        var e = row.Final!;
        string line = string.Create(CultureInfo.InvariantCulture, $"model {row.Name} ({row.Model.Describe()}) epoch {e.Epoch}/{epochs}  train loss {e.TrainLoss:0.0000}");
        return e.ValidationLoss is { } v ? line + $"  val loss {Loss(v)} acc {Percent(e.ValidationAccuracy)}" : line;
    }

    /// <summary>"model 003 (--lr 10): diverged: training diverged at epoch 1, step 3: ...", or its status after its last epoch.</summary>
    public static string FinishedLine(SweepRow row) =>
        $"model {row.Name} ({row.Model.Describe()}): " + (row.Status == MemberStatus.Pending
            ? $"stopped after epoch {row.Epochs}; it resumes from its checkpoint"
            : $"{SweepCsv.Kebab(row.Status.ToString())}{(row.Failure is { } f ? ": " + f : "")}" +
              (row.Best?.ValidationLoss is { } best ? $" (best val loss {Loss(best)} at epoch {row.BestEpoch})" : ""));

    private static string Loss(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? value) => value is { } v ? Units.Percent(v) : "-";
}
