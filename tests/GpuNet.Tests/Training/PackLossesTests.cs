using GpuNet.Backends.Cpu;
using GpuNet.Sweep.Packing;

namespace GpuNet.Tests.Training;

/// <summary>
/// A pack's training figures, drained from a window of steps, are the sums a solo run's <see cref="LossStats"/> makes
/// over its epoch's per-row slots (float64, row order), and the first step with a non-finite loss is the one it names.
/// </summary>
public sealed class PackLossesTests
{
    [Theory]
    [InlineData(1 << 20)] // one window for the epoch
    [InlineData(2 * 4 * 2 * 2)] // two steps a window: drained mid-epoch
    public void Windowed_sums_are_the_solo_sums_in_row_order(int windowSlots)
    {
        using var backend = new CpuBackend();
        int[] rows = [4, 4, 4, 3]; // a short last step
        using var losses = new PackLosses(backend, members: 2, batchSize: 4, stepsPerEpoch: rows.Length, windowSlots);
        var random = new Random(5);
        var solo = Enumerable.Range(0, 2).Select(_ => new List<float>()).ToArray();
        losses.BeginEpoch(firstStep: 0);
        for (int step = 0; step < rows.Length; step++)
        {
            int offset = losses.OffsetFor(step, rows[step]);
            var slots = new float[losses.Slots.Length];
            backend.Download(losses.Slots, slots);
            for (int m = 0; m < 2; m++)
                for (int r = 0; r < rows[step]; r++)
                {
                    float loss = m == 1 && step == 2 && r == 1 ? float.NaN : (float)random.NextDouble() * 1e3f, correct = r % 2;
                    slots[m * losses.Stride + offset + 2 * r] = loss;
                    slots[m * losses.Stride + offset + 2 * r + 1] = correct;
                    solo[m].AddRange([loss, correct]);
                }
            backend.Upload<float>(slots, losses.Slots);
        }
        using var stats = new LossStats(backend, solo[0].Count / 2);
        for (int m = 0; m < 2; m++)
        {
            backend.Upload<float>(solo[m].ToArray(), stats.Buffer);
            Assert.Equal(stats.Read(15), losses.Train(m, 15));
        }
        Assert.Null(losses.FirstBadStep(0));
        Assert.Equal(2, losses.FirstBadStep(1)!.Value.Step);
        Assert.True(double.IsNaN(losses.FirstBadStep(1)!.Value.Loss));
    }
}
