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
