namespace GpuNet.Backends.Cpu;

/// <summary>
/// A pack op's independent parts (its members' loss rows, its parameter segments) shared out over the
/// <see cref="CpuWorkers"/>: part i covers items [Bound(i), Bound(i + 1)), cut so the parts weigh about the same.
/// Each item is computed as it would be alone, so the split changes no bit. Below <see cref="MinParallelWeight"/>
/// in all, waking a second thread costs more than it saves, and the caller's thread does everything.
/// </summary>
internal sealed class PackParts(CpuWorkers workers) : IParallelWork
{
    private const long MinParallelWeight = 1 << 14;
    private Action<int, int>? _range;
    private Func<int, long>? _weight;
    private int _count, _parts;
    private long _total;

    /// <summary>Runs <paramref name="range"/>(first, end) over [0, count) in parts weighed by <paramref name="weight"/>.</summary>
    public void Run(int count, Func<int, long> weight, Action<int, int> range)
    {
        long total = 0;
        for (int i = 0; i < count; i++) total += weight(i);
        if (workers.Threads == 1 || count < 2 || total < MinParallelWeight)
        {
            range(0, count);
            return;
        }
        (_range, _weight, _count, _total, _parts) = (range, weight, count, total, Math.Min(workers.Threads, count));
        try
        {
            workers.Run(this, _parts);
        }
        finally
        {
            (_range, _weight) = (null, null);
        }
    }

    public void Execute(int item, int worker) => _range!(Bound(item), Bound(item + 1));

    /// <summary>The first item of part <paramref name="part"/>: where the items before it first weigh part/parts of the total.</summary>
    private int Bound(int part)
    {
        if (part >= _parts) return _count;
        long target = _total * part / _parts, sum = 0;
        int i = 0;
        while (i < _count && sum < target) sum += _weight!(i++);
        return i;
    }
}
