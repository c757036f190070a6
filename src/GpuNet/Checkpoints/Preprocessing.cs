using GpuNet.Data;

namespace GpuNet.Checkpoints;

/// <summary>
/// How raw input values become the features a model was trained on; a checkpoint records it so that
/// eval and predict feed a model exactly what training fed it. Raw values are what a file holds:
/// bytes 0..255 for IDX images, the numbers as written for CSV.
/// </summary>
public enum Preprocessing
{
    /// <summary>Features are the raw values (CSV files, the synthetic sets).</summary>
    None,
    /// <summary>Features are bytes divided by 255 (IDX images: fashion-mnist, mnist).</summary>
    ScaleBytes,
}

public static class Preprocessings
{
    private const string NoneName = "none";
    private const string ScaleBytesName = "scale 1/255";

    /// <summary>The name stored in a checkpoint's metadata.</summary>
    public static string Name(this Preprocessing preprocessing) => preprocessing == Preprocessing.ScaleBytes ? ScaleBytesName : NoneName;

    public static bool TryParse(string name, out Preprocessing preprocessing)
    {
        preprocessing = name == ScaleBytesName ? Preprocessing.ScaleBytes : Preprocessing.None;
        return name is ScaleBytesName or NoneName;
    }

    /// <summary>What <see cref="DataSources.Load"/> applies to the data of <see cref="DataOptions.Source"/>: the IDX readers scale bytes, the rest is raw.</summary>
    public static Preprocessing ForSource(string dataSource) =>
        DatasetCatalog.Contains(dataSource.Trim()) ? Preprocessing.ScaleBytes : Preprocessing.None;

    /// <summary>
    /// Turns features prepared with <paramref name="from"/> into features prepared with <paramref name="to"/>, in place.
    /// Going back to raw bytes rounds, so bytes → /255 → raw → /255 gives exactly the first result again.
    /// </summary>
    public static void Convert(Span<float> features, Preprocessing from, Preprocessing to)
    {
        if (from == to) return;
        if (from == Preprocessing.ScaleBytes)
            foreach (ref float v in features) v = MathF.Round(v * 255f);
        if (to == Preprocessing.ScaleBytes)
            foreach (ref float v in features) v /= 255f;
    }
}
