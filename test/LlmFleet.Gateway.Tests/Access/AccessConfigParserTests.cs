using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary><c>auth:</c>, <c>limits:</c> and <c>usage:</c> in fleet.yaml, through the real loader.</summary>
public sealed class AccessConfigParserTests
{
    private const string Models = """
        models:
          - name: glm-5.2
            backends:
              - url: http://10.0.0.11:8000
        """;

    [Fact]
    public void Parse_NoAuthOnLoopback_DefaultsToNone()
    {
        var config = FleetConfigLoader.Parse("listen: http://127.0.0.1:8080\n" + Models);
        Assert.Equal(AuthModes.None, config.Access.Auth);
        Assert.False(config.Access.AuthRequired);
    }

    [Fact]
    public void Parse_NoAuthBeyondLoopback_IsAnErrorNamingAuth()
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse("listen: http://0.0.0.0:8080\n" + Models));
        Assert.Contains("auth: keys", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExplicitNoneBeyondLoopback_IsAllowed()
    {
        var config = FleetConfigLoader.Parse("listen: http://0.0.0.0:8080\nauth: none\n" + Models);
        Assert.True(config.Access.AuthExplicit);
        Assert.False(config.Access.AuthRequired);
    }

    [Fact]
    public void Parse_AuthMappingLimitsAndPrices_AreRead()
    {
        var config = FleetConfigLoader.Parse("""
            listen: http://0.0.0.0:8080
            store: postgres://fleet:secret@db:5432/fleet
            auth: { mode: keys, admin_key_env: FLEET_ADMIN, key_refresh: 500ms }
            limits: redis://redis:6379
            usage: { price_per_million: { prompt: 0.6, completion: 2.2 } }
            """ + "\n" + Models);
        Assert.True(config.Access.AuthRequired);
        Assert.Equal("FLEET_ADMIN", config.Access.AdminKeyEnv);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Access.KeyRefresh);
        Assert.Equal("redis://redis:6379", config.Access.Limits);
        Assert.Equal(0.6m, config.Access.PricePerMillionPrompt);
        Assert.Equal(2.2m, config.Access.PricePerMillionCompletion);
    }

    [Theory]
    [InlineData("auth: maybe", "auth: 'maybe'")]
    [InlineData("limits: http://redis:6379", "limits:")]
    [InlineData("auth: { mode: keys, colour: blue }", "auth.colour")]
    [InlineData("usage: { price_per_million: { prompt: cheap } }", "usage.price_per_million.prompt")]
    public void Parse_BadAccessEntry_IsAnErrorWithItsPlace(string line, string expected)
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(line + "\n" + Models));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UrlsBeyondLoopbackWithoutAuth_RefusesToStart()
    {
        var config = FleetConfigLoader.Parse(Models);
        var e = Assert.Throws<FleetConfigException>(() => Gateway.Hosting.GatewayHost.Build(new Gateway.Hosting.GatewayOptions { Config = config, Urls = "http://0.0.0.0:0" }));
        Assert.Contains("auth: keys", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LimitsMapping_ReadsStoreAndOnStoreFailure()
    {
        var config = FleetConfigLoader.Parse("limits: { store: redis://10.0.0.5:6379, on_store_failure: closed }\nusage: { spool: /var/lib/llmfleet/spool.jsonl }\n" + Models);
        Assert.Equal("redis://10.0.0.5:6379", config.Access.Limits);
        Assert.Equal(LimitsConfigParser.Closed, config.Access.OnStoreFailure);
        Assert.Equal("/var/lib/llmfleet/spool.jsonl", config.Access.UsageSpool);
        Assert.Equal(LimitsConfigParser.Open, FleetConfigLoader.Parse("limits: redis://10.0.0.5:6379\n" + Models).Access.OnStoreFailure);
    }

    [Theory]
    [InlineData("limits: { store: redis://h:6379, on_store_failure: maybe }", "limits.on_store_failure: 'maybe' is not `open` or `closed`")]
    [InlineData("limits: { on_store_failure: open }", "limits.store: required")]
    [InlineData("limits: { store: redis://h:6379, windows: fixed }", "limits.windows: unknown entry")]
    [InlineData("limits: { store: http://h:6379 }", "limits.store: 'http://h:6379' is not redis://host:port")]
    public void Parse_BadLimits_IsAnErrorNamingTheEntry(string yaml, string expected)
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(yaml + "\n" + Models));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
