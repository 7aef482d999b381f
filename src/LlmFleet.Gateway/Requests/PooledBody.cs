using System.Buffers;

namespace LlmFleet.Gateway.Requests;

/// <summary>A request body held in a buffer rented from the shared pool; returned on dispose.</summary>
public sealed class PooledBody : IDisposable
{
    private byte[]? _buffer;

    internal PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer is { } b ? b.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(PooledBody));

    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>A fresh read-only stream over the body (each forwarding attempt reads it from the start).</summary>
    internal MemoryStream OpenRead() => _buffer is { } b ? new MemoryStream(b, 0, Length, writable: false) : throw new ObjectDisposedException(nameof(PooledBody));

    /// <summary>A copy of this body with <paramref name="range"/> replaced by <paramref name="replacement"/>.</summary>
    internal PooledBody Splice(Range range, ReadOnlySpan<byte> replacement)
    {
        var (start, length) = range.GetOffsetAndLength(Length);
        var size = Length - length + replacement.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var span = Span;
        span[..start].CopyTo(buffer);
        replacement.CopyTo(buffer.AsSpan(start));
        span[(start + length)..].CopyTo(buffer.AsSpan(start + replacement.Length));
        return new PooledBody(buffer, size);
    }

    /// <summary>No body (the Responses API's GET and cancel).</summary>
    internal static PooledBody Empty() => new(ArrayPool<byte>.Shared.Rent(1), 0);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    /// <summary>
    /// Reads the whole body once into a pooled buffer. Null when it is larger than <paramref name="limitBytes"/>
    /// (refused from Content-Length alone when the client sent one, so an oversized upload is not read at all).
    /// </summary>
    public static async ValueTask<PooledBody?> ReadAsync(Stream body, long? contentLength, long limitBytes, CancellationToken cancellationToken)
    {
        if (contentLength > limitBytes)
        {
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(contentLength ?? 16 * 1024, 1, limitBytes + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limitBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return null;
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limitBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (length > limitBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }
        return new PooledBody(buffer, length);
    }
}
