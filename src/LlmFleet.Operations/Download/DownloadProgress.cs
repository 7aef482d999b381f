using System.Collections.Concurrent;

namespace LlmFleet.Operations.Download;

/// <summary>Progress of a download, updated by the transfer tasks and read by whoever draws the progress display.</summary>
public sealed class DownloadProgress : FileSetProgress
{
    /// <summary>Files being transferred now, with bytes done and size (for per-file bars).</summary>
    public ConcurrentDictionary<string, FileProgress> Active { get; } = new(StringComparer.Ordinal);
}

/// <summary>One file's transfer progress.</summary>
public sealed class FileProgress(long sizeBytes)
{
    private long _done;

    public long SizeBytes { get; } = sizeBytes;

    public long BytesDone => Interlocked.Read(ref _done);

    internal void Add(long bytes) => Interlocked.Add(ref _done, bytes);
}
