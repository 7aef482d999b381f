using System.Net;
using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Functional;
using Microsoft.AspNetCore.Builder;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>Enforcement before forwarding, through a real gateway and twin: each refusal in OpenAI's error shape.</summary>
public sealed class AccessFilterTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static async Task<(int Status, JsonElement Error, HttpResponseMessage Response)> SendAsync(RunningFleet fleet, string? key, string? json = null)
    {
        var response = await fleet.PostChatAsync(key, json ?? TestFleet.ChatJson());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        return ((int)response.StatusCode, body.TryGetProperty("error", out var e) ? e : default, response);
    }

    [Fact]
    public async Task Request_WithoutKey_Is401InOpenAisShape()
    {
        await using var fleet = await AccessFleet.StartAsync();
        var (status, error, _) = await SendAsync(fleet, null);
        Assert.Equal(401, status);
        Assert.Contains("API key", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, error.GetProperty("code").GetInt32());
        Assert.True(error.TryGetProperty("type", out _));
    }

    [Fact]
    public async Task Request_WithUnknownKey_Is401AndEchoesOnlyTheMaskedKey()
    {
        await using var fleet = await AccessFleet.StartAsync();
        var guess = ApiKeys.Generate();
        var (status, error, _) = await SendAsync(fleet, guess);
        Assert.Equal(401, status);
        var message = error.GetProperty("message").GetString()!;
        Assert.DoesNotContain(guess, message, StringComparison.Ordinal);
        Assert.Contains("sk-fleet-…" + guess[^4..], message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithValidKey_IsForwarded()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "app" });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        var (status, _, _) = await SendAsync(fleet, keys[0].Key);
        Assert.Equal(200, status);
    }

    /// <summary>A backend that records the credentials it is sent and, like vLLM started with <c>--api-key</c>,
    /// answers 401 unless <paramref name="requiredKey"/> (when given) comes as a bearer token.</summary>
    private static Task<WebApplication> StartRecordingBackendAsync(System.Collections.Concurrent.ConcurrentQueue<string> heard, string? requiredKey = null) =>
        TestFleet.StartStandInAsync(backend => backend.MapPost("/v1/chat/completions", (Microsoft.AspNetCore.Http.HttpContext http) =>
        {
            heard.Enqueue($"authorization={http.Request.Headers.Authorization}; x-api-key={http.Request.Headers["x-api-key"]}");
            if (requiredKey is not null && http.Request.Headers.Authorization != $"Bearer {requiredKey}")
            {
                return Microsoft.AspNetCore.Http.Results.Json(new { error = "Unauthorized" }, statusCode: 401);
            }
            return Microsoft.AspNetCore.Http.Results.Text(
                """{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""",
                "application/json");
        }));

    [Fact]
    public async Task Request_WithValidKey_ReachesTheBackendWithoutTheKey()
    {
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var backend = await StartRecordingBackendAsync(heard);
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "app" });
        var backendUrl = new Uri(backend.Urls.First());
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access,
            fleet: c => c with { Models = [c.Models[0] with { Backends = [new BackendConfig { Url = backendUrl }] }] });

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) };
        request.Headers.Add("x-api-key", keys[0].Key);
        using var response = await fleet.Client.SendAsync(request, Ct);
        var (status, _, _) = await SendAsync(fleet, keys[0].Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, status);
        Assert.Equal(["authorization=; x-api-key=", "authorization=; x-api-key="], heard);
    }

    [Fact]
    public async Task Request_ToBackendStartedWithApiKey_CarriesTheBackendsKeyFromApiKeyEnv()
    {
        var env = $"LLMFLEET_TEST_BACKEND_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(env, "vllm-secret");
        try
        {
            var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
            await using var guarded = await StartRecordingBackendAsync(heard, requiredKey: "vllm-secret");
            var (access, store) = AccessFleet.NewSetup();
            var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "app" });
            await using var fleet = await AccessFleet.StartAsync(store: store, access: access, fleet: c => c with
            {
                Models = [c.Models[0] with { Backends = [new BackendConfig { Url = new Uri(guarded.Urls.First()), ApiKeyEnv = env }] }],
            });

            var (status, _, _) = await SendAsync(fleet, keys[0].Key);

            Assert.Equal(200, status);
            Assert.Equal(["authorization=Bearer vllm-secret; x-api-key="], heard);
        }
        finally
        {
            Environment.SetEnvironmentVariable(env, null);
        }
    }

    [Fact]
    public async Task Request_WithRevokedKey_Is401()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "app" });
        await using (var s = Gateway.Access.Stores.AccessStores.Open(store))
        {
            Assert.True(await s.RevokeKeyAsync(keys[0].Id, TimeProvider.System.GetUtcNow(), Ct));
        }
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        var (status, error, _) = await SendAsync(fleet, keys[0].Key);
        Assert.Equal(401, status);
        Assert.Contains("revoked", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithExpiredKey_Is401()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access,
            new NewKeySpec { Name = "old", ExpiresAt = TimeProvider.System.GetUtcNow().AddMinutes(-1) });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        var (status, error, _) = await SendAsync(fleet, keys[0].Key);
        Assert.Equal(401, status);
        Assert.Contains("expired", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ModelNotOnAllowList_Is403_AliasOfAllowedModelPasses()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access,
            new NewKeySpec { Name = "other-model-only", Models = ["qwen3"] },
            new NewKeySpec { Name = "glm-only", Models = [TestFleet.Model] });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        var (status, error, _) = await SendAsync(fleet, keys[0].Key);
        Assert.Equal(403, status);
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal(200, (await SendAsync(fleet, keys[1].Key, TestFleet.ChatJson(TestFleet.Alias))).Status);
    }

    [Fact]
    public async Task Request_OverRpm_Is429WithRetryAfter()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "rpm", Rpm = 3 });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        await AccessFleet.AwayFromMinuteEndAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await SendAsync(fleet, keys[0].Key)).Status);
        }
        var (status, error, response) = await SendAsync(fleet, keys[0].Key);
        Assert.Equal(429, status);
        Assert.Contains("3 requests per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task Request_OverTpm_Is429_EstimateIsCorrectedByRealUsage()
    {
        var (access, store) = AccessFleet.NewSetup();
        // On the way in a request counts its prompt (a few tokens) + max_tokens; on the way out its real usage.
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "tpm", Tpm = 200 });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        await AccessFleet.AwayFromMinuteEndAsync();
        Assert.Equal(200, (await SendAsync(fleet, keys[0].Key, AccessFleet.ExactChatJson(150))).Status);
        var (status, error, response) = await SendAsync(fleet, keys[0].Key, AccessFleet.ExactChatJson(150));
        Assert.Equal(429, status);
        Assert.Contains("tokens per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Retry-After"));
        // 200 − (first request's real usage) is still room for a small request.
        Assert.Equal(200, (await SendAsync(fleet, keys[0].Key, AccessFleet.ExactChatJson(8))).Status);
    }

    [Fact]
    public async Task Request_OverDailyBudget_Is429()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "budget", BudgetTokensDay = 60 });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);
        Assert.Equal(200, (await SendAsync(fleet, keys[0].Key, AccessFleet.ExactChatJson(30))).Status);
        var (status, error, response) = await SendAsync(fleet, keys[0].Key, AccessFleet.ExactChatJson(30));
        Assert.Equal(429, status);
        Assert.Contains("daily budget", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter is not null || response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Request_OverParallel_Is429_SlotIsFreedWhenTheFirstEnds()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "one-at-a-time", Parallel = 1 });
        await using var fleet = await AccessFleet.StartAsync(speed: 1, store: store, access: access);
        var slow = fleet.PostChatAsync(keys[0].Key, AccessFleet.ExactChatJson(400));
        await Task.Delay(300, Ct);
        var (status, error, response) = await SendAsync(fleet, keys[0].Key);
        Assert.Equal(429, status);
        Assert.Contains("in flight", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        using (var first = await slow)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.Equal(200, (await SendAsync(fleet, keys[0].Key)).Status);
    }
}
