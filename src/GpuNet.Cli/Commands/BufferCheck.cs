namespace GpuNet.Cli.Commands;

/// <summary>Buffers too large to allocate are a usage error naming the options that asked for them, before any device is opened.</summary>
internal static class BufferCheck
{
    /// <param name="options">The options that sized the buffers, with their values, e.g. "--hidden 4096 with --batch-size 8192".</param>
    public static void Require(string options, IEnumerable<(string What, double Elements)> buffers)
    {
        try
        {
            BufferLimits.Check(buffers);
        }
        catch (BufferSizeException e)
        {
            throw new UsageException($"{options}: {e.Message}; choose smaller ones");
        }
    }
}
