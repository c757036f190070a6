namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>--resume DIR</c> continues exactly the run DIR describes: an option given on the command line that
/// would change it (another --lr, --data, --model, ...) is a usage error, not silently ignored. Giving an
/// option its saved value is fine, so the first command line with --resume added still works.
/// </summary>
public static class ResumeCheck
{
    /// <summary>What may differ between sittings: the length of the run, where it runs, and how it is shown.</summary>
    public const string MayChange = "--epochs (to extend it), --device, --distributed, --json, --quiet and --plot-every";

    public static void Require(TrainRequest current, TrainRequest saved, TrainCommandOptions o, string dir, int ranks)
    {
        // Slices, sums and hence the weights' last bits depend on the rank count; a run continues on the count it began on.
        if (saved.Ranks != ranks)
            throw new UsageException($"--resume {dir}: the run was trained on {Processes(saved.Ranks)} and this sitting has {Processes(ranks)}; resume it with the same count ({(saved.Ranks == 1 ? "without mpirun, or with mpirun -np 1" : $"mpirun -np {saved.Ranks} gpunet train --resume {dir}")})");
        if (current.InitFrom is not null) throw new UsageException("--resume and --init-from cannot be combined: a resumed run continues from its own weights");
        if (current.Overwrite) throw new UsageException("--resume and --overwrite cannot be combined: --resume continues the run, --overwrite replaces it");
        if (current.OutDir is { } outDir && !IO.FileIdentity.Same(outDir, dir)
            && Path.GetFullPath(outDir).TrimEnd(Path.DirectorySeparatorChar) != Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar))
            throw new UsageException($"--out {outDir} differs from --resume {dir}: a resumed run writes into its own directory (leave out --out, or give the same one)");
        var absolute = current.WithAbsoluteDataPaths();
        var given = current.Given ?? new HashSet<string>();
        foreach (var (option, value) in Fields(o))
        {
            if (!given.Contains(option.Name)) continue;
            string now = value(absolute), then = value(saved);
            if (now != then)
                throw new UsageException($"{option.Name} {now} would change the run in {dir}, which has {then}; on --resume only {MayChange} may differ from it (start a new run with --out for other options)");
        }
    }

    /// <summary>Each option that shapes the run, with the request field it sets (as text, so lists compare by value).</summary>
    private static IEnumerable<(Option Option, Func<TrainRequest, string> Value)> Fields(TrainCommandOptions o)
    {
        var d = o.DataOptions;
        yield return (d.Data, r => r.Data.Source);
        yield return (d.DataDir, r => r.Data.DataDir ?? "(none)");
        yield return (d.TestData, r => r.Data.TestData ?? "(none)");
        yield return (d.Labels, r => r.Data.Labels ?? "(none)");
        yield return (d.TestLabels, r => r.Data.TestLabels ?? "(none)");
        yield return (d.TestFraction, r => Text(r.Data.TestFraction));
        yield return (d.LabelColumn, r => r.Data.LabelName ?? Text(r.Data.LabelColumn));
        yield return (d.IgnoreColumns, r => string.Join(",", r.Data.IgnoreColumns));
        yield return (d.IdColumn, r => r.Data.IdColumn ?? "(none)");
        yield return (d.Categorical, r => string.Join(",", r.Data.Categorical));
        yield return (d.Impute, r => r.Data.Impute?.Name() ?? "(none)");
        yield return (d.Header, r => Text(r.Data.Header));
        yield return (d.Samples, r => Text(r.Data.Samples));
        yield return (d.Classes, r => Text(r.Data.Classes));
        yield return (d.Noise, r => Text(r.Data.Noise));
        yield return (d.Seed, r => Text(r.Train.Seed));
        yield return (o.DataSeed, r => Text(r.Data.Seed));
        yield return (o.Standardize, r => r.Standardize.ToString().ToLowerInvariant());
        var m = o.ModelOptions;
        yield return (m.Model, r => r.Model.ToString().ToLowerInvariant());
        yield return (m.Hidden, r => string.Join(",", r.Hidden));
        yield return (m.Activation, r => r.Activation.ToString().ToLowerInvariant());
        yield return (o.Init, r => r.Init.ToString().ToLowerInvariant());
        yield return (o.BatchSize, r => Text(r.Train.BatchSize));
        yield return (o.LearningRate, r => Text(r.Train.LearningRate));
        yield return (o.Momentum, r => Text(r.Train.Momentum));
        yield return (o.WeightDecay, r => Text(r.Train.WeightDecay));
        yield return (o.Nesterov, r => Text(r.Train.Nesterov));
        yield return (o.Optimizer, r => r.Train.Optimizer.ToString().ToLowerInvariant());
        yield return (o.Beta1, r => Text(r.Train.Beta1));
        yield return (o.Beta2, r => Text(r.Train.Beta2));
        yield return (o.Eps, r => Text(r.Train.Eps));
        yield return (o.Dropout, r => Text(r.Train.Dropout));
        yield return (o.ClassWeight, r => ClassWeightOption.Text(r.Train.ClassWeight));
        yield return (o.Schedule, r => r.Train.Schedule.ToString().ToLowerInvariant());
        yield return (o.StepEpochs, r => Text(r.Train.StepEpochs));
        yield return (o.Gamma, r => Text(r.Train.Gamma));
        yield return (o.Warmup, r => Text(r.Train.WarmupEpochs));
        yield return (o.ClipNorm, r => Text(r.Train.ClipNorm));
        yield return (o.ValFraction, r => Text(r.ValFraction));
        yield return (o.EarlyStopping, r => Text(r.Train.EarlyStoppingPatience));
        yield return (o.NoShuffle, r => Text(!r.Train.Shuffle));
        // Whether the set streams, and how its rows mix when it does, decide the row order: they shape the run too.
        yield return (o.Streaming.MaxMemory, r => Text(r.Train.Streaming.MemoryLimit));
        yield return (o.Streaming.ShuffleBuffer, r => Text(r.Train.Streaming.ShuffleBuffer));
    }

    private static string Processes(int ranks) => ranks == 1 ? "1 process" : $"{ranks} ranks";

    private static string Text(object? value) => value switch
    {
        null => "(none)",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
