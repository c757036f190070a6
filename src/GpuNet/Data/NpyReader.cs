using GpuNet.Settings;

namespace GpuNet.Data;

/// <summary>
/// Loads a train/test split from .npy files: features [rows, columns] (uint8, float16, float32 or float64) and labels
/// [rows] (any integer type), each validated and memory-mapped (<see cref="NpyFile"/>). The class names come from the
/// caller (a saved model's), else from the file beside the labels (<see cref="ClassNameFiles"/>, what <c>gpunet convert</c> writes),
/// else they are the numbers 0..max label.
/// </summary>
public static class NpyReader
{
    /// <summary>True for a path that names a .npy file by its extension.</summary>
    public static bool IsNpy(string path) => path.Trim().EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    /// <param name="mapAbove">A features file whose values take more bytes than this in memory stays mapped: its sets are read
    /// in chunks (<see cref="MappedFeatures"/>) instead of being copied out; null copies every file into memory.</param>
    public static DataSplit LoadSplit(string features, string labels, string? testFeatures, string? testLabels,
        IReadOnlyList<string>? classNames, double testFraction, int seed, long? mapAbove = null)
    {
        string name = Path.GetFileName(features);
        NpyFile? train = null, trainLabelFile = null, test = null, testLabelFile = null;
        bool keepTrain = false, keepTest = false;
        try
        {
            ConvertedSet.Check(features, labels);
            if (testFeatures is not null) ConvertedSet.Check(testFeatures, testLabels!);
            train = NpyFile.OpenFeatures(features);
            trainLabelFile = NpyFile.OpenLabels(labels);
            bool fitting = classNames is null; // not a model's classes (eval's), which may meet a file that shows only one
            classNames ??= ClassNameFiles.Read(labels);
            ClassLabels trainLabels = ReadLabels(trainLabelFile, train, classNames?.Count);
            ClassLabels? testLabelValues = null;
            if (testFeatures is not null)
            {
                test = NpyFile.OpenFeatures(testFeatures);
                testLabelFile = NpyFile.OpenLabels(testLabels!);
                if (test.Columns != train.Columns)
                    throw new DataException($"{testFeatures}: {test.Columns} columns, but {features} has {train.Columns}");
                testLabelValues = ReadLabels(testLabelFile, test, classNames?.Count);
            }
            int classCount = classNames?.Count ?? 1 + Math.Max(trainLabels.Max(), testLabelValues?.Max() ?? 0);
            var names = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (fitting && ClassLabels.OnlyValue(trainLabels) is { } only)
                throw new DataException($"{labels}: every label is {only}{(classNames is null ? "" : $" ({ClassEncoding.Echo(names[only])})")}; a classifier needs at least two classes");
            keepTrain = StoredBytes(train) > mapAbove;
            if (test is not null)
            {
                keepTest = StoredBytes(test) > mapAbove;
                return new DataSplit(Whole(train, name, trainLabels, classCount, names, keepTrain),
                    Whole(test, name, testLabelValues!, classCount, names, keepTest));
            }
            if (train.Rows < 2)
                throw new DataException($"{features}: only {train.Rows} row; need at least 2 to hold out a test split (or pass {Setting.TestData})");
            // The split is copied straight out of the mapping (or kept in it): the whole file is never held beside its two halves.
            int[] order = new SeededRandom(seed).Permutation(train.Rows);
            int trainCount = train.Rows - DataSplitting.TestCount(train.Rows, testFraction);
            if (keepTrain)
                return DataSplitting.Split(new Dataset(name, new MappedFeatures(train), 1f, trainLabels, classCount, names), order, trainCount);
            return new DataSplit(
                train.ReadFeatures(name, order.AsSpan(0, trainCount), trainLabels.Pick(order.AsSpan(0, trainCount)), classCount, names),
                train.ReadFeatures(name, order.AsSpan(trainCount), trainLabels.Pick(order.AsSpan(trainCount)), classCount, names));
        }
        finally
        {
            if (!keepTrain) train?.Dispose();
            if (!keepTest) test?.Dispose();
            trainLabelFile?.Dispose();
            testLabelFile?.Dispose();
        }
    }

    /// <summary>The bytes a features file's values take in memory: uint8 stays bytes, the float types become float32.</summary>
    private static long StoredBytes(NpyFile file) => (long)file.Rows * file.Columns * (file.Header.Type == NpyType.U1 ? 1 : sizeof(float));

    private static Dataset Whole(NpyFile file, string name, ClassLabels labels, int classCount, IReadOnlyList<string> names, bool keepMapped) =>
        keepMapped ? new Dataset(name, new MappedFeatures(file), 1f, labels, classCount, names)
            : file.ReadFeatures(name, Enumerable.Range(0, file.Rows).ToArray(), labels, classCount, names);

    private static ClassLabels ReadLabels(NpyFile labels, NpyFile features, int? classCount)
    {
        if (labels.Rows != features.Rows)
            throw new DataException($"{labels.Path}: holds {labels.Rows} labels but {features.Path} holds {features.Rows} rows");
        return labels.ReadLabels(classCount);
    }
}
