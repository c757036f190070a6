namespace GpuNet.Tests.Backends;

/// <summary>
/// The IBackend contract, checked op by op against <see cref="GpuNet.Reference.ReferenceOps"/> on
/// fresh random inputs (seeded per test) at sizes that are no tile's multiple. Each backend runs
/// it through one sealed subclass with its own fixture. Outputs are filled with NaN before every
/// op, so an element an op forgets to write fails. The ops live in partial files by family.
///
/// Tolerance: <see cref="GpuNet.Reference.ErrorBound.Float32Op"/>, the bound selftest uses too.
/// </summary>
public abstract partial class BackendContractTests(BackendFixture fixture)
{
    /// <summary>The backend under test; skips the test when the fixture found no device.</summary>
    protected IBackend Backend
    {
        get
        {
            if (fixture.SkipReason is { } reason)
                Assert.Skip(reason);
            return fixture.Backend!;
        }
    }

    /// <summary>The device id under test (<see cref="TestDevices.Ids"/>).</summary>
    protected string Device => fixture.Device;

    /// <summary>This device's backend switched to GEMM rung <paramref name="rung"/>; skips where the device has no such rung.</summary>
    protected IBackend RungBackend(GpuNet.Kernels.GemmKernel rung)
    {
        _ = Backend; // skips when the device is absent
        var backend = fixture.ForRung(rung, out string? reason);
        if (backend is null)
            Assert.Skip(reason!);
        return backend;
    }

    /// <summary>A seeded generator per test, so a failure reproduces.</summary>
    protected static Random Rng(params int[] parts)
    {
        int seed = 17;
        foreach (int part in parts)
            seed = unchecked(seed * 31 + part);
        return new Random(seed);
    }

    protected static float[] RandomFloats(Random rng, int count, float magnitude = 1f)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)((rng.NextDouble() * 2 - 1) * magnitude);
        return values;
    }

    protected static int[] RandomInts(Random rng, int count, int below)
    {
        var values = new int[count];
        for (int i = 0; i < count; i++)
            values[i] = rng.Next(below);
        return values;
    }

    protected static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>
    /// A view of <paramref name="data"/>.Length elements at <paramref name="offset"/> into a longer,
    /// NaN-filled buffer: ops must honour slice offsets and leave the rest alone.
    /// </summary>
    protected DeviceBuffer<float> Place(float[] data, int offset = 0, int slack = 0)
    {
        var whole = Backend.Allocate<float>(offset + data.Length + slack);
        Backend.Upload<float>(Nans(whole.Length), whole);
        var view = whole.Slice(offset, data.Length);
        Backend.Upload<float>(data, view);
        return view;
    }

    protected DeviceBuffer<int> Place(int[] data, int offset = 0)
    {
        var whole = Backend.Allocate<int>(offset + data.Length);
        var view = whole.Slice(offset, data.Length);
        Backend.Upload<int>(data, view);
        return view;
    }

    /// <summary><paramref name="labels"/> at their stored width (<see cref="ClassLabels"/>), <paramref name="offset"/> labels into a longer buffer.</summary>
    protected DeviceLabels PlaceLabels(int[] labels, int offset = 0)
    {
        var stored = ClassLabels.From(labels);
        var whole = Backend.Allocate<byte>((offset + labels.Length) * stored.Width);
        var view = whole.Slice(offset * stored.Width, stored.Stored.Length);
        Backend.Upload<byte>(stored.Stored, view);
        return new DeviceLabels(view, stored.Width);
    }

    /// <summary>An output of <paramref name="length"/> NaNs at <paramref name="offset"/>.</summary>
    protected DeviceBuffer<float> Poisoned(int length, int offset = 0, int slack = 0) => Place(Nans(length), offset, slack);

    protected T[] Read<T>(DeviceBuffer<T> buffer, int count) where T : unmanaged
    {
        var values = new T[count];
        Backend.Download(buffer, values);
        return values;
    }

    protected static float[] Nans(int count)
    {
        var values = new float[count];
        Array.Fill(values, float.NaN);
        return values;
    }

    protected static void AssertClose(float[] got, double[] want, double[] scale, string what)
    {
        Assert.Equal(want.Length, got.Length);
        var bound = GpuNet.Reference.ErrorBound.Float32Op;
        for (int i = 0; i < want.Length; i++)
        {
            double error = Math.Abs(got[i] - want[i]);
            if (!(error <= bound.At(scale[i])))
                Assert.Fail($"{what}[{i}]: got {got[i]:R}, want {want[i]:R} (error {error:E2}, scale {scale[i]:G4})");
        }
    }

    /// <summary>An op declaration's check (src/GpuNet/Reference) within its bound, or a failure naming the worst element.</summary>
    protected static void AssertPassed(GpuNet.Reference.OpCheck check, string what) =>
        Assert.True(check.Passed, $"{what}: {check.Worst}, {check.WorstRatio:G3} of the bound");

    protected static void AssertClose(float[] got, double[] want, string what) =>
        AssertClose(got, want, GpuNet.Reference.ErrorBound.ElementScale(want), what);
}
