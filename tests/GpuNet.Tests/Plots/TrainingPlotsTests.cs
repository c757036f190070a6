using GpuNet.Cli.Plots;

namespace GpuNet.Tests.Plots;

public sealed class TrainingPlotsTests
{
    [Fact]
    public void Snapshots_every_n_epochs_then_curves_and_the_final_boundary()
    {
        using var trained = TrainedModel.Train("cpu", "blobs", ModelKind.Logistic, epochs: 5);
        using var dir = new TempDirectory();
        var plots = new TrainingPlots(dir.Path, trained.Backend, trained.Data.Train, trained.Data.Test, plotEvery: 2);

        foreach (var epoch in trained.History) plots.AfterEpoch(trained.Network, epoch);
        plots.AfterTraining(trained.Network, trained.History);

        string[] expected = [TrainingPlots.CurvesFile, TrainingPlots.BoundaryFile, "decision_boundary_epoch_002.png", "decision_boundary_epoch_004.png"];
        Assert.Equal(expected.Append(RunOutputs.ManifestFile).Order(), Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal(expected.Order(), RunOutputs.Recorded(dir.Path).Keys.Order()); // each recorded as the run's own, so --overwrite may remove it
        foreach (var file in expected) PngImage.Load(Path.Combine(dir.Path, file)).Dispose();
    }

    [Fact]
    public void Data_with_more_than_two_features_gets_curves_only()
    {
        using var backend = TestDevices.Open("cpu");
        using var network = new Network(backend, ModelSpec.Create(ModelKind.Softmax, 3, 2), 8);
        var data = new GpuNet.Data.Dataset("three", new float[6], [0, 1], 3, 2);
        using var dir = new TempDirectory();
        var plots = new TrainingPlots(dir.Path, backend, data, data, plotEvery: 1);
        var history = new[] { CurvesPlotTests.Epoch(1, 0.5) };

        plots.AfterEpoch(network, history[0]);
        plots.AfterTraining(network, history);

        Assert.Equal([TrainingPlots.CurvesFile, RunOutputs.ManifestFile], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }
}
