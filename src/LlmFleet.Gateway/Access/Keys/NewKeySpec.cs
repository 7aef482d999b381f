namespace LlmFleet.Gateway.Access.Keys;

/// <summary>What <c>keys create</c> and <c>POST /admin/keys</c> take; null limits are unlimited.</summary>
public sealed record NewKeySpec
{
    public required string Name { get; init; }

    public string? Team { get; init; }

    public IReadOnlyList<string> Models { get; init; } = [];

    public long? Rpm { get; init; }

    public long? Tpm { get; init; }

    public long? Parallel { get; init; }

    public long? BudgetTokensDay { get; init; }

    public long? BudgetTokensMonth { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Null when valid; else what is wrong, for a 400 or exit code 2.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return "a key needs a name";
        }
        foreach (var (name, value) in new[] { ("rpm", Rpm), ("tpm", Tpm), ("parallel", Parallel), ("budget-tokens-day", BudgetTokensDay), ("budget-tokens-month", BudgetTokensMonth) })
        {
            if (value is <= 0)
            {
                return $"{name} must be a positive number (leave it out for no limit), not {value}";
            }
        }
        return Models.Any(string.IsNullOrWhiteSpace) ? "models: empty model name" : null;
    }
}
