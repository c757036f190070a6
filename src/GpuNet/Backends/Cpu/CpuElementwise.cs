using System.Numerics;
using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// Activations, bias and column sums: single-threaded (memory-bound and small next to the
/// GEMMs), Vector&lt;float&gt; where the math allows. Element i's result never depends on the
/// vector/scalar split, so aliasing input and output is safe.
/// </summary>
internal static class CpuElementwise
{
    public static void BiasActivation(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols, Activation activation)
    {
        bias = bias[..cols];
        for (int r = 0; r < rows; r++)
        {
            var row = y.Slice(r * cols, cols);
            Dispatch<ForwardOp>(activation, row, bias, row);
        }
    }

    public static void Forward(ReadOnlySpan<float> input, Span<float> output, Activation activation) =>
        Dispatch<ForwardOp>(activation, input, default, output);

    public static void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> output, Span<float> gradInput, Activation activation) =>
        Dispatch<BackwardOp>(activation, gradOutput, output, gradInput);

    /// <summary>Rows are added in order, so each sum's rounding is fixed.</summary>
    public static void ColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<float> sums)
    {
        sums = sums[..cols];
        if (rows == 0)
        {
            sums.Clear();
            return;
        }
        x[..cols].CopyTo(sums);
        for (int r = 1; r < rows; r++)
            Add(x.Slice(r * cols, cols), sums);
    }

    private static void Add(ReadOnlySpan<float> x, Span<float> sums)
    {
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(sums[i..]) + new Vector<float>(x[i..])).CopyTo(sums[i..]);
        for (; i < x.Length; i++)
            sums[i] += x[i];
    }

    /// <summary>An elementwise pass over two inputs into <c>output</c>, compiled once per activation.</summary>
    private interface IActivationOp
    {
        static abstract void Apply<TFunction>(ReadOnlySpan<float> first, ReadOnlySpan<float> second, Span<float> output)
            where TFunction : struct, IActivationFunction;
    }

    private static void Dispatch<TOp>(Activation activation, ReadOnlySpan<float> first, ReadOnlySpan<float> second, Span<float> output)
        where TOp : struct, IActivationOp
    {
        switch (activation)
        {
            case Activation.Identity: TOp.Apply<IdentityFunction>(first, second, output); break;
            case Activation.Relu: TOp.Apply<ReluFunction>(first, second, output); break;
            case Activation.Sigmoid: TOp.Apply<SigmoidFunction>(first, second, output); break;
            case Activation.Tanh: TOp.Apply<TanhFunction>(first, second, output); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    /// <summary>output = f(input + bias), bias empty for no bias.</summary>
    private struct ForwardOp : IActivationOp
    {
        public static void Apply<TFunction>(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output)
            where TFunction : struct, IActivationFunction
        {
            int n = output.Length;
            var x = input[..n];
            bool hasBias = !bias.IsEmpty;
            int i = 0;
            if (TFunction.HasVectorForward)
            {
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var z = new Vector<float>(x[i..]);
                    if (hasBias)
                        z += new Vector<float>(bias[i..]);
                    TFunction.Forward(z).CopyTo(output[i..]);
                }
            }
            for (; i < n; i++)
                output[i] = TFunction.Forward(hasBias ? x[i] + bias[i] : x[i]);
        }
    }

    /// <summary>gradInput = gradOutput ∘ f'(output), the derivative written from the layer's output.</summary>
    private struct BackwardOp : IActivationOp
    {
        public static void Apply<TFunction>(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> output, Span<float> gradInput)
            where TFunction : struct, IActivationFunction
        {
            int n = gradInput.Length;
            var g = gradOutput[..n];
            var y = output[..n];
            int i = 0;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(g[i..]) * TFunction.Derivative(new Vector<float>(y[i..]))).CopyTo(gradInput[i..]);
            for (; i < n; i++)
                gradInput[i] = g[i] * TFunction.Derivative(y[i]);
        }
    }
}
