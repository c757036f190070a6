using GpuNet.Cli;
using GpuNet.Tests.Data;

namespace GpuNet.Tests.Training;

/// <summary>
/// Streaming a training set in chunks through a shuffle buffer (<see cref="StreamPlan"/>, <see cref="StreamedTrainSet"/>):
/// every row exactly once per epoch, the same bits for the same seed, a buffer of every chunk is the in-memory epoch itself,
/// and a streamed run learns, from memory or from a mapped .npy file, on cpu and on ILGPU.
/// </summary>
public sealed class StreamingTests
{
    private const int Features = 6, Classes = 3;

    /// <summary>Rows whose first two features name the row (r mod 256, r / 256) and whose label is learnable from the rest.</summary>
    private static Dataset Rows(int count, int seed)
    {
        var random = new Random(seed);
        var values = new byte[count * Features];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            labels[r] = random.Next(Classes);
            values[r * Features] = (byte)(r % 256);
            values[r * Features + 1] = (byte)(r / 256);
            for (int c = 2; c < Features; c++) values[r * Features + c] = (byte)random.Next(100);
            values[r * Features + 2 + labels[r]] += 120;
        }
        return new Dataset("rows", values, 1f, labels, Features, Classes);
    }

    public static TheoryData<int, int, int, bool> Plans => new()
    {
        { 1000, 7, 3, true }, { 1000, 7, 3, false }, { 1000, 10, 1, true }, { 1000, 9, 9, true }, { 1001, 4, 100, true }, { 5, 5, 2, true },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void An_epoch_visits_every_row_exactly_once_and_mixes_only_within_a_group(int count, int chunks, int buffer, bool shuffle)
    {
        var plan = StreamPlan.Of(count, chunks, buffer);
        var chunkOrder = new int[plan.ChunkCount];
        var rows = new int[count];
        var slots = new int[count];
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            plan.ForEpoch(seed: 4, epoch, shuffle, chunkOrder, rows, slots);
            Assert.Equal(Enumerable.Range(0, count), rows.Order());
            Assert.Equal(Enumerable.Range(0, plan.ChunkCount), chunkOrder.Order());
            int position = 0;
            for (int g = 0; g < plan.GroupCount; g++)
            {
                // The group's positions hold exactly its chunks' rows, each at a slot of the group's half laid out chunk after chunk.
                var groupRows = new List<int>();
                foreach (int c in plan.GroupChunks(chunkOrder, g)) groupRows.AddRange(Enumerable.Range(plan.ChunkStart(c), plan.ChunkStart(c + 1) - plan.ChunkStart(c)));
                var visited = rows.AsSpan(position, groupRows.Count).ToArray();
                Assert.Equal(groupRows.Order(), visited.Order());
                for (int j = 0; j < groupRows.Count; j++)
                    Assert.Equal(groupRows[slots[position + j] - g % 2 * plan.BufferRows], visited[j]);
                position += groupRows.Count;
            }
            Assert.Equal(count, position);
            if (!shuffle) Assert.Equal(Enumerable.Range(0, count), rows);
        }
    }

    [Fact]
    public void Epochs_and_seeds_draw_different_orders_and_a_seed_draws_the_same_one_again()
    {
        var plan = StreamPlan.Of(500, 10, 3);
        int[] Order(int seed, int epoch)
        {
            var rows = new int[500];
            plan.ForEpoch(seed, epoch, shuffle: true, new int[plan.ChunkCount], rows, new int[500]);
            return rows;
        }
        Assert.Equal(Order(1, 1), Order(1, 1));
        Assert.NotEqual(Order(1, 1), Order(1, 2));
        Assert.NotEqual(Order(1, 1), Order(2, 1));
    }

    [Fact]
    public void A_buffer_of_every_chunk_visits_the_rows_in_the_in_memory_order()
    {
        var plan = StreamPlan.Of(300, 7, 7);
        var rows = new int[300];
        plan.ForEpoch(seed: 9, epoch: 3, shuffle: true, new int[plan.ChunkCount], rows, new int[300]);
        var inMemory = new int[300];
        Permutation.ForEpoch(inMemory, seed: 9, epoch: 3, shuffle: true);
        Assert.Equal(inMemory, rows);
    }

    /// <summary>Every device; OpenCL's row is [Slow] (<see cref="TestDevices.LeaseCompiles"/>).</summary>
    public static IEnumerable<TheoryDataRow<string>> Devices() =>
        TestDevices.Ids.Select(id => new TheoryDataRow<string>(id).SlowIf(TestDevices.LeaseCompiles(id)));

    private static readonly int[] LabelWidths = [1, 2, 4];

    /// <summary>Every device, each with labels stored in 1, 2 and 4 bytes.</summary>
    public static IEnumerable<TheoryDataRow<string, int>> DevicesAndLabelWidths() =>
        TestDevices.Ids.SelectMany(id => LabelWidths.Select(width => new TheoryDataRow<string, int>(id, width).SlowIf(TestDevices.LeaseCompiles(id))));

    /// <summary>
    /// The gather spy: every batch of a streamed epoch is downloaded, and its rows (named by their first two features) counted;
    /// on every device present, with labels scaled so that they need <paramref name="labelWidth"/> bytes.
    /// </summary>
    [Theory]
    [MemberData(nameof(DevicesAndLabelWidths))]
    public void The_streamed_gathers_of_an_epoch_bring_every_row_once_with_its_label(string device, int labelWidth)
    {
        var rowData = Rows(1000, seed: 1);
        int scale = labelWidth switch { 1 => 1, 2 => 1000, _ => 10_000_000 };
        var data = new Dataset("rows", rowData.Bytes!, 1f, rowData.Labels.Select(l => l * scale).ToArray(), Features, Classes);
        Assert.Equal(labelWidth, data.Labels.Width);
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var plan = StreamPlan.Of(data.Count, 9, 2);
        using var set = new StreamedTrainSet(backend, data, plan);
        using var slots = backend.Allocate<int>(data.Count);
        using var batchX = backend.Allocate<float>(64 * Features);
        using var batchY = backend.Allocate<int>(64);
        var rows = new int[data.Count];
        set.BeginEpoch(seed: 3, epoch: 1, shuffle: true, rows, slots);
        var seen = new int[data.Count];
        var x = new float[64 * Features];
        var y = new int[64];
        for (int start = 0; start < data.Count; start += 64)
        {
            int n = Math.Min(64, data.Count - start);
            set.GatherBatch(slots, start, n, batchX, batchY);
            backend.Download(batchX, x);
            backend.Download(batchY, y);
            for (int i = 0; i < n; i++)
            {
                int row = (int)x[i * Features] + 256 * (int)x[i * Features + 1];
                Assert.Equal(rows[start + i], row);
                Assert.Equal(data.Labels[row], y[i]);
                seen[row]++;
            }
        }
        Assert.All(seen, count => Assert.Equal(1, count));
    }

    /// <summary>A resumed epoch starts at a later step: its first gather loads the groups it needs and brings the same rows.</summary>
    [Fact]
    public void A_gather_in_the_middle_of_an_epoch_brings_the_rows_of_that_position()
    {
        var data = Rows(1000, seed: 2);
        using var backend = new GpuNet.Backends.Cpu.CpuBackend();
        using var set = new StreamedTrainSet(backend, data, StreamPlan.Of(data.Count, 9, 2));
        using var slots = backend.Allocate<int>(data.Count);
        using var batchX = backend.Allocate<float>(64 * Features);
        using var batchY = backend.Allocate<int>(64);
        var rows = new int[data.Count];
        set.BeginEpoch(seed: 3, epoch: 2, shuffle: true, rows, slots);
        var x = new float[64 * Features];
        foreach (int start in new[] { 700, 0, 300, 936 })
        {
            int n = Math.Min(64, data.Count - start);
            set.GatherBatch(slots, start, n, batchX, batchY);
            backend.Download(batchX, x);
            for (int i = 0; i < n; i++) Assert.Equal(rows[start + i], (int)x[i * Features] + 256 * (int)x[i * Features + 1]);
        }
    }

    private static Dataset AsFloats(Dataset bytes) => new(bytes.Name, bytes.ToFloat32(), bytes.Labels, bytes.FeatureCount, bytes.ClassCount, bytes.ClassNames);

    private static (IReadOnlyList<EpochMetrics> History, float[] Weights, StreamPlan? Plan) Train(string device, DataSplit data, StreamingOptions streaming, int seed = 2,
        bool standardize = true)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var spec = ModelSpec.Create(ModelKind.Mlp, Features, Classes, [8], Activation.Relu);
        using var network = new Network(backend, spec, 64);
        network.Initialise(InitScheme.Auto, seed: 5);
        var (train, validation) = ValidationSplit.Carve(data.Train, 0.1, seed: 1);
        var options = new TrainOptions { Epochs = 3, BatchSize = 32, EvalBatchSize = 64, LearningRate = 0.05f, Seed = seed, Streaming = streaming };
        using var trainer = new Trainer(backend, network, data with { Train = train }, options, validation, standardize ? Standardization.Fit(train) : null);
        var result = trainer.Fit();
        return (result.History, network.ExportParameters().SelectMany(t => t.Data).ToArray(), trainer.Streaming);
    }

    private static DataSplit Split(int seed, int trainRows = 1200) => new(Rows(trainRows, seed), Rows(200, seed + 100));

    /// <summary>A memory limit far below the set forces streaming; chunks of 40 rows make 27 of them, 4 to a group.</summary>
    private static readonly StreamingOptions Forced = new() { MemoryLimit = 1000, ChunkRows = 40, ShuffleBuffer = 4 };

    [Fact]
    public void Streamed_training_on_cpu_gives_the_same_bits_for_the_same_seed()
    {
        var first = Train("cpu", Split(1), Forced);
        var second = Train("cpu", Split(1), Forced);
        Assert.NotNull(first.Plan);
        Assert.Equal(first.Weights, second.Weights);
        Assert.Equal(first.History.Select(e => (e.Train, e.Validation, e.Test)), second.History.Select(e => (e.Train, e.Validation, e.Test)));
        Assert.NotEqual(first.Weights, Train("cpu", Split(1), Forced, seed: 3).Weights);
    }

    /// <summary>Bytes and float32 features, with and without the standardisation: every path of the staging and the gather.</summary>
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void A_shuffle_buffer_of_every_chunk_trains_bit_for_bit_like_the_set_held_in_memory(bool floats, bool standardize)
    {
        var data = floats ? new DataSplit(AsFloats(Split(2).Train), AsFloats(Split(2).Test)) : Split(2);
        var streamed = Train("cpu", data, Forced with { ShuffleBuffer = 1000 }, standardize: standardize);
        var held = Train("cpu", data, new StreamingOptions(), standardize: standardize);
        Assert.NotNull(streamed.Plan);
        Assert.Null(held.Plan);
        Assert.Equal(held.Weights, streamed.Weights);
        Assert.Equal(held.History.Select(e => (e.Train, e.Validation, e.Test)), streamed.History.Select(e => (e.Train, e.Validation, e.Test)));
    }

    [Theory]
    [MemberData(nameof(TestDevices.AlwaysPresentSimulatorSlow), MemberType = typeof(TestDevices))]
    public void A_streamed_run_learns(string device)
    {
        // 486 training rows in chunks of a batch (the smallest a chunk may be): 15 chunks, so three groups of 4 and a
        // short last one of 3, as the 27 of the full set, over 3 epochs at under half the simulated steps.
        var run = Train(device, Split(3, trainRows: 540), Forced with { ChunkRows = 32 });
        Assert.Equal(15, run.Plan!.ChunkCount);
        Assert.True(run.History[^1].Test.Accuracy > 0.8, $"{device}: test accuracy {run.History[^1].Test.Accuracy} after streaming");
    }

    /// <summary>
    /// Warm streamed steps, group changes and a new epoch included, allocate nothing on the training thread. It failed in
    /// the full suite while passing alone, for two reasons, both of which need the reader thread slowed or a collection
    /// on another thread, as other tests cause. The bare counter also counted the unused rest of the thread's allocation
    /// context when a collection retired it while the thread was blocked (with a thread allocating and collecting beside
    /// it, 4 of 10 and 3 of 10 windows read non-zero): <see cref="Allocations.OnThisThread"/> empties the context first.
    /// And the streamed set waited for its reader on a ManualResetEventSlim, which allocates its lock object the first time
    /// a wait blocks: a real allocation of a warm step (24 bytes in 1 and 3 of 16 windows with the cores busy and another
    /// thread collecting; 1,104 in a run of 449 tests beside it), fixed in StreamedTrainSet: 0 of 32 windows since.
    /// </summary>
    [Fact]
    public void Warm_streamed_steps_allocate_nothing()
    {
        var data = Split(4);
        using var backend = new GpuNet.Backends.Cpu.CpuBackend();
        using var network = new Network(backend, ModelSpec.Create(ModelKind.Mlp, Features, Classes, [8], Activation.Relu), 32);
        network.Initialise(InitScheme.Auto, 1);
        using var trainer = new Trainer(backend, network, data, new TrainOptions { BatchSize = 32, EvalBatchSize = 32, Streaming = Forced }, standardization: Standardization.Fit(data.Train));
        Assert.True(trainer.Streaming!.GroupCount > 2);
        trainer.BeginEpoch(1);
        for (int step = 0; step < 4; step++) trainer.TrainStep(step);
        // Three windows, each an epoch with its group changes: an allocation of the code runs in every one of them, while
        // the clean-clone CI run of 2026-12-06 read 264 bytes once in the full suite (the same figure as an earlier run that
        // BlockOnce was written for), in a window that other tests' threads shared the cores and the CPU workers with.
        var windows = new List<long>();
        for (int epoch = 2; epoch <= 4 && (windows.Count == 0 || windows.Min() > 0); epoch++)
            windows.Add(Allocations.OnThisThread(() =>
            {
                trainer.BeginEpoch(epoch);
                for (int step = 0; step < trainer.StepsPerEpoch; step++) trainer.TrainStep(step);
            }));
        Assert.True(windows.Min() == 0, $"every warm window allocated: {string.Join(", ", windows)} bytes");
    }

    [Fact]
    public void A_set_that_fits_is_held_whole_and_one_over_half_the_limit_streams()
    {
        var data = Rows(1000, seed: 4); // 6000 bytes of features
        Assert.Null(StreamPlan.For(data, 32, new StreamingOptions(), new MemoryLimit(12_000, "test")));
        var plan = StreamPlan.For(data, 32, new StreamingOptions { ShuffleBuffer = 2 }, new MemoryLimit(11_999, "test"));
        Assert.NotNull(plan);
        Assert.Contains("over half of the memory limit", plan.Reason);
        Assert.True(plan.MaxChunkRows >= 32, "a chunk holds at least a batch");
        Assert.Throws<UsageException>(() => StreamPlan.For(data, 32, new StreamingOptions { ShuffleBuffer = 0 }, new MemoryLimit(1, "test")));
    }

    [Fact]
    public void The_host_memory_limit_is_a_positive_figure_with_its_source()
    {
        var limit = MemoryLimit.Host();
        Assert.True(limit.Bytes > 0);
        Assert.False(string.IsNullOrEmpty(limit.Source));
    }

    /// <summary>The set as a uint8 .npy, or as float32 with <paramref name="floats"/>.</summary>
    private static (string Features, string Labels) WriteNpy(TempDirectory dir, Dataset data, bool floats = false) =>
        (dir.Write("x.npy", floats ? NpyTestFiles.Build("<f4", $"({data.Count}, {data.FeatureCount})", NpyTestFiles.Floats(data.ToFloat32()))
            : NpyTestFiles.Build("|u1", $"({data.Count}, {data.FeatureCount})", data.Bytes!)),
         dir.Write("y.npy", NpyTestFiles.Build("<i4", $"({data.Count},)", data.Labels.SelectMany(BitConverter.GetBytes).ToArray())));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_npy_file_over_the_limit_stays_mapped_and_its_subsets_read_the_same_rows(bool floats)
    {
        using var dir = new TempDirectory();
        var all = Rows(500, seed: 5);
        var (x, y) = WriteNpy(dir, all, floats);
        var mapped = NpyReader.LoadSplit(x, y, null, null, null, 0.2, seed: 7, mapAbove: 100);
        var held = NpyReader.LoadSplit(x, y, null, null, null, 0.2, seed: 7);
        Assert.NotNull(mapped.Train.Mapped);
        Assert.Null(held.Train.Mapped);
        foreach (var (m, h) in new[] { (mapped.Train, held.Train), (mapped.Test, held.Test) })
        {
            // The same rows (a mapped set keeps file order): each row is named by its first two features.
            static int Id(Dataset d, int r) => (int)d.Feature(r, 0) + 256 * (int)d.Feature(r, 1);
            var mappedRows = Enumerable.Range(0, m.Count).Select(r => Id(m, r)).ToArray();
            Assert.Equal(Enumerable.Range(0, h.Count).Select(r => Id(h, r)).Order(), mappedRows);
            Assert.Equal(mappedRows.Select(r => all.Labels[r]), m.Labels);
            var expected = mappedRows.SelectMany(r => all.Bytes!.Skip(r * Features).Take(Features)).ToArray();
            if (floats)
            {
                var values = new float[m.Count * Features];
                m.CopyRows(0, m.Count, values);
                Assert.Equal(expected.Select(b => (float)b), values);
            }
            else
            {
                var bytes = new byte[m.Count * Features];
                m.CopyRows(0, m.Count, bytes);
                Assert.Equal(expected, bytes);
            }
        }
    }

    [Fact]
    public void Training_streams_from_a_mapped_npy_file_and_the_header_says_so()
    {
        using var dir = new TempDirectory();
        var (x, y) = WriteNpy(dir, Rows(3000, seed: 6));
        var run = CliRun.Of("train", "--data", x, "--labels", y, "--epochs", "3", "--device", "cpu", "--model", "softmax", "--lr", "0.1",
            "--max-memory", "8K", "--shuffle-buffer", "3", "--quiet");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Matches(@"streaming: the training features \(.*\) stay in .*x\.npy: over half of the memory limit of .* \(as given\); \d+ chunks of \d+ rows, a shuffle buffer of 3 chunks", run.Stdout);
        Assert.Matches(@"done: test accuracy (9\d|100)\.", run.Stdout);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5M")]
    [InlineData("")]
    public void A_max_memory_that_is_not_a_size_is_a_usage_error(string size)
    {
        var run = CliRun.Of("train", "--data", "blobs", "--epochs", "1", "--device", "cpu", "--max-memory", size);
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--max-memory", run.Stderr);
    }

    [Theory]
    [InlineData("500M", 500L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5k", 1536)]
    [InlineData("4096", 4096)]
    public void Sizes_read_as_powers_of_1024(string text, long bytes) =>
        Assert.Equal(bytes, GpuNet.Cli.Commands.StreamingCommandOptions.ParseSize(text));
}
