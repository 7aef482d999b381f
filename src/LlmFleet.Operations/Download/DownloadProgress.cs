using System.Collections.Concurrent;

namespace LlmFleet.Operations.Download;

/// <summary>Progress of a download, updated by the transfer tasks and read by whoever draws the progress display.</summary>
public sealed class DownloadProgress
{
    private long _bytesDone;
    private int _filesDone;

    public long TotalBytes { get; internal set; }

    public int TotalFiles { get; internal set; }

    /// <summary>Bytes received or found already in place.</summary>
    public long BytesDone => Interlocked.Read(ref _bytesDone);

    public int FilesDone => Volatile.Read(ref _filesDone);

    /// <summary>Files being transferred now, with bytes done and size (for per-file bars).</summary>
    public ConcurrentDictionary<string, FileProgress> Active { get; } = new(StringComparer.Ordinal);

    internal void Add(long bytes) => Interlocked.Add(ref _bytesDone, bytes);

    internal void FileDone() => Interlocked.Increment(ref _filesDone);
}

/// <summary>One file's transfer progress.</summary>
public sealed class FileProgress(long sizeBytes)
{
    private long _done;

    public long SizeBytes { get; } = sizeBytes;

    public long BytesDone => Interlocked.Read(ref _done);

    internal void Add(long bytes) => Interlocked.Add(ref _done, bytes);
}
