using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Monitoring;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Monitoring.Http;

/// <summary>Drains kept in the store: they outlive a gateway restart and reach every gateway sharing the store. Over
/// a real SQLite file and, where .ci/run started it, a real PostgreSQL.</summary>
public sealed class DrainStateTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    public static TheoryData<string> Kinds => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Drain_ThenRestartOnTheSameStore_StillDrained_UndrainPersistsToo(string kind)
    {
        await using var twins = await TwinPair.StartAsync();
        var config = twins.Config(StoreOf(kind));
        var drained = twins[0].BaseAddress.Authority;
        try
        {
            await using (var first = await Gateway.StartAsync(config))
            {
                Assert.Equal("draining", (await first.DrainAsync(drained, "drain?reason=kernel%20update")).Status);
            }

            await using (var second = await Gateway.StartAsync(config))
            {
                // Read at start-up: drained before the first request is routed.
                Assert.Equal("draining", await second.StatusAsync(drained));
                await second.ChatAsync(count: 4);
                Assert.Equal(0, await second.RequestsToAsync(drained));
                Assert.Equal(4, await second.RequestsToAsync(twins[1].BaseAddress.Authority));
                Assert.NotEqual("draining", (await second.DrainAsync(drained, "undrain")).Status);
            }

            await using var third = await Gateway.StartAsync(config);
            Assert.NotEqual("draining", await third.StatusAsync(drained));
            await third.ChatAsync(count: 4);
            Assert.Equal(2, await third.RequestsToAsync(drained));
        }
        finally
        {
            await ForgetAsync(config.Store!, drained);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TwoGatewaysOnOneStore_SeeEachOthersDrainWithinTheRefreshInterval(string kind)
    {
        await using var twins = await TwinPair.StartAsync();
        var config = twins.Config(StoreOf(kind));
        var backend = twins[1].BaseAddress.Authority;
        try
        {
            await using var a = await Gateway.StartAsync(config);
            await using var b = await Gateway.StartAsync(config);

            await a.DrainAsync(backend, "drain");
            await b.WaitForStatusAsync(backend, s => s == "draining", "the drain made on the other gateway");
            await b.ChatAsync(count: 4);
            Assert.Equal(0, await b.RequestsToAsync(backend));

            await b.DrainAsync(backend, "undrain");
            await a.WaitForStatusAsync(backend, s => s != "draining", "the undrain made on the other gateway");
        }
        finally
        {
            await ForgetAsync(config.Store!, backend);
        }
    }

    private static string StoreOf(string kind) => kind == "sqlite"
        ? "sqlite:" + Path.Combine(TestPaths.NewTempDirectory("llmfleet-drain"), "fleet.db")
        : ServiceEnvironment.PostgresUrl();

    /// <summary>PostgreSQL is shared by tests: a drain left behind would drain a later test's twin on the same port.</summary>
    private static async Task ForgetAsync(string address, string backend)
    {
        await using var store = AccessStores.Open(address);
        await store.UndrainAsync(backend, CancellationToken.None);
    }

    /// <summary>Two twins, round-robin, and the configuration of a gateway over them with a store and an admin key.</summary>
    private sealed class TwinPair : IAsyncDisposable
    {
        private readonly RunningTwin[] _twins;

        private TwinPair(RunningTwin[] twins) => _twins = twins;

        public RunningTwin this[int i] => _twins[i];

        public static async Task<TwinPair> StartAsync() =>
            new([await FleetBuilder.StartTwinAsync(), await FleetBuilder.StartTwinAsync()]);

        /// <summary>Keys re-read (and so drains) every 200 ms, so the test waits little for the other gateway.</summary>
        public FleetConfig Config(string store) => new()
        {
            Models = [FleetBuilder.ModelFor(_twins)],
            Store = store,
            Access = FleetBuilder.NewAdminKey() with { KeyRefresh = TimeSpan.FromMilliseconds(200) },
        };

        public async ValueTask DisposeAsync()
        {
            foreach (var twin in _twins)
            {
                await twin.DisposeAsync();
            }
        }
    }

    /// <summary>A gateway started on a configuration, with a client that sends its admin key.</summary>
    private sealed class Gateway : IAsyncDisposable
    {
        private readonly RunningGateway _gateway;
        private readonly HttpClient _client;

        private Gateway(RunningGateway gateway, string adminKey)
        {
            _gateway = gateway;
            _client = new HttpClient { BaseAddress = gateway.BaseAddress };
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        }

        public static async Task<Gateway> StartAsync(FleetConfig config) =>
            new(await FleetBuilder.StartGatewayAsync(new GatewayOptions { Config = config }), Environment.GetEnvironmentVariable(config.Access.AdminKeyEnv)!);

        /// <summary>POSTs <c>/admin/backends/{backend}/{action}</c> and returns the backend as the answer shows it.</summary>
        public async Task<BackendView> DrainAsync(string backend, string action)
        {
            using var response = await _client.PostAsync($"admin/backends/{backend}/{action}", null, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.BackendView, Ct))!;
        }

        public async Task<string> StatusAsync(string backend)
        {
            var fleet = await _client.GetFromJsonAsync("admin/fleet", MonitoringJsonContext.Default.FleetSnapshot, Ct);
            return fleet!.AllBackends().Single(b => b.Name == backend).Status;
        }

        public Task WaitForStatusAsync(string backend, Func<string, bool> condition, string what) =>
            Poll.UntilAsync(async () => condition(await StatusAsync(backend)), RunningFleet.Patience, what);

        public async Task ChatAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var content = new StringContent(AccessFleet.ExactChatJson(maxTokens: 2), System.Text.Encoding.UTF8, "application/json");
                using var response = await _client.PostAsync("v1/chat/completions", content, Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        /// <summary>Requests this gateway sent to <paramref name="backend"/> (its own metric).</summary>
        public async Task<double> RequestsToAsync(string backend) =>
            LlmFleet.Vllm.Metrics.PrometheusText.Sum(await _client.GetStringAsync("metrics", Ct), "llmfleet_gateway_requests_total", ("backend", backend)) ?? 0;

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _gateway.DisposeAsync();
        }
    }
}
