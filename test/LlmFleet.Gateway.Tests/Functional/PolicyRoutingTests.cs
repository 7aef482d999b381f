using System.Net;
using LlmFleet.Gateway.Routing;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>Routing policies against real twins: affinity for shared prefixes, least-load against skew.</summary>
public sealed class PolicyRoutingTests
{
    [Fact]
    public async Task PrefixAffinity_ConversationTurns_StayOnOneBackend()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 3, policy: BackendSelectionPolicies.PrefixAffinity);
        const string system = "You are the support assistant of a GPU cloud. Answer briefly and cite the runbook section.";
        for (var turn = 0; turn < 12; turn++)
        {
            // Every turn repeats the system prompt and the opening question, then adds later turns.
            var messages = new List<object>
            {
                new { role = "system", content = system },
                new { role = "user", content = "My vLLM pod restarts every hour." },
            };
            for (var t = 0; t < turn; t++)
            {
                messages.Add(new { role = "assistant", content = $"answer {t}" });
                messages.Add(new { role = "user", content = $"follow-up {t}" });
            }
            var json = System.Text.Json.JsonSerializer.Serialize(new { model = TestFleet.Model, messages, max_tokens = 4 });
            using var response = await fleet.PostChatAsync(json);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var counts = new List<double>();
        foreach (var twin in fleet.Twins)
        {
            counts.Add(await fleet.RequestsThroughAsync(twin));
        }
        Assert.Equal(12, counts.Max());
        Assert.Equal(12, counts.Sum());
    }

    [Fact]
    public async Task PrefixAffinity_DifferentConversations_SpreadOverBackends()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 3, policy: BackendSelectionPolicies.PrefixAffinity);
        for (var c = 0; c < 30; c++)
        {
            using var response = await fleet.PostChatAsync(TestFleet.ChatJson(content: $"conversation {c}: hello", system: "Be brief."));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var twin in fleet.Twins)
        {
            Assert.True(await fleet.RequestsThroughAsync(twin) >= 3);
        }
    }

    [Fact]
    public async Task LeastLoad_SkewedBackend_GetsNoNewRequests()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 3, speed: 1, policy: BackendSelectionPolicies.LeastLoad);
        var ct = TestContext.Current.CancellationToken;
        var busy = fleet.Twins[0];
        // Load one backend behind the gateway's back: long streams sent straight to it.
        using var direct = new HttpClient { BaseAddress = busy.BaseAddress };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var background = Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
                {
                    Content = TestFleet.Json(TestFleet.ChatJson(busy.ServedModelName, stream: true, maxTokens: 20_000)),
                };
                using var response = await direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                await response.Content.CopyToAsync(Stream.Null, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }).ToArray();
        await Poll.UntilAsync(() => Task.FromResult(fleet.Gateway.State.Current.Backends[0].Load.Running >= 8),
            TimeSpan.FromSeconds(15), "the gateway to scrape the skewed load");

        var idle = fleet.Gateway.State.Current.Backends.Skip(1).ToArray();
        for (var i = 0; i < 12; i++)
        {
            // Each pick sees current gauges: a scrape still showing the previous request as running would steer the
            // next pick away from that backend (least-load as designed), making the split depend on scrape timing.
            await Poll.UntilAsync(() => Task.FromResult(idle.All(b => LoadScore.Of(b) == 0)),
                TimeSpan.FromSeconds(10), "the idle backends' finished requests to be scraped");
            using var response = await fleet.PostChatAsync(TestFleet.ChatJson(maxTokens: 2));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var (first, second) = (await fleet.RequestsThroughAsync(fleet.Twins[1]), await fleet.RequestsThroughAsync(fleet.Twins[2]));
        Assert.Equal(0, await fleet.RequestsThroughAsync(busy));
        Assert.Equal(12, first + second);
        Assert.True(first >= 4 && second >= 4, $"the idle backends took {first} and {second} of 12");
        await stop.CancelAsync();
        await Task.WhenAll(background);
    }
}
