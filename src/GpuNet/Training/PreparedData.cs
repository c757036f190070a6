using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>
/// The data a run trains on, loaded and prepared once: the training split (the validation rows carved out), the
/// validation split (null for none), the test set, and the z-score fitted on the training split (null for none).
/// </summary>
public sealed record PreparedData(DataSplit Data, Dataset? Validation, Standardization? Standardization);
