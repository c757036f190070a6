namespace GpuNet.Tests.Checkpoints;

public sealed class ConfusionMatrixTests
{
    [Fact]
    public void Macro_f1_and_balanced_accuracy_match_scikit_learn_on_an_imbalanced_set()
    {
        // scikit-learn: f1_score(y, p, average='macro') = 19/30, balanced_accuracy_score(y, p) = 13/18.
        int[] actual = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
        int[] predicted = [0, 0, 0, 0, 0, 1, 1, 0, 2, 2];

        var m = new ConfusionMatrix(4, actual, predicted); // class 3 never occurs and is left out, as scikit-learn does

        Assert.Equal(19.0 / 30, m.MacroF1, 12);
        Assert.Equal(13.0 / 18, m.BalancedAccuracy, 12);
        Assert.Null(m.F1(3));
    }

    [Fact]
    public void Sixty_five_thousand_classes_need_no_dense_matrix()
    {
        // 65,536² cells overflow an int and would be 32 GiB of longs; only the rows' cells are kept.
        const int classes = 65536;
        int[] actual = [0, 65535, 65535, 40000];
        int[] predicted = [0, 65535, 1, 40000];

        var m = new ConfusionMatrix(classes, actual, predicted);

        Assert.Equal(2, m[65535, 65535] + m[65535, 1]);
        Assert.Equal(0.5, m.Recall(65535));
        Assert.Equal([(0, 0, 1L), (40000, 40000, 1L), (65535, 1, 1L), (65535, 65535, 1L)], m.NonZero);
        Assert.Equal((1 + 0.5 + 1) / 3, m.BalancedAccuracy, 12);
    }
}
