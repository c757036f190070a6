using System.Runtime.Intrinsics;
using GpuNet.Backends.Cpu;

namespace GpuNet.Tests.Backends;

/// <summary>
/// The CPU backend's SGD runs a vector at a time; the kernels run <see cref="OptimKernels.SgdStep"/>, the scalar
/// step written once. The vector loop must give that scalar step's bits on every element, in the vector body
/// and in the tail, for every combination of the step's options (including the ones it skips: scale 1, decay 0).
/// </summary>
public sealed class CpuOptimTests
{
    public static TheoryData<float, float, bool, float> Options => new()
    {
        { 0f, 0f, false, 1f },
        { 0.9f, 0f, false, 1f },
        { 0.9f, 1e-4f, false, 0.37f },
        { 0.9f, 5e-4f, true, 1f },
        { 0f, 1e-2f, false, 2.5f },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void The_vector_sgd_step_gives_the_scalar_steps_bits(float momentum, float weightDecay, bool nesterov, float gradScale)
    {
        int n = 3 * Vector512<float>.Count + 5;
        var rng = new Random(11);
        float[] w = Floats(rng, n), g = Floats(rng, n), v = Floats(rng, n);
        var sgd = new SgdParams(0.05f, momentum, weightDecay, nesterov);
        using var backend = new CpuBackend();
        var (dw, dg, dv) = (backend.Allocate<float>(n), backend.Allocate<float>(n), backend.Allocate<float>(n));
        backend.Upload<float>(w, dw);
        backend.Upload<float>(g, dg);
        backend.Upload<float>(v, dv);
        var scale = backend.Allocate<float>(1);
        backend.Upload<float>([gradScale], scale);

        backend.SgdUpdate(dw, dg, dv, n, sgd, gradScale == 1f ? null : scale);

        float[] gotW = new float[n], gotV = new float[n];
        backend.Download(dw, gotW.AsSpan());
        backend.Download(dv, gotV.AsSpan());
        for (int i = 0; i < n; i++)
        {
            var want = OptimKernels.SgdStep(w[i], g[i], momentum != 0f ? v[i] : 0f, sgd.KernelParams(gradScale));
            Assert.True(BitConverter.SingleToInt32Bits(want.Weight) == BitConverter.SingleToInt32Bits(gotW[i]), $"w[{i}]: {gotW[i]:R}, scalar {want.Weight:R}");
            float wantV = momentum != 0f ? want.Velocity : v[i]; // without momentum the velocity is left alone
            Assert.True(BitConverter.SingleToInt32Bits(wantV) == BitConverter.SingleToInt32Bits(gotV[i]), $"v[{i}]: {gotV[i]:R}, scalar {wantV:R}");
        }
    }

    private static float[] Floats(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
}
