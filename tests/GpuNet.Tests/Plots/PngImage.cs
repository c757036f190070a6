using System.Buffers.Binary;
using ScottPlot;
using SkiaSharp;

namespace GpuNet.Tests.Plots;

/// <summary>Checks that a file is a real PNG: the signature, the IHDR size, and a full decode by SkiaSharp.</summary>
internal static class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts the file is a PNG that decodes, and returns its pixels.</summary>
    public static SKBitmap Load(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(Signature), $"{path} does not start with the PNG signature");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        int height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        return bitmap;
    }

    /// <summary>How many pixels have exactly this colour.</summary>
    public static int Count(SKBitmap bitmap, Color color)
    {
        var wanted = new SKColor(color.R, color.G, color.B, color.A);
        int count = 0;
        foreach (var pixel in bitmap.Pixels)
            if (pixel == wanted) count++;
        return count;
    }
}
