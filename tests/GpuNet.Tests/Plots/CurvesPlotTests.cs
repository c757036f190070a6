using GpuNet.Cli.Plots;

namespace GpuNet.Tests.Plots;

public sealed class CurvesPlotTests
{
    internal static EpochMetrics Epoch(int epoch, double validationLoss, bool withValidation = true) =>
        new(epoch, new Score(1.0 / epoch, 0.5 + 0.04 * epoch), withValidation ? new Score(validationLoss, 0.6) : null,
            new Score(1.1 / epoch, 0.55), 0.1, 1000, 0.5, 0.6, 0.6 * epoch, IsBest: true);

    [Theory]
    [InlineData(1, true)]
    [InlineData(12, true)]
    [InlineData(12, false)]
    public void Writes_a_png_of_loss_and_accuracy(int epochs, bool withValidation)
    {
        var history = Enumerable.Range(1, epochs).Select(e => Epoch(e, Math.Abs(e - 5) + 0.1, withValidation)).ToList();
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "curves.png");

        CurvesPlot.Save(path, history);

        using var image = PngImage.Load(path);
        Assert.Equal((CurvesPlot.Width, CurvesPlot.Height), (image.Width, image.Height));
        Assert.True(PngImage.Count(image, ScottPlot.Colors.White) < image.Width * image.Height, "the image is blank");
    }

    [Fact]
    public void The_best_epoch_has_the_lowest_validation_loss()
    {
        var history = Enumerable.Range(1, 8).Select(e => Epoch(e, Math.Abs(e - 5) + 0.1)).ToList();
        Assert.Equal(5, CurvesPlot.BestEpoch(history));
        Assert.Null(CurvesPlot.BestEpoch(history.Select(e => e with { Validation = null }).ToList()));
    }
}
