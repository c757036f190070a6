using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// What a GEMM does beside C (see <see cref="GemmEpilogueKind"/>), with its operand E: a layer's bias for
/// <see cref="BiasActivationOf"/>, its forward output for <see cref="ActivationBackwardOf"/>, the bias gradient written by
/// <see cref="RowSumsOf"/>. Batch b of the GEMM uses E + b·<see cref="Stride"/>. A device fuses it into the GEMM's launch
/// (ILGPU: every rung, split-K's reduction included); any backend may run it as the separate ops it replaces
/// (<see cref="RunUnfused"/>), which is exactly what the cpu backend does, bit for bit.
/// </summary>
public readonly record struct GemmEpilogue(GemmEpilogueKind Kind, DeviceBuffer<float>? Operand, Activation Activation, long Stride = 0)
{
    /// <summary>No epilogue: the plain GEMM.</summary>
    public static GemmEpilogue None => default;

    /// <summary>C[m, n] = f(v + bias[n]), v the GEMM's value: a linear layer's forward.</summary>
    public static GemmEpilogue BiasActivationOf(DeviceBuffer<float> bias, Activation activation, long stride = 0) =>
        new(GemmEpilogueKind.BiasActivation, bias, activation, stride);

    /// <summary>C[m, n] = v·f'(output[m, n]), f' from the forward output y = f(z): a hidden layer's input gradient.</summary>
    public static GemmEpilogue ActivationBackwardOf(DeviceBuffer<float> output, Activation activation, long stride = 0) =>
        new(GemmEpilogueKind.ActivationBackward, output, activation, stride);

    /// <summary>C as the GEMM leaves it, and sums[m] = Σ_k op(A)[m, k]: with op(A) = δᵀ, the bias gradient beside dW.</summary>
    public static GemmEpilogue RowSumsOf(DeviceBuffer<float> sums, long stride = 0) =>
        new(GemmEpilogueKind.RowSums, sums, Activation.Identity, stride);

    /// <summary>Elements of E the epilogue touches for <paramref name="shape"/> (0 for none or an empty shape).</summary>
    public long Extent(in GemmShape shape) => Kind == GemmEpilogueKind.None || shape.IsEmpty ? 0
        : (long)(shape.Batch - 1) * Stride + Kind switch
        {
            GemmEpilogueKind.BiasActivation => shape.N,
            GemmEpilogueKind.ActivationBackward => (long)shape.M * shape.N,
            _ => shape.M,
        };

    /// <summary>
    /// The argument checks every backend makes: a known kind and activation, an operand for every kind but none, a
    /// non-negative stride that keeps written batches of E apart, and E long enough for the shape.
    /// </summary>
    public void Validate(in GemmShape shape)
    {
        // Range checks, not Enum.IsDefined, which allocated 496 bytes in a window of 20 warm calls: a warm step allocates nothing.
        if (Kind is < GemmEpilogueKind.None or > GemmEpilogueKind.RowSums)
            throw new ArgumentException($"unknown GEMM epilogue {Kind}");
        if (Activation is < Activation.Identity or > Activation.Tanh)
            throw new ArgumentException($"unknown activation {Activation} in a GEMM epilogue");
        if (Kind == GemmEpilogueKind.None)
            return;
        if (Operand is null)
            throw new ArgumentException($"the {Kind} epilogue needs its operand");
        if (Stride < 0)
            throw new ArgumentException($"the epilogue's stride must be non-negative (got {Stride})");
        if (Kind == GemmEpilogueKind.RowSums && shape.Batch > 1 && Stride < shape.M)
            throw new ArgumentException($"row sums with stride {Stride} would make batches overlap (M = {shape.M})");
        long extent = Extent(shape);
        if (Operand.Length < extent)
            throw new ArgumentException($"the {Kind} epilogue's operand has {Operand.Length} elements but the GEMM needs {extent}");
    }

    /// <summary>
    /// The GEMM, then the ops the epilogue replaces, batch by batch: <see cref="IBackend.BiasActivation"/>,
    /// <see cref="IBackend.ActivationBackward"/>, or the column sums of A stored K×M (<see cref="IBackend.ColumnSums"/>)
    /// or row sums of A stored M×K (<see cref="IBackend.RowSums"/>). The cpu backend's fused GEMM, and an ILGPU device's
    /// with its fusion switched off (the comparison perf/ makes).
    /// </summary>
    public static void RunUnfused(IBackend backend, in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, in GemmEpilogue epilogue)
    {
        backend.Gemm(shape, a, b, c);
        if (epilogue.Kind == GemmEpilogueKind.None || shape.IsEmpty)
            return;
        var e = epilogue.Operand!;
        if (shape.Batch == 1)
        {
            Unfused(backend, shape, a, c, e, epilogue);
            return;
        }
        int plane = checked(shape.M * shape.N);
        for (int i = 0; i < shape.Batch; i++)
            Unfused(backend, shape, a.Slice(checked((int)(i * shape.StrideA)), checked(shape.M * shape.K)), c.Slice(checked((int)(i * shape.StrideC)), plane),
                e.Slice(checked((int)(i * epilogue.Stride)), checked((int)epilogue.Extent(shape with { Batch = 1 }))), epilogue);
    }

    /// <summary>One batch's epilogue as its own op, on A, C and E of that batch (a step's one batch takes no slices: no allocation).</summary>
    private static void Unfused(IBackend backend, in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> c, DeviceBuffer<float> e, in GemmEpilogue epilogue)
    {
        switch (epilogue.Kind)
        {
            case GemmEpilogueKind.BiasActivation:
                backend.BiasActivation(c, e, shape.M, shape.N, epilogue.Activation);
                break;
            case GemmEpilogueKind.ActivationBackward:
                backend.ActivationBackward(c, e, c, shape.M * shape.N, epilogue.Activation);
                break;
            default:
                if (shape.TransA)
                    backend.ColumnSums(a, shape.K, shape.M, e);
                else
                    backend.RowSums(a, shape.M, shape.K, e);
                break;
        }
    }
}
