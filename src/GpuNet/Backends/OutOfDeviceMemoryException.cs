namespace GpuNet.Backends;

/// <summary>
/// A device could not allocate a buffer: it names the device, the size and the driver's reason, and no setting (the
/// device layer knows none); the CLI adds which options make buffers smaller.
/// </summary>
public sealed class OutOfDeviceMemoryException(string device, long bytesRequested, string what, Exception? inner = null)
    : GpuNetException($"{device}: out of device memory {what}", inner)
{
    public string Device { get; } = device;
    public long BytesRequested { get; } = bytesRequested;
}
