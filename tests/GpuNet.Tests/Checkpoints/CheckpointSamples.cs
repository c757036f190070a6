namespace GpuNet.Tests.Checkpoints;

/// <summary>Checkpoints with known, seeded contents for the tests.</summary>
internal static class CheckpointSamples
{
    /// <summary>Seeded weights for every tensor of <paramref name="spec"/>, with a negative zero and a subnormal in the first.</summary>
    public static NamedTensor[] Parameters(ModelSpec spec, int seed)
    {
        var random = new SeededRandom(seed);
        var tensors = new List<NamedTensor>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            tensors.Add(new NamedTensor($"layers.{i}.weight", [layer.Out, layer.In], Values(layer.Out * layer.In, random)));
            tensors.Add(new NamedTensor($"layers.{i}.bias", [layer.Out], Values(layer.Out, random)));
        }
        tensors[0].Data[0] = -0f;
        tensors[0].Data[^1] = float.Epsilon;
        return tensors.ToArray();
    }

    public static ModelCheckpoint Mlp(int seed = 1, Preprocessing preprocessing = Preprocessing.None, IReadOnlyDictionary<string, string>? extra = null)
    {
        var spec = ModelSpec.Create(ModelKind.Mlp, inputs: 4, classes: 3, hidden: [5, 2], activation: Activation.Tanh);
        return new ModelCheckpoint(spec, Parameters(spec, seed), preprocessing, ["cat", "dog, \"big\"", "émeu"], epoch: 7, step: 1234, extra);
    }

    private static float[] Values(int count, SeededRandom random) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
