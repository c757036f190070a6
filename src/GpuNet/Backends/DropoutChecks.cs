namespace GpuNet.Backends;

/// <summary>What every backend's dropout op shares: the allowed probabilities and the kept elements' scale.</summary>
internal static class DropoutChecks
{
    public static void Probability(float probability)
    {
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "dropout needs 0 ≤ p < 1");
    }

    /// <summary>1 / (1 − p) in float32, the factor PyTorch's inverted dropout gives the kept elements.</summary>
    public static float Scale(float probability) => 1f / (1f - probability);
}
