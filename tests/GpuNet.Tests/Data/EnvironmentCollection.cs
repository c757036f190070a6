namespace GpuNet.Tests.Data;

/// <summary>
/// Tests that set $GPUNET_DATA, or that read it through the catalog, run one at a time and never
/// alongside other classes: the environment is process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "GPUNET_DATA environment";
}

/// <summary>Sets an environment variable for the life of a test and restores the previous value on dispose.</summary>
internal sealed class EnvironmentVariableScope : IDisposable
{
    private readonly string _name;
    private readonly string? _previous;

    public EnvironmentVariableScope(string name, string? value)
    {
        _name = name;
        _previous = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _previous);
}
