using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LlmFleet.Operations.Verify;

/// <summary>
/// Hashes whole files at disk speed: positional reads into two pooled buffers, the next read running while the
/// current chunk is hashed, so neither the disk nor the SHA unit waits; no allocation per chunk.
/// </summary>
public static class FileHasher
{
    /// <summary>Large enough that per-call costs vanish, small enough to stay in cache next to the hash state.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>Returns the lower-case hex digest of <paramref name="path"/>.</summary>
    /// <param name="onBytes">Called after each chunk with the bytes it held (for progress).</param>
    public static async Task<string> HashAsync(string path, DigestAlgorithm algorithm, Action<int>? onBytes = null,
        CancellationToken cancellationToken = default)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        using var hash = CreateHash(algorithm, length);
        var current = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var next = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long offset = 0;
            var pending = RandomAccess.ReadAsync(handle, current.AsMemory(0, ChunkBytes), offset, cancellationToken);
            while (true)
            {
                var read = await pending;
                if (read == 0)
                {
                    break;
                }
                offset += read;
                pending = RandomAccess.ReadAsync(handle, next.AsMemory(0, ChunkBytes), offset, cancellationToken);
                try
                {
                    hash.AppendData(current.AsSpan(0, read));
                    onBytes?.Invoke(read);
                }
                catch
                {
                    // The next read still writes into a pooled buffer: let it finish before the buffers go back.
                    await DrainAsync(pending);
                    throw;
                }
                (current, next) = (next, current);
            }
            return Convert.ToHexStringLower(hash.GetCurrentHash());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>A hash ready for the content of a file of <paramref name="length"/> bytes: SHA-256, or SHA-1 already fed
    /// git's <c>blob {length}\0</c> header.</summary>
    public static IncrementalHash CreateHash(DigestAlgorithm algorithm, long length)
    {
        var hash = IncrementalHash.CreateHash(algorithm == DigestAlgorithm.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1);
        if (algorithm == DigestAlgorithm.GitBlobSha1)
        {
            hash.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {length}\0")));
        }
        return hash;
    }

    private static async Task DrainAsync(ValueTask<int> read)
    {
        try
        {
            await read;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The first failure is the one worth reporting.
        }
    }
}
