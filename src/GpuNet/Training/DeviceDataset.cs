using GpuNet.Backends;
using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>
/// A dataset uploaded once to a backend at its stored type: features [Count, FeatureCount] as bytes or float32, labels [Count].
/// Batches and evaluation chunks come out as float32 through the gather op, which applies the byte divisor and the
/// standardisation (<see cref="FeatureScaling"/>) on the way, so neither the host nor the device holds a converted copy.
/// It keeps no reference to the host dataset: on a GPU the host arrays can go once it is built, and on <c>cpu</c> the
/// device buffers are the host arrays themselves (<see cref="IBackend.Adopt{T}"/>).
/// </summary>
public sealed class DeviceDataset : IDisposable
{
    private readonly IBackend _backend;
    private readonly DeviceBuffer<float>? _floats;
    private readonly DeviceBuffer<byte>? _bytes;
    private readonly DeviceBuffer<float>? _mean, _scale;
    private readonly DeviceBuffer<int>? _sequence;  // 0..Count−1: the indices an evaluation chunk gathers by
    private readonly DeviceBuffer<float>? _chunk;   // a converted evaluation chunk
    private readonly int _chunkRows;

    /// <param name="chunkRows">The most rows <see cref="Chunk"/> is asked for at once (the network's row capacity).</param>
    /// <param name="standardization">The z-score fitted on the training split, applied by the gather; null for none.</param>
    public DeviceDataset(IBackend backend, Dataset data, int chunkRows, Standardization? standardization = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        if (standardization is not null && standardization.FeatureCount != data.FeatureCount)
            throw new ArgumentException($"a standardisation of {standardization.FeatureCount} features for {data.FeatureCount}", nameof(standardization));
        _backend = backend;
        _chunkRows = chunkRows;
        Count = data.Count;
        FeatureCount = data.FeatureCount;
        // A zero-length buffer is legal but useless; keep one element so slicing stays simple.
        Labels = backend.Adopt(data.Count > 0 ? data.Labels : new int[1]);
        if (data.Bytes is { } bytes) _bytes = backend.Adopt(bytes.Length > 0 ? bytes : new byte[1]);
        else _floats = backend.Adopt(data.Floats!.Length > 0 ? data.Floats : new float[1]);
        if (standardization is not null)
        {
            _mean = backend.Adopt((float[])standardization.Mean.Clone());
            _scale = backend.Adopt((float[])standardization.Scale.Clone());
        }
        Scaling = _bytes is null && _mean is null ? null : new FeatureScaling(data.ByteDivisor, _mean, _scale);
        if (Scaling is not null && Count > 0)
        {
            _sequence = backend.Adopt(Enumerable.Range(0, Count).ToArray());
            _chunk = backend.Allocate<float>(Math.Min(chunkRows, Count) * FeatureCount);
        }
    }

    public int Count { get; }
    public int FeatureCount { get; }
    public DeviceBuffer<int> Labels { get; }
    /// <summary>How the gather turns stored values into features; null when they are float32 used as stored.</summary>
    public FeatureScaling? Scaling { get; }

    /// <summary>Gathers the rows indices[indexOffset ..+rows] of this set into a float32 batch and their labels.</summary>
    public void GatherBatch(DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> batchX, DeviceBuffer<int> batchY)
    {
        if (_bytes is not null) _backend.GatherBatch(_bytes, FeatureCount, Scaling, Labels, indices, indexOffset, rows, batchX, batchY);
        else _backend.GatherBatch(_floats!, FeatureCount, Scaling, Labels, indices, indexOffset, rows, batchX, batchY);
    }

    /// <summary>
    /// The features of rows [start, start + rows) as float32 (rows ≤ the chunk size): the stored buffer itself when no conversion
    /// is needed, otherwise converted into a buffer this set owns (valid until the next call).
    /// </summary>
    public DeviceBuffer<float> Chunk(int start, int rows)
    {
        if (rows > _chunkRows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"chunks hold at most {_chunkRows} rows");
        if (Scaling is null) return _floats!.Slice(start * FeatureCount, rows * FeatureCount);
        if (_bytes is not null) _backend.GatherRows(_bytes, FeatureCount, Scaling, _sequence!, start, rows, _chunk!);
        else _backend.GatherRows(_floats!, FeatureCount, Scaling, _sequence!, start, rows, _chunk!);
        return _chunk!;
    }

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
        _mean?.Dispose();
        _scale?.Dispose();
        _sequence?.Dispose();
        _chunk?.Dispose();
    }
}
