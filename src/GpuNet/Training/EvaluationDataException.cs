using System.Globalization;

namespace GpuNet.Training;

/// <summary>
/// The evaluation loss is NaN or infinite while training is healthy (finite weights, not exploded): a row of the
/// evaluation data does it, not the learning rate. The checkpoints of earlier epochs stay.
/// </summary>
public sealed class EvaluationDataException(string split, int row, float largestFeature, int epoch, double loss)
    : GpuNetException(string.Create(CultureInfo.InvariantCulture,
        $"the {split} loss is {loss} after epoch {epoch} while training is healthy: row {row} of the {split} split (0-based, in the split's shuffled order) gives a non-finite loss, with a feature of magnitude {largestFeature:G9}; values that large overflow float32 arithmetic, so check the data"))
{
    public string Split { get; } = split;
    public int Row { get; } = row;
}
