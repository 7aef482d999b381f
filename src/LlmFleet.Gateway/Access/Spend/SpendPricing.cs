using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;

namespace LlmFleet.Gateway.Access.Spend;

/// <summary>What one finished request cost in dollars: the provider's list prices when an external backend answered,
/// else the serving pool's internal price (<c>models[].prices</c>, default <c>usage.price_per_million</c>).</summary>
public static class SpendPricing
{
    public static decimal Cost(GatewayRequest request, AccessConfig config)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(config);
        if (request.Usage is not { } usage || request.Backend is not { } backend)
        {
            return 0;
        }
        var prices = backend.Config.Prices ?? request.ServingPool.Config.Prices ?? config.InternalPrices;
        return prices.Cost(usage.PromptTokens, usage.CachedTokens, usage.CompletionTokens);
    }
}
