using GpuNet.Settings;

namespace GpuNet.Data;

/// <summary>
/// Loads a train/test split from .npy files: features [rows, columns] (uint8, float16, float32 or float64) and labels
/// [rows] (any integer type), each validated and memory-mapped (<see cref="NpyFile"/>). The class names come from the
/// caller (a saved model's), else from <see cref="ClassNamesFile"/> beside the labels (what <c>gpunet convert</c> writes),
/// else they are the numbers 0..max label.
/// </summary>
public static class NpyReader
{
    /// <summary>True for a path that names a .npy file by its extension.</summary>
    public static bool IsNpy(string path) => path.Trim().EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>labels.npy → labels.classes.txt: one class name per line, line i naming label i.</summary>
    public static string ClassNamesFile(string labelsPath) => Path.ChangeExtension(labelsPath, ".classes.txt");

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
            train = NpyFile.OpenFeatures(features);
            trainLabelFile = NpyFile.OpenLabels(labels);
            classNames ??= ReadClassNames(labels);
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
            if (classCount < 2)
                throw new DataException($"{labels}: every label is 0; a classifier needs at least two classes");
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

    private static string[]? ReadClassNames(string labelsPath)
    {
        string file = ClassNamesFile(labelsPath);
        if (!File.Exists(file)) return null;
        try
        {
            var names = File.ReadAllLines(file);
            return names.Length > 0 && names[^1].Length == 0 ? names[..^1] : names;
        }
        catch (IOException e)
        {
            throw new DataException($"{file}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="features"/> [labels.Length, <paramref name="featureCount"/>] as <c>features.npy</c> (float32) and <c>labels.npy</c> (the smallest unsigned type that
    /// holds its class indices) in <paramref name="directory"/>, with <see cref="ClassNamesFile"/> naming the classes; each file atomically.
    /// </summary>
    public static (string Features, string Labels, string ClassNames) Write(string directory, float[] features, int featureCount, int[] labels,
        IReadOnlyList<string> classNames)
    {
        Directory.CreateDirectory(directory);
        string featuresPath = Path.Combine(directory, "features.npy"), labelsPath = Path.Combine(directory, "labels.npy");
        IO.AtomicFile.Write(featuresPath, stream =>
        {
            stream.Write(NpyHeader.Format(NpyType.F4, [labels.Length, featureCount]));
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan()));
        });
        var type = classNames.Count <= byte.MaxValue + 1 ? NpyType.U1 : classNames.Count <= ushort.MaxValue + 1 ? NpyType.U2 : NpyType.I4;
        int size = NpyHeader.ItemSizeOf(type);
        var raw = new byte[(long)labels.Length * size];
        for (int i = 0; i < labels.Length; i++)
        {
            var at = raw.AsSpan(i * size);
            if (type == NpyType.U1) at[0] = (byte)labels[i];
            else if (type == NpyType.U2) System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)labels[i]);
            else System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(at, labels[i]);
        }
        IO.AtomicFile.Write(labelsPath, stream =>
        {
            stream.Write(NpyHeader.Format(type, [labels.Length]));
            stream.Write(raw);
        });
        string namesPath = ClassNamesFile(labelsPath);
        IO.AtomicFile.WriteAllText(namesPath, string.Join('\n', classNames) + "\n");
        return (featuresPath, labelsPath, namesPath);
    }
}
