using GpuNet.Backends;
using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>
/// A dataset on a backend at its stored type: features [Count, FeatureCount] as bytes or float32, labels [Count] at their
/// stored width (<see cref="DeviceLabels"/>).
/// Batches and evaluation chunks come out as float32 features and int32 labels through the gather ops, which apply the byte divisor and the
/// standardisation (<see cref="FeatureScaling"/>) on the way, so neither the host nor the device holds a converted copy.
/// Held whole, it is uploaded once and keeps no reference to the host dataset: on a GPU the host arrays can go once it is
/// built, and on <c>cpu</c> the device buffers are the host arrays themselves (<see cref="IBackend.Adopt{T}"/>).
/// Streamed (a set that stays in its mapped file, or any set of a run whose training set streams), only its labels are
/// held; each <see cref="Chunk"/> is read from the host set and uploaded on demand.
/// </summary>
public sealed class DeviceDataset : ITrainSet
{
    private readonly IBackend _backend;
    private readonly Dataset? _source;              // streamed: where chunks are read from
    private readonly byte[]? _hostBytes;            // streamed: one chunk at the stored type, on the host
    private readonly float[]? _hostFloats;
    private readonly DeviceBuffer<float>? _floats;  // held whole: the set; streamed: one chunk
    private readonly DeviceBuffer<byte>? _bytes;
    private readonly DeviceScaling _scaling;
    private DeviceBuffer<int>? _sequence;           // 0..n−1 for a chunk's rows (made at the first chunk)
    private DeviceBuffer<float>? _chunk;            // a converted evaluation chunk (made at the first chunk)
    private DeviceBuffer<int>? _chunkLabels;        // an evaluation chunk's labels in int32 (made at the first chunk)
    private readonly int _chunkRows;

    /// <param name="chunkRows">The most rows <see cref="Chunk"/> is asked for at once (the network's row capacity).</param>
    /// <param name="standardization">The z-score fitted on the training split, applied by the gather; null for none.</param>
    /// <param name="streamed">Read chunks from the host set on demand instead of holding it whole (always so for a mapped set).</param>
    public DeviceDataset(IBackend backend, Dataset data, int chunkRows, Standardization? standardization = null, bool streamed = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        _backend = backend;
        _chunkRows = chunkRows;
        _scaling = new DeviceScaling(backend, data, standardization);
        Count = data.Count;
        FeatureCount = data.FeatureCount;
        // A zero-length buffer is legal but useless; keep one element so slicing stays simple.
        Labels = new DeviceLabels(backend.Adopt(data.Count > 0 ? data.Labels.Stored : new byte[data.Labels.Width]), data.Labels.Width);
        if (streamed || data.Mapped is not null)
        {
            _source = data;
            int values = Math.Max(1, Math.Min(chunkRows, Count) * FeatureCount);
            if (data.StoresBytes) _bytes = backend.Allocate<byte>((_hostBytes = new byte[values]).Length);
            else _floats = backend.Allocate<float>((_hostFloats = new float[values]).Length);
        }
        else if (data.Bytes is { } bytes) _bytes = backend.Adopt(bytes.Length > 0 ? bytes : new byte[1]);
        else _floats = backend.Adopt(data.Floats!.Length > 0 ? data.Floats : new float[1]);
    }

    public int Count { get; }
    public int FeatureCount { get; }
    public DeviceLabels Labels { get; }
    /// <summary>How the gather turns stored values into features; null when they are float32 used as stored.</summary>
    public FeatureScaling? Scaling => _scaling.Scaling;
    /// <summary>True when chunks are read from the host set on demand.</summary>
    public bool Streamed => _source is not null;

    /// <summary>Held whole: nothing streams.</summary>
    public StreamPlan? Plan => null;

    /// <summary>The epoch's row order (<see cref="Permutation.ForEpoch"/>), uploaded as the indices <see cref="GatherBatch"/> gathers by.</summary>
    public void BeginEpoch(int seed, int epoch, bool shuffle, Span<int> rows, DeviceBuffer<int> order)
    {
        Permutation.ForEpoch(rows, seed, epoch, shuffle);
        _backend.Upload<int>(rows, order);
    }

    /// <summary>Gathers the rows order[offset ..+rows] of this set into a float32 batch and their labels (a set held whole).</summary>
    public void GatherBatch(DeviceBuffer<int> order, int offset, int rows, DeviceBuffer<float> batchX, DeviceBuffer<int> batchY)
    {
        if (Streamed) throw new InvalidOperationException("a streamed set is gathered chunk by chunk (StreamedTrainSet trains on one)");
        if (_bytes is not null) _backend.GatherBatch(_bytes, FeatureCount, Scaling, Labels, order, offset, rows, batchX, batchY);
        else _backend.GatherBatch(_floats!, FeatureCount, Scaling, Labels, order, offset, rows, batchX, batchY);
    }

    /// <summary>
    /// The features of rows [start, start + rows) as float32 (rows ≤ the chunk size): the stored buffer itself when no conversion
    /// is needed, otherwise converted into a buffer this set owns (valid until the next call).
    /// </summary>
    public DeviceBuffer<float> Chunk(int start, int rows)
    {
        if (rows > _chunkRows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"chunks hold at most {_chunkRows} rows");
        int offset = start;
        if (_source is not null)
        {
            if (_hostBytes is not null)
            {
                _source.CopyRows(start, rows, _hostBytes);
                _backend.Upload<byte>(_hostBytes.AsSpan(0, rows * FeatureCount), _bytes!);
            }
            else
            {
                _source.CopyRows(start, rows, _hostFloats!);
                _backend.Upload<float>(_hostFloats.AsSpan(0, rows * FeatureCount), _floats!);
            }
            offset = 0;
        }
        if (Scaling is null) return _floats!.Slice(offset * FeatureCount, rows * FeatureCount);
        _chunk ??= _backend.Allocate<float>(Math.Min(_chunkRows, Count) * FeatureCount);
        int first = offset * FeatureCount, values = rows * FeatureCount;
        if (_bytes is not null) _backend.GatherRows(_bytes.Slice(first, values), FeatureCount, Scaling, Sequence, 0, rows, _chunk);
        else _backend.GatherRows(_floats!.Slice(first, values), FeatureCount, Scaling, Sequence, 0, rows, _chunk);
        return _chunk;
    }

    /// <summary>The labels of rows [start, start + rows) in int32 (rows ≤ the chunk size), in a buffer this set owns (valid until the next call).</summary>
    public DeviceBuffer<int> ChunkLabels(int start, int rows)
    {
        if (rows > _chunkRows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"chunks hold at most {_chunkRows} rows");
        _chunkLabels ??= _backend.Allocate<int>(Math.Max(1, Math.Min(_chunkRows, Count)));
        _backend.GatherLabels(Labels.Slice(start, rows), Sequence, 0, rows, _chunkLabels);
        return _chunkLabels;
    }

    /// <summary>0..n−1 for a chunk's n rows: the indices a chunk's features and labels are gathered by, from a slice at the chunk's first row.</summary>
    private DeviceBuffer<int> Sequence => _sequence ??= _backend.Adopt(Enumerable.Range(0, Math.Max(1, Math.Min(_chunkRows, Count))).ToArray());

    /// <summary>Row <paramref name="row"/>'s features as the network sees them, copied to the host (for error messages: it waits).</summary>
    public float[] ReadRow(int row)
    {
        var values = new float[FeatureCount];
        _backend.Download(Chunk(row, 1), values);
        return values;
    }

    public void Dispose()
    {
        _floats?.Dispose();
        _bytes?.Dispose();
        Labels.Dispose();
        _scaling.Dispose();
        _sequence?.Dispose();
        _chunk?.Dispose();
        _chunkLabels?.Dispose();
    }
}
