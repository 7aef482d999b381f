using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using LlmFleet.Operations.Verify;
using Microsoft.Win32.SafeHandles;

namespace LlmFleet.Operations.Download;

/// <summary>
/// Downloads one file into its partial path as ranged requests of <see cref="DownloadOptions.ChunkBytes"/>, several at
/// once, handed out in file order so that they complete nearly in order; the SHA-256 follows the contiguous written
/// prefix, reading it back from the page cache, so hashing overlaps the transfer. The prefix length is saved beside
/// the partial file after each chunk: a killed process, dropped connection or restart days later resumes from there.
/// The caller moves the file into place only when this returns (hash matched).
/// </summary>
internal sealed class ChunkedDownload(HubClient client, HubRepo repo, HubFile file, string partialPath, DownloadOptions options,
    SemaphoreSlim connections, DownloadProgress progress, FileProgress fileProgress)
{
    private const int CopyBufferBytes = 1 << 20;
    private readonly string _statePath = partialPath + ".json";

    /// <exception cref="DownloadException">Retries exhausted, or the content does not hash to what the hub lists.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(partialPath)!);
        var start = ResumePoint();
        using var handle = File.OpenHandle(partialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (RandomAccess.GetLength(handle) != file.SizeBytes)
        {
            RandomAccess.SetLength(handle, file.SizeBytes);
        }
        using var hash = IncrementalHash.CreateHash(file.Digest.Algorithm == DigestAlgorithm.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1);
        if (file.Digest.Algorithm == DigestAlgorithm.GitBlobSha1)
        {
            hash.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {file.SizeBytes}\0")));
        }
        HashRange(handle, hash, 0, start);
        progress.Add(start);
        fileProgress.Add(start);

        var chunk = (long)options.ChunkBytes;
        var count = (int)((file.SizeBytes - start + chunk - 1) / chunk);
        var written = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        Exception? firstError = null;
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(options.Connections, count))).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var from = start + (i * chunk);
                try
                {
                    await FetchAsync(handle, from, Math.Min(file.SizeBytes, from + chunk), stop.Token);
                    written[i].SetResult();
                }
                catch (Exception e)
                {
                    // The first failure fails every chunk not yet written, so the hashing loop stops on it.
                    Interlocked.CompareExchange(ref firstError, e, null);
                    foreach (var pending in written)
                    {
                        pending.TrySetException(firstError);
                    }
                    await stop.CancelAsync();
                    return;
                }
            }
        }, CancellationToken.None)).ToList();

        try
        {
            for (var i = 0; i < count; i++)
            {
                await written[i].Task.WaitAsync(cancellationToken);
                var from = start + (i * chunk);
                var to = Math.Min(file.SizeBytes, from + chunk);
                HashRange(handle, hash, from, to);
                SaveResumePoint(to);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        var digest = Convert.ToHexStringLower(hash.GetCurrentHash());
        if (digest != file.Digest.Hex)
        {
            handle.Dispose();
            File.Delete(partialPath);
            File.Delete(_statePath);
            throw new DownloadException($"{file.Path}: downloaded content hashes to {digest}, but the hub lists {file.Digest.Hex} " +
                "(corrupted in transfer or on the server); the file was not placed");
        }
        File.Delete(_statePath);
    }

    /// <summary>Bytes already written and hashed by an earlier run, when its state matches this file.</summary>
    private long ResumePoint()
    {
        try
        {
            if (File.Exists(partialPath) && File.Exists(_statePath))
            {
                var parts = File.ReadAllText(_statePath).Split(' ');
                if (parts.Length == 3 && parts[0] == file.Digest.Hex && long.Parse(parts[1], CultureInfo.InvariantCulture) == file.SizeBytes)
                {
                    return Math.Min(long.Parse(parts[2], CultureInfo.InvariantCulture), new FileInfo(partialPath).Length);
                }
            }
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            // An unreadable state file means starting over, which is always safe.
        }
        File.Delete(partialPath);
        return 0;
    }

    private void SaveResumePoint(long prefixBytes) =>
        File.WriteAllText(_statePath, string.Create(CultureInfo.InvariantCulture, $"{file.Digest.Hex} {file.SizeBytes} {prefixBytes}"));

    private static void HashRange(SafeFileHandle handle, IncrementalHash hash, long from, long to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FileHasher.ChunkBytes);
        try
        {
            while (from < to)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - from)), from);
                if (read == 0)
                {
                    throw new IOException("partial file shorter than expected");
                }
                hash.AppendData(buffer.AsSpan(0, read));
                from += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One chunk [from, to), retried with backoff; bytes counted for progress are taken back when a try fails.</summary>
    private async Task FetchAsync(SafeFileHandle handle, long from, long to, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                long got = 0;
                TimeSpan? retryAfter = null;
                string failure;
                await connections.WaitAsync(cancellationToken);
                try
                {
                    using var response = await client.GetRangeAsync(repo.RepoId, repo.Commit, file.Path, from, to - 1, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.PartialContent
                        || (response.StatusCode == HttpStatusCode.OK && from == 0 && to == file.SizeBytes))
                    {
                        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                        int n;
                        while (got < to - from && (n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, to - from - got)), cancellationToken)) > 0)
                        {
                            RandomAccess.Write(handle, buffer.AsSpan(0, n), from + got);
                            got += n;
                            progress.Add(n);
                            fileProgress.Add(n);
                        }
                        if (got == to - from)
                        {
                            return;
                        }
                        failure = $"connection closed after {got} of {to - from} bytes";
                    }
                    else if (response.StatusCode == HttpStatusCode.OK)
                    {
                        throw new DownloadException($"{file.Path}: the server ignores byte ranges (HTTP 200 to a Range request)");
                    }
                    else if (RetryPolicy.IsRetryable(response.StatusCode))
                    {
                        retryAfter = client.Retry.RetryAfter(response);
                        failure = $"HTTP {(int)response.StatusCode}";
                    }
                    else
                    {
                        throw new DownloadException($"{file.Path}: HTTP {(int)response.StatusCode} {response.ReasonPhrase} for bytes {from}-{to - 1}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException
                    || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    failure = e.Message;
                }
                finally
                {
                    connections.Release();
                }
                progress.Add(-got);
                fileProgress.Add(-got);
                if (attempt >= client.Retry.MaxAttempts)
                {
                    throw new DownloadException($"{file.Path}: giving up on bytes {from}-{to - 1} after {attempt} attempts ({failure})");
                }
                await client.Retry.WaitAsync(attempt, retryAfter, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
