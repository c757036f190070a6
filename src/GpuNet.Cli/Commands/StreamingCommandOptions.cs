namespace GpuNet.Cli.Commands;

/// <summary>
/// --max-memory and --shuffle-buffer of <c>gpunet train</c>: how much memory a run may use before its training set streams,
/// and how many chunks the shuffle buffer holds. Sizes are read here ("500M", "2G") and reach the library as bytes.
/// </summary>
public sealed class StreamingCommandOptions
{
    public Option<string?> MaxMemory { get; } = new("--max-memory")
    {
        Description = "Memory the run may use, e.g. 500M or 2G (K, M, G, T: powers of 1024); a training set over half of it streams from disk in chunks. [default: device memory on GPUs; on cpu the cgroup limit, else MemAvailable]",
    };

    public Option<int> ShuffleBuffer { get; } = new Option<int>("--shuffle-buffer")
    {
        Description = "Streaming: chunks held and shuffled together at once; examples only mix within the buffer, so more is closer to a full shuffle (and takes more memory)",
        DefaultValueFactory = _ => StreamingOptions.DefaultShuffleBuffer,
    }.AtLeast(1);

    public IEnumerable<Option> All => [MaxMemory, ShuffleBuffer];

    public StreamingOptions Read(ParseResult parsed) => new()
    {
        MemoryLimit = parsed.GetValue(MaxMemory) is { } text ? ParseSize(text) : null,
        ShuffleBuffer = parsed.GetValue(ShuffleBuffer),
    };

    /// <summary>"500M" → 524288000 bytes; a plain number is bytes. Anything else is a usage error naming --max-memory.</summary>
    public static long ParseSize(string text)
    {
        string trimmed = text.Trim();
        int power = trimmed.Length == 0 ? -1 : "KMGT".IndexOf(char.ToUpperInvariant(trimmed[^1]));
        string number = power >= 0 ? trimmed[..^1] : trimmed;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || !(value > 0))
            throw new UsageException($"--max-memory '{text}' is not a size such as 500M or 2G");
        double bytes = value * Math.Pow(1024, power + 1);
        if (bytes < 1 || bytes > long.MaxValue / 2)
            throw new UsageException($"--max-memory '{text}' is out of range");
        return (long)bytes;
    }
}
