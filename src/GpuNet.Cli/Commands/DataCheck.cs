namespace GpuNet.Cli.Commands;

/// <summary>A resumed run trains on the very bytes it started on: the files run.json fingerprinted must still be there, unchanged.</summary>
public static class DataCheck
{
    public static void RequireSame(IReadOnlyList<DataFile>? recorded, DataOptions data)
    {
        if (recorded is null) return; // a run description from before fingerprints were kept
        var now = DataFile.Read(data);
        for (int i = 0; i < recorded.Count; i++)
        {
            var then = recorded[i];
            var current = i < now.Count ? now[i] : null;
            if (current is null)
                throw new DataException($"{then.Path}: the run was trained on this file, and it is not found now");
            if (current != then)
                throw new DataException($"the data differs from what the run was trained on: it recorded {then}, and {current} is there now");
        }
    }
}
