using System.Globalization;
using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>
/// How a streamed training set is cut and visited. The rows are cut into <see cref="ChunkCount"/> chunks of consecutive
/// rows (sizes differ by at most one, none below the batch size). Each epoch visits the chunks in a seeded random order,
/// <see cref="BufferChunks"/> at a time: such a group (one fill of the shuffle buffer) is loaded, and its rows are drawn
/// in a seeded random permutation, so every row is visited exactly once per epoch. Like tf.data's shuffle buffer and
/// WebDataset, examples only mix within a group; a buffer that holds every chunk is a full shuffle, the very order an
/// in-memory epoch uses (<see cref="Permutation.ForEpoch"/>).
/// </summary>
public sealed class StreamPlan
{
    private StreamPlan(int count, int chunkCount, int bufferChunks, string reason)
    {
        Count = count;
        ChunkCount = chunkCount;
        BufferChunks = Math.Min(bufferChunks, chunkCount);
        Reason = reason;
        MaxChunkRows = (int)(((long)count + chunkCount - 1) / chunkCount);
        BufferRows = BufferChunks * MaxChunkRows;
        GroupCount = (ChunkCount + BufferChunks - 1) / BufferChunks;
    }

    public int Count { get; }
    public int ChunkCount { get; }
    /// <summary>Chunks per group (one fill of the shuffle buffer).</summary>
    public int BufferChunks { get; }
    /// <summary>The most rows of a chunk.</summary>
    public int MaxChunkRows { get; }
    /// <summary>The most rows of a group: one half of the double-buffered staging area.</summary>
    public int BufferRows { get; }
    public int GroupCount { get; }
    /// <summary>Why the set streams (the memory figures), for the run's header.</summary>
    public string Reason { get; }

    /// <summary>The first row of chunk <paramref name="chunk"/> (0 ≤ chunk ≤ <see cref="ChunkCount"/>).</summary>
    public int ChunkStart(int chunk) => (int)((long)chunk * Count / ChunkCount);

    /// <summary>The rows of chunk <paramref name="chunk"/>.</summary>
    public int ChunkRows(int chunk) => ChunkStart(chunk + 1) - ChunkStart(chunk);

    /// <summary>The rows of group <paramref name="group"/> in <paramref name="chunkOrder"/>.</summary>
    public int GroupRows(Span<int> chunkOrder, int group)
    {
        int rows = 0;
        foreach (int c in GroupChunks(chunkOrder, group)) rows += ChunkRows(c);
        return rows;
    }

    /// <summary>
    /// The plan for training on <paramref name="train"/>, or null when it is held whole: it streams when its features stay in
    /// their mapped file, or when they take more than half of <paramref name="limit"/> (the rest of the run needs room too).
    /// A group takes a sixteenth of the limit: it is held twice (loading and training), on the host and on the device.
    /// </summary>
    public static StreamPlan? For(Dataset train, int batchSize, StreamingOptions options, MemoryLimit limit)
    {
        options.Validate();
        string size = Units(train.FeatureBytes);
        string? reason = train.Mapped is not null ? $"the training features ({size}) stay in {train.Mapped.Path}: over half of the memory limit of {Units(limit.Bytes)} ({limit.Source})"
            : train.FeatureBytes > limit.Bytes / 2 ? $"the training features ({size}) are over half of the memory limit of {Units(limit.Bytes)} ({limit.Source})"
            : null;
        if (reason is null) return null;
        long rowBytes = (long)train.FeatureCount * train.ValueSize + sizeof(int);
        long chunkRows = options.ChunkRows ?? Math.Min(limit.Bytes / 16, MaxGroupBytes) / rowBytes / options.ShuffleBuffer;
        chunkRows = Math.Clamp(chunkRows, Math.Min(batchSize, train.Count), train.Count);
        var plan = new StreamPlan(train.Count, Math.Max(1, (int)(train.Count / chunkRows)), options.ShuffleBuffer, reason);
        if (2L * plan.BufferRows * train.FeatureCount > Array.MaxLength)
            throw new UsageException($"a shuffle buffer of {plan.BufferChunks} chunks of {plan.MaxChunkRows} rows is over {Array.MaxLength} feature values; use fewer or smaller chunks");
        return plan;
    }

    /// <summary>The largest group a derived chunk size makes: larger buffers would pass the array limit and add little randomness.</summary>
    private const long MaxGroupBytes = 512L << 20;

    /// <summary>A plan over <paramref name="count"/> rows in <paramref name="chunkCount"/> chunks (tests and benchmarks).</summary>
    public static StreamPlan Of(int count, int chunkCount, int bufferChunks) =>
        new(count, Math.Clamp(chunkCount, 1, count), Math.Max(1, bufferChunks), "asked for");

    /// <summary>
    /// Epoch <paramref name="epoch"/>'s visit: <paramref name="chunkOrder"/> gets the chunks in loading order (each group's chunks
    /// ascending, so a group is read front to back), <paramref name="rows"/> the row at each position of the epoch, and
    /// <paramref name="slots"/> where that row sits in the staging area: group g in half g mod 2, at its place in the group.
    /// Without <paramref name="shuffle"/> everything keeps file order.
    /// </summary>
    public void ForEpoch(int seed, int epoch, bool shuffle, Span<int> chunkOrder, Span<int> rows, Span<int> slots)
    {
        Permutation.ForEpoch(chunkOrder[..ChunkCount], seed, epoch, shuffle, Permutation.ChunkPart);
        int position = 0;
        for (int g = 0; g < GroupCount; g++)
        {
            var chunks = GroupChunks(chunkOrder, g);
            chunks.Sort();
            int groupRows = GroupRows(chunkOrder, g);
            var local = slots.Slice(position, groupRows); // the group's own permutation, made into slots in place
            Permutation.ForEpoch(local, seed, epoch, shuffle, part: g);
            for (int j = 0; j < groupRows; j++)
            {
                rows[position + j] = GroupRow(chunks, local[j]);
                local[j] += (g % 2) * BufferRows;
            }
            position += groupRows;
        }
    }

    /// <summary>The chunks of group <paramref name="group"/> in <paramref name="chunkOrder"/>.</summary>
    public Span<int> GroupChunks(Span<int> chunkOrder, int group) =>
        chunkOrder[(group * BufferChunks)..Math.Min((group + 1) * BufferChunks, ChunkCount)];

    /// <summary>The row at place <paramref name="local"/> of a group made of <paramref name="chunks"/> (ascending).</summary>
    private int GroupRow(ReadOnlySpan<int> chunks, int local)
    {
        foreach (int c in chunks)
        {
            int size = ChunkRows(c);
            if (local < size) return ChunkStart(c) + local;
            local -= size;
        }
        throw new ArgumentOutOfRangeException(nameof(local));
    }

    private static string Units(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB");
}
