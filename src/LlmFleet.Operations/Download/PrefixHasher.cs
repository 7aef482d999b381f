using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using LlmFleet.Operations.Verify;
using Microsoft.Win32.SafeHandles;

namespace LlmFleet.Operations.Download;

/// <summary>A buffer a transfer task has written to the partial file at <see cref="Offset"/>; handed over to the hasher,
/// which returns <see cref="Buffer"/> to the shared pool. It may cover parts of several chunks.</summary>
internal readonly record struct WrittenBlock(long Offset, byte[] Buffer, int Length);

/// <summary>
/// Hashes a partial file's contiguous written prefix while the transfer tasks go on writing. A block that continues the
/// prefix is hashed straight from the buffer it arrived in, so a download that completes in order never reads its
/// file back; a block written further ahead (another connection's chunk) only moves that chunk's written mark, and is
/// read back from the page cache once the prefix reaches it. Runs on one task; SHA-256 is sequential by nature.
/// Chunks are the unit of this bookkeeping and of resume, whatever range each request asks for.
/// </summary>
internal sealed class PrefixHasher(SafeFileHandle handle, IncrementalHash hash, long start, long size, long chunkBytes)
{
    private readonly long _start = start;
    private readonly long[] _writtenEnd = InitialMarks(start, size, chunkBytes);

    /// <summary>Bytes of the file hashed so far: everything before this offset has been written and hashed.</summary>
    public long Hashed { get; private set; } = start;

    /// <summary>Consumes blocks until the whole file is hashed or the writers complete the channel.</summary>
    /// <param name="prefixSaved">Called each time the prefix passes a chunk boundary, with the new prefix length.</param>
    public async Task RunAsync(ChannelReader<WrittenBlock> blocks, Action<long> prefixSaved, CancellationToken cancellationToken)
    {
        var savedChunk = ChunkOf(Hashed);
        var readBack = ArrayPool<byte>.Shared.Rent(FileHasher.ChunkBytes);
        try
        {
            while (Hashed < size && await blocks.WaitToReadAsync(cancellationToken))
            {
                Advance(blocks, readBack);
                if (Hashed == size || ChunkOf(Hashed) != savedChunk)
                {
                    savedChunk = ChunkOf(Hashed);
                    prefixSaved(Hashed);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(readBack);
        }
    }

    /// <summary>
    /// Takes the blocks that arrived, then reads back and hashes what other connections wrote beyond the prefix, one
    /// buffer at a time. Between buffers it takes the blocks that arrived meanwhile: the connections wait on a bounded
    /// channel, and a read-back of hundreds of megabytes in one go would leave them, and the network, idle.
    /// </summary>
    private void Advance(ChannelReader<WrittenBlock> blocks, byte[] readBack)
    {
        while (true)
        {
            while (blocks.TryRead(out var block))
            {
                Take(block);
            }
            var end = Hashed < size ? _writtenEnd[ChunkOf(Hashed)] : Hashed;
            if (end <= Hashed)
            {
                return;
            }
            Hashed += HashFromFile(handle, hash, readBack, Hashed, end);
        }
    }

    private void Take(WrittenBlock block)
    {
        try
        {
            var end = block.Offset + block.Length;
            // Each chunk is written in order from its start (a retry goes on where the bytes stopped), so a chunk's
            // mark is simply the furthest end written in it.
            for (var c = ChunkOf(block.Offset); c <= ChunkOf(end - 1); c++)
            {
                _writtenEnd[c] = Math.Max(_writtenEnd[c], Math.Min(end, _start + ((c + 1) * chunkBytes)));
            }
            // Bytes before the prefix end were hashed already; a block that repeats some is hashed from there on.
            if (block.Offset <= Hashed && Hashed < end)
            {
                hash.AppendData(block.Buffer.AsSpan((int)(Hashed - block.Offset), (int)(end - Hashed)));
                Hashed = end;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block.Buffer);
        }
    }

    private int ChunkOf(long offset) => (int)((Math.Min(offset, size - 1) - _start) / chunkBytes);

    private static long[] InitialMarks(long start, long size, long chunkBytes)
    {
        var marks = new long[(int)((size - start + chunkBytes - 1) / chunkBytes)];
        for (var i = 0; i < marks.Length; i++)
        {
            marks[i] = start + (i * chunkBytes);
        }
        return marks;
    }

    /// <summary>Hashes bytes [from, to) of the file as they are on disk (or in the page cache).</summary>
    public static void HashFileRange(SafeFileHandle handle, IncrementalHash hash, long from, long to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FileHasher.ChunkBytes);
        try
        {
            while (from < to)
            {
                from += HashFromFile(handle, hash, buffer, from, to);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one buffer's worth of [from, to) and hashes it; returns the bytes read.</summary>
    private static int HashFromFile(SafeFileHandle handle, IncrementalHash hash, byte[] buffer, long from, long to)
    {
        var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - from)), from);
        if (read == 0)
        {
            throw new IOException("partial file shorter than expected");
        }
        hash.AppendData(buffer.AsSpan(0, read));
        return read;
    }
}
