using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// What a pack's tables must hold before any op reads them. A kernel cannot throw: a member, segment or class weight out
/// of range would read or write memory that is not the pack's, and overlapping segments would update a parameter twice.
/// So <see cref="PackTables"/> checks its tables once, on the host, when it is made and when steps are uploaded.
/// </summary>
internal static class PackTableChecks
{
    /// <summary>Checks the layout; returns the parameters it spans (the end of its last segment).</summary>
    public static int Layout(PackFeature[] features, PackMember[] members, PackSegment[] segments, int classWeights)
    {
        for (int j = 0; j < features.Length; j++)
        {
            var f = features[j];
            if (f.Member < 0 || f.Member >= members.Length || f.Layer < 0 || f.Width < 1 || f.Unit < 0 || f.Unit >= f.Width
                || f.Hidden is not (0 or 1) || !Enum.IsDefined(f.Activation))
                throw Bad(nameof(features), $"feature row {j} (member {f.Member}, layer {f.Layer}, unit {f.Unit} of {f.Width}, activation {f.Activation}, hidden {f.Hidden}) is out of range");
        }
        for (int m = 0; m < members.Length; m++)
        {
            var member = members[m];
            if (member.Outputs < 1 || member.LogitsFeature < 0 || (long)member.LogitsFeature + member.Outputs > features.Length)
                throw Bad(nameof(members), $"member {m}'s {member.Outputs} logit rows from row {member.LogitsFeature} are not within the {features.Length} feature rows");
            for (int j = member.LogitsFeature; j < member.LogitsFeature + member.Outputs; j++)
                if (features[j].Member != m || features[j].Hidden != 0)
                    throw Bad(nameof(members), $"member {m}'s logit row {j} is {(features[j].Hidden != 0 ? "a hidden row" : "a logit row")} of member {features[j].Member}");
            if (member.ClassWeights < -1 || member.ClassWeights >= 0 && (long)member.ClassWeights + Math.Max(member.Outputs, 2) > classWeights)
                throw Bad(nameof(members), $"member {m}'s class weights from {member.ClassWeights} are not within the {classWeights} of the table");
            if (member.FirstSegment < 0 || member.SegmentCount < 0 || (long)member.FirstSegment + member.SegmentCount > segments.Length)
                throw Bad(nameof(members), $"member {m}'s {member.SegmentCount} segments from {member.FirstSegment} are not within the {segments.Length} segments");
            for (int s = member.FirstSegment; s < member.FirstSegment + member.SegmentCount; s++)
                if (segments[s].Member != m)
                    throw Bad(nameof(members), $"member {m} lists segment {s}, which belongs to member {segments[s].Member}");
        }
        long end = 0;
        foreach (var s in segments)
        {
            if (s.Start < 0 || s.Length < 0 || s.Member < 0 || s.Member >= members.Length)
                throw Bad(nameof(segments), $"segment [{s.Start}, +{s.Length}) of member {s.Member} is out of range");
            end = Math.Max(end, (long)s.Start + s.Length);
        }
        if (end > int.MaxValue)
            throw Bad(nameof(segments), $"the segments end at parameter {end}, beyond a 32-bit launch");
        var byStart = BySortedStart(segments);
        for (int k = 1; k < byStart.Length; k++)
            if ((long)byStart[k - 1].Start + byStart[k - 1].Length > byStart[k].Start)
                throw Bad(nameof(segments), $"segments at {byStart[k - 1].Start} (+{byStart[k - 1].Length}) and {byStart[k].Start} overlap");
        return (int)end;
    }

    /// <summary>
    /// The segments that hold parameters, by start: a parameter's segment is the last that starts at or before it. An empty
    /// segment owns no parameter, and left in it could hide the segment that shares its start.
    /// </summary>
    public static PackSegment[] BySortedStart(PackSegment[] segments) => [.. segments.Where(s => s.Length > 0).OrderBy(s => s.Start)];

    /// <summary>Checks one step's scalars of one member, which the kernels trust.</summary>
    public static void Step(in PackStep step, int index)
    {
        if (!Enum.IsDefined(step.Optimizer))
            throw Bad("steps", $"step scalars {index} name optimizer {(int)step.Optimizer}");
        if (!(step.Dropout.Probability >= 0f && step.Dropout.Probability < 1f))
            throw Bad("steps", $"step scalars {index} have dropout {step.Dropout.Probability}; dropout needs 0 ≤ p < 1");
    }

    private static ArgumentException Bad(string table, string what) => new($"pack {table}: {what}", table);
}
