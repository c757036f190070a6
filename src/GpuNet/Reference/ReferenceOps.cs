using GpuNet.Backends;
using GpuNet.Kernels;

namespace GpuNet.Reference;

/// <summary>
/// A float64 reference beside every <see cref="IBackend"/> op: plain loops over double[], written
/// for obviousness, not speed. Tests compare each backend against these; the same names, argument
/// order and in-place conventions as IBackend, so a test reads the same on both sides.
/// </summary>
public static class ReferenceOps
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C per batch; with beta == 0, C is not read.</summary>
    public static void Gemm(in GemmShape s, double[] a, double[] b, double[] c)
    {
        for (int batch = 0; batch < s.Batch; batch++)
        {
            long offA = batch * s.StrideA, offB = batch * s.StrideB, offC = batch * s.StrideC;
            for (int i = 0; i < s.M; i++)
                for (int j = 0; j < s.N; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < s.K; k++)
                    {
                        double av = a[offA + (s.TransA ? (long)k * s.M + i : (long)i * s.K + k)];
                        double bv = b[offB + (s.TransB ? (long)j * s.K + k : (long)k * s.N + j)];
                        sum += av * bv;
                    }
                    long ci = offC + (long)i * s.N + j;
                    c[ci] = s.Alpha * sum + (s.Beta == 0 ? 0 : s.Beta * c[ci]);
                }
        }
    }

    public static double Activate(double z, Activation activation) => activation switch
    {
        Activation.Identity => z,
        Activation.Relu => Math.Max(z, 0),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>f'(z) written from the output y = f(z), as <see cref="Activation"/> defines it.</summary>
    public static double DerivativeFromOutput(double y, Activation activation) => activation switch
    {
        Activation.Identity => 1,
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.Sigmoid => y * (1 - y),
        Activation.Tanh => 1 - y * y,
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    public static void BiasActivation(double[] y, double[] bias, int rows, int cols, Activation activation)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                y[r * cols + c] = Activate(y[r * cols + c] + bias[c], activation);
    }

    public static void ActivationForward(double[] input, double[] output, int count, Activation activation)
    {
        for (int i = 0; i < count; i++)
            output[i] = Activate(input[i], activation);
    }

    public static void ActivationBackward(double[] gradOutput, double[] output, double[] gradInput, int count, Activation activation)
    {
        for (int i = 0; i < count; i++)
            gradInput[i] = gradOutput[i] * DerivativeFromOutput(output[i], activation);
    }

    public static void ColumnSums(double[] x, int rows, int cols, double[] sums)
    {
        for (int c = 0; c < cols; c++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++)
                sum += x[r * cols + c];
            sums[c] = sum;
        }
    }

    /// <summary>
    /// Accumulates stats[2r] += w_r·loss_r, stats[2r + 1] += correct_r; writes the gradient gradScale·w_r·(p − onehot) when
    /// gradLogits is not null. w_r = classWeights[y_r] (PyTorch's CrossEntropyLoss(weight=)), or 1 without weights.
    /// </summary>
    public static void SoftmaxCrossEntropy(double[] logits, int[] labels, int rows, int classes,
        double[]? gradLogits, double gradScale, double[] stats, double[]? classWeights = null)
    {
        var p = new double[classes];
        for (int r = 0; r < rows; r++)
        {
            var z = logits.AsSpan(r * classes, classes);
            int label = labels[r];
            double w = classWeights?[label] ?? 1;
            (int argmax, double logSumExp) = RowSoftmax(z, p);
            stats[2 * r] += w * (logSumExp - z[label]);
            stats[2 * r + 1] += argmax == label ? 1 : 0;
            if (gradLogits is not null)
                for (int c = 0; c < classes; c++)
                    gradLogits[r * classes + c] = gradScale * w * (p[c] - (c == label ? 1 : 0));
        }
    }

    /// <summary>The sigmoid binary cross-entropy, weighted (by the two class weights) or not as <see cref="SoftmaxCrossEntropy"/>.</summary>
    public static void SigmoidBinaryCrossEntropy(double[] logits, int[] labels, int rows,
        double[]? gradLogits, double gradScale, double[] stats, double[]? classWeights = null)
    {
        for (int r = 0; r < rows; r++)
        {
            double z = logits[r];
            int y = labels[r];
            double w = classWeights?[y] ?? 1;
            stats[2 * r] += w * (Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z))));
            stats[2 * r + 1] += (z > 0) == (y == 1) ? 1 : 0;
            if (gradLogits is not null)
                gradLogits[r] = gradScale * w * (1 / (1 + Math.Exp(-z)) - y);
        }
    }

    public static void Softmax(double[] logits, double[] probabilities, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
            RowSoftmax(logits.AsSpan(r * classes, classes), probabilities.AsSpan(r * classes, classes));
    }

    /// <summary>clip_grad_norm_'s factor: maxNorm / (‖g‖ + 1e-6) when the L2 norm of the first count gradients exceeds maxNorm, else 1.</summary>
    public static double ClipScale(double[] gradients, int count, double maxNorm)
    {
        double sumOfSquares = 0;
        for (int i = 0; i < count; i++) sumOfSquares += gradients[i] * gradients[i];
        double norm = Math.Sqrt(sumOfSquares);
        return norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
    }

    /// <summary>PyTorch's SGD, see <see cref="SgdParams"/>, the raw gradients first multiplied by <paramref name="gradScale"/> (clipping).</summary>
    public static void SgdUpdate(double[] parameters, double[] gradients, double[] velocity, int count, in SgdParams sgd, double gradScale = 1)
    {
        for (int i = 0; i < count; i++)
        {
            double g = gradScale * gradients[i] + (double)sgd.WeightDecay * parameters[i];
            double step = g;
            if (sgd.Momentum != 0)
            {
                velocity[i] = sgd.Momentum * velocity[i] + g;
                step = sgd.Nesterov ? g + sgd.Momentum * velocity[i] : velocity[i];
            }
            parameters[i] -= sgd.LearningRate * step;
        }
    }

    /// <summary>
    /// torch.optim.Adam / AdamW in float64, written from their documented update rule rather than from
    /// <see cref="AdamParams.KernelParams"/>: step t = adam.Step, moments m and v start at zero.
    /// </summary>
    public static void AdamUpdate(double[] parameters, double[] gradients, double[] expAvg, double[] expAvgSq, int count, in AdamParams adam, double gradScale = 1)
    {
        double lr = adam.LearningRate, beta1 = adam.Beta1, beta2 = adam.Beta2, wd = adam.WeightDecay;
        double correction1 = 1 - Math.Pow(beta1, adam.Step), correction2 = 1 - Math.Pow(beta2, adam.Step);
        for (int i = 0; i < count; i++)
        {
            double g = gradScale * gradients[i];
            if (adam.Decoupled)
                parameters[i] *= 1 - lr * wd;
            else
                g += wd * parameters[i];
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
            expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
            parameters[i] -= lr / correction1 * expAvg[i] / (Math.Sqrt(expAvgSq[i]) / Math.Sqrt(correction2) + adam.Eps);
        }
    }

    /// <summary>Inverted dropout with the mask of <see cref="DropoutMask.Keeps"/>: x / (1 − p) where kept, else 0.</summary>
    public static void Dropout(double[] input, double[] output, int count, float probability, ulong seed)
    {
        for (int i = 0; i < count; i++)
            output[i] = DropoutMask.Keeps(seed, i, probability) ? input[i] / (1 - (double)probability) : 0;
    }

    public static void GatherRows(double[] source, int cols, int[] indices, int indexOffset, int rows, double[] destination)
    {
        for (int r = 0; r < rows; r++)
            Array.Copy(source, indices[indexOffset + r] * cols, destination, r * cols, cols);
    }

    /// <summary>
    /// The gather with conversion (<see cref="IBackend.GatherRows(DeviceBuffer{byte}, int, FeatureScaling?, DeviceBuffer{int}, int, int, DeviceBuffer{float})"/>):
    /// destination[r, c] = (x / divisor − mean[c]) / scale[c] in double, x = source[indices[indexOffset + r], c]; mean and scale null: x / divisor.
    /// </summary>
    public static void GatherScaledRows(double[] source, int cols, double divisor, double[]? mean, double[]? scale,
        int[] indices, int indexOffset, int rows, double[] destination)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = source[indices[indexOffset + r] * cols + c] / divisor;
                destination[r * cols + c] = mean is null ? v : (v - mean[c]) / scale![c];
            }
    }

    public static void GatherLabels(int[] source, int[] indices, int indexOffset, int count, int[] destination)
    {
        for (int i = 0; i < count; i++)
            destination[i] = source[indices[indexOffset + i]];
    }

    /// <summary>The same CounterRandom draws as the backends, the arithmetic after them in double.</summary>
    public static void InitUniform(double[] buffer, double low, double high, ulong seed)
    {
        for (int i = 0; i < buffer.Length; i++)
            buffer[i] = low + (high - low) * CounterRandom.Uniform(seed, (ulong)i);
    }

    public static void InitNormal(double[] buffer, double mean, double std, ulong seed)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            double u1 = CounterRandom.Uniform(seed, 2UL * (ulong)i);
            double u2 = CounterRandom.Uniform(seed, 2UL * (ulong)i + 1);
            buffer[i] = mean + std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }

    /// <summary>Writes the row's softmax into p; returns the first argmax and log Σ e^z.</summary>
    private static (int Argmax, double LogSumExp) RowSoftmax(ReadOnlySpan<double> z, Span<double> p)
    {
        int argmax = 0;
        for (int c = 1; c < z.Length; c++)
            if (z[c] > z[argmax])
                argmax = c;
        double sum = 0;
        for (int c = 0; c < z.Length; c++)
            sum += p[c] = Math.Exp(z[c] - z[argmax]);
        for (int c = 0; c < z.Length; c++)
            p[c] /= sum;
        return (argmax, z[argmax] + Math.Log(sum));
    }
}
