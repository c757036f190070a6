using GpuNet.Kernels;
using GpuNet.Nn;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// Where each member of a pack lives in the pack's buffers. Members are ordered so that those of one architecture are
/// adjacent (a group); activations are feature-major ([features, rows], see <see cref="Backends.IBackend"/>'s pack ops)
/// and laid out depth by depth: every member's first layer, then each group's second layers, and so on. So
///  - the first layers of all members are one weight matrix [Σ out, in]: one GEMM for the whole pack, whatever the widths;
///  - a group's layer at depth d ≥ 1 is a batch of equal blocks at a fixed stride: one strided batched GEMM per group;
///  - every feature row of every layer sits in one arena, so the bias gradients of the whole pack are one row sum.
/// Parameters: every weight block in the same order, then every bias in feature-row order.
/// </summary>
public sealed class PackLayout
{
    public PackLayout(IReadOnlyList<ModelSpec> specs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(specs.Count);
        int inputs = specs[0].Inputs;
        if (specs.Any(s => s.Inputs != inputs))
            throw new ArgumentException("the members of a pack read the same features", nameof(specs));
        // Members of one architecture adjacent, groups in order of first appearance, members in sweep order within a group.
        var shapes = specs.Select(Shape).ToArray();
        var groupOf = shapes.Distinct().Select((shape, g) => (shape, g)).ToDictionary(p => p.shape, p => p.g);
        Order = Enumerable.Range(0, specs.Count).OrderBy(i => groupOf[shapes[i]]).ThenBy(i => i).ToArray();
        Specs = Order.Select(i => specs[i]).ToArray();
        Inputs = inputs;
        Groups = Order.Select((member, position) => (groupOf[shapes[member]], position)).GroupBy(p => p.Item1)
            .Select(g => new PackGroup(g.First().position, g.Count(), Specs[g.First().position])).ToArray();
        Depth = Specs.Max(s => s.Layers.Count);

        _blocks = Specs.Select(spec => new PackBlock[spec.Layers.Count]).ToArray();
        var features = new List<PackFeature>();
        long weights = 0;
        for (int depth = 0; depth < Depth; depth++)
        {
            DepthStart.Add(features.Count);
            foreach (var group in Groups.Where(g => g.Spec.Layers.Count > depth))
                for (int m = group.First; m < group.First + group.Count; m++)
                {
                    var layer = Specs[m].Layers[depth];
                    _blocks[m][depth] = new PackBlock(m, depth, features.Count, checked((int)weights));
                    weights += (long)layer.Out * layer.In;
                    for (int unit = 0; unit < layer.Out; unit++)
                        features.Add(new PackFeature
                        {
                            Member = m, Layer = depth, Unit = unit, Width = layer.Out, Activation = layer.Activation,
                            Hidden = depth < Specs[m].Layers.Count - 1 ? 1 : 0,
                        });
                }
        }
        DepthStart.Add(features.Count);
        _groupLayers = Enumerable.Range(0, Depth).Select(depth => depth == 0 ? [] : Groups.Where(g => g.Spec.Layers.Count > depth)
            .Select(g => new PackGroupLayer(g, g.Spec.Layers[depth], Block(g.First, depth), Block(g.First, depth - 1))).ToArray()).ToArray();
        Features = features.ToArray();
        WeightCount = checked((int)weights);
        ParameterCount = checked(WeightCount + Features.Length);
    }

    /// <summary>The sweep's index of the member at each pack position (positions are what the pack ops and tables number).</summary>
    public IReadOnlyList<int> Order { get; }

    /// <summary>Each pack position's architecture.</summary>
    public IReadOnlyList<ModelSpec> Specs { get; }

    public int Inputs { get; }
    public IReadOnlyList<PackGroup> Groups { get; }

    /// <summary>The most layers any member has.</summary>
    public int Depth { get; }

    /// <summary>The first feature row of each depth, and after the last depth the feature count.</summary>
    public List<int> DepthStart { get; } = [];

    // Each position's layers, by depth: the first feature row and where the weights start.
    private readonly PackBlock[][] _blocks;
    private readonly PackGroupLayer[][] _groupLayers;

    public PackFeature[] Features { get; }

    /// <summary>The weights come first in the parameter buffer; the biases follow, one per feature row.</summary>
    public int WeightCount { get; }
    public int ParameterCount { get; }

    public int FeatureCount => Features.Length;

    /// <summary>Layer <paramref name="depth"/> of the member at <paramref name="position"/>.</summary>
    public PackBlock Block(int position, int depth) => _blocks[position][depth];

    /// <summary>
    /// The groups with a layer at <paramref name="depth"/> ≥ 1, each with the layer's shape, its first member's block and
    /// the block feeding it: one strided batched GEMM each (computed once, so a step only walks them).
    /// </summary>
    public IReadOnlyList<PackGroupLayer> GroupLayersAt(int depth) => _groupLayers[depth];

    /// <summary>The member's parameters as (start, length) runs of the pack's buffer, in its own state-dict order: W₀, b₀, W₁, b₁, …</summary>
    public IEnumerable<PackSegment> Segments(int position) =>
        Specs[position].Layers.SelectMany((layer, depth) =>
        {
            var block = Block(position, depth);
            return new[]
            {
                new PackSegment { Start = block.WeightStart, Length = layer.Out * layer.In, Member = position },
                new PackSegment { Start = WeightCount + block.FirstFeature, Length = layer.Out, Member = position },
            };
        });

    /// <summary>Every position's <see cref="Segments"/>, position by position: the pack's segment table.</summary>
    public PackSegment[] AllSegments() => Enumerable.Range(0, Specs.Count).SelectMany(Segments).ToArray();

    /// <summary>
    /// The position's row of the member table: its logits (its last layer's feature rows) and its segments, numbered as
    /// <see cref="AllSegments"/> lists them, with its class weights' offset in the pack's table (−1: none) and its clip norm.
    /// </summary>
    public PackMember Member(int position, int classWeights, float clipNorm)
    {
        var spec = Specs[position];
        return new PackMember
        {
            LogitsFeature = Block(position, spec.Layers.Count - 1).FirstFeature, Outputs = spec.Outputs, ClassWeights = classWeights,
            FirstSegment = Specs.Take(position).Sum(s => 2 * s.Layers.Count), SegmentCount = 2 * spec.Layers.Count, ClipNorm = clipNorm,
        };
    }

    // Two members share a group when every layer has the same shape (activations may differ: they are per feature row).
    private static string Shape(ModelSpec spec) => string.Join(",", spec.Layers.Select(l => $"{l.In}x{l.Out}"));
}

/// <summary>Members [First, First + Count) of a pack share the architecture of <see cref="Spec"/>'s layer shapes.</summary>
public sealed record PackGroup(int First, int Count, ModelSpec Spec);

/// <summary>A group's layer at one depth: its shape, the block of the group's first member there, and the block that feeds it.</summary>
public readonly record struct PackGroupLayer(PackGroup Group, LayerSpec Layer, PackBlock Block, PackBlock Previous);

/// <summary>Layer <see cref="Depth"/> of the member at pack position <see cref="Member"/>: its first feature row and first weight.</summary>
public readonly record struct PackBlock(int Member, int Depth, int FirstFeature, int WeightStart);
