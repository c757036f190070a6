using System.Collections;
using System.Runtime.CompilerServices;
using GpuNet.Kernels;

namespace GpuNet.Data;

/// <summary>
/// A dataset's labels at the smallest integer width that holds every one of them: 1 byte each for up to 256 classes,
/// 2 for up to 65,536, else 4 (signed: what a reader rejects, such as a negative label, still reads back as it was given).
/// The stored form is <see cref="Width"/> little-endian bytes per label, the same on the host and on a device, where the
/// label gather widens each minibatch's labels into int32 (<see cref="StoredLabels"/>); on a 60,000-row image set
/// that is 60 KB instead of 240 KB, and 1.5 MB instead of 6 MB for 1.5 million rows.
/// </summary>
[CollectionBuilder(typeof(ClassLabels), nameof(From))]
public sealed class ClassLabels : IReadOnlyList<int>
{
    private readonly byte[] _stored;

    /// <summary>Labels of 1 byte each, holding <paramref name="stored"/> itself (IDX labels, uint8 .npy): nothing is copied.</summary>
    public ClassLabels(byte[] stored) : this(stored, width: 1) { }

    private ClassLabels(byte[] stored, int width)
    {
        _stored = stored;
        Width = width;
        Count = stored.Length / width;
    }

    /// <summary><paramref name="values"/> at the smallest width that holds them all.</summary>
    public static ClassLabels From(ReadOnlySpan<int> values)
    {
        int smallest = 0, largest = 0;
        foreach (int v in values)
        {
            smallest = Math.Min(smallest, v);
            largest = Math.Max(largest, v);
        }
        int width = WidthFor(smallest, largest);
        var labels = new ClassLabels(new byte[(long)values.Length * width], width);
        for (int i = 0; i < values.Length; i++) labels.Set(i, values[i]);
        return labels;
    }

    /// <summary><paramref name="count"/> labels from <paramref name="valueAt"/>(i), each in [0, <paramref name="largest"/>].</summary>
    public static ClassLabels Create(int count, int largest, Func<int, int> valueAt)
    {
        RequireFits(count, largest, "labels");
        int width = WidthFor(0, largest);
        var labels = new ClassLabels(new byte[(long)count * width], width);
        for (int i = 0; i < count; i++) labels.Set(i, valueAt(i));
        return labels;
    }

    /// <summary>
    /// A <see cref="DataException"/> naming <paramref name="source"/> when <paramref name="count"/> labels up to
    /// <paramref name="largest"/> take more bytes than one array holds: checked in 64 bits before anything is allocated.
    /// </summary>
    public static void RequireFits(int count, int largest, string source)
    {
        long bytes = (long)count * WidthFor(0, largest);
        if (bytes > Array.MaxLength)
            throw new DataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{source}: {count:N0} labels up to {largest} take {bytes:N0} bytes ({WidthFor(0, largest)} each), over the {Array.MaxLength:N0} one array holds"));
    }

    public static implicit operator ClassLabels(int[] values) => From(values);

    /// <summary>The fewest bytes a label in [<paramref name="smallest"/>, <paramref name="largest"/>] needs: 1, 2 or 4.</summary>
    public static int WidthFor(int smallest, int largest) =>
        smallest < 0 ? sizeof(int) : largest <= byte.MaxValue ? sizeof(byte) : largest <= ushort.MaxValue ? sizeof(ushort) : sizeof(int);

    /// <summary>Bytes per label: 1, 2 or 4.</summary>
    public int Width { get; }
    public int Count { get; }

    /// <summary>The stored bytes, <see cref="Width"/> per label, little-endian: what a device holds (<see cref="Backends.IBackend.Adopt{T}"/>).</summary>
    public byte[] Stored => _stored;

    public int this[int i] => StoredLabels.Read(_stored, i, Width);

    private void Set(int i, int value) => StoredLabels.Write(_stored, i, Width, value);

    /// <summary>The stored bytes of labels [start, start + count): what a streamed chunk uploads.</summary>
    public ReadOnlySpan<byte> StoredRows(int start, int count) => _stored.AsSpan(start * Width, count * Width);

    /// <summary>this[rows[i]] for each i, at the same width.</summary>
    public ClassLabels Pick(ReadOnlySpan<int> rows)
    {
        var picked = new ClassLabels(new byte[(long)rows.Length * Width], Width);
        for (int i = 0; i < rows.Length; i++)
            StoredRows(rows[i], 1).CopyTo(picked._stored.AsSpan(i * Width, Width));
        return picked;
    }

    /// <summary>The first index whose label is not in [0, <paramref name="classes"/>), or −1.</summary>
    public int FirstOutside(int classes)
    {
        for (int i = 0; i < Count; i++)
            if ((uint)this[i] >= (uint)classes) return i;
        return -1;
    }

    /// <summary>The one value every label has, or null when they differ (or there are none): a set a classifier cannot learn from.</summary>
    public static int? OnlyValue(IReadOnlyList<int> labels)
    {
        if (labels.Count == 0) return null;
        int first = labels[0];
        for (int i = 1; i < labels.Count; i++)
            if (labels[i] != first) return null;
        return first;
    }

    /// <summary>The largest label; 0 for none.</summary>
    public int Max()
    {
        int largest = 0;
        for (int i = 0; i < Count; i++) largest = Math.Max(largest, this[i]);
        return largest;
    }

    public IEnumerator<int> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every label as an int (for consumers that take a span of class indices, such as the confusion matrix).</summary>
    public int[] ToArray()
    {
        var values = new int[Count];
        for (int i = 0; i < Count; i++) values[i] = this[i];
        return values;
    }
}
