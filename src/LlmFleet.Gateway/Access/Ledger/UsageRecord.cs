namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>One row of the usage ledger: a forwarded request once its response ended.</summary>
public readonly record struct UsageRecord
{
    public required DateTimeOffset Time { get; init; }

    /// <summary>Null when the gateway runs without keys.</summary>
    public string? KeyId { get; init; }

    /// <summary>The pool's model name (aliases resolved).</summary>
    public required string Model { get; init; }

    /// <summary>The backend that answered (<c>host:port</c>); <c>none</c> when none was reached.</summary>
    public required string Backend { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    /// <summary>Prompt tokens served from vLLM's prefix cache, when the backend reports them.</summary>
    public long CachedTokens { get; init; }

    public double LatencySeconds { get; init; }

    /// <summary>Streams: time to the first byte relayed; null for other responses.</summary>
    public double? TtftSeconds { get; init; }

    /// <summary>HTTP status the client got (499: the client left).</summary>
    public int Status { get; init; }
}
