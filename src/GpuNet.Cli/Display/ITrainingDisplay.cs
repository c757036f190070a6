namespace GpuNet.Cli.Display;

/// <summary>
/// How <c>gpunet train</c> shows a run. The trainer raises its events on the training thread;
/// a display must return quickly from each call.
/// </summary>
public interface ITrainingDisplay : IDisposable
{
    /// <summary>A line of context before training starts (device, data, model).</summary>
    void Note(string line);

    /// <summary>Running figures inside an epoch (a few times a second at most).</summary>
    void Progress(TrainProgress progress);

    /// <summary>An epoch finished.</summary>
    void Epoch(EpochMetrics epoch, int epochs);

    /// <summary>Training ended; <paramref name="summary"/> holds the final figures.</summary>
    void Finish(IReadOnlyList<EpochMetrics> history, RunSummary summary);
}
