using System.Net;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Tests.Functional;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>
/// Limits shared by replicas through one Redis. The two gateways are two hosts in this test process that share
/// nothing but Redis: each has its own twin, its own SQLite store (holding the same key, as a replicated store would)
/// and its own in-memory state.
/// </summary>
public sealed class RedisLimitsTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rpm10_TwoGatewaysSharingRedis_Exactly10Of15Pass()
    {
        var redis = ServiceEnvironment.RedisUrl();
        var (access, storeA) = AccessFleet.NewSetup(limits: redis);
        var storeB = "sqlite:" + Path.Combine(TestPaths.NewTempDirectory("llmfleet-access"), "fleet.db");
        var keys = await AccessFleet.CreateKeysAsync(storeA, access, new NewKeySpec { Name = "shared", Rpm = 10 });
        // Replicate the key's row into the second store, as a shared PostgreSQL store would hold it.
        await using (var a = Gateway.Access.Stores.AccessStores.Open(storeA))
        await using (var b = Gateway.Access.Stores.AccessStores.Open(storeB))
        {
            await b.MigrateAsync(Ct);
            await b.InsertKeyAsync((await a.FindKeyAsync(keys[0].Id, Ct))!, Ct);
        }
        await using var first = await AccessFleet.StartAsync(store: storeA, access: access);
        await using var second = await AccessFleet.StartAsync(store: storeB, access: access);
        await AccessFleet.AwayFromMinuteEndAsync(15);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            var gateway = i % 2 == 0 ? first : second;
            using var response = await gateway.PostChatAsync(keys[0].Key, TestFleet.ChatJson());
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Parallel1_TwoGatewaysSharingRedis_SecondIsRefusedUntilTheFirstEnds()
    {
        var redis = ServiceEnvironment.RedisUrl();
        var (access, storeA) = AccessFleet.NewSetup(limits: redis);
        var storeB = "sqlite:" + Path.Combine(TestPaths.NewTempDirectory("llmfleet-access"), "fleet.db");
        var keys = await AccessFleet.CreateKeysAsync(storeA, access, new NewKeySpec { Name = "serial", Parallel = 1 });
        await using (var a = Gateway.Access.Stores.AccessStores.Open(storeA))
        await using (var b = Gateway.Access.Stores.AccessStores.Open(storeB))
        {
            await b.MigrateAsync(Ct);
            await b.InsertKeyAsync((await a.FindKeyAsync(keys[0].Id, Ct))!, Ct);
        }
        await using var first = await AccessFleet.StartAsync(speed: 1, store: storeA, access: access);
        await using var second = await AccessFleet.StartAsync(store: storeB, access: access);
        var slow = first.PostChatAsync(keys[0].Key, AccessFleet.ExactChatJson(400));
        await Task.Delay(300, Ct);
        using (var refused = await second.PostChatAsync(keys[0].Key, TestFleet.ChatJson()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }
        using (var done = await slow)
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }
        // The release is sent without waiting for Redis' answer: allow it a moment to land.
        await Poll.UntilAsync(async () =>
        {
            using var r = await second.PostChatAsync(keys[0].Key, TestFleet.ChatJson());
            return r.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(5), "the slot to be released in Redis");
    }
}
