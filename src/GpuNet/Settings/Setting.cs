namespace GpuNet.Settings;

/// <summary>
/// A user-facing setting, named by its property (<see cref="Training.TrainOptions"/>, <see cref="Data.DataOptions"/>, …).
/// Library errors carry these identities (<see cref="SettingMessage"/>), never an option's spelling: the CLI maps each
/// to the flag that sets it, another front end to its own name.
/// </summary>
public enum Setting
{
    Epochs,
    BatchSize,
    LearningRate,
    Momentum,
    WeightDecay,
    Nesterov,
    Beta1,
    Beta2,
    Eps,
    Dropout,
    StepEpochs,
    Gamma,
    WarmupEpochs,
    ClipNorm,
    EarlyStoppingPatience,
    ValidationFraction,
    Data,
    DataDir,
    TestData,
    Labels,
    TestLabels,
    Samples,
    Classes,
    Noise,
    TestFraction,
    LabelColumn,
    IgnoreColumns,
    IdColumn,
    Categorical,
    Impute,
    Model,
    Hidden,
    Activation,
    Device,
    Distributed,
    InitFrom,
    OutDir,
}
