using LlmFleet.Gateway.Requests;

namespace LlmFleet.Gateway.Routing;

/// <summary>
/// One client request as the gateway routes it: what was picked out of the body, the pool it resolved to, and,
/// once forwarded, which backend answered and the token usage seen in the response. Request filters
/// (<c>Pipeline/IGatewayRequestFilter</c>) and usage observers see this object.
/// </summary>
public sealed class GatewayRequest
{
    internal GatewayRequest(ModelPool pool, PooledBody body, RequestInspection inspection, long startTimestamp)
    {
        Pool = pool;
        ServingPool = pool;
        Body = body;
        Inspection = inspection;
        StartTimestamp = startTimestamp;
    }

    /// <summary>The pool the requested model or alias resolved to.</summary>
    public ModelPool Pool { get; }

    /// <summary>The body as the client sent it (or as a request filter amended it, e.g. to ask for stream usage).</summary>
    public PooledBody Body { get; internal set; }

    public bool Stream => Inspection.Stream;

    /// <summary>When the gateway started on it, from <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long StartTimestamp { get; }

    /// <summary>Hash of the prompt's identifying prefix; null when the request has no prompt or the pool does not use affinity.</summary>
    public ulong? AffinityKey { get; internal set; }

    /// <summary>The pool of the last attempt: <see cref="Pool"/>, or one of its fallbacks (<see cref="FallbackChain"/>).</summary>
    public ModelPool ServingPool { get; internal set; }

    /// <summary>False for keys created with <c>--no-external</c>: external providers are never tried.</summary>
    public bool ExternalAllowed { get; internal set; } = true;

    /// <summary>The backend of the last attempt; null before the first.</summary>
    public PoolBackend? Backend { get; internal set; }

    /// <summary>Attempts made (1 + retries).</summary>
    public int Attempts { get; internal set; }

    /// <summary>When the first byte of a streamed answer arrived (<see cref="TimeProvider.GetTimestamp"/>); 0 when none did.</summary>
    public long FirstByteTimestamp { get; internal set; }

    /// <summary>Token counts from the response's <c>usage</c>, when it had one (streams: when the client asked for
    /// <c>stream_options.include_usage</c>).</summary>
    public TokenUsage? Usage { get; internal set; }

    /// <summary>For a stored response's GET or cancel: the backend that holds it, the only one tried
    /// (docs/gateway.md, "Stored responses"); null for requests routed by model.</summary>
    public PoolBackend? PinnedBackend { get; internal init; }

    /// <summary>The stored response a GET or cancel names; null otherwise.</summary>
    public string? StoredResponseId { get; internal init; }

    /// <summary>The id of the response a <c>POST /v1/responses</c> created, read from its answer; null otherwise.</summary>
    public string? CreatedResponseId { get; internal set; }

    internal RequestInspection Inspection { get; }
}
