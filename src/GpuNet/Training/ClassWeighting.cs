using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>
/// Class weights for the training loss, with scikit-learn's and Keras's <c>class_weight</c> semantics: none, balanced
/// (w_c = n / (k · count_c) over the training split, so the rows of the split weigh n in all), or one weight per class.
/// The loss is weighted as PyTorch's CrossEntropyLoss(weight=): Σ w·l / Σ w per batch. Validation and test losses stay
/// unweighted, as in Keras.
/// </summary>
public sealed record ClassWeighting(bool Balanced, float[]? Weights)
{
    public static ClassWeighting None { get; } = new(false, null);

    public static ClassWeighting BalancedWeights { get; } = new(true, null);

    /// <summary>
    /// The weighted loss gradient's factor for the batch of <paramref name="rows"/> rows at position <paramref name="start"/>
    /// of an epoch's <paramref name="order"/>: 1/Σ w[y], summed in row order in float64 (deterministic, no device work).
    /// </summary>
    public static float BatchGradScale(float[] weights, ClassLabels labels, ReadOnlySpan<int> order, int start, int rows)
    {
        double sum = 0;
        for (int i = start; i < start + rows; i++) sum += weights[labels[order[i]]];
        return (float)(1 / sum);
    }

    /// <summary>The weight of each class for training on <paramref name="train"/>, or null for an unweighted loss.</summary>
    public float[]? Resolve(Dataset train)
    {
        if (Balanced)
        {
            var counts = new long[train.ClassCount];
            for (int i = 0; i < train.Count; i++) counts[train.Labels[i]]++;
            // A class without training rows never weighs in a batch; 1 keeps the vector finite.
            return counts.Select(c => c > 0 ? (float)(train.Count / ((double)train.ClassCount * c)) : 1f).ToArray();
        }
        if (Weights is null) return null;
        if (Weights.Length != train.ClassCount)
            throw new UsageException($"{Weights.Length} class weights for {train.ClassCount} classes: give one weight per class, in class order");
        return Weights;
    }
}
