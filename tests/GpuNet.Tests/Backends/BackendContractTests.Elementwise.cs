namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    public static TheoryData<Activation, int, int> ActivationShapes()
    {
        var data = new TheoryData<Activation, int, int>();
        foreach (var activation in Enum.GetValues<Activation>())
            foreach ((int rows, int cols) in new[] { (1, 1), (7, 33), (129, 7) })
                data.Add(activation, rows, cols);
        return data;
    }

    public static TheoryData<Activation, int, bool> ActivationCounts()
    {
        var data = new TheoryData<Activation, int, bool>();
        foreach (var activation in Enum.GetValues<Activation>())
            foreach ((int count, bool inPlace) in new[] { (1, false), (33, true), (129, false) })
                data.Add(activation, count, inPlace);
        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationShapes), MemberType = typeof(BackendContractTests))]
    public void BiasActivation_MatchesReference(Activation activation, int rows, int cols)
    {
        var rng = Rng(10, (int)activation, rows, cols);
        float[] y0 = RandomFloats(rng, rows * cols, 3f), bias = RandomFloats(rng, cols, 3f);
        var y = Place(y0, offset: 2, slack: 1);
        Backend.BiasActivation(y, Place(bias, offset: 1), rows, cols, activation);

        double[] want = ToDouble(y0);
        ReferenceOps.BiasActivation(want, ToDouble(bias), rows, cols, activation);
        AssertClose(Read(y, want.Length), want, $"{activation} y");
    }

    [Theory]
    [MemberData(nameof(ActivationCounts), MemberType = typeof(BackendContractTests))]
    public void ActivationForward_MatchesReference(Activation activation, int count, bool inPlace)
    {
        float[] z = RandomFloats(Rng(11, (int)activation, count), count, 4f);
        var input = Place(z, offset: 3);
        var output = inPlace ? input : Poisoned(count, offset: 1);
        Backend.ActivationForward(input, output, count, activation);

        var want = new double[count];
        ReferenceOps.ActivationForward(ToDouble(z), want, count, activation);
        AssertClose(Read(output, count), want, $"{activation} output");
    }

    [Theory]
    [MemberData(nameof(ActivationCounts), MemberType = typeof(BackendContractTests))]
    public void ActivationBackward_UsesTheForwardOutput(Activation activation, int count, bool inPlace)
    {
        var rng = Rng(12, (int)activation, count);
        float[] gradOut = RandomFloats(rng, count);
        // A real forward output: relu zeros, sigmoid in (0, 1), tanh in (−1, 1).
        float[] y = Array.ConvertAll(RandomFloats(rng, count, 3f), z => (float)ReferenceOps.Activate(z, activation));
        var gradOutput = Place(gradOut, offset: 1);
        var gradInput = inPlace ? gradOutput : Poisoned(count, offset: 2);
        Backend.ActivationBackward(gradOutput, Place(y, offset: 4), gradInput, count, activation);

        var want = new double[count];
        ReferenceOps.ActivationBackward(ToDouble(gradOut), ToDouble(y), want, count, activation);
        AssertClose(Read(gradInput, count), want, $"{activation} gradInput");
    }

    /// <summary>
    /// Tiny inputs, where exp-based tanh and sigmoid formulas lose their relative precision, and
    /// saturated ones. The scale floor is 1e-3, not 1: a tiny output must be right relative to itself.
    /// </summary>
    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    public void Activations_KeepPrecisionAtTinyAndSaturatedInputs(Activation activation)
    {
        float[] z = [1e-4f, -3e-6f, 0f, 0.29f, -0.31f, 20f, -20f, 1e-30f, -7e-8f];
        var bias = new float[z.Length];
        var y = Place(z, offset: 1);
        Backend.BiasActivation(y, Place(bias), 1, z.Length, activation);
        var output = Poisoned(z.Length, offset: 2);
        Backend.ActivationForward(Place(z, offset: 3), output, z.Length, activation);

        var want = new double[z.Length];
        ReferenceOps.ActivationForward(ToDouble(z), want, z.Length, activation);
        double[] scale = Array.ConvertAll(want, w => Math.Max(1e-3, Math.Abs(w)));
        AssertClose(Read(y, z.Length), want, scale, $"{activation} bias+activation");
        AssertClose(Read(output, z.Length), want, scale, $"{activation} forward");
    }

    /// <summary>
    /// One tanh (<see cref="GpuNet.Kernels.ActivationKernels.Tanh"/>): the devices that run .NET's own math (the CPU
    /// backends and ILGPU's CPU accelerator) give its bits exactly, in the plain forward and the bias epilogue, on both
    /// sides of the series' 0.3 switch and into saturation. A GPU's exp and FMA contraction may round differently;
    /// there the bound of the tests above holds.
    /// </summary>
    [Fact]
    public void Tanh_gives_the_shared_scalar_functions_bits()
    {
        if (Device is not ("cpu" or "cpu-avx512" or "cpu-avx2" or "ilgpu-cpu"))
            Assert.Skip($"{Device} computes exp with its own instructions");
        var z = new float[129];
        for (int i = 0; i < z.Length; i++) z[i] = (i - 64) / 16f * MathF.Abs((i - 64) / 16f) + (i % 3 - 1) * 1e-3f; // −16 … 16, dense near 0
        z[0] = 0.3f;
        z[1] = -0.29999998f;
        var output = Poisoned(z.Length, offset: 2);
        Backend.ActivationForward(Place(z, offset: 3), output, z.Length, Activation.Tanh);
        var y = Place(z, offset: 1);
        Backend.BiasActivation(y, Place(new float[z.Length]), 1, z.Length, Activation.Tanh);

        var want = Array.ConvertAll(z, GpuNet.Kernels.ActivationKernels.Tanh);
        Assert.Equal(Array.ConvertAll(want, BitConverter.SingleToInt32Bits), Array.ConvertAll(Read(output, z.Length), BitConverter.SingleToInt32Bits));
        Assert.Equal(Array.ConvertAll(want, BitConverter.SingleToInt32Bits), Array.ConvertAll(Read(y, z.Length), BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Allocate_ZeroFills()
    {
        using var buffer = Backend.Allocate<float>(129);
        Assert.All(Read(buffer, 129), v => Assert.Equal(0f, v));
        using var labels = Backend.Allocate<int>(33);
        Assert.All(Read(labels, 33), v => Assert.Equal(0, v));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 33)]
    [InlineData(129, 7)]
    [InlineData(33, 129)]
    public void ColumnSums_MatchesReference(int rows, int cols)
    {
        float[] x = RandomFloats(Rng(13, rows, cols), rows * cols);
        var sums = Poisoned(cols, offset: 1, slack: 1);
        Backend.ColumnSums(Place(x, offset: 2), rows, cols, sums);

        var want = new double[cols];
        ReferenceOps.ColumnSums(ToDouble(x), rows, cols, want);
        var scale = new double[cols];
        ReferenceOps.ColumnSums(Array.ConvertAll(x, v => Math.Abs((double)v)), rows, cols, scale);
        AssertClose(Read(sums, cols), want, scale, "column sums");
    }

    [Fact]
    public void Fill_And_Copy_StayInsideTheirCount()
    {
        var buffer = Poisoned(40, offset: 3);
        Backend.Fill(buffer, 33, 2.5f);
        float[] filled = Read(buffer, 40);
        Assert.All(filled[..33], v => Assert.Equal(2.5f, v));
        Assert.All(filled[33..], v => Assert.True(float.IsNaN(v)));

        float[] source = RandomFloats(Rng(14), 129);
        var destination = Poisoned(130, offset: 5);
        Backend.Copy(Place(source, offset: 7), destination, 129);
        float[] copied = Read(destination, 130);
        Assert.Equal(source, copied[..129]);
        Assert.True(float.IsNaN(copied[129]));
    }
}
