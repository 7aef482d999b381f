using System.Net;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Testing.Chaos;
using StackExchange.Redis;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>Redis, which holds the shared limits, goes away (its port refuses) and comes back, under
/// <c>limits.on_store_failure</c>.</summary>
public sealed class RedisOutageTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisDown_OnStoreFailureClosed_Answers503InOpenAiShape_UntilItReturns()
    {
        var redis = new Uri(ServiceEnvironment.RedisUrl());
        await using var proxy = FaultProxy.Start(redis);
        var (access, store) = AccessFleet.NewSetup(limits: $"redis://127.0.0.1:{proxy.Port}");
        access = access with { OnStoreFailure = LimitsConfigParser.Closed };
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "limited", Rpm = 1000 });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        using (var ok = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson()))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        proxy.Faults = new ProxyFaults { Partition = PartitionMode.Refuse };
        using (var refused = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
            var error = (await TestFleet.ReadJsonAsync(refused)).GetProperty("error");
            Assert.Contains("on_store_failure: closed", error.GetProperty("message").GetString());
            Assert.Equal(503, error.GetProperty("code").GetInt32());
        }

        proxy.Faults = ProxyFaults.None;
        await Poll.UntilAsync(async () =>
        {
            using var r = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson());
            return r.StatusCode == HttpStatusCode.OK;
        }, RunningFleet.Patience, "Redis to be reached again");
    }

    [Fact]
    public async Task RedisDown_OnStoreFailureOpen_AdmitsAndCounts_NoBurstWhenItReturns()
    {
        var redisUrl = ServiceEnvironment.RedisUrl();
        var redis = new Uri(redisUrl);
        await using var proxy = FaultProxy.Start(redis);
        var (access, store) = AccessFleet.NewSetup(limits: $"redis://127.0.0.1:{proxy.Port}");
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "limited", Rpm = 10 });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        await AccessFleet.AwayFromMinuteEndAsync(40);
        var admitted = 0;
        for (var i = 0; i < 4; i++)
        {
            admitted += await SendAsync(fleet, keys[0]);
        }
        Assert.Equal(4, admitted);

        proxy.Faults = new ProxyFaults { Partition = PartitionMode.Refuse };
        for (var i = 0; i < 8; i++)
        {
            admitted += await SendAsync(fleet, keys[0]); // open: the service goes on
        }
        Assert.Equal(12, admitted);

        proxy.Faults = ProxyFaults.None;
        // Until the gateway has reconnected its requests are still admitted (and counted for the replay); the first
        // one that reaches Redis adds the outage's requests to its counter and is refused: 12 > 10.
        var refusedOnce = false;
        await Poll.UntilAsync(async () =>
        {
            var status = await SendStatusAsync(fleet, keys[0]);
            admitted += status == HttpStatusCode.OK ? 1 : 0;
            refusedOnce = status == HttpStatusCode.TooManyRequests;
            return refusedOnce;
        }, RunningFleet.Patience, "a refusal once Redis answers again");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, await SendStatusAsync(fleet, keys[0])); // no burst after the return
        }
        // Redis' sliding window holds every request that was admitted, those of the outage included.
        await using var direct = await ConnectionMultiplexer.ConnectAsync($"{redis.Host}:{redis.Port}");
        var counted = 0L;
        foreach (var endpoint in direct.GetEndPoints())
        {
            await foreach (var k in direct.GetServer(endpoint).KeysAsync(pattern: $"llmfleet:{{{keys[0].Id}}}:rpm:*"))
            {
                counted += (long)await direct.GetDatabase().StringGetAsync(k);
            }
        }
        Assert.Equal(admitted, counted);
    }

    private static async Task<int> SendAsync(RunningFleet fleet, KeyView key) =>
        await SendStatusAsync(fleet, key) == HttpStatusCode.OK ? 1 : 0;

    private static async Task<HttpStatusCode> SendStatusAsync(RunningFleet fleet, KeyView key)
    {
        using var response = await fleet.PostChatAsync(key.Key, TestFleet.ChatJson());
        return response.StatusCode;
    }
}
