using Xunit.v3;

namespace GpuNet.Tests.TestSupport;

/// <summary>
/// A test that takes seconds on its own: a training run on the ILGPU simulator or on Fashion-MNIST,
/// a child process, a timing. It carries the trait Category=Slow, which <c>./run.sh test --fast</c>
/// leaves out; <c>./run.sh test</c> runs everything.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class SlowAttribute : Attribute, ITraitAttribute
{
    public const string Trait = "Category", Value = "Slow";

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new(Trait, Value)];
}

/// <summary>The <see cref="SlowAttribute"/> trait for single theory rows: a device row of seconds among quick ones.</summary>
public static class SlowRows
{
    public static TRow Slow<TRow>(this TRow row) where TRow : TheoryDataRowBase => row.WithTrait(SlowAttribute.Trait, SlowAttribute.Value);

    /// <summary>The row, tagged [Slow] when <paramref name="slow"/>.</summary>
    public static TRow SlowIf<TRow>(this TRow row, bool slow) where TRow : TheoryDataRowBase => slow ? row.Slow() : row;
}
