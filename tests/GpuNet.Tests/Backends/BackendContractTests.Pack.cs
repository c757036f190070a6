namespace GpuNet.Tests.Backends;

/// <summary>The pack ops, every op of every case of their declaration (<see cref="PackOp"/>) against the per-member float64 references.</summary>
public abstract partial class BackendContractTests
{
    public static TheoryData<int, string> PackCases => new(
        from c in Enumerable.Range(0, PackOp.Cases.Count) from op in PackOp.Ops select (c, op));

    [Theory]
    [MemberData(nameof(PackCases), MemberType = typeof(BackendContractTests))]
    public void PackOp_GivesEveryMemberWhatItsSoloReferenceGives(int packCase, string op)
        => AssertPassed(PackOp.Check(Backend, PackOp.Cases[packCase], op), $"{PackOp.Cases[packCase]}: {op}");
}
