using GpuNet.Backends;
using GpuNet.Training;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// The training figures of a pack's members over an epoch. The loss op writes per-row slots, as a solo run's does, but
/// into a window of a few steps per member rather than a slot per training row (64 members of a Fashion-MNIST epoch
/// would hold 28 MB of them): each time the window fills, the host adds its slots in row order into each member's
/// float64 sums, which is the order a solo run adds its epoch's slots in, so the figures keep their bits. The first
/// step of the epoch whose rows' loss is not finite is kept for the divergence report, as a solo run finds it.
/// </summary>
internal sealed class PackLosses : IDisposable
{
    // The window is sized to about this many slots, and holds at least one step.
    private const int DefaultWindowSlots = 1 << 20;

    private readonly IBackend _backend;
    private readonly int _members, _batchSize, _windowSteps;
    private readonly float[] _host;
    private readonly List<int> _rows = []; // the rows of each step in the window, in order
    private readonly double[] _loss, _correct;
    private readonly (int Step, double Loss)?[] _firstBad;
    private int _firstStepInWindow;

    /// <param name="windowSlots">About how many slots the window holds (tests give a small one to drain mid-epoch).</param>
    public PackLosses(IBackend backend, int members, int batchSize, int stepsPerEpoch, int windowSlots = DefaultWindowSlots)
    {
        _backend = backend;
        _members = members;
        _batchSize = batchSize;
        _windowSteps = Math.Clamp(windowSlots / (2 * batchSize * members), 1, stepsPerEpoch);
        Slots = backend.Allocate<float>(checked(members * Stride));
        _host = new float[Slots.Length];
        _loss = new double[members];
        _correct = new double[members];
        _firstBad = new (int, double)?[members];
    }

    /// <summary>Member m's slots start at m·<see cref="Stride"/>.</summary>
    public DeviceBuffer<float> Slots { get; }
    public int Stride => 2 * _batchSize * _windowSteps;

    /// <summary>Clears the sums for an epoch whose first step is <paramref name="firstStep"/>.</summary>
    public void BeginEpoch(int firstStep)
    {
        Array.Clear(_loss);
        Array.Clear(_correct);
        Array.Clear(_firstBad);
        _rows.Clear();
        _firstStepInWindow = firstStep;
        _backend.Fill(Slots, Slots.Length, 0f);
    }

    /// <summary>Where step <paramref name="step"/>'s slots start within a member's (draining a full window first).</summary>
    public int OffsetFor(int step, int rows)
    {
        if (_rows.Count == _windowSteps) Drain();
        if (_rows.Count == 0) _firstStepInWindow = step;
        _rows.Add(rows);
        return 2 * _batchSize * (_rows.Count - 1);
    }

    /// <summary>Member m's mean loss and accuracy over the epoch's <paramref name="rowsSeen"/> rows (waits for the device).</summary>
    public Score Train(int member, long rowsSeen)
    {
        Drain();
        return LossStats.Mean(_loss[member], _correct[member], rowsSeen);
    }

    /// <summary>The first step of the epoch (0-based) whose rows' mean loss was not finite for member m, and that loss.</summary>
    public (int Step, double Loss)? FirstBadStep(int member)
    {
        Drain();
        return _firstBad[member];
    }

    private void Drain()
    {
        if (_rows.Count == 0) return;
        _backend.Download(Slots, _host);
        for (int m = 0; m < _members; m++)
        {
            var slots = _host.AsSpan(m * Stride, Stride);
            for (int s = 0; s < _rows.Count; s++)
            {
                double loss = 0, correct = 0;
                for (int r = 0; r < _rows[s]; r++)
                {
                    float l = slots[2 * _batchSize * s + 2 * r], c = slots[2 * _batchSize * s + 2 * r + 1];
                    _loss[m] += l;
                    _correct[m] += c;
                    loss += l;
                    correct += c;
                }
                if (_firstBad[m] is null && !double.IsFinite(loss)) _firstBad[m] = (_firstStepInWindow + s, loss / _rows[s]);
            }
        }
        _rows.Clear();
        _backend.Fill(Slots, Slots.Length, 0f);
    }

    public void Dispose() => Slots.Dispose();
}
