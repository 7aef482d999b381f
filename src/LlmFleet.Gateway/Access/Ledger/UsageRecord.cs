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

    /// <summary>The pool that answered: <see cref="Model"/>, or a fallback it spilled to. Null in rows written before
    /// the gateway knew fallbacks.</summary>
    public string? Pool { get; init; }

    /// <summary>The external provider's host when one answered; null for self-hosted backends.</summary>
    public string? Provider { get; init; }

    /// <summary>Dollars: the provider's list prices, or the pool's internal price for self-hosted backends.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>The caller's team when the request was made: a key's, or a token's team claim (a token's caller is in no
    /// key table, so <c>usage --by team</c> reads it here). Null in rows written before the ledger kept it.</summary>
    public string? Team { get; init; }
}
