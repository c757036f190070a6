namespace GpuNet.Cli.Display;

/// <summary>Chooses how a training run is shown.</summary>
public static class TrainingDisplays
{
    public static ITrainingDisplay Create(TextWriter output, bool quiet) => new PlainTrainingDisplay(output);
}
