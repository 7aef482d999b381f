namespace LlmFleet.Operations;

/// <summary>
/// Progress through a known set of files (a download, a verification): bytes and files done of the totals, updated
/// from the worker threads and read by whoever draws the progress display.
/// </summary>
public abstract class FileSetProgress
{
    private long _bytesDone;
    private int _filesDone;

    public long TotalBytes { get; internal set; }

    public int TotalFiles { get; internal set; }

    /// <summary>Bytes transferred, hashed or found already in place.</summary>
    public long BytesDone => Interlocked.Read(ref _bytesDone);

    public int FilesDone => Volatile.Read(ref _filesDone);

    internal void AddBytes(long bytes) => Interlocked.Add(ref _bytesDone, bytes);

    internal void FileDone() => Interlocked.Increment(ref _filesDone);
}
