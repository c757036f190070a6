namespace GpuNet.Tests.Optim;

/// <summary>
/// The whole training step against PyTorch: from a plain PyTorch state dict (Optim/Data/torch_mlp_init.safetensors,
/// keys 0.* and 2.* of an nn.Sequential) and the same 40 minibatches in the same order, GpuNet's <see cref="Trainer"/>
/// ends within 1e-4 relative of the weights torch.optim.Adam and AdamW reached (Optim/Data/record_torch_mlp.py).
/// </summary>
public sealed class TorchMlpTrainingTests
{
    private const int Rows = 1280, Features = 20, Classes = 4, Batch = 32;
    private const double Relative = 1e-4;

    /// <summary>cpu's rows, and the simulator's tagged [Slow] (seconds each).</summary>
    public static IEnumerable<TheoryDataRow<string, string>> Cases() =>
    [
        new("cpu", "adam"), new("cpu", "adamw"),
        new TheoryDataRow<string, string>("ilgpu-cpu", "adam").Slow(), new TheoryDataRow<string, string>("ilgpu-cpu", "adamw").Slow(),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forty_steps_from_a_torch_state_dict_end_where_torch_does(string device, string optimizer)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var spec = ModelSpec.Create(ModelKind.Mlp, Features, Classes, [32]);
        using var network = new Network(backend, spec, Batch);
        network.ImportParameters(FromSequential(Load("torch_mlp_init.safetensors")));
        var options = new TrainOptions
        {
            Epochs = 1, BatchSize = Batch, EvalBatchSize = Batch, Shuffle = false, LearningRate = 1e-2f,
            Optimizer = optimizer == "adamw" ? OptimizerKind.AdamW : OptimizerKind.Adam,
            WeightDecay = optimizer == "adamw" ? 0.05f : 1e-4f,
        };
        var (x, y) = TorchRows();
        var data = new DataSplit(new Dataset("torch rows", x, y, Features, Classes), new Dataset("none", [], [], Features, Classes));
        using var trainer = new Trainer(backend, network, data, options);
        Assert.Equal(40, trainer.StepsPerEpoch);
        trainer.Fit(cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(40, trainer.Optimizer.Steps);

        var want = FromSequential(Load($"torch_mlp_{optimizer}_40.safetensors")).ToDictionary(t => t.Name);
        var init = FromSequential(Load("torch_mlp_init.safetensors")).ToDictionary(t => t.Name);
        foreach (var got in network.ExportParameters())
        {
            var (expected, start) = (want[got.Name], init[got.Name]);
            double largest = expected.Data.Max(v => Math.Abs((double)v));
            for (int i = 0; i < got.Data.Length; i++)
            {
                double error = Math.Abs((double)got.Data[i] - expected.Data[i]);
                if (!(error <= Relative * Math.Max(Math.Abs((double)expected.Data[i]), 1e-2 * largest)))
                    Assert.Fail($"{optimizer} on {device}: {got.Name}[{i}] is {got.Data[i]:R}, torch {expected.Data[i]:R}");
            }
            // Training moved the weights well beyond the bound, so agreeing is not agreeing on the start.
            Assert.True(expected.Data.Zip(start.Data).Max(p => Math.Abs(p.First - p.Second)) > 1e-2);
        }
    }

    /// <summary>The rows of record_torch_mlp.py: x[i, j] = ((7i + 13j) mod 17 − 8) / 8, y[i] = (3i + i div 7) mod 4.</summary>
    private static (float[] X, int[] Y) TorchRows()
    {
        var x = new float[Rows * Features];
        var y = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < Features; j++) x[i * Features + j] = ((7 * i + 13 * j) % 17 - 8) / 8f;
            y[i] = (3 * i + i / 7) % Classes;
        }
        return (x, y);
    }

    /// <summary>nn.Sequential(Linear, ReLU, Linear)'s keys 0.* and 2.* are GpuNet's layers.0.* and layers.1.*.</summary>
    private static NamedTensor[] FromSequential(IReadOnlyList<NamedTensor> state) =>
        state.Select(t => t with { Name = t.Name.StartsWith("0.", StringComparison.Ordinal) ? "layers.0" + t.Name[1..] : "layers.1" + t.Name[1..] }).ToArray();

    private static IReadOnlyList<NamedTensor> Load(string file) =>
        SafetensorsFile.Load(Path.Combine(AppContext.BaseDirectory, "Optim", "Data", file)).Tensors;
}
