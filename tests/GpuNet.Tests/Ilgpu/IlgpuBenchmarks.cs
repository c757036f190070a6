using System.Diagnostics;
using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;
using GpuNet.Devices;
using GpuNet.Kernels;

namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// Timings, not checks: run with GPUNET_BENCH=1 (skipped otherwise, they take minutes on the
/// CPU simulator). Results go to the test output and to $GPUNET_BENCH_OUT when set.
/// </summary>
public sealed class IlgpuBenchmarks
{
    private static void SkipUnlessAsked()
    {
        if (Environment.GetEnvironmentVariable("GPUNET_BENCH") != "1")
            Assert.Skip("set GPUNET_BENCH=1 to run the ILGPU timings");
    }

    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("GPUNET_BENCH_OUT") is { Length: > 0 } path)
            File.AppendAllText(path, line + Environment.NewLine);
    }

    [Fact]
    public void ListDevices()
    {
        SkipUnlessAsked();
        foreach (var pocl in new[] { "0", "1" })
        {
            Environment.SetEnvironmentVariable(PoclOptIn.EnvironmentVariable, pocl);
            foreach (var d in DeviceCatalog.Discover())
                Report($"POCL={pocl} {d.Id} | {d.Name} | {d.Kind} | {d.MemoryBytes >> 20} MiB | usable={d.Usable} gpu={d.IsGpu} | {d.Details}");
        }
    }

    [Theory]
    [InlineData("ilgpu-cpu")]
    [InlineData("opencl")]
    [InlineData("cuda")]
    public void GemmRungs(string device)
    {
        SkipUnlessAsked();
        if (device == "opencl")
            Environment.SetEnvironmentVariable(PoclOptIn.EnvironmentVariable, "1");
        var info = DeviceCatalog.Discover().FirstOrDefault(d => d.Id.StartsWith(device, StringComparison.Ordinal) && d.Usable);
        if (info is null)
            Assert.Skip($"no {device} device");
        using (var backend = (IlgpuBackend)DeviceCatalog.Open(DeviceSpec.Parse(info.Id), null))
            Measure(backend, info.Id + $" ({backend.Accelerator.MaxNumThreadsPerGroup}-thread groups)");
        if (device == "ilgpu-cpu")
        {
            // The 256-thread simulator that can also run the tiled rung.
            using var wide = DeviceCatalog.OpenIlgpuCpu(GemmKernel.Tiled16);
            Measure(wide, info.Id + $" ({wide.Accelerator.MaxNumThreadsPerGroup}-thread groups)");
        }
    }

    private static void Measure(IlgpuBackend backend, string label)
    {
        var info = backend.Device;

        // A training shape: batch 128, 784 inputs, 256 hidden units (forward of layer 1).
        const int m = 128, k = 784, n = 256;
        using var a = backend.Allocate<float>(m * k);
        using var b = backend.Allocate<float>(k * n);
        using var c = backend.Allocate<float>(m * n);
        backend.InitUniform(a, -1, 1, 1);
        backend.InitUniform(b, -1, 1, 2);
        var shape = new GemmShape(false, false, m, n, k);
        foreach (var kernel in Enum.GetValues<GemmKernel>())
        {
            try { backend.GemmKernel = kernel; } catch (NotSupportedException e) { Report(e.Message); continue; }
            backend.Gemm(shape, a, b, c); // warm-up
            backend.Synchronize();
            int reps = 0;
            var sw = Stopwatch.StartNew();
            while (reps < 1 || (sw.Elapsed.TotalSeconds < 3 && reps < 200))
            {
                backend.Gemm(shape, a, b, c);
                backend.Synchronize();
                reps++;
            }
            double ms = sw.Elapsed.TotalMilliseconds / reps;
            Report($"{label} GEMM {kernel} {m}x{k}x{n}: {ms:F2} ms, {shape.Flops / ms / 1e6:F2} GFLOP/s ({reps} reps)");
        }

        // Per-launch overhead: a 1-element fill, launched back to back, synchronized at the end.
        using var one = backend.Allocate<float>(1);
        for (int i = 0; i < 10; i++)
            backend.Fill(one, 1, i);
        backend.Synchronize();
        const int launches = 500;
        var t = Stopwatch.StartNew();
        for (int i = 0; i < launches; i++)
            backend.Fill(one, 1, i);
        backend.Synchronize();
        Report($"{label} trivial kernel launch: {t.Elapsed.TotalMilliseconds * 1000 / launches:F1} µs each ({launches} launches, one sync)");
    }
}
