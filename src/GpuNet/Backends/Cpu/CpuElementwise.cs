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
            Dispatch(activation, new ForwardOp(row, bias, row));
        }
    }

    public static void Forward(ReadOnlySpan<float> input, Span<float> output, Activation activation) =>
        Dispatch(activation, new ForwardOp(input, default, output));

    public static void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> output, Span<float> gradInput, Activation activation) =>
        Dispatch(activation, new BackwardOp(gradOutput, output, gradInput));

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

    private interface IActivationOp
    {
        void Apply<TFunction>() where TFunction : struct, IActivationFunction;
    }

    private static void Dispatch<TOp>(Activation activation, TOp op) where TOp : struct, IActivationOp, allows ref struct
    {
        switch (activation)
        {
            case Activation.Identity: op.Apply<IdentityFunction>(); break;
            case Activation.Relu: op.Apply<ReluFunction>(); break;
            case Activation.Sigmoid: op.Apply<SigmoidFunction>(); break;
            case Activation.Tanh: op.Apply<TanhFunction>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    /// <summary>output = f(input + bias), bias empty for no bias.</summary>
    private readonly ref struct ForwardOp(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output) : IActivationOp
    {
        private readonly ReadOnlySpan<float> _input = input, _bias = bias;
        private readonly Span<float> _output = output;

        public void Apply<TFunction>() where TFunction : struct, IActivationFunction
        {
            int n = _output.Length;
            var x = _input[..n];
            bool hasBias = !_bias.IsEmpty;
            int i = 0;
            if (TFunction.HasVectorForward)
            {
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var z = new Vector<float>(x[i..]);
                    if (hasBias)
                        z += new Vector<float>(_bias[i..]);
                    TFunction.Forward(z).CopyTo(_output[i..]);
                }
            }
            for (; i < n; i++)
                _output[i] = TFunction.Forward(hasBias ? x[i] + _bias[i] : x[i]);
        }
    }

    private readonly ref struct BackwardOp(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> output, Span<float> gradInput) : IActivationOp
    {
        private readonly ReadOnlySpan<float> _gradOutput = gradOutput, _output = output;
        private readonly Span<float> _gradInput = gradInput;

        public void Apply<TFunction>() where TFunction : struct, IActivationFunction
        {
            int n = _gradInput.Length;
            var g = _gradOutput[..n];
            var y = _output[..n];
            int i = 0;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(g[i..]) * TFunction.Derivative(new Vector<float>(y[i..]))).CopyTo(_gradInput[i..]);
            for (; i < n; i++)
                _gradInput[i] = g[i] * TFunction.Derivative(y[i]);
        }
    }
}
