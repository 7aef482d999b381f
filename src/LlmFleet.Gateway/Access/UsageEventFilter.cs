using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Access;

/// <summary>
/// Wraps the client's response body for a stream where the gateway added <c>stream_options.include_usage</c>: passes
/// every server-sent event through unchanged except the usage-only one (<c>"choices":[]</c> with a <c>usage</c>
/// object), which the client did not ask for. Events are relayed as soon as their closing blank line is seen; only an
/// incomplete event is held back. Also notes when the first byte went out (time to first token).
/// </summary>
internal sealed class UsageEventFilter(Stream inner, HttpResponse response, bool strip, TimeProvider time) : Stream
{
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private byte[] _pending = [];
    private int _pendingLength;
    private bool? _isEventStream;

    /// <summary>When the first bytes reached the client (<see cref="TimeProvider.GetTimestamp"/>); 0 before.</summary>
    public long FirstWriteTimestamp { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // An error answered as JSON instead of a stream, or a stream whose client asked for usage, passes through untouched.
        _isEventStream ??= strip && response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        if (_isEventStream == false)
        {
            await WriteInnerAsync(buffer, cancellationToken);
            return;
        }
        if (_pendingLength > 0)
        {
            Append(buffer.Span);
            var pending = _pending.AsMemory(0, _pendingLength);
            var consumed = await RelayEventsAsync(pending, cancellationToken);
            pending[consumed..].CopyTo(_pending);
            _pendingLength -= consumed;
            return;
        }
        var used = await RelayEventsAsync(buffer, cancellationToken);
        if (used < buffer.Length)
        {
            _pendingLength = 0;
            Append(buffer.Span[used..]);
        }
    }

    /// <summary>Writes the complete events at the start of <paramref name="data"/>, dropping the usage event; returns the bytes consumed.</summary>
    private async ValueTask<int> RelayEventsAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var start = 0;
        var runStart = 0;
        while (true)
        {
            var end = data.Span[start..].IndexOf(EventEnd);
            if (end < 0)
            {
                break;
            }
            var eventEnd = start + end + EventEnd.Length;
            if (IsUsageOnly(data.Span[start..eventEnd]))
            {
                await WriteInnerAsync(data[runStart..start], cancellationToken);
                runStart = eventEnd;
            }
            start = eventEnd;
        }
        await WriteInnerAsync(data[runStart..start], cancellationToken);
        return start;
    }

    private static bool IsUsageOnly(ReadOnlySpan<byte> e) =>
        e.StartsWith("data: "u8) && e.IndexOf("\"choices\":[]"u8) >= 0 && e.IndexOf("\"usage\":{"u8) >= 0;

    private async ValueTask WriteInnerAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (FirstWriteTimestamp == 0)
        {
            FirstWriteTimestamp = time.GetTimestamp();
        }
        await inner.WriteAsync(data, cancellationToken);
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_pendingLength + data.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pendingLength + data.Length, Math.Max(256, _pending.Length * 2)));
        }
        data.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += data.Length;
    }

    public override async Task FlushAsync(CancellationToken cancellationToken) => await inner.FlushAsync(cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
