namespace GpuNet.Kernels;

/// <summary>
/// One feature row of a pack's activation arena: unit <see cref="Unit"/> of layer <see cref="Layer"/> (of
/// <see cref="Width"/> units) of pack member <see cref="Member"/>. A pack keeps every activation feature-major,
/// [features, rows], so each member's layer is one contiguous block and many members share a GEMM; the pack ops
/// read this table to apply each row's own activation, dropout and loss.
/// </summary>
public struct PackFeature
{
    public int Member, Layer, Unit, Width;
    public Activation Activation;
    /// <summary>1 for a hidden unit (its output feeds another layer, and dropout applies to it), 0 for a logit.</summary>
    public int Hidden;
}

/// <summary>
/// A pack member's loss head and its parameters: its logits are the <see cref="Outputs"/> feature rows from
/// <see cref="LogitsFeature"/> (one output: sigmoid cross-entropy, several: softmax cross-entropy); its class weights,
/// when it has them, start at <see cref="ClassWeights"/> of the pack's class-weight table (−1: unweighted); its
/// parameter segments are <see cref="FirstSegment"/> onwards, <see cref="SegmentCount"/> of them, in state-dict order;
/// <see cref="ClipNorm"/> above 0 clips its gradient's global norm.
/// </summary>
public struct PackMember
{
    public int LogitsFeature, Outputs, ClassWeights, FirstSegment, SegmentCount;
    public float ClipNorm;
}

/// <summary>A run of a pack's flat parameter buffer that belongs to one member: one weight matrix or one bias vector.</summary>
public struct PackSegment
{
    public int Start, Length, Member;
}

/// <summary>How a pack member updates in one step.</summary>
public enum PackOptimizer
{
    /// <summary>Frozen (diverged or early-stopped): its parameters and state stay as they are.</summary>
    None = 0,
    Sgd = 1,
    Adam = 2,
}

/// <summary>
/// One member's scalars for one step, computed on the host for a whole epoch at once (the step's learning rate,
/// Adam's bias corrections, the loss's gradient scale, dropout's stream), so a packed step reads them from the
/// device and never waits for an upload. <see cref="Dropout"/>.Seed is the step's dropout stream: layer l's mask is
/// drawn from <see cref="CounterRandom.Hash"/>(Seed, l), as a model trained alone draws it.
/// </summary>
public struct PackStep
{
    public PackOptimizer Optimizer;
    public SgdKernelParams Sgd;
    public AdamKernelParams Adam;
    /// <summary>The loss gradient's factor: 1/rows, or 1/Σ w[y] over the batch for a class-weighted member.</summary>
    public float LossScale;
    public DropoutKernelParams Dropout;
}
