using LlmFleet.Gateway.Requests;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// Wraps a backend's response body on its way to the client. For every response it feeds the <see cref="UsageScanner"/>.
/// For server-sent events it also enforces the first-token and idle timeouts on each read, and turns a broken
/// upstream into a clean end of body while recording <see cref="Failure"/>: the response has started, so a retry is
/// impossible, and ending cleanly (instead of letting the forwarder abort the client connection) is what lets the
/// gateway append an OpenAI error event and <c>data: [DONE]</c>, which clients can handle.
/// </summary>
internal sealed class UpstreamResponseStream(Stream inner, bool isEventStream, TimeSpan firstToken, TimeSpan idle,
    CancellationToken clientAborted, TimeProvider time) : Stream
{
    private readonly UsageScanner _usage = new();
    private CancellationTokenSource? _timeout;
    private bool _endsOnEventBoundary = true;

    public TokenUsage? Usage => _usage.Usage;

    public StreamFailure Failure { get; private set; }

    /// <summary>When the first body bytes arrived (<see cref="TimeProvider.GetTimestamp"/>); 0 before.</summary>
    public long FirstByteTimestamp { get; private set; }

    /// <summary>False when the stream stopped in the middle of an event (its blank line not yet seen).</summary>
    public bool EndsOnEventBoundary => _endsOnEventBoundary;

    public bool IsEventStream => isEventStream;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (!isEventStream)
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        else
        {
            _timeout ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _timeout.CancelAfter(FirstByteTimestamp == 0 ? firstToken : idle);
            try
            {
                read = await inner.ReadAsync(buffer, _timeout.Token);
            }
            catch (Exception e) when (!clientAborted.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Failure = e is OperationCanceledException ? StreamFailure.TimedOut : StreamFailure.Cut;
                return 0;
            }
            _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            if (read > 0)
            {
                var span = buffer.Span[..read];
                _endsOnEventBoundary = span.EndsWith("\n\n"u8) || span.EndsWith("\r\n\r\n"u8);
            }
        }
        if (read > 0)
        {
            if (FirstByteTimestamp == 0)
            {
                FirstByteTimestamp = time.GetTimestamp();
            }
            _usage.Scan(buffer.Span[..read]);
        }
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout?.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
