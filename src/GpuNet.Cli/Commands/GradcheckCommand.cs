using GpuNet.Reference;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet gradcheck</c>: the backend's analytic gradients against centred finite differences of
/// the float64 reference model, per parameter tensor, on a small random batch
/// (<see cref="GradientCheck"/>). Exit 0 when every tensor is within the threshold, 1 otherwise.
/// </summary>
public static class GradcheckCommand
{
    public static Command Create(TextWriter stdout)
    {
        var o = new GradcheckCommandOptions();
        return Verb.Create("gradcheck",
            $"Check the backend's gradients against float64 centred finite differences; fails when a tensor's relative error exceeds --threshold (default {GradientCheck.DefaultThreshold.ToString(CultureInfo.InvariantCulture)}).",
            o.All, parsed => Run(o.Read(parsed), stdout));
    }

    private static int Run(GradcheckRequest request, TextWriter stdout)
    {
        var spec = ModelSpec.Create(request.Model, request.Inputs, request.Classes, request.Hidden, request.Activation);
        BufferCheck.Require($"--rows {request.Rows} with --inputs {request.Inputs} and --hidden {string.Join(",", spec.Hidden)}",
            [("the random batch", (double)request.Rows * request.Inputs), .. Network.Buffers(spec, request.Rows)]);
        using var backend = DeviceCatalog.Open(request.Device, out var notice);
        stdout.WriteLine(notice);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: {spec.Describe()}, {request.Rows} random rows, seed {request.Seed}; relative error = max|analytic − numeric| / max|numeric| per tensor"));

        var errors = GradientCheck.Run(backend, spec, request.Rows, request.Seed);
        var rows = errors.Select(e => new[]
        {
            e.Name, e.Count.ToString(CultureInfo.InvariantCulture), Scientific(e.MaxAbsoluteError), Scientific(e.MaxGradient),
            Scientific(e.RelativeError), e.RelativeError <= request.Threshold ? "ok" : "FAIL",
        }).ToList();
        TextTable.Write(stdout, ["tensor", "elements", "max |Δ|", "max |numeric|", "relative error", ""], rows);

        var failed = errors.Where(e => !(e.RelativeError <= request.Threshold)).ToList(); // NaN fails too
        if (failed.Count > 0)
            throw new GpuNetException("gradient check failed: " + string.Join(", ", failed.Select(e => $"{e.Name} relative error {Scientific(e.RelativeError)}"))
                + $" > threshold {Scientific(request.Threshold)}");
        stdout.WriteLine($"ok: all {errors.Count} tensors within {Scientific(request.Threshold)}");
        return ExitCodes.Success;
    }

    private static string Scientific(double value) => value.ToString("0.00E+00", CultureInfo.InvariantCulture);
}
