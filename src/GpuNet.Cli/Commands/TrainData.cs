namespace GpuNet.Cli.Commands;

/// <summary>The data of a train command line, loaded and prepared as <c>train</c> prepares it (and <c>sweep</c>, once for all its models).</summary>
public static class TrainData
{
    /// <summary>
    /// Loads the data (a .npy training file over half the host memory the run may use stays mapped, and training
    /// streams it), carves the validation split with the data seed, encodes a CSV's categorical columns and missing cells
    /// with an encoding fitted on the training split, and fits the z-score on that split when it applies (not on one-hot
    /// inputs, which stay 0 and 1, as in scikit-learn's usual ColumnTransformer). The sets otherwise stay as loaded, at their
    /// stored type: the gathers standardise each batch on the device.
    /// </summary>
    public static PreparedData Prepare(TrainRequest request)
    {
        var loaded = DataSources.Load(request.Data with { MapAbove = (request.Train.Streaming.MemoryLimit ?? MemoryLimit.Host().Bytes) / 2 });
        var (trainSet, validationSet) = ValidationSplit.Carve(loaded.Train, request.ValFraction, request.Train.OrderSeed);
        (loaded, trainSet, validationSet) = TableEncodings.Encode(loaded, trainSet, validationSet, request.Data.Impute);
        var standardization = Standardization.Applies(request.Standardize, request.Data.Source) ? Standardization.Fit(trainSet) : null;
        if (standardization is not null && loaded.Encoding is { } fitted) standardization = fitted.KeepOneHot(standardization);
        return new PreparedData(loaded with { Train = trainSet }, validationSet, standardization);
    }
}
