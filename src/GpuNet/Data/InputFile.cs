using GpuNet.IO;

namespace GpuNet.Data;

/// <summary>
/// Opens a data file so that it is read exactly once. A regular file is opened as it is. Standard input
/// (<see cref="StandardInput"/>), a pipe, a FIFO or /dev/stdin can be read only once and has no length, so
/// it is read to its end into memory first: the readers may then sniff its first bytes and rewind.
/// </summary>
public static class InputFile
{
    /// <summary>The path that means standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>A seekable stream over the bytes at <paramref name="path"/> (at most <paramref name="maxBytes"/>), or a <see cref="DataException"/> naming the file.</summary>
    public static Stream OpenRead(string path, long maxBytes)
    {
        Stream stream;
        try
        {
            if (path == StandardInput) stream = Console.OpenStandardInput();
            else if (Directory.Exists(path)) throw new DataException($"{path}: is a directory, expected a file");
            else if (!File.Exists(path)) throw new DataException($"{path}: file not found");
            else stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataException($"{path}: cannot open: {e.Message}", e);
        }
        if (stream.CanSeek)
        {
            if (stream.Length > maxBytes)
            {
                stream.Dispose();
                throw new DataException($"{path}: {stream.Length} bytes is over the limit of {maxBytes} bytes");
            }
            return stream;
        }
        using (stream) return ReadToMemory(stream, path, maxBytes);
    }

    /// <summary>
    /// True for a path that names a stream rather than a file that can be read again: standard input, a FIFO or pipe, a
    /// character device, or a view of this process's own descriptors (/dev/stdin, /dev/fd/N, /proc/...), which names another
    /// file in every process. A regular file is never a stream, wherever it lies (data under /dev/shm is a file on tmpfs).
    /// Decided from the file system's answer without opening it, since opening a FIFO waits for a writer.
    /// </summary>
    public static bool IsStream(string path)
    {
        if (path == StandardInput) return true;
        var full = Path.GetFullPath(path);
        if (full == "/dev/stdin" || full.StartsWith("/dev/fd/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)) return true;
        var status = FileStatus.Of(full);
        if (status.IsStream) return true;
        // Without statx (not Linux) a pipe's one sign is its length of 0 (an empty regular file is no data set either).
        return status.CanonicalPath is not null && status.Kind == FileKind.Regular && new FileInfo(full).Length == 0;
    }

    private static MemoryStream ReadToMemory(Stream stream, string path, long maxBytes)
    {
        var memory = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        try
        {
            while ((read = stream.Read(buffer)) > 0)
            {
                if (memory.Length + read > maxBytes)
                    throw new DataException($"{path}: more than the limit of {maxBytes} bytes");
                memory.Write(buffer, 0, read);
            }
        }
        catch (IOException e)
        {
            throw new DataException($"{path}: cannot read: {e.Message}", e);
        }
        memory.Position = 0;
        return memory;
    }
}
