namespace LlmFleet.Gateway.Access.Keys;

/// <summary>What <c>keys create</c> and <c>POST /admin/keys</c> take: the <see cref="KeyTerms"/> of a new key.</summary>
public sealed record NewKeySpec : KeyTerms
{
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
        foreach (var (name, value) in new[] { ("budget-usd-day", BudgetUsdDay), ("budget-usd-month", BudgetUsdMonth) })
        {
            if (value is <= 0)
            {
                return $"{name} must be a positive amount of dollars (leave it out for no budget), not {value}";
            }
        }
        return Models.Any(string.IsNullOrWhiteSpace) ? "models: empty model name" : null;
    }
}
