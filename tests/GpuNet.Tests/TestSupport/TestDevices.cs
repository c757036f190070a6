using System.Collections.Concurrent;
using GpuNet.Backends.Cpu;

namespace GpuNet.Tests.TestSupport;

/// <summary>
/// The one list of devices the suite runs on. The backend fixtures, the theory data and the tests
/// that open a device all read it, so a device added here is tested everywhere.
/// </summary>
public static class TestDevices
{
    /// <summary>
    /// Every device, in order: the managed fallback; the same with each of its two GEMM kernels
    /// named, the AVX-512 one (in software where the CPU lacks it, so a Zen 4/5 host's kernel stays
    /// tested) and the Vector&lt;T&gt; one that AVX2 machines run (so an AVX-512 host tests it too),
    /// the one "cpu" already runs skipping; ILGPU's CPU simulator; the first OpenCL device (PoCL
    /// included); the first CUDA device.
    /// </summary>
    public static IReadOnlyList<string> Ids { get; } = ["cpu", "cpu-avx512", "cpu-avx2", "ilgpu-cpu", "opencl:0", "cuda:0"];

    /// <summary>The devices every machine has: the managed fallback and ILGPU's CPU accelerator.</summary>
    public static readonly TheoryData<string> AlwaysPresent = new("cpu", "ilgpu-cpu");

    /// <summary>
    /// <see cref="AlwaysPresent"/> with ilgpu-cpu's row tagged [Slow]: for tests whose simulated run takes seconds
    /// where cpu's takes milliseconds. <c>./run.sh test --fast</c> keeps the cpu row.
    /// </summary>
    public static IEnumerable<TheoryDataRow<string>> AlwaysPresentSimulatorSlow => [new("cpu"), new TheoryDataRow<string>("ilgpu-cpu").Slow()];

    /// <summary>Every device of <see cref="Ids"/>; a test on an absent one skips.</summary>
    public static TheoryData<string> All => new(Ids);

    /// <summary>Opens <paramref name="id"/>, or gives the reason it is not on this machine.</summary>
    public static IBackend? TryOpen(string id, out string? missing)
    {
        missing = null;
        if (id is "cpu-avx512" or "cpu-avx2")
        {
            bool vector512 = id == "cpu-avx512";
            if (vector512 == System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                missing = $"{id}: \"cpu\" runs this GEMM kernel on this machine";
                return null;
            }
            return new CpuBackend(useVector512: vector512);
        }
        if (id.StartsWith("opencl", StringComparison.Ordinal))
            Environment.SetEnvironmentVariable(PoclOptIn.EnvironmentVariable, "1"); // before discovery; read per call
        try
        {
            return DeviceCatalog.Open(id, out _);
        }
        catch (GpuNetException e) when (MayBeAbsent(id))
        {
            missing = $"{id} is not available here: {e.Message}";
            return null;
        }
    }

    /// <summary>Opens <paramref name="id"/> for a test, skipping the test when that device is not on this machine.</summary>
    public static IBackend Open(string id)
    {
        var backend = TryOpen(id, out string? missing);
        if (backend is null)
            Assert.Skip(missing!);
        return backend;
    }

    /// <summary>
    /// Whether the first <see cref="Lease"/> of <paramref name="id"/> compiles every kernel (PoCL: 7 to 10 s, paid again
    /// beside the OpenCL contract suite's own backend), so that a theory row leasing it belongs to the [Slow] run.
    /// </summary>
    public static bool LeaseCompiles(string id) => id.StartsWith("opencl", StringComparison.Ordinal);

    private static readonly ConcurrentDictionary<string, Lazy<(IBackend? Backend, string? Missing, SemaphoreSlim Turn)>> Shared = new();

    /// <summary>
    /// One backend of <paramref name="id"/> for the whole test process, lent to one test at a time (a backend is not
    /// meant for two threads), for tests that use a device without changing its settings. Opening PoCL compiles every
    /// kernel, about 7 s, and each ILGPU simulator about a second, which each such test used to pay. The managed
    /// devices open in microseconds: each lease of one gets a backend of its own, so their tests still run side by
    /// side. Skips the test when the device is absent.
    /// </summary>
    public static SharedBackend Lease(string id)
    {
        if (id.StartsWith("cpu", StringComparison.Ordinal))
            return new SharedBackend(Open(id), turn: null);
        var (backend, missing, turn) = Shared.GetOrAdd(id, key => new(() =>
        {
            var opened = TryOpen(key, out string? reason);
            return (opened, reason, new SemaphoreSlim(1, 1));
        })).Value;
        if (backend is null)
            Assert.Skip(missing!);
        turn.Wait(TestContext.Current.CancellationToken);
        return new SharedBackend(backend, turn);
    }

    /// <summary>
    /// cpu and ilgpu-cpu are always there, and OpenCL is required where GPUNET_REQUIRE_OPENCL=1 (CI
    /// installs PoCL and sets it, so the OpenCL path cannot silently stop running); CUDA may be absent.
    /// </summary>
    private static bool MayBeAbsent(string id) =>
        id.StartsWith("cuda", StringComparison.Ordinal)
        || (id.StartsWith("opencl", StringComparison.Ordinal) && Environment.GetEnvironmentVariable("GPUNET_REQUIRE_OPENCL") != "1");
}

/// <summary>
/// A turn at a shared backend (<see cref="TestDevices.Lease"/>); disposing it hands the backend on, and never disposes it.
/// Without a <paramref name="turn"/> the backend is the lease's own, and disposing the lease disposes it.
/// </summary>
public sealed class SharedBackend(IBackend backend, SemaphoreSlim? turn) : IDisposable
{
    public IBackend Backend { get; } = backend;

    public void Dispose()
    {
        if (turn is null) Backend.Dispose();
        else turn.Release();
    }
}
