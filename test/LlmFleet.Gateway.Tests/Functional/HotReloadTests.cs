using System.Net;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary><c>fleet.yaml</c> edited while the gateway serves: changes apply, nothing in flight is dropped, bad files are refused.</summary>
public sealed class HotReloadTests
{
    internal static string Yaml(params (string Name, RunningTwin[] Twins)[] models)
    {
        var lines = new List<string> { "models:" };
        foreach (var (name, twins) in models)
        {
            lines.Add($"  - name: {name}");
            lines.Add("    policy: round-robin");
            lines.Add("    health: { interval: 200ms, scrape_interval: 100ms }");
            lines.Add("    backends:");
            foreach (var t in twins)
            {
                lines.Add($"      - url: {t.BaseAddress.GetLeftPart(UriPartial.Authority)}");
                lines.Add($"        served_model: {t.ServedModelName}");
            }
        }
        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public async Task Reload_UnderLoad_SwapsBackendsAndDropsNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await FleetBuilder.StartTwinAsync(speed: 20);
        await using var b = await FleetBuilder.StartTwinAsync(speed: 20);
        var dir = TestPaths.NewTempDirectory();
        var path = Path.Combine(dir, "fleet.yaml");
        await File.WriteAllTextAsync(path, Yaml(("glm-5.2", [a])), ct);
        await using var gateway = await FleetBuilder.StartGatewayAsync(new GatewayOptions { ConfigPath = path });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var statuses = new List<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 6).Select(async w =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync("v1/chat/completions", TestFleet.Json(TestFleet.ChatJson(maxTokens: 16)), ct);
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                }
            }
        }).ToArray();

        await Poll.UntilAsync(() => Task.FromResult(statuses.Count > 10), TimeSpan.FromSeconds(20), "load to start");
        // Move the model to b and add a second model, while requests to a are in flight.
        await File.WriteAllTextAsync(path, Yaml(("glm-5.2", [b]), ("other", [a])), ct);
        await Poll.UntilAsync(() => Task.FromResult(gateway.State.Current.Pools.Count == 2), TimeSpan.FromSeconds(10), "the reload");
        var afterReload = statuses.Count;
        await Poll.UntilAsync(() => Task.FromResult(statuses.Count > afterReload + 20), TimeSpan.FromSeconds(20), "load after the reload");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(b.BaseAddress.Authority, gateway.State.Current.Pools[0].Backends.Single().State.Name);
        var models = await client.GetStringAsync("v1/models", ct);
        Assert.Contains("\"other\"", models);
    }

    [Fact]
    public async Task Reload_InvalidFile_KeepsTheRunningConfiguration()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await FleetBuilder.StartTwinAsync();
        var path = Path.Combine(TestPaths.NewTempDirectory(), "fleet.yaml");
        await File.WriteAllTextAsync(path, Yaml(("glm-5.2", [a])), ct);
        await using var gateway = await FleetBuilder.StartGatewayAsync(new GatewayOptions { ConfigPath = path });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        var before = gateway.State.Current;

        await File.WriteAllTextAsync(path, "models:\n  - name: glm-5.2\n    policy: fastest\n    backends: []\n", ct);
        await Task.Delay(1000, ct);

        Assert.Same(before, gateway.State.Current);
        using var response = await client.PostAsync("v1/chat/completions", TestFleet.Json(TestFleet.ChatJson()), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
