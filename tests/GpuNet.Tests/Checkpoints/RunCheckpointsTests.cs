namespace GpuNet.Tests.Checkpoints;

/// <summary>The run directory: resuming from it continues a run exactly, and no crash while saving damages what was there.</summary>
public sealed class RunCheckpointsTests
{
    private static readonly DataOptions Blobs = new() { Source = "blobs", Classes = 3, Samples = 600, Seed = 5 };

    private static TrainOptions Options(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 32, LearningRate = 0.05f, Momentum = 0.9f, Nesterov = true, WeightDecay = 1e-4f, Seed = 11, EvalBatchSize = 256,
    };

    [Fact]
    public void Four_epochs_then_a_resume_for_two_more_equal_six_straight_bit_for_bit()
    {
        var split = DataSources.Load(Blobs);
        var spec = ModelSpec.Create(ModelKind.Mlp, split.Train.FeatureCount, split.Train.ClassCount, [8], Activation.Relu);
        using var backend = TestDevices.Open("cpu");
        using var dir = new TempDirectory();

        IReadOnlyList<NamedTensor> straight;
        using (var network = new Network(backend, spec, 256))
        {
            network.Initialise(InitScheme.Auto, 11);
            using var trainer = new Trainer(backend, network, split, Options(6));
            trainer.Fit(cancellation: TestContext.Current.CancellationToken);
            straight = network.ExportParameters();
        }

        TrainingState stateAfterFour;
        using (var network = new Network(backend, spec, 256))
        {
            network.Initialise(InitScheme.Auto, 11);
            using var trainer = new Trainer(backend, network, split, Options(4));
            trainer.Fit(cancellation: TestContext.Current.CancellationToken);
            stateAfterFour = trainer.State;
            var model = ModelCheckpoint.FromNetwork(network, Preprocessing.None, split.Train.ClassNames, trainer.State.Epoch, trainer.State.GlobalStep(trainer.StepsPerEpoch));
            RunCheckpoints.Save(dir.Path, model, OptimizerState.FromOptimizer(trainer.Optimizer, trainer.State), alsoBest: false);
        }

        var resume = RunCheckpoints.LoadForResume(dir.Path)!;
        Assert.Equal(stateAfterFour, resume.Optimizer.State);
        using (var network = new Network(backend, resume.Last.Spec, 256))
        {
            using var trainer = new Trainer(backend, network, split, Options(6));
            resume.Restore(network, trainer.Optimizer);
            trainer.Fit(resume.Optimizer.State, TestContext.Current.CancellationToken);
            ModelCheckpointTests.AssertBitwiseEqual(straight, network.ExportParameters());
        }
    }

    [Fact]
    public void Momentum_buffers_and_state_survive_the_files_exactly()
    {
        using var dir = new TempDirectory();
        var model = CheckpointSamples.Mlp();
        var velocities = CheckpointSamples.Parameters(model.Spec, seed: 2);
        var state = new TrainingState(Epoch: 3, StepInEpoch: 17, EpochComplete: false, BestValidationLoss: 0.1 + 0.2, BestEpoch: 2);
        RunCheckpoints.Save(dir.Path, CheckpointSamples.Mlp(seed: 3), new OptimizerState(velocities, state), alsoBest: true);
        RunCheckpoints.Save(dir.Path, model, new OptimizerState(velocities, state), alsoBest: false);

        var resume = RunCheckpoints.LoadForResume(dir.Path)!;

        Assert.Equal(state, resume.Optimizer.State);
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2), BitConverter.DoubleToInt64Bits(resume.Optimizer.State.BestValidationLoss));
        ModelCheckpointTests.AssertBitwiseEqual(velocities, resume.Optimizer.Tensors);
        ModelCheckpointTests.AssertBitwiseEqual(model.Parameters, resume.Last.Parameters);
        ModelCheckpointTests.AssertBitwiseEqual(CheckpointSamples.Mlp(seed: 3).Parameters, resume.Best!.Parameters);
        // optimizer.safetensors holds the momentum buffers under the parameters' names, and nothing else.
        Assert.Equal(model.Parameters.Select(p => p.Name), SafetensorsFile.Load(Path.Combine(dir.Path, RunCheckpoints.OptimizerFile)).Tensors.Select(t => t.Name));
    }

    [Fact]
    public void An_infinite_best_loss_before_any_validation_round_trips()
    {
        using var dir = new TempDirectory();
        var model = CheckpointSamples.Mlp();
        RunCheckpoints.Save(dir.Path, model, new OptimizerState(CheckpointSamples.Parameters(model.Spec, 2), TrainingState.Start), alsoBest: false);
        Assert.Equal(TrainingState.Start, RunCheckpoints.LoadForResume(dir.Path)!.Optimizer.State);
    }

    [Fact]
    public void A_crash_in_the_middle_of_a_generation_leaves_the_previous_one_and_the_next_run_removes_the_debris()
    {
        using var dir = new TempDirectory();
        var (first, optimizer) = SaveFirstGeneration(dir.Path);
        var committed = Files(dir.Path);

        // The next save dies after 100 bytes of its third file, as a killed process or a full disk would leave it.
        var crash = Assert.Throws<IOException>(() => RunCheckpoints.Save(dir.Path, CheckpointSamples.Mlp(seed: 9), optimizer, alsoBest: true,
            new GenerationFile("metrics.csv", stream => new FailingStream(stream, failAfter: 100).Write(new byte[1000]))));
        Assert.Equal("disk full (simulated)", crash.Message);
        Assert.Equal(committed, Files(dir.Path).Where(f => !f.StartsWith('.')).ToArray()); // only staged debris was added

        var resume = RunCheckpoints.LoadForResume(dir.Path)!;
        Assert.Equal(1, resume.Generation);
        ModelCheckpointTests.AssertBitwiseEqual(first.Parameters, resume.Last.Parameters);
        Assert.Equal(committed, Files(dir.Path)); // the staged files of the generation that never committed are gone
    }

    [Fact]
    public void A_kill_after_the_commit_but_before_the_renames_resumes_from_the_new_generation()
    {
        using var dir = new TempDirectory();
        var first = CheckpointSamples.Mlp(seed: 1);
        var second = CheckpointSamples.Mlp(seed: 2);
        var state = new TrainingState(Epoch: 2, StepInEpoch: 0, EpochComplete: true, BestValidationLoss: 0.5, BestEpoch: 2);
        RunCheckpoints.Save(dir.Path, first, new OptimizerState(CheckpointSamples.Parameters(first.Spec, 3), TrainingState.Start), alsoBest: true);
        RunCheckpoints.Save(dir.Path, second, new OptimizerState(CheckpointSamples.Parameters(first.Spec, 4), state), alsoBest: false);
        // Undo the last step of the second commit: its files back under their staged names, the first generation's in place.
        foreach (var name in new[] { RunCheckpoints.LastFile, RunCheckpoints.OptimizerFile })
            File.Move(Path.Combine(dir.Path, name), Path.Combine(dir.Path, $".{name}.gen2.staged"));
        File.Copy(Path.Combine(dir.Path, RunCheckpoints.BestFile), Path.Combine(dir.Path, RunCheckpoints.LastFile));

        var resume = RunCheckpoints.LoadForResume(dir.Path)!;

        Assert.Equal(2, resume.Generation);
        Assert.Equal(state, resume.Optimizer.State);
        ModelCheckpointTests.AssertBitwiseEqual(second.Parameters, resume.Last.Parameters);
        ModelCheckpointTests.AssertBitwiseEqual(first.Parameters, resume.Best!.Parameters); // carried over from generation 1
        Assert.DoesNotContain(Files(dir.Path), f => f.EndsWith(".staged", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_changed_after_its_generation_was_committed_is_named()
    {
        using var dir = new TempDirectory();
        var (model, optimizer) = SaveFirstGeneration(dir.Path);
        Directory.CreateDirectory(Path.Combine(dir.Path, "other"));
        RunCheckpoints.Save(Path.Combine(dir.Path, "other"), CheckpointSamples.Mlp(seed: 4), optimizer, alsoBest: false);
        File.Copy(Path.Combine(dir.Path, "other", RunCheckpoints.LastFile), Path.Combine(dir.Path, RunCheckpoints.LastFile), overwrite: true);

        var e = Assert.Throws<DataException>(() => RunCheckpoints.LoadForResume(dir.Path));
        Assert.Contains("model.safetensors: its contents differ from what checkpoint.json (generation 1) recorded", e.Message);
    }

    [Fact]
    public void A_directory_that_never_committed_a_generation_resumes_from_the_start()
    {
        using var dir = new TempDirectory();
        dir.WriteText(".model.safetensors.gen1.staged", "torn");
        Assert.Null(RunCheckpoints.LoadForResume(dir.Path));
        Assert.Empty(Files(dir.Path));
    }

    private static string[] Files(string dir) => Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Passes writes through until <c>failAfter</c> bytes, then fails like a full disk.</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter)
            {
                inner.Write(buffer[..(int)(failAfter - _written)]);
                throw new IOException("disk full (simulated)");
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Generation 1 of a run in <paramref name="dir"/>: a seeded MLP and a fresh optimizer state, no best model.</summary>
    private static (ModelCheckpoint Model, OptimizerState Optimizer) SaveFirstGeneration(string dir)
    {
        var model = CheckpointSamples.Mlp(seed: 1);
        var optimizer = new OptimizerState(CheckpointSamples.Parameters(model.Spec, 2), TrainingState.Start);
        RunCheckpoints.Save(dir, model, optimizer, alsoBest: false);
        return (model, optimizer);
    }
}
