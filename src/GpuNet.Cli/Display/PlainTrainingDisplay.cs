namespace GpuNet.Cli.Display;

/// <summary>One plain line per epoch and no live updates: for logs, pipes and --quiet.</summary>
public sealed class PlainTrainingDisplay(TextWriter output) : ITrainingDisplay
{
    public void Note(string line) => output.WriteLine(line);

    public void Progress(TrainProgress progress) { }

    public void Epoch(EpochMetrics epoch, int epochs) => output.WriteLine(EpochLine(epoch, epochs));

    public void Finish(IReadOnlyList<EpochMetrics> history, RunSummary summary) => output.WriteLine(DoneLine(summary));

    /// <summary>"done: test accuracy 97.50% (loss 0.0712) after 10 epochs on cpu, 1.2M samples/s, 3.4 s".</summary>
    public static string DoneLine(RunSummary summary) =>
        $"done: test accuracy {Units.Percent(summary.TestAccuracy)} (loss {summary.TestLoss.ToString("0.0000", CultureInfo.InvariantCulture)}) after {summary.Epochs} epochs on {summary.Device}, {Units.Rate(summary.SamplesPerSecond)} samples/s, {summary.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s";

    /// <summary>"epoch  3/10  train loss 0.4123 acc 85.10%  val ...  test loss ... acc ...  117.9k samples/s  5.3s".</summary>
    public static string EpochLine(EpochMetrics e, int epochs)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"epoch {e.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(epochs.ToString(CultureInfo.InvariantCulture).Length)}/{epochs}  train loss {e.Train.Loss:0.0000} acc {Units.Percent(e.Train.Accuracy)}");
        if (e.Validation is { } v)
            text += string.Create(CultureInfo.InvariantCulture, $"  val loss {v.Loss:0.0000} acc {Units.Percent(v.Accuracy)}{(e.IsBest ? "*" : " ")}");
        return text + string.Create(CultureInfo.InvariantCulture,
            $"  test loss {e.Test.Loss:0.0000} acc {Units.Percent(e.Test.Accuracy)}  {Units.Rate(e.SamplesPerSecond)} samples/s  {e.ElapsedSeconds:0.0}s");
    }

    public void Dispose() { }
}
