namespace GpuNet.Cli.Commands;

/// <summary><c>gpunet devices</c>: every accelerator found, with what --device calls it.</summary>
public static class DevicesCommand
{
    public static Command Create(TextWriter stdout)
    {
        return Verb.Create("devices", "List every device GpuNet can train on, with the name --device takes.", [], _ =>
        {
            var rows = DeviceCatalog.Discover()
                .Select(d => new[] { d.Id, d.Kind.ToString(), d.Name, Units.Bytes(d.MemoryBytes), d.Usable ? d.Details : $"not usable: {d.Details}" })
                .ToList();
            TextTable.Write(stdout, ["device", "kind", "name", "memory", "details"], rows);
            return ExitCodes.Success;
        });
    }
}
