using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>Cost of usage at the internal price per million tokens (<c>usage.price_per_million</c> in <c>fleet.yaml</c>).</summary>
public static class UsagePricing
{
    public static IReadOnlyList<UsageTotal> Priced(IReadOnlyList<UsageTotal> totals, AccessConfig config)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(config);
        return totals.Select(t => t with
        {
            Cost = Math.Round(((t.PromptTokens * config.PricePerMillionPrompt) + (t.CompletionTokens * config.PricePerMillionCompletion)) / 1_000_000m, 6),
        }).ToArray();
    }
}
