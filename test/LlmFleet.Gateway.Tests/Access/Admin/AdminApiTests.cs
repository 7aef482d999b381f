using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LlmFleet.Gateway.Tests.Functional;

namespace LlmFleet.Gateway.Tests.Access.Admin;

/// <summary><c>/admin/keys</c> and <c>/admin/usage</c> on a real gateway: only with the admin key, and effective at once.</summary>
public sealed class AdminApiTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static HttpRequestMessage Admin(HttpMethod method, string path, string? adminKey, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (adminKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }

    [Fact]
    public async Task AdminKeys_NoAdminKeyConfigured_Is403ForEveryone()
    {
        await using var fleet = await AccessFleet.StartAsync();
        using var response = await fleet.Client.SendAsync(Admin(HttpMethod.Get, "admin/keys", "anything"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(fleet.Access.AdminKeyEnv, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminKeys_CreateUseRevokeUsage_WorkAtOnceAndNeedTheAdminKey()
    {
        var (access, store) = AccessFleet.NewSetup();
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(access.AdminKeyEnv, adminKey);
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);

        using (var wrong = await fleet.Client.SendAsync(Admin(HttpMethod.Get, "admin/keys", "not-the-admin-key"), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var created = await fleet.Client.SendAsync(Admin(HttpMethod.Post, "admin/keys", adminKey, new { name = "via-api", rpm = 100, models = new[] { "glm" } }), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        var id = json.GetProperty("id").GetString()!;
        var key = json.GetProperty("key").GetString()!;
        Assert.Equal(100, json.GetProperty("rpm").GetInt64());

        using (var used = await fleet.PostChatAsync(key, TestFleet.ChatJson()))
        {
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }
        using (var list = await fleet.Client.SendAsync(Admin(HttpMethod.Get, "admin/keys", adminKey), Ct))
        {
            var text = await list.Content.ReadAsStringAsync(Ct);
            Assert.Contains(id, text, StringComparison.Ordinal);
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        }
        using (var revoked = await fleet.Client.SendAsync(Admin(HttpMethod.Delete, $"admin/keys/{id}", adminKey), Ct))
        {
            Assert.Equal("revoked", JsonDocument.Parse(await revoked.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("status").GetString());
        }
        using (var refused = await fleet.PostChatAsync(key, TestFleet.ChatJson()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        // The ledger row of the one forwarded request is written within the flush interval.
        await Poll.UntilAsync(async () =>
        {
            using var usage = await fleet.Client.SendAsync(Admin(HttpMethod.Get, "admin/usage?by=key", adminKey), Ct);
            var rows = JsonDocument.Parse(await usage.Content.ReadAsStringAsync(Ct)).RootElement;
            return rows.GetArrayLength() == 1 && rows[0].GetProperty("group").GetString() == id && rows[0].GetProperty("requests").GetInt64() == 1;
        }, TimeSpan.FromSeconds(5), "the usage row in /admin/usage");
    }

    [Fact]
    public async Task Metrics_AfterRefusals_CarryNoKey()
    {
        await using var fleet = await AccessFleet.StartAsync();
        var guess = Gateway.Access.Keys.ApiKeys.Generate();
        using (await fleet.PostChatAsync(guess, TestFleet.ChatJson()))
        {
        }
        var metrics = await fleet.Client.GetStringAsync("metrics", Ct);
        Assert.Contains("llmfleet_access_refused_total{status=\"401\",reason=\"unknown\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-fleet-", metrics, StringComparison.Ordinal);
    }
}
