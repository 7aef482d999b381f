namespace LlmFleet.Gateway.Access.Keys;

/// <summary>
/// What a key is for and how far it may go: its name, team, models and limits, as a new key asks for them
/// (<see cref="NewKeySpec"/>), the store keeps them (<see cref="ApiKeyRecord"/>) and listings show them
/// (<see cref="KeyView"/>). Limits are null when unlimited.
/// </summary>
public abstract record KeyTerms
{
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

    /// <summary>Dollars per UTC day (the ledger's cost of each request).</summary>
    public decimal? BudgetUsdDay { get; init; }

    /// <summary>Dollars per UTC calendar month.</summary>
    public decimal? BudgetUsdMonth { get; init; }

    /// <summary>Requests never go to an external provider (data that must not leave); with nowhere else to go they get 503.</summary>
    public bool NoExternal { get; init; }
}
