namespace GpuNet.Data;
// TEMPORARY STUB so the CLI compiles before the data work merges; replaced by the data branch.
public static class DataSources { public static DataSplit Load(DataOptions options) => throw new NotImplementedException(); }
