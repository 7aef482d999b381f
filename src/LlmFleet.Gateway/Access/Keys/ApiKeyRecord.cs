namespace LlmFleet.Gateway.Access.Keys;

/// <summary>
/// One API key as the store keeps it: its <see cref="KeyTerms"/>, and never the key itself, only its keyed hash
/// (HMAC-SHA-256 with the server secret) and its last four characters for display.
/// </summary>
public sealed record ApiKeyRecord : KeyTerms
{
    /// <summary>Stable identifier (<c>key_…</c>), kept across rotations; what the usage ledger records.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>HMAC-SHA-256 of the key, 32 bytes.</summary>
    public required byte[] Hash { get; init; }

    /// <summary>The key's last four characters, for <see cref="ApiKeys.Mask"/>.</summary>
    public required string Last4 { get; init; }

    public string Masked => ApiKeys.Prefix + "…" + Last4;

    /// <summary>A caller identified by a JSON Web Token, not a stored key: <see cref="Id"/> is <c>jwt:&lt;subject&gt;</c>,
    /// and <see cref="Hash"/> and <see cref="Last4"/> are empty. Built per request (<c>Access/Jwt/JwtCaller</c>).</summary>
    public bool FromToken { get; init; }

    /// <summary>How refusals name the caller: <c>API key sk-fleet-…abcd</c> or <c>token of jwt:alice</c>.</summary>
    public string Caller => FromToken ? $"token of {Id}" : $"API key {Masked}";

    /// <summary>Whether a limit needs a token estimate on the way in (tokens per minute or a budget).</summary>
    public bool CountsTokens => Tpm is not null || BudgetTokensDay is not null || BudgetTokensMonth is not null;

    public bool HasLimits => CountsTokens || Rpm is not null || Parallel is not null;

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } e && now >= e;
}
