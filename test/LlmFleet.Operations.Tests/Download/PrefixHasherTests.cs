using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using LlmFleet.Operations.Download;

namespace LlmFleet.Operations.Tests.Download;

/// <summary>The hash of a file written by several connections out of order, with a retried chunk, is the file's hash.</summary>
public sealed class PrefixHasherTests
{
    private const int Chunk = 1000;

    [Fact]
    public async Task RunAsync_BlocksOutOfOrderAndRetried_HashesTheWholeFileOnceAndSavesEachChunkBoundary()
    {
        var data = new byte[(Chunk * 4) + 300];
        new Random(7).NextBytes(data);
        var path = Path.Combine(TestPaths.NewTempDirectory(), "model.safetensors.incomplete");
        await File.WriteAllBytesAsync(path, data, TestContext.Current.CancellationToken); // as the connections left it
        using var handle = File.OpenHandle(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hasher = new PrefixHasher(handle, hash, start: 0, size: data.Length, chunkBytes: Chunk);

        // (from, to): chunk 2 arrives first (read back later), chunk 0 is cut and retried from its start, one block
        // runs from inside chunk 0 through the whole of chunk 1 (one request for a run of chunks), and chunk 4 (the
        // short tail) precedes chunk 3.
        (int From, int To)[] order =
        [
            (2000, 2600), (0, 400), (2600, 3000), (0, 700), (700, 2000), (4000, 4300), (3000, 4000),
        ];
        var blocks = Channel.CreateUnbounded<WrittenBlock>();
        foreach (var (from, to) in order)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(to - from);
            data.AsSpan(from, to - from).CopyTo(buffer);
            blocks.Writer.TryWrite(new WrittenBlock(from, buffer, to - from));
        }
        blocks.Writer.Complete();
        var saved = new List<long>();
        await hasher.RunAsync(blocks.Reader, saved.Add, TestContext.Current.CancellationToken);

        Assert.Equal(data.Length, hasher.Hashed);
        Assert.Equal(SHA256.HashData(data), hash.GetCurrentHash());
        // Saved only at chunk boundaries (how many depends on how the blocks were batched), last at the end.
        Assert.All(saved, s => Assert.True(s % Chunk == 0 || s == data.Length, $"saved mid-chunk at {s}"));
        Assert.Equal(data.Length, saved[^1]);
    }

    [Fact]
    public async Task RunAsync_BlocksArriveWhileReadingBack_TakesThemAndHashesTheWholeFile()
    {
        // Chunks of 3 MiB, so that reading one back takes several buffers; a bounded channel of one block, as the
        // connections use, filled by a writer while the hasher reads back.
        const int chunkBytes = 3 << 20;
        var data = new byte[(chunkBytes * 4) + 777];
        new Random(11).NextBytes(data);
        var path = Path.Combine(TestPaths.NewTempDirectory(), "model.safetensors.incomplete");
        await File.WriteAllBytesAsync(path, data, TestContext.Current.CancellationToken);
        using var handle = File.OpenHandle(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hasher = new PrefixHasher(handle, hash, start: 0, size: data.Length, chunkBytes: chunkBytes);
        var blocks = Channel.CreateBounded<WrittenBlock>(1);

        var writer = Task.Run(async () =>
        {
            // Chunks 1 and 2 first (read back later), then chunk 0 opens the prefix, then 3 and the tail come in
            // 64 KiB blocks while the hasher reads chunks 1 and 2 back.
            (int From, int To)[] order = [(chunkBytes, chunkBytes * 3), (0, chunkBytes)];
            foreach (var (from, to) in order.Concat(Enumerable.Range(0, (data.Length - (chunkBytes * 3) + 65535) / 65536)
                .Select(i => (chunkBytes * 3 + (i * 65536), Math.Min(data.Length, chunkBytes * 3 + ((i + 1) * 65536))))))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(to - from);
                data.AsSpan(from, to - from).CopyTo(buffer);
                await blocks.Writer.WriteAsync(new WrittenBlock(from, buffer, to - from), TestContext.Current.CancellationToken);
            }
            blocks.Writer.Complete();
        }, TestContext.Current.CancellationToken);
        await hasher.RunAsync(blocks.Reader, _ => { }, TestContext.Current.CancellationToken);
        await writer;

        Assert.Equal(data.Length, hasher.Hashed);
        Assert.Equal(SHA256.HashData(data), hash.GetCurrentHash());
    }
}
