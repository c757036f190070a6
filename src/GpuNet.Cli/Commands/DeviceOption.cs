namespace GpuNet.Cli.Commands;

/// <summary>--device, declared once for train, eval, predict, gradcheck, bench and selftest: the same name and grammar everywhere.</summary>
internal static class DeviceOption
{
    public const string Name = "--device";

    /// <summary>One device, auto by default (train, eval, predict, gradcheck).</summary>
    public static Option<string> Create() =>
        new(Name) { Description = $"{DeviceSpec.Grammar} (see 'gpunet devices')", DefaultValueFactory = _ => "auto" };

    /// <summary>Several devices to compare, comma-separated or repeated, cpu by default (bench); read with <see cref="ReadList"/>.</summary>
    public static Option<string[]> CreateList() =>
        new(Name) { Description = $"Devices to compare, comma-separated or repeated: {DeviceSpec.Grammar} (see 'gpunet devices')", DefaultValueFactory = _ => ["cpu"] };

    /// <summary>One ILGPU device, required (selftest checks the kernels, which the managed cpu backend does not run).</summary>
    public static Option<string> CreateIlgpu()
    {
        var option = new Option<string>(Name) { Description = "An ILGPU device: ilgpu-cpu, cuda[:N] or opencl[:N]", Required = true };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (DeviceSpec.TryParse(value, out var spec) && spec.Kind is not (DeviceSpecKind.IlgpuCpu or DeviceSpecKind.Cuda or DeviceSpecKind.OpenCL))
                result.AddError($"{Name} {value}: selftest checks ILGPU devices (ilgpu-cpu, cuda[:N], opencl[:N]), not {spec}");
        });
        return option;
    }

    /// <summary>Comma-separated and repeated values, in order, each once; a malformed id fails here, before any device is opened or timed.</summary>
    public static IReadOnlyList<string> ReadList(IEnumerable<string> values)
    {
        var devices = values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToList();
        if (devices.Count == 0 || devices.Any(d => d.Length == 0))
            throw new UsageException($"{Name} needs one or more device ids, e.g. cpu or cpu,cuda");
        foreach (var device in devices)
            DeviceSpec.Parse(device);
        return devices.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }
}
