using GpuNet.IO;
using ScottPlot;

namespace GpuNet.Cli.Plots;

/// <summary>
/// Renders plots to PNG files, written atomically so a viewer never sees half an image. Every
/// render goes through here, so a SkiaSharp native library that fails to load becomes one clear
/// error instead of a crash.
/// </summary>
internal static class PlotImage
{
    public static void SavePng(string path, Plot plot, int width, int height) =>
        Write(path, Native(path, () => plot.GetImageBytes(width, height, ImageFormat.Png)));

    public static void SavePng(string path, Multiplot plots, int width, int height) =>
        Write(path, Native(path, () =>
        {
            // The rendered image holds a native surface: disposed here, not by a finalizer whenever one runs (a sweep
            // draws a curves.png per model, and 64 undisposed surfaces held 140 MB).
            using var image = plots.Render(width, height);
            return image.GetImageBytes(ImageFormat.Png, 100);
        }));

    /// <summary>Lays the plot out without drawing an image: afterwards its axis limits and data area are final.</summary>
    public static void Layout(string path, Plot plot, int width, int height) =>
        Native(path, () => { plot.RenderInMemory(width, height); return true; });

    private static void Write(string path, byte[] png) => AtomicFile.Write(path, stream => stream.Write(png));

    private static T Native<T>(string path, Func<T> render)
    {
        try
        {
            return render();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            // SkiaSharp's native library ships for common platforms only; say so instead of crashing.
            throw new GpuNetException($"cannot draw {Path.GetFileName(path)}: SkiaSharp's native library did not load ({e.GetBaseException().Message})", inner: e);
        }
    }
}
