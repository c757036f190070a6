using GpuNet.IO;
using ScottPlot;

namespace GpuNet.Cli.Plots;

/// <summary>Renders plots to PNG files, written atomically so a viewer never sees half an image.</summary>
internal static class PlotImage
{
    public static void SavePng(string path, Plot plot, int width, int height) =>
        Write(path, () => plot.GetImageBytes(width, height, ImageFormat.Png));

    public static void SavePng(string path, Multiplot plots, int width, int height) =>
        Write(path, () => plots.Render(width, height).GetImageBytes(ImageFormat.Png, 100));

    private static void Write(string path, Func<byte[]> render)
    {
        byte[] png;
        try
        {
            png = render();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            // SkiaSharp's native library ships for common platforms only; say so instead of crashing.
            throw new GpuNetException($"cannot draw {Path.GetFileName(path)}: SkiaSharp's native library did not load ({e.GetBaseException().Message})", inner: e);
        }
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
