using System.Buffers;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using LlmFleet.Operations.Verify;
using Microsoft.Win32.SafeHandles;

namespace LlmFleet.Operations.Download;

/// <summary>
/// Downloads one file into its partial path in chunks of <see cref="DownloadOptions.ChunkBytes"/>, each request asking
/// for a run of them, several requests at once, handed out in file order by a <see cref="RangeSchedule"/>. Each
/// connection hands the buffers it wrote to a <see cref="PrefixHasher"/>, which hashes the contiguous written prefix
/// while the transfer goes on (from memory when in order, read back from the page cache otherwise). The prefix length
/// is saved beside the partial file at each chunk boundary: a killed process, dropped connection or restart days later
/// resumes from there. Ranges go to the CDN link the hub redirected the first one to (<see cref="ContentLocation"/>),
/// not through the hub each time.
/// The caller moves the file into place only when this returns (hash matched).
/// </summary>
internal sealed class ChunkedDownload(HubClient client, HubRepo repo, HubFile file, string partialPath, DownloadOptions options,
    SemaphoreSlim connections, DownloadProgress progress, FileProgress fileProgress)
{
    /// <summary>Bytes gathered from the socket before one write; large writes keep system calls few.</summary>
    private const int BlockBytes = 1 << 20;

    /// <summary>Written blocks waiting for the hasher; when it falls behind, the connections wait (bounded memory).</summary>
    private const int BlocksInFlight = 16;

    private readonly string _statePath = partialPath + ".json";
    private readonly ContentLocation _location = new(client.ResolveUrl(repo.RepoId, repo.Commit, file.Path));

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
        using var hash = FileHasher.CreateHash(file.Digest.Algorithm, file.SizeBytes);
        PrefixHasher.HashFileRange(handle, hash, 0, start);
        progress.AddBytes(start);
        fileProgress.Add(start);

        var chunk = (long)options.ChunkBytes;
        var count = (int)((file.SizeBytes - start + chunk - 1) / chunk);
        var blocks = Channel.CreateBounded<WrittenBlock>(new BoundedChannelOptions(BlocksInFlight) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connectionCount = Math.Max(1, options.Connections);
        var schedule = new RangeSchedule(start, file.SizeBytes, chunk, connectionCount);
        var workers = Enumerable.Range(0, Math.Min(connectionCount, count)).Select(_ => Task.Run(async () =>
        {
            while (schedule.TryTake(out var from, out var to))
            {
                try
                {
                    await FetchAsync(handle, from, to, blocks.Writer, stop.Token);
                }
                catch
                {
                    await stop.CancelAsync(); // the first failure ends the other connections and the hasher
                    throw;
                }
            }
        }, CancellationToken.None)).ToList();
        var fetching = Task.WhenAll(workers).ContinueWith(t => blocks.Writer.TryComplete(), TaskScheduler.Default);

        var hasher = new PrefixHasher(handle, hash, start, file.SizeBytes, chunk);
        try
        {
            await hasher.RunAsync(blocks.Reader, SaveResumePoint, stop.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A connection failed and cancelled the hasher: its error, thrown below, is the one to report.
        }
        finally
        {
            await stop.CancelAsync();
            await fetching;
        }
        await Task.WhenAll(workers); // rethrows the first connection's failure
        if (hasher.Hashed != file.SizeBytes)
        {
            throw new DownloadException($"{file.Path}: the transfer ended after {hasher.Hashed} of {file.SizeBytes} bytes");
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

    /// <summary>
    /// One range [from, to) of one or more chunks, retried with backoff; each full block is written, counted and handed
    /// to the hasher. Bytes that arrived before a connection failed are kept too, so a retry asks only for the rest.
    /// </summary>
    private async Task FetchAsync(SafeFileHandle handle, long from, long to, ChannelWriter<WrittenBlock> blocks, CancellationToken cancellationToken)
    {
        long got = 0; // bytes of the range written and handed to the hasher
        var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                TimeSpan? retryAfter = null;
                var expired = false;
                var filled = 0;
                string failure;
                await connections.WaitAsync(cancellationToken);
                try
                {
                    var url = _location.Url;
                    using var response = await client.GetRangeAsync(url, from + got, to - 1, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.PartialContent
                        || (response.StatusCode == HttpStatusCode.OK && from + got == 0 && to == file.SizeBytes))
                    {
                        _location.Learn(response);
                        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                        while (got < to - from)
                        {
                            var want = (int)Math.Min(BlockBytes, to - from - got);
                            var n = await body.ReadAsync(buffer.AsMemory(filled, want - filled), cancellationToken);
                            if (n == 0)
                            {
                                break;
                            }
                            filled += n;
                            if (filled == want)
                            {
                                buffer = await HandOverAsync(handle, new WrittenBlock(from + got, buffer, filled), blocks, cancellationToken);
                                got += filled;
                                filled = 0;
                            }
                        }
                        if (got == to - from)
                        {
                            return;
                        }
                        failure = $"connection closed after {got + filled} of {to - from} bytes";
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
                    else if (_location.ForgetIfExpired(url, response.StatusCode))
                    {
                        expired = true;
                        failure = $"HTTP {(int)response.StatusCode} from {url.Host}, a link that may have expired";
                    }
                    else
                    {
                        throw new DownloadException($"{file.Path}: HTTP {(int)response.StatusCode} {response.ReasonPhrase} for bytes {from + got}-{to - 1}");
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
                if (filled > 0)
                {
                    buffer = await HandOverAsync(handle, new WrittenBlock(from + got, buffer, filled), blocks, cancellationToken);
                    got += filled;
                }
                if (attempt >= client.Retry.MaxAttempts)
                {
                    throw new DownloadException($"{file.Path}: giving up on bytes {from + got}-{to - 1} after {attempt} attempts ({failure})");
                }
                if (!expired) // a fresh link from the hub needs no wait
                {
                    await client.Retry.WaitAsync(attempt, retryAfter, cancellationToken);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes a block to the partial file and hands its buffer to the hasher; returns a fresh buffer.</summary>
    private async Task<byte[]> HandOverAsync(SafeFileHandle handle, WrittenBlock block, ChannelWriter<WrittenBlock> blocks, CancellationToken cancellationToken)
    {
        RandomAccess.Write(handle, block.Buffer.AsSpan(0, block.Length), block.Offset);
        await blocks.WriteAsync(block, cancellationToken);
        progress.AddBytes(block.Length);
        fileProgress.Add(block.Length);
        return ArrayPool<byte>.Shared.Rent(BlockBytes); // the hasher returns the one handed over
    }
}
