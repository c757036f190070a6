using GpuNet.Cli.Plots;

namespace GpuNet.Tests.Plots;

public sealed class DecisionBoundaryPlotTests
{
    /// <summary>Two models on cpu, and one on the simulator, [Slow]: it trains there for seconds.</summary>
    public static IEnumerable<TheoryDataRow<string, string, string, int>> Cases() =>
    [
        new("cpu", "blobs", "logistic", 2),
        new("cpu", "spirals", "mlp", 3),
        new TheoryDataRow<string, string, string, int>("ilgpu-cpu", "blobs", "softmax", 3).Slow(),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Writes_a_png_whose_regions_show_every_class(string device, string data, string model, int classes)
    {
        var kind = Enum.Parse<ModelKind>(model, ignoreCase: true);
        using var trained = TrainedModel.Train(device, data, kind, epochs: kind == ModelKind.Mlp ? 60 : 5,
            hidden: kind == ModelKind.Mlp ? [32] : null, classes: classes);
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "boundary.png");

        DecisionBoundaryPlot.Save(path, trained.Backend, trained.Network, trained.Data.Train, trained.Data.Test, "test plot");

        using var image = PngImage.Load(path);
        Assert.Equal(DecisionBoundaryPlot.Height, image.Height);
        // Every class owns part of the plane: its region colour fills a visible share of the picture.
        for (int c = 0; c < classes; c++)
            Assert.True(PngImage.Count(image, ClassColors.Region(c)) > image.Width * image.Height / 50,
                $"class {c}'s region is (almost) absent from the plot");
        Assert.Equal(0, PngImage.Count(image, ClassColors.Region(classes))); // no colour for a class that does not exist
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp")); // written atomically: no temporary file left behind
    }

    [Fact]
    public void The_logistic_boundary_is_clipped_to_the_view()
    {
        var grid = new PlaneGrid(-1, 1, -1, 1, 10, 10);

        var vertical = DecisionBoundaryPlot.ClipLine(1, 0, 0, grid); // x = 0
        Assert.NotNull(vertical);
        var (p, q) = vertical.Value;
        Assert.Equal([0.0, 0.0], new[] { p.X, q.X });
        Assert.Equal([-1.0, 1.0], new[] { p.Y, q.Y }.Order());

        var diagonal = DecisionBoundaryPlot.ClipLine(1, -1, 0, grid); // y = x, through two corners
        Assert.NotNull(diagonal);
        Assert.Equal(2 * Math.Sqrt(2), Math.Sqrt(Math.Pow(diagonal.Value.P.X - diagonal.Value.Q.X, 2) + Math.Pow(diagonal.Value.P.Y - diagonal.Value.Q.Y, 2)), 9);

        Assert.Null(DecisionBoundaryPlot.ClipLine(1, 1, -5, grid)); // x + y = 5 misses the square
        Assert.Null(DecisionBoundaryPlot.ClipLine(0, 0, 1, grid));  // zero weights: no line at all
    }

    [Fact]
    public void A_model_without_two_inputs_is_refused()
    {
        using var backend = TestDevices.Open("cpu");
        using var network = new Network(backend, ModelSpec.Create(ModelKind.Softmax, 3, 2), 8);
        var data = new GpuNet.Data.Dataset("three", new float[6], [0, 1], 3, 2);
        Assert.False(DecisionBoundaryPlot.Applies(network.Spec));
        Assert.Throws<ArgumentException>(() => DecisionBoundaryPlot.Save("unused.png", backend, network, data));
    }
}
