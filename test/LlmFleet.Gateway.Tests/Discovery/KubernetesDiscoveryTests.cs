using System.Net;
using System.Net.Sockets;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Simulation;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Gateway.Tests.Discovery;

/// <summary>
/// The gateway with <c>backends: { kubernetes: ... }</c> against the fake API server replaying the recordings, the
/// recorded pod IPs (10.244.a.b) mapped onto loopback addresses (127.0.a.b) where vLLM twins listen.
/// </summary>
public sealed class KubernetesDiscoveryTests
{
    private static readonly string[] PodIps = ["10.244.1.17", "10.244.2.9", "10.244.3.4", "10.244.4.2"];

    [Fact]
    public void Load_KubernetesBackends_ParsesWithDefaultsAndAnEmptyListToStart()
    {
        var config = FleetConfigLoader.Parse("""
            models:
              - name: glm-5.2
                backends: { kubernetes: { namespace: llm, service: vllm-glm-5-2, served_model: zai-org/GLM-5.2-FP8 } }
            """);
        var model = config.Models.Single();
        Assert.Empty(model.Backends);
        Assert.Equal("llm", model.Kubernetes!.Namespace);
        Assert.Equal("vllm-glm-5-2", model.Kubernetes.Service);
        Assert.Equal(8000, model.Kubernetes.Port);
        Assert.Equal("zai-org/GLM-5.2-FP8", model.Kubernetes.ServedModel);
    }

    [Fact]
    public void Load_KubernetesBackendsWithApiKeyEnv_NeedsTheVariableSet()
    {
        var yaml = """
            models:
              - name: glm-5.2
                backends: { kubernetes: { service: vllm-glm-5-2, api_key_env: LLMFLEET_TEST_K8S_KEY_9E2B } }
            """;
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(yaml));
        Assert.Contains("models[0].backends.kubernetes.api_key_env: the environment variable LLMFLEET_TEST_K8S_KEY_9E2B is not set", e.Message);
        Environment.SetEnvironmentVariable("LLMFLEET_TEST_K8S_KEY_9E2B", "vllm-secret");
        try
        {
            Assert.Equal("LLMFLEET_TEST_K8S_KEY_9E2B", FleetConfigLoader.Parse(yaml).Models.Single().Kubernetes!.ApiKeyEnv);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LLMFLEET_TEST_K8S_KEY_9E2B", null);
        }
    }

    [Fact]
    public void Load_KubernetesBackendsWithoutService_NamesTheEntry()
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse("""
            models:
              - name: glm-5.2
                backends: { kubernetes: { namespace: llm, port: 8000 } }
            """));
        Assert.Contains("models[0].backends.kubernetes.service", e.Message);
    }

    [Fact]
    public async Task Serve_EndpointsAddedAndRemovedInTheApiServer_GatewayFollowsWithoutDroppingRequests()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        var twins = new Dictionary<string, RunningTwin>(StringComparer.Ordinal);
        foreach (var ip in PodIps)
        {
            twins[ip] = await TwinHost.StartAsync(FleetBuilder.PlainTwin(speed: 0), $"http://{Loopback(ip)}:{port}", ct: ct);
        }
        try
        {
            await using var api = await FakeApiServer.StartAsync(body => body.Replace("\"10.244.", "\"127.0.", StringComparison.Ordinal));
            api.EnqueueList("list-1.json");
            api.EnqueueWatch("watch-1.jsonl", WatchEnd.Abort);
            api.EnqueueList("list-2.json");
            api.EnqueueWatch("watch-2.jsonl", WatchEnd.Complete);
            var served = twins.Values.First().ServedModelName;
            var config = FleetConfigLoader.Parse($$"""
                models:
                  - name: {{TestFleet.Model}}
                    policy: round-robin
                    health: { interval: 200ms, scrape_interval: 100ms }
                    backends:
                      kubernetes: { namespace: llm, service: vllm-glm-5-2, port: {{port}}, served_model: {{served}}, api_server: {{api.BaseAddress}} }
                """);
            await using var gateway = await FleetBuilder.StartGatewayAsync(new GatewayOptions { Config = config });
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            async Task<double> Through(string podIp) => PrometheusText.Sum(
                await client.GetStringAsync("metrics", ct), "llmfleet_gateway_requests_total", ("backend", $"{Loopback(podIp)}:{port}")) ?? 0;
            string[] Backends() => [.. gateway.State.Current.Pools.Single().Backends.Select(b => b.Config.Url.Host).Order(StringComparer.Ordinal)];

            await Until(() => Backends().SequenceEqual(["127.0.1.17", "127.0.2.9"]), "the first list");
            var statuses = new List<HttpStatusCode>();
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 4).Select(async _ =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await client.PostAsync("v1/chat/completions", TestFleet.Json(TestFleet.ChatJson(maxTokens: 4)), ct);
                    lock (statuses)
                    {
                        statuses.Add(response.StatusCode);
                    }
                }
            }).ToArray();

            // Watch: the third pod turns ready and gets traffic.
            api.Step.Release(2);
            await Until(() => Backends().Contains("127.0.3.4"), "the pod that turned ready");
            await Poll.UntilAsync(async () => await Through("10.244.3.4") > 0, TimeSpan.FromSeconds(20), "traffic to the new pod");

            // Watch: the second pod terminates; it leaves the pool and gets no new requests.
            api.Step.Release(1);
            await Until(() => !Backends().Contains("127.0.2.9"), "the terminating pod to leave");
            // Requests already sent there finish; give them the time to.
            await Task.Delay(500, ct);
            var toTerminating = await Through("10.244.2.9");

            // The watch breaks; the re-list finds a new pod in a second slice.
            api.Step.Release(1);
            await Until(() => Backends().Contains("127.0.4.2"), "the re-list after the broken watch");
            await Poll.UntilAsync(async () => await Through("10.244.4.2") > 0, TimeSpan.FromSeconds(20), "traffic to the re-listed pod");

            // Watch: that slice is deleted, then 410 Gone; the API server is unreachable from then on.
            api.Unreachable = true;
            api.Step.Release(3);
            await Until(() => Backends().SequenceEqual(["127.0.1.17", "127.0.3.4"]), "the deleted slice to leave");
            var relists = api.ListRequests;
            await Until(() => api.ListRequests >= relists + 2, "re-lists against the unreachable server");
            var before = Count(statuses);
            await Until(() => Count(statuses) > before + 20, "serving from the last known set");

            await stop.CancelAsync();
            await Task.WhenAll(load.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            Assert.Equal(["127.0.1.17", "127.0.3.4"], Backends());
            lock (statuses)
            {
                Assert.True(statuses.Count > 20);
                Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            }
            Assert.Equal(toTerminating, await Through("10.244.2.9"));
        }
        finally
        {
            foreach (var twin in twins.Values)
            {
                await twin.DisposeAsync();
            }
        }
    }

    private static string Loopback(string podIp) => "127.0." + podIp["10.244.".Length..];

    private static int Count(List<HttpStatusCode> statuses)
    {
        lock (statuses)
        {
            return statuses.Count;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task Until(Func<bool> condition, string what) => EndpointSliceWatcherTests.WaitUntilAsync(condition, what);
}
