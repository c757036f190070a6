using GpuNet.Backends;

namespace GpuNet.Reference;

/// <summary>
/// A float buffer on a backend with <see cref="Offset"/> NaNs before and <see cref="Slack"/> after the view an op is given:
/// ops must honour a slice's offset and leave what is around it alone.
/// </summary>
internal sealed class PlacedBuffer : IDisposable
{
    public const int Offset = 3, Slack = 2;

    public PlacedBuffer(IBackend backend, float[] data)
    {
        Whole = backend.Allocate<float>(Offset + data.Length + Slack);
        var nans = new float[Whole.Length];
        Array.Fill(nans, float.NaN);
        backend.Upload<float>(nans, Whole);
        View = Whole.Slice(Offset, data.Length);
        backend.Upload<float>(data, View);
    }

    public DeviceBuffer<float> Whole { get; }
    public DeviceBuffer<float> View { get; }

    /// <summary>The view's elements; <paramref name="outside"/> names the first element around the view that is no longer NaN.</summary>
    public float[] Read(IBackend backend, out string? outside)
    {
        var got = new float[Whole.Length];
        backend.Download<float>(Whole, got);
        outside = null;
        for (int i = 0; i < got.Length; i++)
            if ((i < Offset || i >= Offset + View.Length) && !float.IsNaN(got[i]))
            {
                outside = $"element {i - Offset} outside the view changed to {got[i]:R}";
                break;
            }
        return got[Offset..(Offset + View.Length)];
    }

    public void Dispose() => Whole.Dispose();
}
