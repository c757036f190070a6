using GpuNet.Nn;
using GpuNet.Optim;

namespace GpuNet.Training;

/// <summary>
/// What an MLP trains with where its options are left out, after scikit-learn's <c>MLPClassifier()</c>: on a table (a
/// CSV or .npy file) all of it (Adam at 1e-3, an L2 penalty of 1e-4, batches of 200, Glorot initialisation, every
/// training row trained on, at most 200 epochs); on an image set (IDX) the optimiser and the batch size, keeping He
/// initialisation, the validation split and ten epochs. The synthetic 2-D sets and the linear models keep
/// <see cref="TrainOptions"/>'s recipe. Chosen by measurement, median of three seeds, on ten tables against
/// <c>StandardScaler</c> + <c>MLPClassifier()</c> and checked on three held out (perf/compare/defaults_sklearn.py;
/// README "Defaults for tables"): He initialisation cost 3–6 points on the generated tables and a held-out validation
/// split up to a point more. On Fashion-MNIST the optimiser alone gained 1.3 points over SGD at 0.01 in ten epochs.
/// </summary>
public static class MlpDefaults
{
    public const OptimizerKind Optimizer = OptimizerKind.Adam;
    public const float LearningRate = 1e-3f;
    /// <summary>PyTorch's weight_decay (added to the gradient), at scikit-learn's alpha.</summary>
    public const float WeightDecay = 1e-4f;
    /// <summary>scikit-learn's min(200, n): a batch larger than the rows is one batch of all of them.</summary>
    public const int BatchSize = 200;
    /// <summary>Tables: Glorot uniform for every layer, as scikit-learn and Keras start (He's larger weights overfit the noise columns).</summary>
    public const InitScheme TableInit = InitScheme.Xavier;
    /// <summary>Tables: no validation split, every training row is trained on, as scikit-learn's and Keras's defaults do.</summary>
    public const double TableValidationFraction = 0;
    /// <summary>Tables: the cap of the automatic epoch count (scikit-learn's max_iter).</summary>
    public const int TableMaxAutoEpochs = 200;
}
