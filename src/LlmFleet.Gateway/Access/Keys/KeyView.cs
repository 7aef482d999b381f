using System.Text.Json.Serialization;

namespace LlmFleet.Gateway.Access.Keys;

/// <summary>A key as listings, the CLI's <c>--json</c> and the admin API show it: masked, with its status. <see cref="Key"/>
/// is set only in the answer to create and rotate, the one time the key is shown. In JSON the id and key come before
/// the <see cref="KeyTerms"/>, the dates and status after them.</summary>
public sealed record KeyView : KeyTerms
{
    [JsonPropertyOrder(-2)]
    public required string Id { get; init; }

    [JsonPropertyOrder(-1)]
    public string? Key { get; init; }

    [JsonPropertyOrder(1)]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyOrder(2)]
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary><c>sk-fleet-…a1b2</c>.</summary>
    [JsonPropertyOrder(3)]
    public required string Masked { get; init; }

    /// <summary><c>active</c>, <c>revoked</c> or <c>expired</c>.</summary>
    [JsonPropertyOrder(4)]
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
            BudgetUsdDay = k.BudgetUsdDay,
            BudgetUsdMonth = k.BudgetUsdMonth,
            NoExternal = k.NoExternal,
            CreatedAt = k.CreatedAt,
            RevokedAt = k.RevokedAt,
            Masked = k.Masked,
            Status = k.RevokedAt is not null ? "revoked" : k.IsExpired(now) ? "expired" : "active",
        };
    }
}
