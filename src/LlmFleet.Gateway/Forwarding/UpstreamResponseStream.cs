using LlmFleet.Gateway.Requests;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// Wraps a backend's response body on its way to the client. For every response it feeds the <see cref="UsageScanner"/>.
/// For server-sent events it also enforces the first-token and idle timeouts on each read, and turns a broken
/// upstream into a clean end of body while recording <see cref="Failure"/>: the response has started, so a retry is
/// impossible, and ending cleanly (instead of letting the forwarder abort the client connection) is what lets the
/// gateway append an OpenAI error event and <c>data: [DONE]</c>, which clients can handle.
/// <para>
/// A stream whose backend reports an error event (<see cref="UsageScanner"/>) is a failed attempt. When that event is
/// the first one and <paramref name="canRetry"/> says another backend could take the request, it is held back: the
/// body ends before a byte reached the client (<see cref="HeldBack"/>), so the forwarder can retry elsewhere.
/// </para>
/// </summary>
internal sealed class UpstreamResponseStream(Stream inner, bool isEventStream, TimeSpan firstToken, TimeSpan idle,
    CancellationToken clientAborted, TimeProvider time, Func<bool> canRetry) : ReadOnlyBodyStream(inner)
{
    private readonly UsageScanner _usage = new();
    private CancellationTokenSource? _timeout;
    private bool _endsOnEventBoundary = true;
    private StreamFailure _failure;

    public TokenUsage? Usage => _usage.Usage;

    /// <summary>Set for a successful <c>POST /v1/responses</c>: reads the created response's id as it passes.</summary>
    public ResponseIdScanner? ResponseIds { get; init; }

    public StreamFailure Failure => _failure != StreamFailure.None ? _failure
        : isEventStream && _usage.SawError ? StreamFailure.ErrorEvent
        : StreamFailure.None;

    /// <summary>The first event was an error event and was not relayed: nothing reached the client.</summary>
    public bool HeldBack { get; private set; }

    /// <summary>The backend's error event's message, when it had one.</summary>
    public string? ErrorMessage => _usage.ErrorMessage;

    /// <summary>
    /// The status that describes how the request ended, for metrics and the usage ledger: the response's own status,
    /// except that a stream that failed after its 200 counts as the error its client was told of: the backend's
    /// error event's <c>code</c> (500 when it has none), 504 for a timeout, 502 for a cut stream.
    /// </summary>
    public int OutcomeStatus(int responseStatus) => Failure switch
    {
        StreamFailure.ErrorEvent => _usage.ErrorCode is >= 400 and < 600 and var code ? code : 500,
        StreamFailure.TimedOut => 504,
        StreamFailure.Cut => 502,
        _ => responseStatus,
    };

    /// <summary>Whether to pick the backend's <see cref="Model"/> out of the first bytes (for the attempt's span).</summary>
    public bool ReadsModel { get; init; }

    /// <summary>The <c>model</c> the backend named in its answer's first bytes, when <see cref="ReadsModel"/>.</summary>
    public string? Model { get; private set; }

    /// <summary>When the first body bytes arrived (<see cref="TimeProvider.GetTimestamp"/>); 0 before.</summary>
    public long FirstByteTimestamp { get; private set; }

    /// <summary>False when the stream stopped in the middle of an event (its blank line not yet seen).</summary>
    public bool EndsOnEventBoundary => _endsOnEventBoundary;

    public bool IsEventStream => isEventStream;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (HeldBack)
        {
            return 0;
        }
        int read;
        if (!isEventStream)
        {
            read = await Inner.ReadAsync(buffer, cancellationToken);
        }
        else
        {
            read = await ReadEventsAsync(buffer, cancellationToken);
            if (read > 0 && FirstByteTimestamp == 0)
            {
                read = await CompleteFirstEventAsync(buffer, read, cancellationToken);
                if (StartsWithErrorEvent(buffer.Span[..read]) && canRetry())
                {
                    _usage.Scan(buffer.Span[..read]);
                    HeldBack = true;
                    return 0;
                }
            }
        }
        if (read > 0)
        {
            if (FirstByteTimestamp == 0)
            {
                FirstByteTimestamp = time.GetTimestamp();
                if (ReadsModel)
                {
                    Model = ResponseModel.Find(buffer.Span[..read]);
                }
            }
            _usage.Scan(buffer.Span[..read]);
            ResponseIds?.Scan(buffer.Span[..read]);
        }
        return read;
    }

    /// <summary>One read of an event stream under the first-token and idle timeouts; 0 with <see cref="Failure"/>
    /// set when the backend broke off or fell silent.</summary>
    private async ValueTask<int> ReadEventsAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _timeout ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timeout.CancelAfter(FirstByteTimestamp == 0 ? firstToken : idle);
        int read;
        try
        {
            read = await Inner.ReadAsync(buffer, _timeout.Token);
        }
        catch (Exception e) when (!clientAborted.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _failure = e is OperationCanceledException ? StreamFailure.TimedOut : StreamFailure.Cut;
            return 0;
        }
        _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        if (read > 0)
        {
            var span = buffer.Span[..read];
            _endsOnEventBoundary = span.EndsWith("\n\n"u8) || span.EndsWith("\r\n\r\n"u8);
        }
        return read;
    }

    /// <summary>Reads on until the buffer holds the whole first event, so whether it is an error event is known
    /// before anything is relayed.</summary>
    private async ValueTask<int> CompleteFirstEventAsync(Memory<byte> buffer, int read, CancellationToken cancellationToken)
    {
        while (read < buffer.Length && buffer.Span[..read].IndexOf("\n\n"u8) < 0 && buffer.Span[..read].IndexOf("\r\n\r\n"u8) < 0)
        {
            var more = await ReadEventsAsync(buffer[read..], cancellationToken);
            if (more == 0)
            {
                break;
            }
            read += more;
        }
        return read;
    }

    private static bool StartsWithErrorEvent(ReadOnlySpan<byte> events) =>
        events.StartsWith(UsageScanner.ErrorEventPrefix) || events.StartsWith(UsageScanner.AnthropicErrorEvent);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout?.Dispose();
        }
        base.Dispose(disposing);
    }
}
