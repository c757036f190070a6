using GpuNet.Backends;

namespace GpuNet.Nn;

/// <summary>
/// Class probabilities and predicted classes of a network for host rows of features, computed
/// on the network's backend in chunks of <see cref="Network.MaxRows"/>. Uses the network's
/// forward buffers, so it must not run while a training step of the same network is in flight
/// (between epochs is fine). Allocates its two staging buffers once.
/// </summary>
public sealed class Predictor : IDisposable
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly DeviceBuffer<float> _x;
    private readonly DeviceBuffer<float> _probabilities;
    private readonly float[] _hostChunk;

    public Predictor(IBackend backend, Network network)
    {
        _backend = backend;
        _network = network;
        _x = backend.Allocate<float>(checked(network.MaxRows * network.Spec.Inputs));
        _probabilities = backend.Allocate<float>(checked(network.MaxRows * network.Spec.Outputs));
        _hostChunk = new float[network.MaxRows * network.Spec.Outputs];
    }

    public ModelSpec Spec => _network.Spec;

    /// <summary>
    /// Probabilities [rows, Classes] for features [rows, Inputs], each row summing to 1. Logistic
    /// regression's single output p = P(class 1) is returned as the two columns (1 − p, p), so every
    /// model kind answers in the same shape.
    /// </summary>
    public float[] Probabilities(ReadOnlySpan<float> features)
    {
        int inputs = Spec.Inputs, outputs = Spec.Outputs, classes = Spec.Classes;
        if (features.Length % inputs != 0)
            throw new ArgumentException($"{features.Length} values do not make rows of {inputs} features", nameof(features));
        int rows = features.Length / inputs;
        var result = new float[(long)rows * classes];
        foreach (var (start, count) in _network.Chunks(rows))
        {
            _backend.Upload(features.Slice(start * inputs, count * inputs), _x);
            _network.Forward(_x, count);
            _network.Probabilities(count, _probabilities);
            var chunk = _hostChunk.AsSpan(0, count * outputs);
            _backend.Download(_probabilities, chunk);
            if (Spec.Kind == ModelKind.Logistic)
                for (int r = 0; r < count; r++)
                {
                    result[2 * (start + r)] = 1 - chunk[r];
                    result[2 * (start + r) + 1] = chunk[r];
                }
            else
                chunk.CopyTo(result.AsSpan(start * classes));
        }
        return result;
    }

    /// <summary>The predicted class of every row: the most probable one (logistic: class 1 when p &gt; 0.5).</summary>
    public int[] Classes(ReadOnlySpan<float> features) => ArgMax(Probabilities(features), Spec.Classes);

    /// <summary>Per row of a [rows, classes] matrix, the first index of its largest value.</summary>
    public static int[] ArgMax(ReadOnlySpan<float> probabilities, int classes)
    {
        var result = new int[probabilities.Length / classes];
        for (int r = 0; r < result.Length; r++)
        {
            var row = probabilities.Slice(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (row[c] > row[best]) best = c;
            result[r] = best;
        }
        return result;
    }

    public void Dispose()
    {
        _x.Dispose();
        _probabilities.Dispose();
    }
}
