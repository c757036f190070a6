namespace GpuNet.Tests.TestSupport;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gpunet-data-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes <paramref name="bytes"/> to a file (creating subdirectories) and returns its full path.</summary>
    public string Write(string relativePath, byte[] bytes)
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public string WriteText(string relativePath, string text) => Write(relativePath, System.Text.Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // best effort: a leftover temp dir must not fail a test
    }
}
