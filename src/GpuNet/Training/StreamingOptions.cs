namespace GpuNet.Training;

/// <summary>How a training set larger than the memory a run may use is streamed (see <see cref="StreamPlan"/>).</summary>
public sealed record StreamingOptions
{
    /// <summary>The memory the run may use, in bytes; null for the device's memory (GPUs) or the host's (<see cref="MemoryLimit.Host"/>).</summary>
    public long? MemoryLimit { get; init; }
    /// <summary>Chunks held (and shuffled together) at once: more is closer to a full shuffle, and takes more memory.</summary>
    public int ShuffleBuffer { get; init; } = DefaultShuffleBuffer;
    /// <summary>Rows per chunk; null to fit the shuffle buffer into the memory limit.</summary>
    public int? ChunkRows { get; init; }

    public const int DefaultShuffleBuffer = 16;

    public void Validate()
    {
        if (MemoryLimit is <= 0) throw new UsageException($"the memory limit must be a positive number of bytes (got {MemoryLimit})");
        if (ShuffleBuffer < 1) throw new UsageException($"the shuffle buffer must hold at least 1 chunk (got {ShuffleBuffer})");
        if (ChunkRows is < 1) throw new UsageException($"a chunk must hold at least 1 row (got {ChunkRows})");
    }
}
