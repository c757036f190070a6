namespace GpuNet.Tests.Training;

public sealed class PermutationTests
{
    [Fact]
    public void Each_epoch_is_a_permutation_and_epochs_differ()
    {
        int[] a = Shuffled(1000, seed: 5, epoch: 1), b = Shuffled(1000, seed: 5, epoch: 2);
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.Equal(Enumerable.Range(0, 1000), b.Order());
        Assert.NotEqual(a, b);
        Assert.NotEqual(Enumerable.Range(0, 1000), a);
    }

    [Fact]
    public void The_order_depends_only_on_seed_and_epoch()
    {
        int[] a = Shuffled(257, seed: 9, epoch: 4);
        Assert.Equal(a, Shuffled(257, seed: 9, epoch: 4));
        Assert.NotEqual(a, Shuffled(257, seed: 10, epoch: 4));
    }

    private static int[] Shuffled(int count, int seed, int epoch)
    {
        var order = new int[count];
        Permutation.ForEpoch(order, seed, epoch, shuffle: true);
        return order;
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
