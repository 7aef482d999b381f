using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Tests.Configuration;

/// <summary>The hybrid parts of <c>fleet.yaml</c>: provider backends, fallbacks, spill, prices and team budgets.</summary>
public sealed class HybridConfigTests
{
    private const string KeyEnv = "LLMFLEET_TEST_HYBRID_CONFIG_KEY";

    /// <summary>The example, with the spill mapping and a team budget.</summary>
    private const string Example = """
        teams:
          research: { budget_usd_day: 50, budget_usd_month: 1000 }
        models:
          - name: glm-5.2
            backends: [{ url: http://10.0.0.11:8000, served_model: zai-org/GLM-5.2 }]
            fallbacks: [glm-api]
            spill: { when: when_saturated, max_waiting: 4, max_kv_usage: 0.9 }
            prices: { input_per_million: 0.3, output_per_million: 1.2 }
          - name: glm-api
            backends:
              - url: https://api.example.com
                provider: openai-compatible
                served_model: glm-5.2
                api_key_env: LLMFLEET_TEST_HYBRID_CONFIG_KEY
                prices: { input_per_million: 1.4, cached_input_per_million: 0.26, output_per_million: 4.4 }
        """;

    [Fact]
    public void Parse_Example_ReadsProvidersFallbacksSpillPricesAndTeams()
    {
        Environment.SetEnvironmentVariable(KeyEnv, "sk-test");
        var config = FleetConfigLoader.Parse(Example);

        var glm = config.Models[0];
        Assert.Equal(["glm-api"], glm.Fallbacks);
        Assert.Equal(new SpillConfig { When = SpillModes.WhenSaturated, MaxWaiting = 4, MaxKvUsage = 0.9 }, glm.Spill);
        Assert.Equal(new TokenPrices { InputPerMillion = 0.3m, CachedInputPerMillion = 0.3m, OutputPerMillion = 1.2m }, glm.Prices);
        var provider = config.Models[1].Backends[0];
        Assert.True(provider.IsExternal);
        Assert.Equal(new TokenPrices { InputPerMillion = 1.4m, CachedInputPerMillion = 0.26m, OutputPerMillion = 4.4m }, provider.Prices);
        Assert.False(glm.Backends[0].IsExternal);
        Assert.Equal(new TeamBudget { UsdDay = 50, UsdMonth = 1000 }, config.Access.TeamBudgets["research"]);
    }

    [Fact]
    public void Parse_SpillWord_DefaultsThresholds()
    {
        Environment.SetEnvironmentVariable(KeyEnv, "sk-test");
        var config = FleetConfigLoader.Parse(Example.Replace("spill: { when: when_saturated, max_waiting: 4, max_kv_usage: 0.9 }", "spill: never", StringComparison.Ordinal));

        Assert.Equal(new SpillConfig { When = SpillModes.Never }, config.Models[0].Spill);
    }

    [Theory]
    [InlineData("fallbacks: [glm-api]", "fallbacks: [nowhere]", "models[0].fallbacks: 'nowhere' is not a configured model")]
    [InlineData("fallbacks: [glm-api]", "fallbacks: [glm-5.2]", "models[0].fallbacks: 'glm-5.2' is the model itself")]
    [InlineData("when: when_saturated", "when: sometimes", "models[0].spill.when: 'sometimes' is not one of never, when_down, when_saturated")]
    [InlineData("max_kv_usage: 0.9", "max_kv_usage: 1.5", "models[0].spill.max_kv_usage: '1.5' is not a number in 0–1")]
    [InlineData("provider: openai-compatible", "provider: bedrock", "models[1].backends[0].provider: 'bedrock' is not a provider kind")]
    [InlineData("prices: { input_per_million: 1.4, cached_input_per_million: 0.26, output_per_million: 4.4 }", "# no prices", "models[1].backends[0].prices: a provider backend needs its list prices")]
    [InlineData("budget_usd_day: 50", "budget_usd_day: -1", "teams.research.budget_usd_day: '-1' is not an amount in dollars")]
    public void Parse_BadHybridEntry_SaysWhereAndWhy(string from, string to, string error)
    {
        Environment.SetEnvironmentVariable(KeyEnv, "sk-test");
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(Example.Replace(from, to, StringComparison.Ordinal)));

        Assert.Contains(error, e.Message, StringComparison.Ordinal);
    }
}
