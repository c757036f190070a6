using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// The device tables every pack op reads: what each feature row, member and parameter segment of a pack is, the
/// per-step scalars of the current epoch (<see cref="Steps"/>, [step, member]), and the members' class weights.
/// The tables describe the layout; the buffers an op works on (activations, parameters) are its arguments.
/// </summary>
public sealed class PackTables : IDisposable
{
    private readonly IBackend _backend;

    public PackTables(IBackend backend, PackFeature[] features, PackMember[] members, PackSegment[] segments, float[] classWeights, int stepRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members.Length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepRows, 1);
        ParameterCount = PackTableChecks.Layout(features, members, segments, classWeights.Length);
        _backend = backend;
        FeatureCount = features.Length;
        MemberCount = members.Length;
        SegmentCount = segments.Length;
        StepRows = stepRows;
        Features = backend.Adopt(features);
        Members = backend.Adopt(members);
        Segments = backend.Adopt(segments);
        // Sorted by start, so a kernel with one thread per parameter finds its segment by binary search.
        SegmentsByStart = backend.Adopt(PackTableChecks.BySortedStart(segments));
        ClassWeights = backend.Adopt(classWeights.Length == 0 ? [0f] : classWeights);
        Clips = members.Any(m => m.ClipNorm > 0f);
        Steps = backend.Allocate<PackStep>(checked(stepRows * members.Length));
    }

    public int FeatureCount { get; }
    public int MemberCount { get; }
    public int SegmentCount { get; }

    /// <summary>The parameters the segments span, from 0 to the end of the last: what an update covers.</summary>
    public int ParameterCount { get; }

    /// <summary>Whether any member clips its gradient (so an update needs clipping's scales).</summary>
    public bool Clips { get; }

    /// <summary>Whether a step uploaded so far uses the first optimiser state (SGD's velocity, Adam's exp_avg), and the second (exp_avg_sq).</summary>
    public bool UsesState1 { get; private set; }

    /// <inheritdoc cref="UsesState1"/>
    public bool UsesState2 { get; private set; }

    /// <summary>The steps whose scalars <see cref="Steps"/> holds at once (an epoch's).</summary>
    public int StepRows { get; }

    public DeviceBuffer<PackFeature> Features { get; }
    public DeviceBuffer<PackMember> Members { get; }

    /// <summary>Every member's segments, member by member, each member's in state-dict order (what its clipping norm sums).</summary>
    public DeviceBuffer<PackSegment> Segments { get; }

    /// <summary>The same segments by their start in the parameter buffer, the empty ones left out.</summary>
    public DeviceBuffer<PackSegment> SegmentsByStart { get; }

    public DeviceBuffer<float> ClassWeights { get; }

    /// <summary>[StepRows, MemberCount]: row s holds step s's scalars for every member.</summary>
    public DeviceBuffer<PackStep> Steps { get; }

    /// <summary>Uploads the scalars of up to <see cref="StepRows"/> steps, [steps, MemberCount] row-major.</summary>
    public void UploadSteps(ReadOnlySpan<PackStep> steps)
    {
        if (steps.Length > Steps.Length || steps.Length % MemberCount != 0)
            throw new ArgumentException($"{steps.Length} step scalars for {MemberCount} members and {StepRows} steps", nameof(steps));
        for (int i = 0; i < steps.Length; i++)
        {
            PackTableChecks.Step(steps[i], i);
            UsesState1 |= steps[i].Optimizer == PackOptimizer.Adam || steps[i].Optimizer == PackOptimizer.Sgd && steps[i].Sgd.Momentum != 0f;
            UsesState2 |= steps[i].Optimizer == PackOptimizer.Adam;
        }
        _backend.Upload(steps, Steps);
    }

    public void Dispose()
    {
        Features.Dispose();
        Members.Dispose();
        Segments.Dispose();
        SegmentsByStart.Dispose();
        ClassWeights.Dispose();
        Steps.Dispose();
    }
}
