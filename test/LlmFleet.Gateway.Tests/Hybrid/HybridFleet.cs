using LlmFleet.Gateway.Configuration;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Hybrid;

/// <summary>
/// A hybrid fleet: the model <see cref="FleetBuilder.Model"/> on self-hosted twins, with the pool
/// <see cref="ProviderPool"/> as its fallback, whose one backend is an external provider: a twin started with vLLM's
/// <c>--api-key</c>, known to the gateway as <c>provider: openai-compatible</c> with its key in an environment variable
/// and list prices.
/// </summary>
internal static class HybridFleet
{
    public const string ProviderPool = "glm-api";

    /// <summary>The provider's own name of the model, different from what clients send.</summary>
    public const string ProviderModel = "glm-5.2-turbo";

    /// <summary>List prices, dollars per million tokens (those of the example in docs/gateway.md).</summary>
    public static readonly TokenPrices Prices = new() { InputPerMillion = 1.4m, CachedInputPerMillion = 0.26m, OutputPerMillion = 4.4m };

    /// <summary>A twin that stands in for the provider: it answers only requests with its key.</summary>
    public static async Task<(RunningTwin Twin, string KeyEnv)> StartProviderAsync()
    {
        var key = "sk-provider-" + Guid.NewGuid().ToString("N");
        var env = "LLMFLEET_TEST_PROVIDER_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(env, key);
        var twin = await FleetBuilder.StartTwinAsync(FleetBuilder.PlainTwin() with { ApiKeys = [key], ServedModelName = ProviderModel });
        return (twin, env);
    }

    /// <summary>Adds the provider pool to the configuration and makes it the model's fallback under <paramref name="spill"/>.</summary>
    public static FleetConfig WithProvider(FleetConfig config, RunningTwin provider, string keyEnv, SpillConfig spill)
    {
        var model = config.Models[0];
        var api = new ModelConfig
        {
            Name = ProviderPool,
            Backends = [new BackendConfig
            {
                Url = provider.BaseAddress,
                ServedModel = ProviderModel,
                ApiKeyEnv = keyEnv,
                Provider = HybridConfigParser.OpenAiCompatible,
                Prices = Prices,
            }],
            Health = model.Health,
            Timeouts = model.Timeouts,
        };
        return config with { Models = [model with { Fallbacks = [ProviderPool], Spill = spill }, api] };
    }
}
