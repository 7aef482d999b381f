namespace LlmFleet.Gateway.Access.Keys;

/// <summary>
/// One API key as the store keeps it: never the key itself, only its keyed hash (HMAC-SHA-256 with the server
/// secret) and its last four characters for display. Limits are null when unlimited.
/// </summary>
public sealed record ApiKeyRecord
{
    /// <summary>Stable identifier (<c>key_…</c>), kept across rotations; what the usage ledger records.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Team { get; init; }

    /// <summary>Models (names or aliases) the key may use; empty: all.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Requests per minute.</summary>
    public long? Rpm { get; init; }

    /// <summary>Tokens (prompt + completion) per minute.</summary>
    public long? Tpm { get; init; }

    /// <summary>Requests in flight at once.</summary>
    public long? Parallel { get; init; }

    /// <summary>Tokens per UTC day.</summary>
    public long? BudgetTokensDay { get; init; }

    /// <summary>Tokens per UTC calendar month.</summary>
    public long? BudgetTokensMonth { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>HMAC-SHA-256 of the key, 32 bytes.</summary>
    public required byte[] Hash { get; init; }

    /// <summary>The key's last four characters, for <see cref="ApiKeys.Mask"/>.</summary>
    public required string Last4 { get; init; }

    public string Masked => ApiKeys.Prefix + "…" + Last4;

    /// <summary>Whether a limit needs a token estimate on the way in (tokens per minute or a budget).</summary>
    public bool CountsTokens => Tpm is not null || BudgetTokensDay is not null || BudgetTokensMonth is not null;

    public bool HasLimits => CountsTokens || Rpm is not null || Parallel is not null;

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } e && now >= e;
}
