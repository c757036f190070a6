using GpuNet.Cli.Commands;

namespace GpuNet.Tests.TestSupport;

/// <summary>A train command line read as <c>gpunet train</c> reads it (defaults resolved, nothing run).</summary>
public static class TrainArgs
{
    public static TrainRequest Parse(params string[] args)
    {
        var o = new TrainCommandOptions();
        var command = new System.CommandLine.Command("train");
        foreach (var option in o.All) command.Options.Add(option);
        var parsed = command.Parse(args);
        Assert.Empty(parsed.Errors);
        return o.Read(parsed);
    }
}
