using System.Net;
using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Hybrid;

/// <summary>Fallback to an external provider (a twin with <c>--api-key</c>) when the self-hosted pool is down or saturated.</summary>
public sealed class FallbackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllSelfHostedKilled_RequestsSucceedThroughTheProvider_HeadersLedgerAndDollarsSaySo()
    {
        var (provider, keyEnv) = await HybridFleet.StartProviderAsync();
        await using var _ = provider;
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "app", Team = "research" });
        await using var fleet = await new FleetBuilder().Twins(2).Access(access, store)
            .ChangeConfig(c => HybridFleet.WithProvider(c, provider, keyEnv, new SpillConfig())).StartAsync();
        foreach (var twin in fleet.Twins)
        {
            await twin.SetFaultsAsync(new FaultOptions { Crash = true });
        }

        using var response = await fleet.PostChatAsync(keys[0].Key, AccessFleet.ExactChatJson(24));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HybridFleet.ProviderPool, response.Headers.GetValues("x-llmfleet-pool").Single());
        Assert.Equal($"127.0.0.1:{provider.BaseAddress.Port}", response.Headers.GetValues("x-llmfleet-backend").Single());
        var answer = await TestFleet.ReadJsonAsync(response);
        Assert.Equal(FleetBuilder.Model, answer.GetProperty("model").GetString()); // the provider called it ProviderModel
        var usage = answer.GetProperty("usage");
        var prompt = usage.GetProperty("prompt_tokens").GetInt64();
        var completion = usage.GetProperty("completion_tokens").GetInt64();
        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("cached_tokens", out var c) ? c.GetInt64() : 0;
        Assert.Equal(24, completion);
        // By hand: uncached prompt at 1.40, cached prompt at 0.26, completion at 4.40 dollars per million tokens.
        var dollars = ((prompt - cached) * 1.4m + cached * 0.26m + completion * 4.4m) / 1_000_000m;

        await using var ledger = fleet.OpenStore();
        var byProvider = await WaitForRowsAsync(ledger, UsageGrouping.Provider, 1);
        var row = Assert.Single(byProvider);
        Assert.Equal("127.0.0.1", row.Group);
        Assert.Equal(dollars, row.CostUsd);
        Assert.Equal(1, row.ExternalRequests);
        var byModel = Assert.Single(await ledger.QueryUsageAsync(UsageGrouping.Model, null, Ct));
        Assert.Equal(FleetBuilder.Model, byModel.Group);
        Assert.Equal(1, byModel.SpilledRequests);
        var byTeam = Assert.Single(await ledger.QueryUsageAsync(UsageGrouping.Team, null, Ct));
        Assert.Equal(("research", dollars), (byTeam.Group, byTeam.CostUsd));
    }

    [Fact]
    public async Task SpilledStream_EveryEventCarriesTheModelTheClientAskedFor()
    {
        var (provider, keyEnv) = await HybridFleet.StartProviderAsync();
        await using var _ = provider;
        await using var fleet = await new FleetBuilder().Twins(1)
            .ChangeConfig(c => HybridFleet.WithProvider(c, provider, keyEnv, new SpillConfig())).StartAsync();
        await fleet.Twins[0].SetFaultsAsync(new FaultOptions { Crash = true });

        var (response, events) = await fleet.StreamChatAsync(AccessFleet.ExactChatJson(12, stream: true, includeUsage: true));
        using var _r = response;

        Assert.Equal(HybridFleet.ProviderPool, response.Headers.GetValues("x-llmfleet-pool").Single());
        Assert.Equal("[DONE]", events[^1]);
        var models = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("model").GetString()).ToArray();
        Assert.True(models.Length >= 3); // the role chunk, content, the usage chunk
        Assert.All(models, m => Assert.Equal(FleetBuilder.Model, m));
    }

    [Fact]
    public async Task SaturatedPool_NewRequestsSpill_AndStopSpillingWhenTheQueueDrains()
    {
        var (provider, keyEnv) = await HybridFleet.StartProviderAsync();
        await using var _ = provider;
        // One sequence at a time, 5 ms per step: a 100-token answer holds the twin 0.5 s while the others queue.
        var slow = FleetBuilder.TimedTwin(stepMs: 5) with { MaxNumSeqs = 1 };
        await using var fleet = await new FleetBuilder().Twins([slow])
            .ChangeConfig(c => HybridFleet.WithProvider(c, provider, keyEnv, new SpillConfig { When = SpillModes.WhenSaturated, MaxWaiting = 2 })).StartAsync();
        using var direct = new HttpClient { BaseAddress = fleet.Twins[0].BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using (var idle = await fleet.PostChatAsync(TestFleet.ChatJson()))
        {
            Assert.Equal(FleetBuilder.Model, idle.Headers.GetValues("x-llmfleet-pool").Single());
        }
        var backlog = Enumerable.Range(0, 6).Select(_ => direct.PostAsync("v1/chat/completions",
            TestFleet.Json(AccessFleet.ExactChatJson(100, model: fleet.Twins[0].ServedModelName)), Ct)).ToArray();
        await Poll.UntilAsync(async () => await WaitingAsync(direct) > 2, RunningFleet.Patience, "the twin's queue to pass 2");
        await Task.Delay(300, Ct); // two scrapes: the gateway sees the queue

        using (var spilled = await fleet.PostChatAsync(TestFleet.ChatJson()))
        {
            Assert.Equal(HttpStatusCode.OK, spilled.StatusCode);
            Assert.Equal(HybridFleet.ProviderPool, spilled.Headers.GetValues("x-llmfleet-pool").Single());
        }
        foreach (var done in await Task.WhenAll(backlog))
        {
            done.Dispose();
        }
        await Poll.UntilAsync(async () =>
        {
            using var r = await fleet.PostChatAsync(TestFleet.ChatJson());
            return r.Headers.GetValues("x-llmfleet-pool").Single() == FleetBuilder.Model;
        }, TimeSpan.FromSeconds(5), "requests to stay on the self-hosted pool once its queue drained");
    }

    [Fact]
    public async Task NoExternalKey_NeverReachesTheProvider_AndGets503WhenThePoolIsDown()
    {
        var (provider, keyEnv) = await HybridFleet.StartProviderAsync();
        await using var _ = provider;
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access,
            new NewKeySpec { Name = "private", NoExternal = true }, new NewKeySpec { Name = "public" });
        await using var fleet = await new FleetBuilder().Twins(1).Access(access, store)
            .ChangeConfig(c => HybridFleet.WithProvider(c, provider, keyEnv, new SpillConfig())).StartAsync();

        using (var served = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson()))
        {
            Assert.Equal(FleetBuilder.Model, served.Headers.GetValues("x-llmfleet-pool").Single());
        }
        await fleet.Twins[0].SetFaultsAsync(new FaultOptions { Crash = true });
        using var refused = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson());
        using var spilled = await fleet.PostChatAsync(keys[1].Key, TestFleet.ChatJson());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var error = (await TestFleet.ReadJsonAsync(refused)).GetProperty("error");
        Assert.Contains("--no-external", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(refused.Headers.Contains("x-llmfleet-pool"));
        Assert.Equal(HybridFleet.ProviderPool, spilled.Headers.GetValues("x-llmfleet-pool").Single());
        await using var ledger = fleet.OpenStore();
        var byKey = await WaitForRowsAsync(ledger, UsageGrouping.Key, 2, requests: 3);
        Assert.Equal(0, byKey.Single(k => k.Group == keys[0].Id).ExternalRequests);
        Assert.Equal(1, byKey.Single(k => k.Group == keys[1].Id).ExternalRequests);
    }

    private static async Task<double> WaitingAsync(HttpClient twin)
    {
        var text = await twin.GetStringAsync("metrics", Ct);
        var line = text.Split('\n').First(l => l.StartsWith("vllm:num_requests_waiting{", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The ledger's rows by <paramref name="by"/> once it holds <paramref name="groups"/> groups and
    /// <paramref name="requests"/> requests (the writer commits about once a second).</summary>
    internal static async Task<IReadOnlyList<UsageTotal>> WaitForRowsAsync(Gateway.Access.Stores.IAccessStore store, UsageGrouping by, int groups, int? requests = null)
    {
        IReadOnlyList<UsageTotal> totals = [];
        await Poll.UntilAsync(async () =>
        {
            totals = await store.QueryUsageAsync(by, null, Ct);
            return totals.Count >= groups && totals.Sum(t => t.Requests) >= (requests ?? groups);
        }, RunningFleet.Patience, $"{groups} ledger groups");
        return totals;
    }
}
