namespace GpuNet.Backends;

/// <summary>
/// The pack ops: one launch each for every member of a pack (<see cref="PackTables"/>), so a packed step takes as many
/// launches as one model's. A pack keeps activations feature-major: feature row j of an arena of [features, rows]
/// holds element (j, r) at j·rows + r, and <see cref="PackTables.Features"/> says whose unit each row is. A member's
/// rows in solo layout ([rows, width], element r·width + unit) are those feature rows transposed; each op does, per
/// element, the arithmetic of the op a member trained alone runs there, in the same order.
/// </summary>
public partial interface IBackend
{
    /// <summary>
    /// For feature rows j in [firstFeature, firstFeature + features): outputs[j, r] = f_j(outputs[j, r] + bias[j]) with
    /// the row's own activation. When <paramref name="dropped"/> is given, every hidden row also gets
    /// dropped[j, r]: that value, or under its member's dropout of step <paramref name="stepRow"/> (probability above 0)
    /// <see cref="Kernels.DropoutMask.Keeps"/>(Hash(seed, layer), r·width + unit, p) ? value·scale : 0, the mask
    /// <see cref="Dropout"/> draws for the member's layer alone. Logit rows never get a dropped value.
    /// </summary>
    void PackBiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias,
        int firstFeature, int features, int rows, int stepRow);

    /// <summary>
    /// Every member's loss head on its logit rows of <paramref name="outputs"/> (<see cref="Kernels.PackMember"/>): per
    /// row r, <see cref="SoftmaxCrossEntropy"/>'s or (one output) <see cref="SigmoidBinaryCrossEntropy"/>'s loss and
    /// correctness, added into stats[m·statsStride + statsOffset + 2r] and [… + 1], and the gradient, scaled by the
    /// member's step <see cref="Kernels.PackStep.LossScale"/> times its class weight, written into the same rows of
    /// <paramref name="deltas"/>.
    /// </summary>
    void PackLoss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow,
        DeviceBuffer<float> stats, int statsOffset, int statsStride);

    /// <summary>
    /// For the hidden feature rows j in [firstFeature, firstFeature + features), in place: deltas[j, r] =
    /// d·f_j′(outputs[j, r]), where d is deltas[j, r] passed through the member's dropout mask of step
    /// <paramref name="stepRow"/> (<see cref="PackBiasActivation"/>'s, with its scale) when its probability is above 0.
    /// Logit rows are left as they are.
    /// </summary>
    void PackActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow);

    /// <summary>sums[i] = Σ_c x[i, c] for a [rows, cols] matrix, added in column order (a feature-major bias gradient).</summary>
    void RowSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums);

    /// <summary>
    /// scales[m] for every member: <see cref="ClipScale"/>'s factor over the member's segments of
    /// <paramref name="gradients"/> in state-dict order when its clip norm is above 0, else 1.
    /// </summary>
    void PackClipScale(PackTables pack, DeviceBuffer<float> gradients, DeviceBuffer<float> scales);

    /// <summary>
    /// One optimiser step of every member over its segments, with its scalars of step <paramref name="stepRow"/>:
    /// <see cref="SgdUpdate"/> (<paramref name="state1"/> the velocity, used when the momentum is not 0) or
    /// <see cref="AdamUpdate"/> (state1 exp_avg, state2 exp_avg_sq); a frozen member is not touched. A member that clips
    /// scales its raw gradients by scales[m] (<see cref="PackClipScale"/>'s). The buffers cover [0,
    /// <see cref="PackTables.ParameterCount"/>); a parameter no segment owns is not touched. A state may be null when no
    /// uploaded step uses it (<see cref="PackTables.UsesState1"/>, <see cref="PackTables.UsesState2"/>), and the scales
    /// when no member clips (<see cref="PackTables.Clips"/>).
    /// </summary>
    void PackUpdate(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1,
        DeviceBuffer<float>? state2, int stepRow, DeviceBuffer<float>? scales);
}
