using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;

namespace LlmFleet.Gateway.Tests.Configuration;

public sealed class FleetConfigLoaderTests
{
    private const string ArchitectureExample = """
        listen: http://127.0.0.1:8080
        store: sqlite:fleet.db            # or postgres://…
        models:
          - name: glm-5.2                 # what clients send as "model"
            aliases: [glm, glm-5]
            policy: least-load
            backends:
              - url: http://10.0.0.11:8000
                served_model: zai-org/GLM-5.2-FP8
              - url: http://10.0.0.12:8000
            health: { path: /health, interval: 5s }
            retries: 2
            timeouts: { connect: 2s, first_token: 300s, idle: 60s }
        """;

    [Fact]
    public void Parse_ArchitectureExample_ReadsEveryField()
    {
        var config = FleetConfigLoader.Parse(ArchitectureExample);
        Assert.Equal("http://127.0.0.1:8080", config.Listen);
        Assert.Equal("sqlite:fleet.db", config.Store);
        var model = Assert.Single(config.Models);
        Assert.Equal("glm-5.2", model.Name);
        Assert.Equal(["glm", "glm-5"], model.Aliases);
        Assert.Equal(BackendSelectionPolicies.LeastLoad, model.Policy);
        Assert.Equal(2, model.Backends.Count);
        Assert.Equal(new Uri("http://10.0.0.11:8000"), model.Backends[0].Url);
        Assert.Equal("zai-org/GLM-5.2-FP8", model.Backends[0].ServedModel);
        Assert.Null(model.Backends[1].ServedModel);
        Assert.Equal(TimeSpan.FromSeconds(5), model.Health.Interval);
        Assert.Equal(2, model.Retries);
        Assert.Equal(TimeSpan.FromSeconds(2), model.Timeouts.Connect);
        Assert.Equal(TimeSpan.FromSeconds(300), model.Timeouts.FirstToken);
        Assert.Equal(TimeSpan.FromSeconds(60), model.Timeouts.Idle);
    }

    [Fact]
    public void Parse_MinimalModel_UsesDocumentedDefaults()
    {
        var config = FleetConfigLoader.Parse("models: [{ name: m, backends: [{ url: 'http://127.0.0.1:9000' }] }]");
        var model = Assert.Single(config.Models);
        Assert.Equal(BackendSelectionPolicies.LeastLoad, model.Policy);
        Assert.Equal(2, model.Retries);
        Assert.Equal("/health", model.Health.Path);
        Assert.Equal(TimeSpan.FromSeconds(1), model.Health.ScrapeInterval);
        Assert.Equal(32 * 1024 * 1024, config.MaxRequestBodyBytes);
    }

    [Fact]
    public void Parse_SampleFile_IsValid()
    {
        var config = FleetConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "samples", "fleet.yaml"));
        Assert.NotEmpty(config.Models);
    }

    [Theory]
    [InlineData("models: []", "models: at least one model is required")]
    [InlineData("models: [{ name: m, backends: [] }]", "models[0].backends: at least one backend is required")]
    [InlineData("models: [{ name: m, policy: fastest, backends: [{ url: 'http://a:1' }] }]", "models[0].policy: unknown policy 'fastest'")]
    [InlineData("models: [{ name: m, backends: [{ url: 'ftp://a:1' }] }]", "models[0].backends[0].url: 'ftp://a:1' is not an http")]
    [InlineData("models: [{ name: m, backends: [{ url: 'http://a:1/v1' }] }]", "no path")]
    [InlineData("models: [{ name: m, backends: [{ url: 'http://a:1' }, { url: 'http://a:1/' }] }]", "listed twice")]
    [InlineData("models: [{ name: m, timeouts: { idle: soon }, backends: [{ url: 'http://a:1' }] }]", "models[0].timeouts.idle: 'soon' is not a positive duration")]
    [InlineData("models: [{ name: m, backends: [{ url: 'http://a:1' }] }, { name: n, aliases: [m], backends: [{ url: 'http://a:1' }] }]", "the name 'm' is already used by model 'm'")]
    [InlineData("models: [{ name: m, retries: -1, backends: [{ url: 'http://a:1' }] }]", "models[0].retries")]
    [InlineData("models: [{ name: m, backends: [{ url: 'http://a:1', api_key_env: LLMFLEET_TEST_NEVER_SET_4C1D }] }]",
        "models[0].backends[0].api_key_env: the environment variable LLMFLEET_TEST_NEVER_SET_4C1D is not set")]
    [InlineData("models: [{ name: m, backendz: [] }]", "line 1")]
    [InlineData("listen: [oops", "line 1")]
    [InlineData("default_model: x\nmodels: [{ name: m, aliases: [mm], backends: [{ url: 'http://a:1' }] }]", "default_model: 'x' is not a model name or alias; models: m, mm")]
    public void Parse_InvalidFile_NamesTheProblem(string yaml, string expected)
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(yaml));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("250ms", 0.25)]
    [InlineData("5s", 5)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("1.5", 1.5)]
    public void Durations_TryParse_ReadsUnits(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 6);
    }
}
