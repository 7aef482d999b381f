namespace LlmFleet.Gateway.Configuration;

/// <summary>Dollars per million tokens: a provider's list prices, or the internal price of a self-hosted pool.</summary>
public sealed record TokenPrices
{
    /// <summary>Prompt tokens not served from a cache.</summary>
    public decimal InputPerMillion { get; init; }

    /// <summary>Prompt tokens served from the provider's (or vLLM's prefix) cache. Default: the input price.</summary>
    public decimal CachedInputPerMillion { get; init; }

    /// <summary>Generated tokens.</summary>
    public decimal OutputPerMillion { get; init; }

    public static TokenPrices Zero { get; } = new();

    /// <summary>The dollars of one request: uncached prompt, cached prompt and completion tokens at their prices.</summary>
    public decimal Cost(long promptTokens, long cachedTokens, long completionTokens)
    {
        var cached = Math.Clamp(cachedTokens, 0, promptTokens);
        return (((promptTokens - cached) * InputPerMillion) + (cached * CachedInputPerMillion) + (completionTokens * OutputPerMillion)) / 1_000_000m;
    }
}

/// <summary>The values of <c>models[].spill</c> (<c>spill.when</c> in the mapping form).</summary>
public static class SpillModes
{
    /// <summary>The fallbacks are never used.</summary>
    public const string Never = "never";

    /// <summary>The fallbacks take requests the pool cannot: no usable backend, or every attempt failed before the
    /// first byte (the default).</summary>
    public const string WhenDown = "when_down";

    /// <summary>As <see cref="WhenDown"/>, and also while every usable backend is saturated (queue or KV cache over the thresholds).</summary>
    public const string WhenSaturated = "when_saturated";

    public static IReadOnlyList<string> All { get; } = [Never, WhenDown, WhenSaturated];
}

/// <summary><c>models[].spill</c>: when requests move on to <c>fallbacks</c>, and what counts as saturated.</summary>
public sealed record SpillConfig
{
    /// <summary>A name from <see cref="SpillModes"/>. Default <c>when_down</c>.</summary>
    public string When { get; init; } = SpillModes.WhenDown;

    /// <summary>A backend is saturated while more requests than this wait in its queue (<c>vllm:num_requests_waiting</c>,
    /// as last scraped). Default 8.</summary>
    public double MaxWaiting { get; init; } = 8;

    /// <summary>…or while its KV cache is fuller than this fraction (<c>vllm:kv_cache_usage_perc</c>). Default 0.95.</summary>
    public double MaxKvUsage { get; init; } = 0.95;
}

/// <summary><c>teams.NAME</c>: a team's spend budgets in dollars (null: unlimited), shared by every key of the team.</summary>
public sealed record TeamBudget
{
    /// <summary>Dollars per UTC day.</summary>
    public decimal? UsdDay { get; init; }

    /// <summary>Dollars per UTC calendar month.</summary>
    public decimal? UsdMonth { get; init; }
}
