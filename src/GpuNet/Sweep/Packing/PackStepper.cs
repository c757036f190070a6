using GpuNet.Backends;
using GpuNet.Kernels;
using GpuNet.Optim;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// One pack's training steps on the shared data: each epoch's order, each step's gather (once for every member) and
/// the packed step, with the members' per-step scalars uploaded a run of steps at a time and their optimiser step
/// counts kept on the host. Training (<see cref="PackTraining"/>) and <c>gpunet bench --models</c> step through it.
/// </summary>
internal sealed class PackStepper : IDisposable
{
    private readonly IBackend _backend;
    private readonly PackData _sets;
    private readonly PackMemberRun[] _runs;
    private readonly PackStep[] _table;
    private readonly int _stepsPerEpoch, _stepRows, _batchSize, _trainCount;
    private int _epoch, _firstStep;

    /// <param name="runs">The members at each pack position (<see cref="PackLayout.Order"/> applied).</param>
    public PackStepper(IBackend backend, PackData sets, PackLayout layout, PackMemberRun[] runs, int stepsPerEpoch, int maxStepRows)
    {
        _backend = backend;
        _sets = sets;
        _runs = runs;
        _stepsPerEpoch = stepsPerEpoch;
        _stepRows = Math.Min(stepsPerEpoch, maxStepRows);
        _batchSize = runs[0].Options.BatchSize;
        _trainCount = sets.HostOrder.Length;
        _table = new PackStep[_stepRows * runs.Length];
        Frozen = new bool[runs.Length];
        Steps = runs.Select(r => r.Optimizer.Steps).ToArray();
        Pack = Build(layout);
        try
        {
            Losses = new PackLosses(backend, runs.Length, _batchSize, stepsPerEpoch);
        }
        catch
        {
            Pack.Dispose();
            throw;
        }
    }

    public PackedNetwork Pack { get; }

    /// <summary>The members' training figures of the epoch in progress.</summary>
    public PackLosses Losses { get; }

    /// <summary>Members that no longer update (diverged or stopped early).</summary>
    public bool[] Frozen { get; }

    /// <summary>Each member's optimiser steps so far.</summary>
    public long[] Steps { get; }

    private PackedNetwork Build(PackLayout layout)
    {
        var weights = new List<float>();
        var members = new PackMember[_runs.Length];
        for (int p = 0; p < _runs.Length; p++)
        {
            members[p] = layout.Member(p, _runs[p].ClassWeights is null ? -1 : weights.Count, _runs[p].Options.ClipNorm);
            weights.AddRange(_runs[p].ClassWeights ?? []);
        }
        var options = _runs.Select(r => r.Options).ToArray();
        var pack = new PackedNetwork(_backend, layout, members, weights.ToArray(), _batchSize, _stepRows,
            dropout: options.Any(o => o.Dropout > 0f),
            momentum: options.Any(o => o.Optimizer == OptimizerKind.Sgd && o.Momentum != 0f),
            adam: options.Any(o => o.Optimizer != OptimizerKind.Sgd));
        for (int p = 0; p < _runs.Length; p++) pack.CopyIn(p, _runs[p].Network, _runs[p].Optimizer);
        return pack;
    }

    /// <summary>Starts <paramref name="epoch"/> at <paramref name="firstStep"/>: its order, and cleared figures.</summary>
    public void BeginEpoch(int epoch, int firstStep)
    {
        var shared = _runs[0].Options;
        (_epoch, _firstStep) = (epoch, firstStep);
        _sets.Train.BeginEpoch(shared.OrderSeed, epoch, shared.Shuffle, _sets.HostOrder, _sets.Order);
        Losses.BeginEpoch(firstStep);
    }

    /// <summary>Enqueues step <paramref name="step"/> of the epoch for every member; returns the batch's rows.</summary>
    public int Step(int step)
    {
        int row = (step - _firstStep) % _stepRows;
        if (row == 0)
        {
            int chunk = Math.Min(_stepRows, _stepsPerEpoch - step);
            PackSchedule.Fill(_table, _runs, Frozen, Steps, _epoch, step, chunk, _stepsPerEpoch, _sets.HostOrder, _sets.Labels, _batchSize);
            Pack.Tables.UploadSteps(_table.AsSpan(0, chunk * _runs.Length));
        }
        int start = step * _batchSize, rows = Math.Min(_batchSize, _trainCount - start);
        _sets.Train.GatherBatch(_sets.Order, start, rows, _sets.BatchX, _sets.BatchY);
        Pack.Step(_sets.BatchX, _sets.BatchY, rows, row, Losses.Slots, Losses.OffsetFor(step, rows), Losses.Stride);
        for (int m = 0; m < _runs.Length; m++)
            if (!Frozen[m]) Steps[m]++;
        return rows;
    }

    /// <summary>Copies member <paramref name="position"/>'s weights, optimiser state and step count out into its own network and optimiser.</summary>
    public void TakeOut(int position)
    {
        var run = _runs[position];
        Pack.CopyOut(position, run.Network, run.Optimizer);
        run.Optimizer.Steps = Steps[position];
    }

    public void Dispose()
    {
        Pack.Dispose();
        Losses.Dispose();
    }
}
