using GpuNet.Settings;

namespace GpuNet.Devices;

public enum DeviceSpecKind
{
    Auto,
    Cpu,
    IlgpuCpu,
    Cuda,
    OpenCL,
}

/// <summary>
/// A parsed device spec (the `Device` setting): auto | cpu | ilgpu-cpu | cuda[:N] | opencl[:N]
/// (case-insensitive, N a non-negative decimal index, default 0).
/// </summary>
public readonly record struct DeviceSpec(DeviceSpecKind Kind, int Index = 0)
{
    public const string Grammar = "auto, cpu, ilgpu-cpu, cuda[:N] or opencl[:N]";

    /// <summary>Parses a spec or throws <see cref="UsageException"/> naming the bad value.</summary>
    public static DeviceSpec Parse(string? spec)
    {
        if (TryParse(spec, out var parsed))
            return parsed;
        throw new UsageException($"{Setting.Device} '{spec}' is not a device spec: expected {Grammar}");
    }

    public static bool TryParse(string? spec, out DeviceSpec parsed)
    {
        parsed = default;
        if (string.IsNullOrWhiteSpace(spec))
            return false;
        string s = spec.Trim().ToLowerInvariant();
        switch (s)
        {
            case "auto": parsed = new(DeviceSpecKind.Auto); return true;
            case "cpu": parsed = new(DeviceSpecKind.Cpu); return true;
            case "ilgpu-cpu": parsed = new(DeviceSpecKind.IlgpuCpu); return true;
        }

        int colon = s.IndexOf(':');
        string head = colon < 0 ? s : s[..colon];
        DeviceSpecKind kind;
        if (head == "cuda")
            kind = DeviceSpecKind.Cuda;
        else if (head == "opencl")
            kind = DeviceSpecKind.OpenCL;
        else
            return false;

        int index = 0;
        if (colon >= 0)
        {
            string digits = s[(colon + 1)..];
            // Plain decimal digits only: no sign, no spaces, no hex, bounded length.
            if (digits.Length is 0 or > 6 || !digits.All(char.IsAsciiDigit))
                return false;
            index = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }
        parsed = new(kind, index);
        return true;
    }

    /// <summary>The canonical id, as <c>gpunet devices</c> lists it.</summary>
    public override string ToString() => Kind switch
    {
        DeviceSpecKind.Auto => "auto",
        DeviceSpecKind.Cpu => "cpu",
        DeviceSpecKind.IlgpuCpu => "ilgpu-cpu",
        DeviceSpecKind.Cuda => $"cuda:{Index}",
        _ => $"opencl:{Index}",
    };
}
