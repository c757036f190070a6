using GpuNet.Backends.Ilgpu;
using ILGPU.Runtime.Cuda;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet ptx --out DIR [--arch sm_90] [--isa 7.8]</c>: writes the PTX of every kernel the
/// ILGPU backend loads, one <c>NAME.ptx</c> per kernel, compiled as a CUDA device would compile
/// it. Needs no GPU and no driver; perf/gpu/ptx-report.sh assembles the files with ptxas.
/// </summary>
public static class PtxCommand
{
    public static Command Create(TextWriter stdout)
    {
        var output = new Option<string>("--out") { Description = "Folder to write NAME.ptx files into (created if missing)", Required = true };
        var arch = new Option<string>("--arch") { Description = "CUDA architecture compiled for, sm_XY", DefaultValueFactory = _ => "sm_90" };
        var isa = new Option<string>("--isa") { Description = "PTX ISA version written in .version (7.8 is the newest CUDA 11.8's ptxas accepts)", DefaultValueFactory = _ => "7.8" };
        return Verb.Create("ptx", "Write the PTX of every GPU kernel, compiled as the CUDA backend compiles it (no GPU needed).", [output, arch, isa], parsed =>
        {
            string directory = parsed.GetValue(output)!;
            if (string.IsNullOrWhiteSpace(directory))
                throw new UsageException("--out: empty folder name");
            var architecture = ParseArchitecture(parsed.GetValue(arch)!);
            var instructionSet = ParseInstructionSet(parsed.GetValue(isa)!);
            var paths = PtxExport.Write(directory, architecture, instructionSet);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ptx: {paths.Count} kernels for {parsed.GetValue(arch)} (PTX ISA {parsed.GetValue(isa)}) in {directory}"));
            return ExitCodes.Success;
        });
    }

    private static CudaArchitecture ParseArchitecture(string text)
    {
        var digits = text.StartsWith("sm_", StringComparison.OrdinalIgnoreCase) ? text[3..] : "";
        if (digits.Length is < 2 or > 3 || !digits.All(char.IsAsciiDigit))
            throw new UsageException($"--arch {text}: expected sm_XY, e.g. sm_80 or sm_90");
        return new CudaArchitecture(int.Parse(digits[..^1], CultureInfo.InvariantCulture), digits[^1] - '0');
    }

    private static CudaInstructionSet ParseInstructionSet(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor) || major < 6 || minor > 9)
            throw new UsageException($"--isa {text}: expected a PTX ISA version such as 7.8");
        return new CudaInstructionSet(major, minor);
    }
}
