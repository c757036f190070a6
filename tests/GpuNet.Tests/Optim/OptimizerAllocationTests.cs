using System.Reflection;
using GpuNet.Backends.Cpu;

namespace GpuNet.Tests.Optim;

/// <summary>
/// An optimiser whose state cannot be allocated (device memory runs out part-way) releases the buffers it did
/// allocate before the failure: a sweep or a long-lived process would otherwise hold device memory it cannot free.
/// </summary>
public sealed class OptimizerAllocationTests
{
    [Theory]
    [InlineData("adam", 2)] // exp_avg allocated, exp_avg_sq fails
    [InlineData("adam", 3)] // both moments allocated, the clipping scale fails
    [InlineData("sgd", 2)] // the velocity allocated, the clipping scale fails
    public void A_failed_allocation_releases_the_buffers_before_it(string optimizer, int failingAllocation)
    {
        using var cpu = new CpuBackend();
        using var network = new Network(cpu, ModelSpec.Create(ModelKind.Softmax, 3, 2), 8);
        var backend = FailingAllocations.Create(cpu, failingAllocation);
        var tracker = (FailingAllocations)(object)backend;

        Assert.Throws<InsufficientMemoryException>(() =>
        {
            using IDisposable optimiser = optimizer == "adam"
                ? new Adam(backend, network, 0.9, 0.999, 1e-8f, 0f, decoupled: false, clipNorm: 1f)
                : new Sgd(backend, network, momentum: 0.9f, weightDecay: 0f, nesterov: false, clipNorm: 1f);
        });

        Assert.Equal(failingAllocation - 1, tracker.Allocated);
        Assert.Equal(0, tracker.Live);
    }

    /// <summary>A backend whose <c>n</c>-th allocation fails, counting the buffers allocated and not yet disposed.</summary>
    public class FailingAllocations : DispatchProxy
    {
        private IBackend _inner = null!;
        private int _failing;

        public int Allocated { get; private set; }
        public int Live { get; private set; }

        public static IBackend Create(IBackend inner, int failing)
        {
            var backend = Create<IBackend, FailingAllocations>();
            var self = (FailingAllocations)(object)backend;
            (self._inner, self._failing) = (inner, failing);
            return backend;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name != nameof(IBackend.Allocate)) return targetMethod.Invoke(_inner, args);
            if (Allocated + 1 == _failing) throw new InsufficientMemoryException("the test's device is full");
            Allocated++;
            Live++;
            var buffer = typeof(Tracked<>).MakeGenericType(targetMethod.GetGenericArguments());
            return Activator.CreateInstance(buffer, (int)args![0]!, (Action)(() => Live--));
        }
    }

    private sealed class Tracked<T>(int length, Action disposed) : DeviceBuffer<T>(length) where T : unmanaged
    {
        private bool _disposed;

        public override DeviceBuffer<T> Slice(int offset, int length) => throw new NotSupportedException();

        public override void Dispose()
        {
            if (!_disposed) disposed();
            _disposed = true;
        }
    }
}
