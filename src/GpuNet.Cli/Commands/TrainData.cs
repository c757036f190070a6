namespace GpuNet.Cli.Commands;

/// <summary>The data of a train command line, loaded and prepared as <c>train</c> prepares it (and <c>sweep</c>, once for all its models).</summary>
public static class TrainData
{
    /// <summary>
    /// Loads the data (a .npy training file over half the host memory the run may use stays mapped, and training
    /// streams it), carves the validation split with the data seed, and fits the z-score on the training split when
    /// it applies. The sets stay as loaded, at their stored type: the gathers standardise each batch on the device.
    /// </summary>
    public static PreparedData Prepare(TrainRequest request)
    {
        var loaded = DataSources.Load(request.Data with { MapAbove = (request.Train.Streaming.MemoryLimit ?? MemoryLimit.Host().Bytes) / 2 });
        var (trainSet, validationSet) = ValidationSplit.Carve(loaded.Train, request.ValFraction, request.Train.OrderSeed);
        var standardization = Standardization.Applies(request.Standardize, request.Data.Source) ? Standardization.Fit(trainSet) : null;
        return new PreparedData(loaded with { Train = trainSet }, validationSet, standardization);
    }
}
