using System.Diagnostics;
using GpuNet.Backends;
using Ilgpu = GpuNet.Backends.Ilgpu;
using GpuNet.Kernels;

namespace GpuNet.Bench;

/// <summary>
/// Wraps a backend and adds up the wall time of each op kind (GEMMs by shape), so a training
/// step's time can be split by op (the bench's per-op profile). Each op is followed by a
/// synchronise, which serialises a GPU's queue: the split is right, the total slower than a real step.
/// </summary>
public sealed class ProfilingBackend(IBackend inner) : IBackend
{
    private readonly Dictionary<string, (double Ms, long Calls)> _totals = [];

    public DeviceInfo Device => inner.Device;

    /// <summary>Milliseconds and calls per op since the last <see cref="Reset"/>, largest first.</summary>
    public IReadOnlyList<(string Op, double Ms, long Calls)> Totals =>
        _totals.Select(kv => (kv.Key, kv.Value.Ms, kv.Value.Calls)).OrderByDescending(t => t.Ms).ToArray();

    /// <summary>Floating-point operations of the GEMMs since the last <see cref="Reset"/> (2·M·N·K each).</summary>
    public double GemmFlops { get; private set; }

    /// <summary>
    /// Host waits the profiled code asked for since the last <see cref="Reset"/> (its <see cref="Synchronize"/> and
    /// <see cref="Download{T}"/> calls), not the waits the profiler adds after each op to time it.
    /// </summary>
    public long HostWaits { get; private set; }

    /// <summary>
    /// Kernels the wrapped device launched since the last <see cref="Reset"/>, where it counts them (ILGPU devices); null
    /// on the cpu backend, which launches nothing (its ops are calls).
    /// </summary>
    public long? Launches => inner is Ilgpu.IlgpuBackend ? DeviceLaunches - _launchesAtReset : null;

    private long _launchesAtReset = (inner as Ilgpu.IlgpuBackend)?.LaunchCount ?? 0; // counted from the profiler's start, as the totals are

    private long DeviceLaunches => (inner as Ilgpu.IlgpuBackend)?.LaunchCount ?? 0;

    public void Reset()
    {
        _totals.Clear();
        GemmFlops = 0;
        HostWaits = 0;
        _launchesAtReset = DeviceLaunches;
    }

    private void Time(string op, Action run)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        Record(op, start);
    }

    private void Record(string op, long start)
    {
        inner.Synchronize();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var (total, calls) = _totals.GetValueOrDefault(op);
        _totals[op] = (total + ms, calls + 1);
    }

    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged => inner.Allocate<T>(length);
    /// <summary>The op name of host-to-device copies, which are transfers, not kernel launches.</summary>
    public const string UploadOp = "upload";

    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination) where T : unmanaged
    {
        long start = Stopwatch.GetTimestamp(); // a span cannot enter a lambda
        inner.Upload(source, destination);
        Record(UploadOp, start);
    }
    // The inner backend's own lane, so a profiled run overlaps its uploads as an unprofiled one does.
    public UploadLane<T> OpenUploadLane<T>(int capacity) where T : unmanaged => inner.OpenUploadLane<T>(capacity);
    public void Download<T>(DeviceBuffer<T> source, Span<T> destination) where T : unmanaged
    {
        HostWaits++;
        inner.Download(source, destination);
    }

    public void Synchronize()
    {
        HostWaits++;
        inner.Synchronize();
    }
    public void Fill(DeviceBuffer<float> buffer, int count, float value) => Time("fill", () => inner.Fill(buffer, count, value));
    public void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count) => Time("copy", () => inner.Copy(source, destination, count));

    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c)
    {
        var s = shape;
        GemmFlops += s.Flops;
        Time($"gemm {s.M}x{s.N}x{s.K} {(s.TransA ? 'T' : 'N')}{(s.TransB ? 'T' : 'N')}", () => inner.Gemm(s, a, b, c));
    }

    /// <summary>A fused GEMM is one op of the profile, named for its shape and what it fused.</summary>
    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, in GemmEpilogue epilogue)
    {
        var (s, e) = (shape, epilogue);
        GemmFlops += s.Flops;
        Time($"gemm {s.M}x{s.N}x{s.K} {(s.TransA ? 'T' : 'N')}{(s.TransB ? 'T' : 'N')}{EpilogueName(e)}", () => inner.Gemm(s, a, b, c, e));
    }

    private static string EpilogueName(in GemmEpilogue e) => e.Kind switch
    {
        GemmEpilogueKind.BiasActivation => $" +bias+{e.Activation.ToString().ToLowerInvariant()}",
        GemmEpilogueKind.ActivationBackward => $" +{e.Activation.ToString().ToLowerInvariant()} backward",
        GemmEpilogueKind.RowSums => " +bias grad",
        _ => "",
    };

    public void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation) =>
        Time($"bias+{activation.ToString().ToLowerInvariant()} {rows}x{cols}", () => inner.BiasActivation(y, bias, rows, cols, activation));
    public void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation) =>
        Time($"{activation.ToString().ToLowerInvariant()} forward", () => inner.ActivationForward(input, output, count, activation));
    public void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation) =>
        Time($"{activation.ToString().ToLowerInvariant()} backward {count}", () => inner.ActivationBackward(gradOutput, output, gradInput, count, activation));
    public void ColumnSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums) =>
        Time($"column sums {rows}x{cols}", () => inner.ColumnSums(x, rows, cols, sums));
    public void PackBiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias, int firstFeature, int features, int rows, int stepRow) =>
        Time($"pack bias+activation {features}x{rows}", () => inner.PackBiasActivation(pack, outputs, dropped, bias, firstFeature, features, rows, stepRow));
    public void PackLoss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow,
        DeviceBuffer<float> stats, int statsOffset, int statsStride) =>
        Time($"pack loss {pack.MemberCount} models x {rows}", () => inner.PackLoss(pack, outputs, deltas, labels, rows, stepRow, stats, statsOffset, statsStride));
    public void PackActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow) =>
        Time($"pack activation backward {features}x{rows}", () => inner.PackActivationBackward(pack, deltas, outputs, firstFeature, features, rows, stepRow));
    public void RowSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums) =>
        Time($"row sums {rows}x{cols}", () => inner.RowSums(x, rows, cols, sums));
    public void PackClipScale(PackTables pack, DeviceBuffer<float> gradients, DeviceBuffer<float> scales) =>
        Time($"pack clip scale {pack.MemberCount} models", () => inner.PackClipScale(pack, gradients, scales));
    public void PackUpdate(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1, DeviceBuffer<float>? state2, int stepRow,
        DeviceBuffer<float>? scales) =>
        Time($"pack update {pack.MemberCount} models", () => inner.PackUpdate(pack, parameters, gradients, state1, state2, stepRow, scales));
    public void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats,
        DeviceBuffer<float>? classWeights = null) =>
        Time($"{(classWeights is null ? "" : "weighted ")}softmax CE {rows}x{classes}", () => inner.SoftmaxCrossEntropy(logits, labels, rows, classes, gradLogits, gradScale, stats, classWeights));
    public void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats,
        DeviceBuffer<float>? classWeights = null) =>
        Time($"{(classWeights is null ? "" : "weighted ")}sigmoid BCE {rows}", () => inner.SigmoidBinaryCrossEntropy(logits, labels, rows, gradLogits, gradScale, stats, classWeights));
    public void Softmax(DeviceBuffer<float> logits, DeviceBuffer<float> probabilities, int rows, int classes) =>
        Time("softmax", () => inner.Softmax(logits, probabilities, rows, classes));
    public void SgdUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? velocity, int count, in SgdParams sgd,
        DeviceBuffer<float>? gradScale = null)
    {
        var p = sgd;
        Time($"sgd {count}", () => inner.SgdUpdate(parameters, gradients, velocity, count, p, gradScale));
    }
    public void AdamUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> expAvg, DeviceBuffer<float> expAvgSq, int count,
        in AdamParams adam, DeviceBuffer<float>? gradScale = null)
    {
        var p = adam;
        Time($"adam {count}", () => inner.AdamUpdate(parameters, gradients, expAvg, expAvgSq, count, p, gradScale));
    }
    public void ClipScale(DeviceBuffer<float> gradients, int count, float maxNorm, DeviceBuffer<float> scale) =>
        Time($"clip scale {count}", () => inner.ClipScale(gradients, count, maxNorm, scale));
    public void Dropout(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, float probability, ulong seed) =>
        Time($"dropout {count}", () => inner.Dropout(input, output, count, probability, seed));
    public void GatherRows(DeviceBuffer<float> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        Time($"gather rows {rows}x{cols}", () => inner.GatherRows(source, cols, scaling, indices, indexOffset, rows, destination));
    public void GatherRows(DeviceBuffer<byte> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        Time($"gather byte rows {rows}x{cols}", () => inner.GatherRows(source, cols, scaling, indices, indexOffset, rows, destination));
    public DeviceBuffer<T> Adopt<T>(T[] values) where T : unmanaged => inner.Adopt(values);
    public void GatherLabels(DeviceLabels source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination) =>
        Time($"gather labels {count}", () => inner.GatherLabels(source, indices, indexOffset, count, destination));

    // A minibatch's gather as the device runs it (one launch where it fuses rows and labels), one op of the profile.
    public void GatherBatch(DeviceBuffer<float> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY) =>
        Time($"gather batch {rows}x{cols}", () => inner.GatherBatch(features, cols, scaling, labels, indices, indexOffset, rows, batchX, batchY));
    public void GatherBatch(DeviceBuffer<byte> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY) =>
        Time($"gather byte batch {rows}x{cols}", () => inner.GatherBatch(features, cols, scaling, labels, indices, indexOffset, rows, batchX, batchY));
    public void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed) => inner.InitUniform(buffer, low, high, seed);
    public void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed) => inner.InitNormal(buffer, mean, std, seed);

    public void Dispose() => inner.Dispose();
}
