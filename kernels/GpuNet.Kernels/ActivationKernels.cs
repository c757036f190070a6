using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// Elementwise activation kernels: bias + activation fused in place (the forward of a
/// linear layer after its GEMM), a plain forward, and the backward written from the
/// forward output (see <see cref="Activation"/>). The activation travels as an int
/// because it crosses the kernel boundary; the branch on it is uniform across threads.
/// </summary>
public static class ActivationKernels
{
    /// <summary>f(x) for the activation with the given <see cref="Activation"/> value.</summary>
    public static float Apply(int activation, float x)
    {
        if (activation == (int)Activation.Relu)
            return x > 0f ? x : 0f;
        if (activation == (int)Activation.Sigmoid)
            return Sigmoid(x);
        if (activation == (int)Activation.Tanh)
            return Tanh(x);
        return x;
    }

    /// <summary>f'(z) expressed through y = f(z).</summary>
    public static float DerivativeFromOutput(int activation, float y)
    {
        if (activation == (int)Activation.Relu)
            return y > 0f ? 1f : 0f;
        if (activation == (int)Activation.Sigmoid)
            return y * (1f - y);
        if (activation == (int)Activation.Tanh)
            return 1f - y * y;
        return 1f;
    }

    /// <summary>
    /// σ(x) without overflow: e = exp(−|x|) is in (0, 1], so neither branch divides inf by inf.
    /// The CPU backend calls this one too (MathF inside a kernel becomes the device's own function).
    /// </summary>
    public static float Sigmoid(float x)
    {
        float e = MathF.Exp(-MathF.Abs(x));
        return x >= 0f ? 1f / (1f + e) : e / (1f + e);
    }

    /// <summary>
    /// tanh from exp, accurate on every backend, and the one tanh: the CPU backend calls it too, so cpu and
    /// ilgpu-cpu give the same bits. ILGPU's CUDA mapping of XMath.Tanh is (e^{2x} − 1)/(e^{2x} + 1), which
    /// cancels badly near 0 (relative error ~1e-3 at x = 1e-4). Here small |x| uses the odd Taylor series
    /// (|x| &lt; 0.3: the next term is below float precision), larger |x| uses (1 − t)/(1 + t) with
    /// t = e^{−2|x|} ≤ 0.55, where the subtraction loses at most one bit and t cannot overflow. MathF, as in
    /// <see cref="Sigmoid"/>: on a device it becomes the device's own exp, on the host it is .NET's.
    /// </summary>
    public static float Tanh(float x)
    {
        float ax = MathF.Abs(x);
        if (ax < 0.3f)
        {
            float x2 = x * x;
            // x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925
            return x * (1f + x2 * (-1f / 3f + x2 * (2f / 15f + x2 * (-17f / 315f + x2 * (62f / 2835f + x2 * (-1382f / 155925f))))));
        }
        float t = MathF.Exp(-2f * ax);
        float r = (1f - t) / (1f + t);
        return x < 0f ? -r : r;
    }

    /// <summary>y[r, c] = f(y[r, c] + bias[c]) over a [rows, cols] matrix, one thread per element.</summary>
    public static void BiasActivation(Index1D index, ArrayView<float> y, ArrayView<float> bias, int cols, int activation)
    {
        int i = index.X;
        y[i] = Apply(activation, y[i] + bias[i % cols]);
    }

    /// <summary>output[i] = f(input[i]); input and output may alias (each thread touches one element).</summary>
    public static void Forward(Index1D index, ArrayView<float> input, ArrayView<float> output, int activation)
    {
        int i = index.X;
        output[i] = Apply(activation, input[i]);
    }

    /// <summary>gradInput[i] = gradOutput[i]·f'(z_i) from y = output[i]; gradInput may alias gradOutput.</summary>
    public static void Backward(Index1D index, ArrayView<float> gradOutput, ArrayView<float> output, ArrayView<float> gradInput, int activation)
    {
        int i = index.X;
        gradInput[i] = gradOutput[i] * DerivativeFromOutput(activation, output[i]);
    }
}
