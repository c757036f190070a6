using GpuNet.Backends;
using GpuNet.Data;

namespace GpuNet.Reference;

/// <summary>
/// One case of the minibatch gather: stored type, batch shape, divisor, standardisation, and fused or not; a fused case
/// also gathers labels stored <see cref="LabelWidth"/> bytes each.
/// </summary>
public sealed record GatherCase(bool Bytes, int Rows, int Cols, float Divisor, bool Standardize, bool Fused, int LabelWidth = 1)
{
    public override string ToString() =>
        $"{(Bytes ? "uint8" : "float32")} {Rows}x{Cols} /{Divisor}{(Standardize ? " z-score" : "")}{(Fused ? $" batch, {LabelWidth}-byte labels" : " rows")}";
}

/// <summary>
/// The gather op with conversion (<see cref="IBackend.GatherRows(DeviceBuffer{byte}, int, FeatureScaling?, DeviceBuffer{int}, int, int, DeviceBuffer{float})"/>
/// and <see cref="IBackend.GatherBatch(DeviceBuffer{byte}, int, FeatureScaling?, DeviceLabels, DeviceBuffer{int}, int, int, DeviceBuffer{float}, DeviceBuffer{int})"/>,
/// and their float32 twins), declared once: awkward shapes, the float64 reference <see cref="ReferenceOps.GatherScaledRows"/>
/// and its bound (<see cref="ErrorBound.Float32Op"/> of the terms (|x / divisor| + |mean|) / scale). The backend contract
/// tests run every case on every device.
/// </summary>
public static class GatherOp
{
    /// <summary>
    /// Both stored types; 1, 7, 33, 129 and 257 columns (no multiple of a vector); x/255, x/1, with and without the z-score;
    /// the fused cases over labels of 1, 2 and 4 bytes (<see cref="ClassLabels"/>); one batch large enough for cpu to split.
    /// </summary>
    public static IReadOnlyList<GatherCase> Cases { get; } = BuildCases();

    private static GatherCase[] BuildCases()
    {
        var cases = new List<GatherCase>();
        foreach (bool bytes in new[] { true, false })
            foreach (bool fused in new[] { false, true })
            {
                cases.Add(new(bytes, 1, 1, 1f, false, fused, LabelWidth: 1));
                cases.Add(new(bytes, 9, 7, 255f, false, fused, LabelWidth: 2));
                cases.Add(new(bytes, 33, 129, 255f, true, fused, LabelWidth: 4));
                cases.Add(new(bytes, 5, 33, 1f, true, fused, LabelWidth: 1));
                cases.Add(new(bytes, 131, 257, 255f, true, fused, LabelWidth: 2)); // over 32K values: cpu splits the rows (66 + 65) over its threads
            }
        return [.. cases];
    }

    private const int SourceRows = 40, IndexOffset = 3, Offset = 2;

    /// <summary>
    /// Gathers <paramref name="c"/>'s rows from seeded random data at an odd offset into a NaN-filled destination; the
    /// batch must match the reference within the bound, the elements after it must stay NaN, and fused labels must be exact.
    /// </summary>
    public static OpCheck Check(IBackend backend, GatherCase c)
    {
        var rng = new Random(CaseSeed.Of(CaseSeed.Flag(c.Bytes), c.Rows, c.Cols, CaseSeed.Flag(c.Standardize), CaseSeed.Flag(c.Fused), c.LabelWidth));
        double[] values = new double[SourceRows * c.Cols];
        for (int i = 0; i < values.Length; i++)
            values[i] = c.Bytes ? rng.Next(256) : (float)(rng.NextDouble() * 20 - 10);
        int[] labels = RandomLabels(rng, SourceRows, c.LabelWidth);
        int[] indices = Enumerable.Range(0, IndexOffset + c.Rows + 2).Select(_ => rng.Next(SourceRows)).ToArray();
        float[]? mean = c.Standardize ? Enumerable.Range(0, c.Cols).Select(_ => (float)(rng.NextDouble() * 2 - 0.5)).ToArray() : null;
        float[]? scale = c.Standardize ? Enumerable.Range(0, c.Cols).Select(_ => (float)(0.1 + rng.NextDouble() * 3)).ToArray() : null;

        var owned = new List<IDisposable>();
        try
        {
            T Own<T>(T buffer) where T : IDisposable { owned.Add(buffer); return buffer; }
            var meanBuffer = mean is null ? null : Own(Upload(backend, mean));
            var scaleBuffer = scale is null ? null : Own(Upload(backend, scale));
            var scaling = new FeatureScaling(c.Divisor, meanBuffer, scaleBuffer);
            var ix = Own(Upload(backend, indices));
            var stored = ClassLabels.From(labels);
            if (stored.Width != c.LabelWidth)
                return new OpCheck(double.PositiveInfinity, $"the case's labels are stored in {stored.Width} bytes, not {c.LabelWidth}");
            var labelBuffer = Own(DeviceLabels.Upload(backend, stored.Stored, stored.Width));
            int count = c.Rows * c.Cols;
            var whole = Own(Upload(backend, Enumerable.Repeat(float.NaN, Offset + count + 3).ToArray()));
            var destination = whole.Slice(Offset, count);
            var batchY = Own(backend.Allocate<int>(c.Rows));
            if (c.Bytes)
            {
                var source = Own(Upload(backend, Array.ConvertAll(values, v => (byte)v)));
                if (c.Fused) backend.GatherBatch(source, c.Cols, scaling, labelBuffer, ix, IndexOffset, c.Rows, destination, batchY);
                else backend.GatherRows(source, c.Cols, scaling, ix, IndexOffset, c.Rows, destination);
            }
            else
            {
                var source = Own(Upload(backend, Array.ConvertAll(values, v => (float)v)));
                if (c.Fused) backend.GatherBatch(source, c.Cols, scaling, labelBuffer, ix, IndexOffset, c.Rows, destination, batchY);
                else backend.GatherRows(source, c.Cols, scaling, ix, IndexOffset, c.Rows, destination);
            }

            var want = new double[count];
            double[]? meanD = mean is null ? null : Array.ConvertAll(mean, v => (double)v);
            double[]? scaleD = scale is null ? null : Array.ConvertAll(scale, v => (double)v);
            ReferenceOps.GatherScaledRows(values, c.Cols, c.Divisor, meanD, scaleD, indices, IndexOffset, c.Rows, want);
            var terms = new double[count];
            for (int i = 0; i < count; i++)
            {
                int col = i % c.Cols;
                double x = values[indices[IndexOffset + i / c.Cols] * c.Cols + col] / c.Divisor;
                terms[i] = meanD is null ? Math.Max(1, Math.Abs(x)) : Math.Max(1, (Math.Abs(x) + Math.Abs(meanD[col])) / scaleD![col]);
            }
            var got = new float[whole.Length];
            backend.Download<float>(whole, got);
            for (int i = 0; i < got.Length; i++)
                if ((i < Offset || i >= Offset + count) && !float.IsNaN(got[i]))
                    return new OpCheck(double.PositiveInfinity, $"element {i - Offset} outside the batch changed to {got[i]:R}");
            if (c.Fused)
            {
                var gotY = new int[c.Rows];
                backend.Download<int>(batchY, gotY);
                for (int r = 0; r < c.Rows; r++)
                    if (gotY[r] != labels[indices[IndexOffset + r]])
                        return new OpCheck(double.PositiveInfinity, $"label of row {r} is {gotY[r]}, expected {labels[indices[IndexOffset + r]]}");
            }
            var inside = got.AsSpan(Offset, count);
            double ratio = ErrorBound.Float32Op.WorstRatio(inside, want, terms);
            int worst = 0;
            for (int i = 0; i < count; i++)
                if (!(Math.Abs(inside[i] - want[i]) <= Math.Abs(inside[worst] - want[worst]))) worst = i;
            return new OpCheck(ratio, $"batch[{worst}] = {inside[worst]:R}, reference {want[worst]:R}");
        }
        finally
        {
            foreach (var buffer in owned) buffer.Dispose();
        }
    }

    /// <summary><paramref name="count"/> labels that need <paramref name="width"/> bytes: up to 255; 256 to 65,535; any int32, the smallest among them.</summary>
    public static int[] RandomLabels(Random rng, int count, int width)
    {
        var labels = width switch
        {
            1 => Enumerable.Range(0, count).Select(_ => rng.Next(256)),
            2 => Enumerable.Range(0, count).Select(_ => rng.Next(256, 65536)),
            _ => Enumerable.Range(0, count).Select(_ => rng.Next(int.MinValue, int.MaxValue)),
        };
        return width == 4 ? [int.MinValue, .. labels.Skip(1)] : labels.ToArray();
    }

    private static DeviceBuffer<T> Upload<T>(IBackend backend, T[] values) where T : unmanaged
    {
        var buffer = backend.Allocate<T>(values.Length);
        backend.Upload<T>(values, buffer);
        return buffer;
    }
}
