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
            OutputFolder.Require("--out", directory);
            var architecture = ParseArchitecture(parsed.GetValue(arch)!);
            var instructionSet = ParseInstructionSet(parsed.GetValue(isa)!);
            var paths = PtxExport.Write(directory, architecture, instructionSet);
            // Say what the files target, which is not always what was asked: ILGPU writes its newest target for a newer arch.
            string asked = Name(architecture), target = TargetOf(paths[0]) ?? asked;
            string targets = target == asked ? asked : $"{asked} (the PTX says .target {target}, the newest ILGPU writes; ptxas assembles it for {asked})";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ptx: {paths.Count} kernels for {targets} (PTX ISA {instructionSet.Major}.{instructionSet.Minor}) in {directory}"));
            return ExitCodes.Success;
        });
    }

    /// <summary>The architectures ILGPU knows (its CudaArchitecture.SM_XY values): what a CUDA device of ours can be.</summary>
    private static readonly CudaArchitecture[] Architectures = Known<CudaArchitecture>().OrderBy(a => (a.Major, a.Minor)).ToArray();

    /// <summary>The PTX ISA versions ILGPU knows (its CudaInstructionSet.ISA_XY values) from 6.0, the oldest its PTX backend writes for.</summary>
    private static readonly CudaInstructionSet[] InstructionSets = Known<CudaInstructionSet>().Where(i => i.Major >= 6).OrderBy(i => (i.Major, i.Minor)).ToArray();

    private static IEnumerable<T> Known<T>() where T : struct =>
        typeof(T).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(T)).Select(f => (T)f.GetValue(null)!).Distinct();

    private static string Name(CudaArchitecture a) => string.Create(CultureInfo.InvariantCulture, $"sm_{a.Major}{a.Minor}");

    private static CudaArchitecture ParseArchitecture(string text)
    {
        var digits = text.StartsWith("sm_", StringComparison.OrdinalIgnoreCase) ? text[3..] : "";
        if (digits.Length is < 2 or > 3 || !digits.All(char.IsAsciiDigit))
            throw new UsageException($"--arch {text}: expected sm_XY, e.g. sm_80 or sm_90");
        var architecture = new CudaArchitecture(int.Parse(digits[..^1], CultureInfo.InvariantCulture), digits[^1] - '0');
        if (!Architectures.Contains(architecture))
            throw new UsageException($"--arch {text}: not an architecture ILGPU compiles for (it knows {string.Join(", ", Architectures.Select(Name))})");
        return architecture;
    }

    private static CudaInstructionSet ParseInstructionSet(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
            throw new UsageException($"--isa {text}: expected a PTX ISA version such as 7.8");
        var instructionSet = new CudaInstructionSet(major, minor);
        if (!InstructionSets.Contains(instructionSet))
            throw new UsageException($"--isa {text}: not a PTX ISA version ILGPU writes (it knows {string.Join(", ", InstructionSets.Select(i => $"{i.Major}.{i.Minor}"))})");
        return instructionSet;
    }

    /// <summary>The <c>.target</c> a PTX file names, or null when it names none.</summary>
    private static string? TargetOf(string ptxPath) =>
        File.ReadLines(ptxPath).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(".target ", StringComparison.Ordinal)) is { } line
            ? line[".target ".Length..].Split(',')[0].Trim() : null;
}
