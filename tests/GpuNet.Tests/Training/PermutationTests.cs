using GpuNet.Training;

namespace GpuNet.Tests.Training;

public sealed class PermutationTests
{
    [Fact]
    public void Each_epoch_is_a_permutation_and_epochs_differ()
    {
        var a = new int[1000];
        var b = new int[1000];
        Permutation.ForEpoch(a, seed: 5, epoch: 1, shuffle: true);
        Permutation.ForEpoch(b, seed: 5, epoch: 2, shuffle: true);
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.Equal(Enumerable.Range(0, 1000), b.Order());
        Assert.NotEqual(a, b);
        Assert.NotEqual(Enumerable.Range(0, 1000), a);
    }

    [Fact]
    public void The_order_depends_only_on_seed_and_epoch()
    {
        var a = new int[257];
        var b = new int[257];
        Permutation.ForEpoch(a, seed: 9, epoch: 4, shuffle: true);
        Permutation.ForEpoch(b, seed: 9, epoch: 4, shuffle: true);
        Assert.Equal(a, b);
        Permutation.ForEpoch(b, seed: 10, epoch: 4, shuffle: true);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void No_shuffle_keeps_file_order()
    {
        var a = new int[10];
        Permutation.ForEpoch(a, seed: 1, epoch: 3, shuffle: false);
        Assert.Equal(Enumerable.Range(0, 10), a);
    }

    [Theory]
    [InlineData(60000, 128, 10)]   // Fashion-MNIST: 469 steps an epoch, the floor of 10 epochs applies
    [InlineData(800, 128, 286)]    // 7 steps an epoch: 2000 steps need 286 epochs
    [InlineData(10, 128, 1000)]    // one step an epoch: capped
    public void Auto_epochs_give_enough_steps(int rows, int batch, int expected) =>
        Assert.Equal(expected, TrainOptions.AutoEpochs(rows, batch));
}
