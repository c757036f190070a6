using System.Runtime.ExceptionServices;
using GpuNet.Backends;
using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>
/// A training set streamed through the device in groups of chunks (<see cref="StreamPlan"/>). The staging area holds two
/// groups, double-buffered: group g lives in half g mod 2, so a batch that straddles two groups gathers from both with the
/// one gather op, and while the device trains on one half the next group is read from the host set (a mapped file or
/// memory) into the host half by a reader thread of its own. Each half's host rows are the staging of an upload lane
/// (<see cref="IBackend.OpenUploadLane{T}"/>): once a group is read, the next batch starts its upload into the device half,
/// which no later batch uses any more (the lane orders the copy after the ops queued before it), and the steps queued
/// meanwhile overlap the copy on a device with a copy engine; the first batch that needs the group waits for it. One
/// long-lived thread, rather than a task per group, keeps a streamed step free of allocation.
/// </summary>
public sealed class StreamedTrainSet : ITrainSet
{
    private readonly IBackend _backend;
    private readonly Dataset _source;
    private readonly DeviceScaling _scaling;
    private readonly UploadLane<byte>?[] _byteLanes;   // per half: [BufferRows, FeatureCount] host rows as read from the set
    private readonly UploadLane<float>?[] _floatLanes;
    private readonly UploadLane<byte>[] _labelLanes;   // per half: [BufferRows] labels at the stored width
    private readonly DeviceBuffer<byte>? _bytes;
    private readonly DeviceBuffer<float>? _floats;
    private readonly DeviceLabels _labels;
    private readonly DeviceBuffer<byte>?[] _byteHalves;  // the two halves of the staging area, sliced once (a step allocates nothing)
    private readonly DeviceBuffer<float>?[] _floatHalves;
    private readonly DeviceBuffer<byte>[] _labelHalves;
    private readonly int[] _chunkOrder;
    private readonly int[] _hostSlots;     // each epoch position's staging slot, before its upload
    private readonly int[] _groupStarts;   // the epoch position where each group starts, and Count at the end
    private readonly int[] _resident = [-1, -1]; // the group whose rows are on the device in each half; −1 for none
    private readonly int[] _uploading = [-1, -1]; // the group whose upload into each half is in flight; −1 for none
    private readonly Thread _reader;
    private readonly SemaphoreSlim _readRequested = new(0);
    // Released once per finished read and taken by FinishReading. A semaphore, not a ManualResetEventSlim: that one
    // allocates its lock object the first time the training thread blocks on it, which under load (the reader slowed by
    // other work) fell inside a warm run, as CpuWorkers notes for its own wait (Warm_streamed_steps_allocate_nothing).
    private readonly SemaphoreSlim _readDone = new(0);
    private int _readingGroup = -1;        // the group the reader thread is reading into its host half; −1 for none
    private bool _stopping;
    private Exception? _readFailure;       // what the last read threw, rethrown on the training thread

    public StreamedTrainSet(IBackend backend, Dataset source, StreamPlan plan, Standardization? standardization = null)
    {
        if (plan.Count != source.Count) throw new ArgumentException($"a plan of {plan.Count} rows for a set of {source.Count}", nameof(plan));
        _backend = backend;
        _source = source;
        Plan = plan;
        _scaling = new DeviceScaling(backend, source, standardization);
        int values = 2 * plan.BufferRows * source.FeatureCount;
        int half = plan.BufferRows * source.FeatureCount;
        if (source.StoresBytes) _bytes = backend.Allocate<byte>(values);
        else _floats = backend.Allocate<float>(values);
        int width = source.Labels.Width, labelHalf = plan.BufferRows * width;
        _labels = new DeviceLabels(backend.Allocate<byte>(2 * labelHalf), width);
        _byteLanes = source.StoresBytes ? [backend.OpenUploadLane<byte>(half), backend.OpenUploadLane<byte>(half)] : [null, null];
        _floatLanes = source.StoresBytes ? [null, null] : [backend.OpenUploadLane<float>(half), backend.OpenUploadLane<float>(half)];
        _labelLanes = [backend.OpenUploadLane<byte>(labelHalf), backend.OpenUploadLane<byte>(labelHalf)];
        _byteHalves = [_bytes?.Slice(0, half), _bytes?.Slice(half, half)];
        _floatHalves = [_floats?.Slice(0, half), _floats?.Slice(half, half)];
        _labelHalves = [_labels.Stored.Slice(0, labelHalf), _labels.Stored.Slice(labelHalf, labelHalf)];
        _chunkOrder = new int[plan.ChunkCount];
        _hostSlots = new int[plan.Count];
        _groupStarts = new int[plan.GroupCount + 1];
        _reader = new Thread(ReadRequested) { IsBackground = true, Name = "gpunet stream reader" };
        _reader.Start();
    }

    public StreamPlan Plan { get; }
    StreamPlan? ITrainSet.Plan => Plan;
    public int Count => Plan.Count;
    public int FeatureCount => _source.FeatureCount;

    /// <summary>
    /// Starts epoch <paramref name="epoch"/>: writes the row visited at each position into <paramref name="rows"/> and
    /// uploads each position's staging slot into <paramref name="order"/> (the indices <see cref="GatherBatch"/> gathers by).
    /// </summary>
    public void BeginEpoch(int seed, int epoch, bool shuffle, Span<int> rows, DeviceBuffer<int> order)
    {
        FinishReading();
        FinishUpload(0);
        FinishUpload(1);
        _resident[0] = _resident[1] = -1; // the groups are new this epoch
        Plan.ForEpoch(seed, epoch, shuffle, _chunkOrder, rows, _hostSlots);
        _groupStarts[0] = 0;
        for (int g = 0; g < Plan.GroupCount; g++) _groupStarts[g + 1] = _groupStarts[g] + Plan.GroupRows(_chunkOrder, g);
        _backend.Upload<int>(_hostSlots, order);
    }

    /// <summary>
    /// Gathers the rows at epoch positions [offset, offset + rows) (order[offset ..+rows], their staging slots) into a float32 batch and their
    /// labels, loading their groups first where they are not on the device, then starts reading the group after them.
    /// </summary>
    public void GatherBatch(DeviceBuffer<int> order, int offset, int rows, DeviceBuffer<float> batchX, DeviceBuffer<int> batchY)
    {
        if (_readingGroup >= 0 && _readDone.CurrentCount > 0) // read, and not needed yet: start its upload, to overlap this batch's step
        {
            int read = _readingGroup;
            FinishReading();
            StartUpload(read);
        }
        int first = GroupAt(offset), last = GroupAt(offset + rows - 1);
        for (int g = first; g <= last; g++) MakeResident(g);
        if (_bytes is not null) _backend.GatherBatch(_bytes, FeatureCount, _scaling.Scaling, _labels, order, offset, rows, batchX, batchY);
        else _backend.GatherBatch(_floats!, FeatureCount, _scaling.Scaling, _labels, order, offset, rows, batchX, batchY);
        // Batches move forward, so the other half (group last − 1, or nothing) is no longer needed: read the next group into it.
        int next = last + 1;
        if (next < Plan.GroupCount && _resident[next % 2] != next && _uploading[next % 2] != next && _readingGroup != next)
        {
            FinishReading();
            FinishUpload(next % 2); // its staging is about to be rewritten
            _readingGroup = next; // FinishReading took the last read's release: nothing is pending
            _readRequested.Release();
        }
    }

    /// <summary>The reader thread: reads each requested group, until disposed.</summary>
    private void ReadRequested()
    {
        while (true)
        {
            _readRequested.Wait();
            if (_stopping) return;
            try
            {
                Read(_readingGroup);
            }
            catch (Exception e) // rethrown by FinishReading on the training thread, where it can be reported
            {
                _readFailure = e;
            }
            _readDone.Release();
        }
    }

    private void MakeResident(int group)
    {
        int half = group % 2;
        if (_resident[half] == group) return;
        if (_uploading[half] != group)
        {
            if (_readingGroup == group) FinishReading();
            else
            {
                FinishReading(); // a read of another group may be writing this half's host rows
                FinishUpload(half); // and an upload may still be reading them
                Read(group);
            }
            StartUpload(group);
        }
        FinishUpload(half);
    }

    /// <summary>Starts uploading group <paramref name="group"/>'s host rows into its device half.</summary>
    private void StartUpload(int group)
    {
        int half = group % 2, rows = _groupStarts[group + 1] - _groupStarts[group];
        _resident[half] = -1; // being overwritten
        _byteLanes[half]?.Start(_byteHalves[half]!, rows * FeatureCount);
        _floatLanes[half]?.Start(_floatHalves[half]!, rows * FeatureCount);
        _labelLanes[half].Start(_labelHalves[half], rows * _labels.Width);
        _uploading[half] = group;
    }

    /// <summary>Waits for the upload in flight into device half <paramref name="half"/>, if any; its group is then resident.</summary>
    private void FinishUpload(int half)
    {
        if (_uploading[half] < 0) return;
        _byteLanes[half]?.Wait();
        _floatLanes[half]?.Wait();
        _labelLanes[half].Wait();
        _resident[half] = _uploading[half];
        _uploading[half] = -1;
    }

    /// <summary>Copies group <paramref name="group"/>'s chunks (ascending) from the set into its host half.</summary>
    private void Read(int group)
    {
        int half = group % 2, at = 0;
        foreach (int c in Plan.GroupChunks(_chunkOrder, group))
        {
            int start = Plan.ChunkStart(c), rows = Plan.ChunkRows(c);
            if (_byteLanes[half] is { } bytes) _source.CopyRows(start, rows, bytes.Host.Slice(at * FeatureCount, rows * FeatureCount));
            else _source.CopyRows(start, rows, _floatLanes[half]!.Host.Slice(at * FeatureCount, rows * FeatureCount));
            _source.Labels.StoredRows(start, rows).CopyTo(_labelLanes[half].Host.Slice(at * _labels.Width, rows * _labels.Width));
            at += rows;
        }
    }

    /// <summary>Waits for the reader thread's read, rethrowing what it threw (a non-finite value in a float file, an I/O error).</summary>
    private void FinishReading()
    {
        if (_readingGroup < 0) return;
        _readDone.Wait();
        _readingGroup = -1;
        if (_readFailure is { } failure)
        {
            _readFailure = null;
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>The group that epoch position <paramref name="position"/> falls in.</summary>
    private int GroupAt(int position)
    {
        int i = Array.BinarySearch(_groupStarts, position);
        return i >= 0 ? Math.Min(i, Plan.GroupCount - 1) : ~i - 1;
    }

    public void Dispose()
    {
        try
        {
            FinishReading();
        }
        finally
        {
            FinishUpload(0);
            FinishUpload(1);
            _stopping = true;
            _readRequested.Release();
            _reader.Join();
            _readRequested.Dispose();
            _readDone.Dispose();
            _bytes?.Dispose();
            _floats?.Dispose();
            _labels.Dispose();
            _scaling.Dispose();
            foreach (var lane in _byteLanes) lane?.Dispose();
            foreach (var lane in _floatLanes) lane?.Dispose();
            foreach (var lane in _labelLanes) lane.Dispose();
        }
    }
}
