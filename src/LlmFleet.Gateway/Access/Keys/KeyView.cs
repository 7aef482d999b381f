namespace LlmFleet.Gateway.Access.Keys;

/// <summary>A key as listings, the CLI's <c>--json</c> and the admin API show it: masked, with its status. <see cref="Key"/>
/// is set only in the answer to create and rotate, the one time the key is shown.</summary>
public sealed record KeyView
{
    public required string Id { get; init; }

    public string? Key { get; init; }

    public required string Name { get; init; }

    public string? Team { get; init; }

    public required IReadOnlyList<string> Models { get; init; }

    public long? Rpm { get; init; }

    public long? Tpm { get; init; }

    public long? Parallel { get; init; }

    public long? BudgetTokensDay { get; init; }

    public long? BudgetTokensMonth { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary><c>sk-fleet-…a1b2</c>.</summary>
    public required string Masked { get; init; }

    /// <summary><c>active</c>, <c>revoked</c> or <c>expired</c>.</summary>
    public required string Status { get; init; }

    public static KeyView Of(ApiKeyRecord k, DateTimeOffset now, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(k);
        return new()
        {
            Id = k.Id,
            Key = key,
            Name = k.Name,
            Team = k.Team,
            Models = k.Models,
            Rpm = k.Rpm,
            Tpm = k.Tpm,
            Parallel = k.Parallel,
            BudgetTokensDay = k.BudgetTokensDay,
            BudgetTokensMonth = k.BudgetTokensMonth,
            ExpiresAt = k.ExpiresAt,
            CreatedAt = k.CreatedAt,
            RevokedAt = k.RevokedAt,
            Masked = k.Masked,
            Status = k.RevokedAt is not null ? "revoked" : k.IsExpired(now) ? "expired" : "active",
        };
    }
}
