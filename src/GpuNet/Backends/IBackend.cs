using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// Every op a training step needs, on one device. Two families implement it: the managed
/// CPU fallback (the numeric reference) and the ILGPU backend (CUDA, OpenCL or ILGPU's CPU
/// accelerator). One shared test suite checks each implementation against float64 references.
///
/// Conventions: float32, row-major, sizes passed explicitly (buffers may be longer than an
/// op needs). Ops are enqueued in order on the device and may run asynchronously: only
/// <see cref="Download{T}"/> and <see cref="Synchronize"/> wait (and an <see cref="UploadLane{T}"/>'s own calls). Outputs that an op "writes"
/// are fully overwritten (their old contents, NaN included, never matter) unless documented
/// as accumulated.
/// </summary>
public partial interface IBackend : IDisposable
{
    DeviceInfo Device { get; }

    /// <summary>A new zero-filled buffer.</summary>
    DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged;

    /// <summary>Copies host data into the first source.Length elements of the buffer.</summary>
    void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination) where T : unmanaged;

    /// <summary>
    /// A lane for uploads that overlap compute: host staging of <paramref name="capacity"/> elements and a copy queue
    /// of its own (see <see cref="UploadLane{T}"/>, whose Start and Wait are the op's contract). An upload started on it
    /// and then waited for leaves the destination holding exactly the staged values, whatever ran meanwhile on other
    /// buffers; reading the destination before the wait is not required to work. The default copies synchronously
    /// with <see cref="Upload{T}"/>, for a backend whose memory is the host's; a device with a copy engine overrides it.
    /// </summary>
    UploadLane<T> OpenUploadLane<T>(int capacity) where T : unmanaged => new SynchronousUploadLane<T>(this, capacity);

    /// <summary>Waits for queued work, then copies the first destination.Length elements to the host.</summary>
    void Download<T>(DeviceBuffer<T> source, Span<T> destination) where T : unmanaged;

    /// <summary>Waits until every queued op has finished.</summary>
    void Synchronize();

    /// <summary>Sets the first <paramref name="count"/> elements to <paramref name="value"/>.</summary>
    void Fill(DeviceBuffer<float> buffer, int count, float value);

    /// <summary>destination[i] = source[i] for i &lt; count.</summary>
    void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count);

    /// <summary>C = alpha·op(A)·op(B) + beta·C, see <see cref="GemmShape"/>.</summary>
    void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c);

    /// <summary>
    /// The GEMM with <paramref name="epilogue"/> (see <see cref="GemmEpilogue"/>): bias + activation, the activation's
    /// backward, or the row sums of op(A), in the GEMM's own launch where the device can fuse them. The default runs the
    /// separate ops (<see cref="GemmEpilogue.RunUnfused"/>); it is the cpu backend's: the order, and so the bits, every
    /// cpu step has had, on a backend where a launch costs nothing.
    /// </summary>
    void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, in GemmEpilogue epilogue)
    {
        shape.Validate();
        epilogue.Validate(shape);
        GemmEpilogue.RunUnfused(this, shape, a, b, c, epilogue);
    }

    /// <summary>In place, for a [rows, cols] matrix y: y[r, c] = f(y[r, c] + bias[c]).</summary>
    void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation);

    /// <summary>output[i] = f(input[i]) for i &lt; count. May alias.</summary>
    void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation);

    /// <summary>
    /// gradInput[i] = gradOutput[i] · f'(z_i), with f' written from the forward output y = f(z)
    /// (see <see cref="Activation"/>). gradInput may alias gradOutput.
    /// </summary>
    void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation);

    /// <summary>sums[c] = Σ_r x[r, c] for a [rows, cols] matrix (the bias gradient).</summary>
    void ColumnSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums);

    /// <summary>
    /// Fused softmax cross-entropy over [rows, classes] logits with integer labels, optionally class-weighted.
    /// Per row r (subtracting the row max first, log-sum-exp):
    /// loss_r = logsumexp(z_r) − z_r[y_r]; correct_r = 1 if the first argmax of z_r is y_r, else 0; w_r = classWeights[y_r]
    /// with <paramref name="classWeights"/> [classes] (PyTorch's CrossEntropyLoss(weight=)), else 1.
    /// Accumulates stats[2r] += w_r·loss_r and stats[2r + 1] += correct_r (accuracy unweighted; per-row slots: no atomics,
    /// deterministic; the host sums them when it reports). When <paramref name="gradLogits"/> is
    /// not null it writes gradLogits[r, c] = gradScale·w_r·(p_rc − [c == y_r]); the mean-reduced
    /// loss uses gradScale = 1/rows, the weighted mean Σ w_r·loss_r / Σ w_r gradScale = 1/Σ w_r, which the caller sums in
    /// row order. A weight of 1 gives exactly the unweighted values. gradLogits may alias logits.
    /// A label outside [0, classes) — here and in <see cref="SigmoidBinaryCrossEntropy"/>, where classes = 2 —
    /// gives its row loss NaN, correct 0 and a NaN gradient row, on every backend: a kernel can neither
    /// throw nor read a class that is not there, and NaN cannot pass unseen (PyTorch raises instead;
    /// <see cref="Training.Trainer"/> checks labels before training, as PyTorch's users expect).
    /// </summary>
    void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null);

    /// <summary>
    /// Fused sigmoid + binary cross-entropy for one-output logistic regression, labels in {0, 1}.
    /// loss_r = max(z, 0) − z·y + log(1 + e^(−|z|)) (stable form); correct_r = [(z &gt; 0) == (y == 1)].
    /// Accumulates stats like <see cref="SoftmaxCrossEntropy"/>, weighted by the two class weights [2] when given; when
    /// gradLogits is not null writes gradLogits[r] = gradScale·w_r·(σ(z_r) − y_r). gradLogits may alias logits.
    /// </summary>
    void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null);

    /// <summary>Row-wise softmax probabilities of [rows, classes] logits (for predict). May alias.</summary>
    void Softmax(DeviceBuffer<float> logits, DeviceBuffer<float> probabilities, int rows, int classes);

    /// <summary>
    /// One SGD step over the first <paramref name="count"/> parameters, see <see cref="SgdParams"/>: a model's whole flat
    /// parameter buffer in one launch. <paramref name="velocity"/> is read and written only when the momentum is not 0
    /// (it may then be null). With <paramref name="gradScale"/> (one element, written on the device by <see cref="ClipScale"/>)
    /// the raw gradients are first multiplied by gradScale[0]; without it they are used as they are.
    /// </summary>
    void SgdUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? velocity, int count, in SgdParams sgd,
        DeviceBuffer<float>? gradScale = null);

    /// <summary>
    /// One Adam or AdamW step (see <see cref="AdamParams"/>) over the first <paramref name="count"/> parameters, each with
    /// its first-moment (exp_avg) and second-moment (exp_avg_sq) element, in one launch; <paramref name="gradScale"/> as in
    /// <see cref="SgdUpdate"/>.
    /// </summary>
    void AdamUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> expAvg, DeviceBuffer<float> expAvgSq, int count,
        in AdamParams adam, DeviceBuffer<float>? gradScale = null);

    /// <summary>
    /// PyTorch's clip_grad_norm_ factor without a host wait: with norm = √(Σ g[i]²) over i &lt; <paramref name="count"/>,
    /// scale[0] = norm &gt; maxNorm ? maxNorm / (norm + 1e-6) : 1. The sum runs in an order fixed by the count alone (no
    /// atomics): the same bits every run. The update ops read scale[0] as their gradScale.
    /// </summary>
    void ClipScale(DeviceBuffer<float> gradients, int count, float maxNorm, DeviceBuffer<float> scale);

    /// <summary>
    /// Inverted dropout over the first <paramref name="count"/> elements: output[i] = input[i] / (1 − p) where
    /// <see cref="DropoutMask.Keeps"/>(seed, i, p), else 0. The same seed gives the same mask, so applying it to
    /// a gradient is dropout's backward. May alias; 0 ≤ p &lt; 1.
    /// </summary>
    void Dropout(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, float probability, ulong seed);

    /// <summary>
    /// destination[r, c] = x' of source[indices[indexOffset + r], c] for r &lt; rows, rows of <paramref name="cols"/> values,
    /// converted to float32 and scaled as <paramref name="scaling"/> says (null: as stored).
    /// </summary>
    void GatherRows(DeviceBuffer<float> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination);

    /// <summary>The gather over features stored as bytes (IDX images, uint8 .npy), converted in the same pass.</summary>
    void GatherRows(DeviceBuffer<byte> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination);

    /// <summary>destination[r] = source[indices[indexOffset + r]] for r &lt; count, widened from the stored labels into int32.</summary>
    void GatherLabels(DeviceLabels source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination);

    /// <summary>
    /// <see cref="GatherRows(DeviceBuffer{float}, int, FeatureScaling?, DeviceBuffer{int}, int, int, DeviceBuffer{float})"/> and
    /// <see cref="GatherLabels"/> of one minibatch with the same indices; devices that can fuse the two do it in one launch.
    /// </summary>
    void GatherBatch(DeviceBuffer<float> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY)
    {
        GatherRows(features, cols, scaling, indices, indexOffset, rows, batchX);
        GatherLabels(labels, indices, indexOffset, rows, batchY);
    }

    /// <summary>The minibatch gather over byte features.</summary>
    void GatherBatch(DeviceBuffer<byte> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY)
    {
        GatherRows(features, cols, scaling, indices, indexOffset, rows, batchX);
        GatherLabels(labels, indices, indexOffset, rows, batchY);
    }

    /// <summary>
    /// A buffer holding <paramref name="values"/>, which the caller hands over and never changes again. A backend whose
    /// memory is the host's (cpu) wraps the array itself, so a dataset is held once; others allocate and upload.
    /// </summary>
    DeviceBuffer<T> Adopt<T>(T[] values) where T : unmanaged
    {
        var buffer = Allocate<T>(values.Length);
        Upload<T>(values, buffer);
        return buffer;
    }

    /// <summary>buffer[i] = low + (high − low)·CounterRandom.Uniform(seed, i) over the whole buffer.</summary>
    void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed);

    /// <summary>
    /// buffer[i] = mean + std·sqrt(−2 ln u1)·cos(2π u2), Box–Muller with
    /// u1 = CounterRandom.Uniform(seed, 2i), u2 = CounterRandom.Uniform(seed, 2i + 1).
    /// </summary>
    void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed);
}
