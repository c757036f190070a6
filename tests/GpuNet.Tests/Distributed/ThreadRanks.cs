using GpuNet.Distributed;

namespace GpuNet.Tests.Distributed;

/// <summary>
/// A job of <c>Size</c> ranks as threads of one process, for testing the trainer's data-parallel logic without
/// mpirun: every collective meets at a barrier, and each rank adds the ranks' contributions in rank order, so all
/// ranks get the same bits (as MPI promises them the same result).
/// </summary>
public sealed class ThreadRanks(int size) : IDisposable
{
    private readonly Barrier _barrier = new(size);
    private readonly double[][] _slots = new double[size][];

    public int Size => size;

    public ICollective Rank(int rank, IBackend backend) => new Member(this, rank, backend);

    /// <summary>Runs <paramref name="body"/> once per rank, each on its own thread, and returns their results in rank order.</summary>
    public T[] Run<T>(Func<int, T> body)
    {
        var tasks = Enumerable.Range(0, size).Select(rank => Task.Factory.StartNew(() => body(rank), TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tasks);
        return tasks.Select(t => t.Result).ToArray();
    }

    private void Combine(int rank, Span<double> values, ReduceOp op)
    {
        _slots[rank] = values.ToArray();
        _barrier.SignalAndWait();
        for (int i = 0; i < values.Length; i++)
        {
            double result = _slots[0][i];
            for (int r = 1; r < size; r++)
                result = op switch { ReduceOp.Sum => result + _slots[r][i], ReduceOp.Max => Math.Max(result, _slots[r][i]), _ => Math.Min(result, _slots[r][i]) };
            values[i] = result;
        }
        _barrier.SignalAndWait(); // no rank overwrites its slot before every rank has read them all
    }

    public void Dispose() => _barrier.Dispose();

    private sealed class Member(ThreadRanks job, int rank, IBackend backend) : ICollective
    {
        public int Rank => rank;
        public int Size => job.Size;
        public string Description => $"{job.Size} threads";

        public void AllReduceGradients(DeviceBuffer<float> gradients, Span<float> control)
        {
            var host = new float[gradients.Length + control.Length];
            backend.Download(gradients, host.AsSpan(0, gradients.Length));
            control.CopyTo(host.AsSpan(gradients.Length));
            // float sums in rank order, as MPI_FLOAT sums them
            var values = Array.ConvertAll(host, x => (double)x);
            job._slots[rank] = values;
            job._barrier.SignalAndWait();
            for (int i = 0; i < host.Length; i++)
            {
                float sum = (float)job._slots[0][i];
                for (int r = 1; r < job.Size; r++) sum += (float)job._slots[r][i];
                host[i] = sum;
            }
            job._barrier.SignalAndWait();
            backend.Upload<float>(host.AsSpan(0, gradients.Length), gradients);
            host.AsSpan(gradients.Length).CopyTo(control);
        }

        public void AllReduce(Span<double> values, ReduceOp op) => job.Combine(rank, values, op);
        public void Broadcast(Span<byte> data, int root) => throw new NotSupportedException("the trainer broadcasts nothing");
        public void Finish() { }
        public void Dispose() { }
    }
}
