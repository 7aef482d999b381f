using System.Net;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Gateway.Tests.Functional;

namespace LlmFleet.Gateway.Tests.Hybrid;

/// <summary>Dollar budgets per key and per team: a request is admitted while the spend is under the budget, so the
/// key stops within one request of it; over budget, 429 with <c>code: budget_exceeded</c> until the period resets.</summary>
public sealed class SpendBudgetTests
{
    /// <summary>Internal price of self-hosted tokens, dollars per million: high, so a few requests reach a small budget.</summary>
    private const decimal Price = 1000m;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyDayBudget_TwoGatewaysSharingRedis_StopsWithinOneRequestOfTheLimit()
    {
        var redis = ServiceEnvironment.RedisUrl();
        var (access, storeA) = AccessFleet.NewSetup(limits: redis);
        access = access with { PricePerMillionPrompt = Price, PricePerMillionCompletion = Price };
        var storeB = "sqlite:" + Path.Combine(TestPaths.NewTempDirectory("llmfleet-access"), "fleet.db");
        var keys = await AccessFleet.CreateKeysAsync(storeA, access, new NewKeySpec { Name = "metered", BudgetUsdDay = 0.2m });
        await ReplicateAsync(storeA, storeB, keys[0].Id);
        await using var first = await AccessFleet.StartAsync(store: storeA, access: access);
        await using var second = await AccessFleet.StartAsync(store: storeB, access: access);

        var spent = 0m;
        var lastCost = 0m;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var response = await (i % 2 == 0 ? first : second).PostChatAsync(keys[0].Key, TestFleet.ChatJson(maxTokens: 8));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                refused = response;
                break;
            }
            var usage = (await TestFleet.ReadJsonAsync(response)).GetProperty("usage");
            lastCost = (usage.GetProperty("prompt_tokens").GetInt64() + usage.GetProperty("completion_tokens").GetInt64()) * Price / 1_000_000m;
            spent += lastCost;
            response.Dispose();
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("budget_exceeded", (await TestFleet.ReadJsonAsync(refused)).GetProperty("error").GetProperty("code").GetString());
            var untilMidnight = TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(1) - TimeProvider.System.GetUtcNow().UtcDateTime;
            Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, untilMidnight.TotalSeconds - 5, untilMidnight.TotalSeconds + 5);
        }
        // Within one request: the last admitted request started under the budget and ended at or over it.
        Assert.True(spent >= 0.2m, $"spent {spent} is under the budget and yet was refused");
        Assert.True(spent - lastCost < 0.2m, $"spent {spent - lastCost} before the last admitted request, already over the budget");
    }

    [Fact]
    public async Task TeamMonthBudget_SharedByTheTeamsKeys_RefusesEveryKeyOfTheTeamOnly()
    {
        var (access, store) = AccessFleet.NewSetup();
        access = access with
        {
            PricePerMillionPrompt = Price,
            PricePerMillionCompletion = Price,
            TeamBudgets = new Dictionary<string, TeamBudget> { ["research"] = new() { UsdMonth = 0.05m } },
        };
        var keys = await AccessFleet.CreateKeysAsync(store, access,
            new NewKeySpec { Name = "a", Team = "research" }, new NewKeySpec { Name = "b", Team = "research" }, new NewKeySpec { Name = "c", Team = "ops" });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);

        for (var i = 0; i < 20; i++)
        {
            using var r = await fleet.PostChatAsync(keys[i % 2].Key, TestFleet.ChatJson(maxTokens: 8));
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                break;
            }
        }
        using var a = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson());
        using var b = await fleet.PostChatAsync(keys[1].Key, TestFleet.ChatJson());
        using var other = await fleet.PostChatAsync(keys[2].Key, TestFleet.ChatJson());

        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK), (a.StatusCode, b.StatusCode, other.StatusCode));
        Assert.Contains("team 'research'", (await TestFleet.ReadJsonAsync(a)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task ReplicateAsync(string from, string to, string keyId)
    {
        await using var a = AccessStores.Open(from);
        await using var b = AccessStores.Open(to);
        await b.MigrateAsync(Ct);
        await b.InsertKeyAsync((await a.FindKeyAsync(keyId, Ct))!, Ct);
    }
}
