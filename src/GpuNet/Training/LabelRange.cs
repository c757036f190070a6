using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>
/// The labels a model can be trained or scored on: class indices in [0, classes). The loss ops turn any other
/// label into NaN (IBackend's contract); PyTorch raises for it, and so does GpuNet, before anything is uploaded.
/// </summary>
public static class LabelRange
{
    /// <summary>Throws a <see cref="DataException"/> naming the first row of <paramref name="set"/> whose label is not a class of the model.</summary>
    public static void Check(Dataset set, int classes)
    {
        int row = set.Labels.FirstOutside(classes);
        if (row >= 0)
            throw new DataException($"{set.Name}: row {row} has label {set.Labels[row]}, but the model has classes 0 to {classes - 1}");
    }
}
