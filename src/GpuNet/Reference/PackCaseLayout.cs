using GpuNet.Backends;
using GpuNet.Kernels;

namespace GpuNet.Reference;

/// <summary>
/// The tables of a <see cref="PackCase"/>, laid out like (not as) the engine's <see cref="Sweep.Packing.PackLayout"/>, so
/// the ops are checked on a layout the engine does not make too: feature rows layer by layer across the members (every
/// member's first hidden layer side by side, then the second, …, then every member's logits, where the engine puts a
/// shallow member's logits at its own depth), and
/// parameters layer by layer too (the members' weights side by side, a gap, their biases), so the segment table (member
/// by member) and the by-start table differ and a gap belongs to nobody. Step row <see cref="StepRow"/> holds the
/// members' scalars; the other row holds different ones, which an op that reads the wrong row would use.
/// </summary>
internal sealed class PackCaseLayout
{
    /// <summary>The step row the ops are given.</summary>
    public const int StepRow = 1;

    /// <summary>Parameters between the layers' weights and biases that no segment owns.</summary>
    private const int Gap = 3;

    public PackCaseLayout(PackCase c)
    {
        Case = c;
        int members = c.Members.Length;
        FeatureStart = new int[members][];
        WeightStart = new int[members][];
        BiasStart = new int[members][];
        for (int m = 0; m < members; m++)
            (FeatureStart[m], WeightStart[m], BiasStart[m]) = (new int[Layers(m)], new int[Layers(m)], new int[Layers(m)]);
        var features = new List<PackFeature>();
        int parameters = 0;
        // Hidden layers depth by depth, then the logits: the head of a member of depth d is its layer d.
        int depth = c.Members.Max(m => m.Hidden.Length);
        for (int d = 0; d <= depth; d++)
        {
            var at = Enumerable.Range(0, members).Where(m => d < c.Members[m].Hidden.Length || d == depth).ToList();
            foreach (int m in at)
            {
                int l = d == depth ? Layers(m) - 1 : d;
                FeatureStart[m][l] = features.Count;
                for (int u = 0; u < Width(m, l); u++)
                    features.Add(new PackFeature { Member = m, Layer = l, Unit = u, Width = Width(m, l), Activation = ActivationOf(m, l), Hidden = l < Layers(m) - 1 ? 1 : 0 });
            }
            foreach (int m in at)
            {
                int l = d == depth ? Layers(m) - 1 : d;
                WeightStart[m][l] = parameters;
                parameters += Width(m, l) * FanIn(m, l);
            }
            parameters += Gap;
            foreach (int m in at)
            {
                int l = d == depth ? Layers(m) - 1 : d;
                BiasStart[m][l] = parameters;
                parameters += Width(m, l);
            }
        }
        Features = [.. features];
        ParameterCount = parameters;
        var segments = new List<PackSegment>();
        var weights = new List<float>();
        Members = new PackMember[members];
        for (int m = 0; m < members; m++)
        {
            var mc = c.Members[m];
            Members[m] = new PackMember
            {
                LogitsFeature = FeatureStart[m][Layers(m) - 1], Outputs = mc.Outputs, FirstSegment = segments.Count, SegmentCount = 2 * Layers(m),
                ClassWeights = mc.ClassWeights is null ? -1 : weights.Count, ClipNorm = mc.ClipNorm,
            };
            weights.AddRange(mc.ClassWeights ?? []);
            for (int l = 0; l < Layers(m); l++)
            {
                segments.Add(new PackSegment { Start = WeightStart[m][l], Length = Width(m, l) * FanIn(m, l), Member = m });
                segments.Add(new PackSegment { Start = BiasStart[m][l], Length = Width(m, l), Member = m });
            }
        }
        Segments = [.. segments];
        ClassWeights = [.. weights];
    }

    public PackCase Case { get; }
    public PackFeature[] Features { get; }
    public PackMember[] Members { get; }
    public PackSegment[] Segments { get; }
    public float[] ClassWeights { get; }
    public int ParameterCount { get; }

    /// <summary>The first feature row, weight and bias of member m's layer l (l = its hidden layers' count: its logits).</summary>
    public int[][] FeatureStart { get; }
    public int[][] WeightStart { get; }
    public int[][] BiasStart { get; }

    public int Rows => Case.Rows;
    public int Layers(int m) => Case.Members[m].Hidden.Length + 1;
    public int Width(int m, int l) => l < Case.Members[m].Hidden.Length ? Case.Members[m].Hidden[l] : Case.Members[m].Outputs;
    public int FanIn(int m, int l) => l == 0 ? Case.Inputs : Width(m, l - 1);
    public Activation ActivationOf(int m, int l) => l < Case.Members[m].Hidden.Length ? Case.Members[m].Activations[l] : Activation.Identity;

    /// <summary>Member m's segments in state-dict order (weight, bias of each layer) as (start, length).</summary>
    public IEnumerable<(int Start, int Length)> SegmentsOf(int m) =>
        Segments.Skip(Members[m].FirstSegment).Take(Members[m].SegmentCount).Select(s => (s.Start, s.Length));

    /// <summary>The tables on <paramref name="backend"/>, with two step rows: <see cref="StepRow"/> the case's, the other a decoy.</summary>
    public PackTables Tables(IBackend backend, int[] labels)
    {
        var tables = new PackTables(backend, Features, Members, Segments, ClassWeights, StepRow + 1);
        var steps = new PackStep[(StepRow + 1) * Members.Length];
        for (int m = 0; m < Members.Length; m++)
        {
            steps[m] = Decoy(m);
            steps[StepRow * Members.Length + m] = Step(m, labels);
        }
        tables.UploadSteps(steps);
        return tables;
    }

    public const float SgdLearningRate = 0.1f, AdamLearningRate = 0.01f;
    public const long AdamStep = 5;

    public SgdParams Sgd(int m) => new(SgdLearningRate, Case.Members[m].Momentum, Case.Members[m].WeightDecay, Case.Members[m].Nesterov);

    public AdamParams Adam(int m) => new(AdamLearningRate, 0.9, 0.999, 1e-8f, Case.Members[m].WeightDecay, Case.Members[m].Decoupled, AdamStep);

    /// <summary>Member m's dropout stream of the step: layer l's mask is Hash(seed, l), as a model alone draws it.</summary>
    public static ulong DropoutSeed(int m) => 1000UL + 17UL * (ulong)m;

    /// <summary>The loss gradient's factor a model alone uses: 1/rows, or 1 / Σ w[y] over the batch in row order with class weights.</summary>
    public float LossScale(int m, int[] labels)
    {
        var weights = Case.Members[m].ClassWeights;
        if (weights is null) return 1f / Rows;
        float sum = 0f;
        foreach (int y in labels) sum += weights[y];
        return 1f / sum;
    }

    private PackStep Step(int m, int[] labels)
    {
        var mc = Case.Members[m];
        return new PackStep
        {
            Optimizer = mc.Optimizer,
            Sgd = Sgd(m).KernelParams(),
            Adam = Adam(m).KernelParams(),
            LossScale = LossScale(m, labels),
            Dropout = new DropoutKernelParams { Seed = DropoutSeed(m), Probability = mc.Dropout, Scale = DropoutChecks.Scale(mc.Dropout) },
        };
    }

    /// <summary>Scalars no member uses: frozen, a huge loss scale, heavy dropout of another stream.</summary>
    private static PackStep Decoy(int m) => new()
    {
        Optimizer = PackOptimizer.None,
        Sgd = new SgdParams(100f).KernelParams(),
        Adam = new AdamParams(100f, 0.5, 0.5, 1f, 0f, false, 1).KernelParams(),
        LossScale = 1e6f,
        Dropout = new DropoutKernelParams { Seed = 7UL + (ulong)m, Probability = 0.9f, Scale = DropoutChecks.Scale(0.9f) },
    };

    /// <summary>Member m's layer l of a feature-major arena in a model's own layout, [rows, width], as float64.</summary>
    public double[] Solo(float[] arena, int m, int l)
    {
        int width = Width(m, l), first = FeatureStart[m][l];
        var solo = new double[Rows * width];
        for (int r = 0; r < Rows; r++)
            for (int u = 0; u < width; u++)
                solo[r * width + u] = arena[(first + u) * Rows + r];
        return solo;
    }

    /// <summary>The inverse of <see cref="Solo"/>: writes a [rows, width] block into member m's layer l of <paramref name="arena"/>.</summary>
    public void Place(double[] solo, double[] arena, int m, int l)
    {
        int width = Width(m, l), first = FeatureStart[m][l];
        for (int r = 0; r < Rows; r++)
            for (int u = 0; u < width; u++)
                arena[(first + u) * Rows + r] = solo[r * width + u];
    }
}
