using System.Globalization;

namespace GpuNet.Backends;

/// <summary>Buffers that cannot be allocated: one longer than a buffer can be, or all together more than the memory there is: a usage error (a smaller setting fits).</summary>
public sealed class BufferSizeException(string message, long bytesNeeded) : UsageException(message)
{
    public long BytesNeeded { get; } = bytesNeeded;
}

/// <summary>
/// Checks the sizes of buffers before anything is allocated, in 64-bit arithmetic, so that a huge size
/// becomes one message naming the bytes needed instead of an overflow or an out-of-memory crash mid-way.
/// </summary>
public static class BufferLimits
{
    /// <summary>Most elements one <see cref="DeviceBuffer{T}"/> holds (its length is an int).</summary>
    public const long MaxElements = int.MaxValue;

    /// <summary>
    /// Throws <see cref="BufferSizeException"/> unless every buffer (a name and a count of 4-byte elements)
    /// can exist and all of them fit in the memory this process may use.
    /// </summary>
    public static void Check(IEnumerable<(string What, double Elements)> buffers)
    {
        double total = 0;
        foreach (var (what, elements) in buffers)
        {
            // double: products of two int sizes and a layer width stay exact enough and cannot wrap around
            if (elements > MaxElements)
                throw new BufferSizeException(string.Create(CultureInfo.InvariantCulture,
                    $"{what} needs {Bytes(elements)} in one buffer, more than the {Bytes(MaxElements)} a buffer can hold"), (long)Math.Min(elements * 4, long.MaxValue));
            total += elements;
        }
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (total * 4 > available)
            throw new BufferSizeException(string.Create(CultureInfo.InvariantCulture,
                $"the buffers need {Bytes(total)}, more than the {available:N0} bytes of memory there are"), (long)Math.Min(total * 4, long.MaxValue));
    }

    private static string Bytes(double elements) => string.Create(CultureInfo.InvariantCulture, $"{elements * 4:N0} bytes");
}
