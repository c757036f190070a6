namespace GpuNet.Cli.Commands;

/// <summary>What the user should know about a model file that was read: a plain state dict's inferred architecture, converted dtypes.</summary>
internal static class ModelFileNotes
{
    /// <summary>The option that names a plain state dict's hidden nonlinearity, shared by train, eval, predict and export.</summary>
    public const string ActivationOption = "--activation";

    public static IEnumerable<string> For(ModelCheckpoint checkpoint, string path)
    {
        if (checkpoint.IsPlainStateDict)
            yield return $"note: {path} is a plain state dict: {checkpoint.Spec.Describe()} inferred from its shapes"
                + (checkpoint.Spec.Hidden.Count > 0 ? $" (hidden nonlinearity from {ActivationOption})" : "") + $"; classes 0..{checkpoint.Spec.Classes - 1}, no recorded preprocessing";
        if (checkpoint.Converted.Count > 0)
            yield return $"note: {path}: converted {string.Join(", ", checkpoint.Converted.Select(c => $"{c.Name} ({c.DType})"))} to F32";
    }
}
