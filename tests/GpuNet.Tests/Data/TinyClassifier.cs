using GpuNet.Data;

namespace GpuNet.Tests.Data;

/// <summary>
/// A minimal softmax classifier (linear, or with one tanh hidden layer) trained by full-batch Adam on the CPU.
/// It exists only so the synthetic-set tests can check the promises the sets make ("linearly separable",
/// "needs a hidden layer") without depending on the real trainer, which lives elsewhere.
/// </summary>
internal sealed class TinyClassifier
{
    private readonly int _inputs, _hidden, _classes;
    private readonly double[] _params; // [W1 (inputs×hidden), b1 (hidden), W2 (width×classes), b2 (classes)]
    private readonly int _w1, _b1, _w2, _b2;

    public TinyClassifier(int inputs, int hidden, int classes, int seed)
    {
        (_inputs, _hidden, _classes) = (inputs, hidden, classes);
        int width = hidden == 0 ? inputs : hidden;
        _w1 = 0;
        _b1 = inputs * hidden;
        _w2 = _b1 + hidden;
        _b2 = _w2 + width * classes;
        _params = new double[_b2 + classes];
        var random = new SeededRandom(seed);
        for (int i = 0; i < _b1; i++) _params[i] = random.NextGaussian() * Math.Sqrt(1.0 / inputs);
        for (int i = _w2; i < _b2; i++) _params[i] = random.NextGaussian() * Math.Sqrt(1.0 / width);
    }

    /// <summary>Trains on <paramref name="split"/>.Train and returns the accuracy on <paramref name="split"/>.Test.</summary>
    public static double TestAccuracy(DataSplit split, int hidden, int epochs, double learningRate, int seed = 1)
    {
        var model = new TinyClassifier(split.Train.FeatureCount, hidden, split.Train.ClassCount, seed);
        model.Train(split.Train, epochs, learningRate);
        return model.Accuracy(split.Test);
    }

    public void Train(Dataset data, int epochs, double learningRate)
    {
        var grad = new double[_params.Length];
        var m = new double[_params.Length];
        var v = new double[_params.Length];
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            Array.Clear(grad);
            for (int i = 0; i < data.Count; i++) AccumulateGradient(data.Row(i), data.Labels[i], grad);
            for (int p = 0; p < _params.Length; p++)
            {
                double g = grad[p] / data.Count;
                m[p] = beta1 * m[p] + (1 - beta1) * g;
                v[p] = beta2 * v[p] + (1 - beta2) * g * g;
                double mHat = m[p] / (1 - Math.Pow(beta1, epoch));
                double vHat = v[p] / (1 - Math.Pow(beta2, epoch));
                _params[p] -= learningRate * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
    }

    public double Accuracy(Dataset data)
    {
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double[] probabilities = Forward(data.Row(i), out _);
            if (Array.IndexOf(probabilities, probabilities.Max()) == data.Labels[i]) correct++;
        }
        return correct / (double)data.Count;
    }

    /// <summary>Class probabilities; <paramref name="features"/> is what the output layer saw (hidden activations, or the inputs).</summary>
    private double[] Forward(ReadOnlySpan<float> x, out double[] features)
    {
        if (_hidden == 0)
        {
            features = new double[_inputs];
            for (int i = 0; i < _inputs; i++) features[i] = x[i];
        }
        else
        {
            features = new double[_hidden];
            for (int h = 0; h < _hidden; h++)
            {
                double sum = _params[_b1 + h];
                for (int i = 0; i < _inputs; i++) sum += x[i] * _params[_w1 + i * _hidden + h];
                features[h] = Math.Tanh(sum);
            }
        }
        var logits = new double[_classes];
        for (int c = 0; c < _classes; c++)
        {
            double sum = _params[_b2 + c];
            for (int f = 0; f < features.Length; f++) sum += features[f] * _params[_w2 + f * _classes + c];
            logits[c] = sum;
        }
        double max = logits.Max(), total = 0;
        for (int c = 0; c < _classes; c++) total += logits[c] = Math.Exp(logits[c] - max);
        for (int c = 0; c < _classes; c++) logits[c] /= total;
        return logits;
    }

    private void AccumulateGradient(ReadOnlySpan<float> x, int label, double[] grad)
    {
        double[] probabilities = Forward(x, out double[] features);
        probabilities[label] -= 1; // d(cross-entropy)/d(logits)
        var featureGrad = new double[features.Length];
        for (int c = 0; c < _classes; c++)
        {
            grad[_b2 + c] += probabilities[c];
            for (int f = 0; f < features.Length; f++)
            {
                grad[_w2 + f * _classes + c] += features[f] * probabilities[c];
                featureGrad[f] += _params[_w2 + f * _classes + c] * probabilities[c];
            }
        }
        if (_hidden == 0) return;
        for (int h = 0; h < _hidden; h++)
        {
            double pre = featureGrad[h] * (1 - features[h] * features[h]); // tanh'
            grad[_b1 + h] += pre;
            for (int i = 0; i < _inputs; i++) grad[_w1 + i * _hidden + h] += x[i] * pre;
        }
    }
}
