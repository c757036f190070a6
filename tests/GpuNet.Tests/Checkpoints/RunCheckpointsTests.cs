using GpuNet.Checkpoints;
using GpuNet.Data;
using GpuNet.IO;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Tests.TestSupport;
using GpuNet.Training;

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
            RunCheckpoints.SaveLast(dir.Path, model, OptimizerState.FromNetwork(network, trainer.State));
        }

        var resume = RunCheckpoints.LoadForResume(dir.Path);
        Assert.Equal(stateAfterFour, resume.Optimizer.State);
        using (var network = new Network(backend, resume.Last.Spec, 256))
        {
            resume.Restore(network);
            using var trainer = new Trainer(backend, network, split, Options(6));
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
        RunCheckpoints.SaveLast(dir.Path, model, new OptimizerState(velocities, state));
        RunCheckpoints.SaveBest(dir.Path, CheckpointSamples.Mlp(seed: 3));

        var resume = RunCheckpoints.LoadForResume(dir.Path);

        Assert.Equal(state, resume.Optimizer.State);
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2), BitConverter.DoubleToInt64Bits(resume.Optimizer.State.BestValidationLoss));
        ModelCheckpointTests.AssertBitwiseEqual(velocities, resume.Optimizer.Velocities);
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
        RunCheckpoints.SaveLast(dir.Path, model, new OptimizerState(CheckpointSamples.Parameters(model.Spec, 2), TrainingState.Start));
        Assert.Equal(TrainingState.Start, RunCheckpoints.LoadForResume(dir.Path).Optimizer.State);
    }

    [Fact]
    public void A_crash_in_the_middle_of_a_write_leaves_the_previous_checkpoint_loadable()
    {
        using var dir = new TempDirectory();
        var first = CheckpointSamples.Mlp(seed: 1);
        string path = Path.Combine(dir.Path, RunCheckpoints.LastFile);
        RunCheckpoints.SaveLast(dir.Path, first, new OptimizerState(CheckpointSamples.Parameters(first.Spec, 2), TrainingState.Start));

        // The next save dies after 100 bytes, as a killed process or a full disk would leave it.
        var crash = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
            SafetensorsFile.Write(new FailingStream(stream, failAfter: 100), CheckpointSamples.Mlp(seed: 9).Parameters, new Dictionary<string, string>())));
        Assert.Equal("disk full (simulated)", crash.Message);

        ModelCheckpointTests.AssertBitwiseEqual(first.Parameters, ModelCheckpoint.Load(path).Parameters);
        ModelCheckpointTests.AssertBitwiseEqual(first.Parameters, RunCheckpoints.LoadForResume(dir.Path).Last.Parameters);
        // Nothing but the two checkpoint files: the torn temporary file was removed.
        Assert.Equal([RunCheckpoints.LastFile, RunCheckpoints.OptimizerFile], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void An_optimizer_file_from_another_save_is_detected()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        var model = CheckpointSamples.Mlp(seed: 1);
        var optimizer = new OptimizerState(CheckpointSamples.Parameters(model.Spec, 2), TrainingState.Start);
        RunCheckpoints.SaveLast(a.Path, model, optimizer);
        RunCheckpoints.SaveLast(b.Path, CheckpointSamples.Mlp(seed: 4), optimizer);
        File.Copy(Path.Combine(a.Path, RunCheckpoints.OptimizerFile), Path.Combine(b.Path, RunCheckpoints.OptimizerFile), overwrite: true);

        var e = Assert.Throws<DataException>(() => RunCheckpoints.LoadForResume(b.Path));
        Assert.Contains("belongs to another version of model.safetensors", e.Message);
    }

    [Fact]
    public void Resuming_from_a_directory_without_checkpoints_names_the_missing_file()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<DataException>(() => RunCheckpoints.LoadForResume(dir.Path));
        Assert.Contains("model.safetensors: cannot resume: the file is missing", e.Message);
    }

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
}
