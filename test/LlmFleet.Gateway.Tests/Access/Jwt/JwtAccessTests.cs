using System.ClientModel;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Functional;
using Microsoft.IdentityModel.Tokens;
using OpenAI;
using OpenAI.Chat;

namespace LlmFleet.Gateway.Tests.Access.Jwt;

/// <summary>
/// <c>auth: jwt</c> and <c>keys+jwt</c> through a real gateway and twin, with tokens of a stand-in identity provider
/// whose key set is served by a real local server: valid tokens pass and are recorded as their subject and team; each
/// bad token gets a 401 in OpenAI's shape that names the failed check.
/// </summary>
public sealed class JwtAccessTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static async Task<RunningFleet> StartAsync(TestIdentityProvider idp, JwtConfig? jwt = null, string mode = AuthModes.Jwt,
        string? store = null, AccessConfig? access = null)
    {
        if (store is null || access is null)
        {
            (access, store) = AccessFleet.NewSetup();
        }
        return await AccessFleet.StartAsync(store: store, access: access with { Auth = mode, Jwt = jwt ?? idp.Config() });
    }

    private static async Task<(int Status, JsonElement Error)> SendAsync(RunningFleet fleet, string? token, string? json = null)
    {
        using var response = await fleet.PostChatAsync(token, json ?? TestFleet.ChatJson());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        return ((int)response.StatusCode, body.TryGetProperty("error", out var e) ? e : default);
    }

    [Fact]
    public async Task ValidToken_ThroughTheOpenAiClient_IsServed_AndTheLedgerRecordsItsSubjectAndTeam()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var key = idp.NewRsaKey("rsa-1");
        idp.Publish(key);
        var (access, store) = AccessFleet.NewSetup();
        var token = TestIdentityProvider.Token(key, "alice", new Dictionary<string, object> { ["groups_team"] = "search" });
        await using (var fleet = await StartAsync(idp, idp.Config(new Dictionary<string, string> { [JwtTerms.Team] = "groups_team" }), store: store, access: access))
        {
            var client = new OpenAIClient(new ApiKeyCredential(token), new OpenAIClientOptions { Endpoint = fleet.Gateway.OpenAiEndpoint });
            ChatCompletion completion = await client.GetChatClient(TestFleet.Model).CompleteChatAsync([new UserChatMessage("Say hello.")],
                new ChatCompletionOptions { MaxOutputTokenCount = 5 }, Ct);
            Assert.True(completion.Usage.OutputTokenCount > 0);
        }
        // Stopping the gateway drains the ledger; usage by team and by key sees the token's caller.
        await using var s = AccessStores.Open(store);
        var byTeam = await s.QueryUsageAsync(UsageGrouping.Team, null, Ct);
        Assert.Equal(1, Assert.Single(byTeam, t => t.Group == "search").Requests);
        Assert.Equal(1, Assert.Single(await s.QueryUsageAsync(UsageGrouping.Key, null, Ct), t => t.Group == "jwt:alice").Requests);
    }

    [Fact]
    public async Task ModelsClaim_RestrictsModels_AsAKeysModelsDo()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var key = idp.NewRsaKey("rsa-1");
        idp.Publish(key);
        await using var fleet = await StartAsync(idp, idp.Config(new Dictionary<string, string> { [JwtTerms.Models] = "llm_models" }));

        var other = TestIdentityProvider.Token(key, claims: new Dictionary<string, object> { ["llm_models"] = new[] { "other-model" } });
        var (status, error) = await SendAsync(fleet, other);
        Assert.Equal(403, status);
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("token of jwt:alice may not use model 'glm-5.2'", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // A space-separated string (OAuth's scope style) names models too, aliases included.
        var spaced = TestIdentityProvider.Token(key, claims: new Dictionary<string, object> { ["llm_models"] = "other-model glm" });
        Assert.Equal(200, (await SendAsync(fleet, spaced)).Status);
    }

    [Fact]
    public async Task BadTokens_Are401InOpenAisShape_NamingTheFailedCheck_WithoutEchoingTheToken()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var key = idp.NewRsaKey("rsa-1");
        idp.Publish(key);
        using var stranger = System.Security.Cryptography.RSA.Create(2048);
        // Key confusion: HMAC "signed" with the provider's public key as the secret, under the provider's kid.
        var publicAsSecret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key.PublicJwk)) { KeyId = key.Kid };
        var cases = new (string Name, string Token, string Says)[]
        {
            ("expired", TestIdentityProvider.Token(key, lifetime: TimeSpan.FromMinutes(-5)), "expired"),
            ("wrong audience", TestIdentityProvider.Token(key, audience: "another-app"), "audience"),
            ("wrong issuer", TestIdentityProvider.Token(key, issuer: "https://evil.test"), "issuer"),
            ("bad signature", TestIdentityProvider.Token(new SigningCredentials(new RsaSecurityKey(stranger) { KeyId = key.Kid }, SecurityAlgorithms.RsaSha256)), "signature"),
            ("alg none", TestIdentityProvider.UnsignedToken(), "not signed"),
            ("HS256 with the public key", TestIdentityProvider.Token(new SigningCredentials(publicAsSecret, SecurityAlgorithms.HmacSha256)), "algorithm 'HS256'"),
            ("malformed", "not-a.jwt-at.all", "not a well-formed JSON Web Token"),
        };
        await using var fleet = await StartAsync(idp);
        foreach (var (name, token, says) in cases)
        {
            var (status, error) = await SendAsync(fleet, token);
            Assert.True(status == 401, $"{name}: {status}");
            var message = error.GetProperty("message").GetString()!;
            Assert.True(message.Contains(says, StringComparison.Ordinal), $"{name}: {message}");
            Assert.DoesNotContain(token.Split('.')[1], message, StringComparison.Ordinal);
            Assert.Equal("UnauthorizedError", error.GetProperty("type").GetString());
            Assert.Equal(401, error.GetProperty("code").GetInt32());
            Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        }
        var metrics = await fleet.MetricsAsync();
        Assert.Contains("reason=\"jwt_expired\"", metrics, StringComparison.Ordinal);
        Assert.Contains("reason=\"jwt_unsigned\"", metrics, StringComparison.Ordinal);
        Assert.Equal(401, (await SendAsync(fleet, null)).Status);
    }

    [Fact]
    public async Task AcceptedToken_ThoughRemembered_IsRefusedOnceItExpires()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var key = idp.NewRsaKey("rsa-1");
        idp.Publish(key);
        await using var fleet = await StartAsync(idp, idp.Config() with { ClockSkew = TimeSpan.Zero });
        var token = TestIdentityProvider.Token(key, lifetime: TimeSpan.FromSeconds(3));
        Assert.Equal(200, (await SendAsync(fleet, token)).Status);
        Assert.Equal(200, (await SendAsync(fleet, token)).Status);
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        var (status, error) = await SendAsync(fleet, token);
        Assert.Equal(401, status);
        Assert.Contains("The token expired at", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRotation_TokenWithTheNewKid_IsAcceptedAfterOneRefetch_AndMadeUpKidsCannotHammerTheProvider()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var (old, next) = (idp.NewRsaKey("2026-11"), idp.NewEcKey("2026-12"));
        idp.Publish(old);
        await using var fleet = await StartAsync(idp, idp.Config(unknownKidRefresh: TimeSpan.FromMinutes(10)));
        Assert.Equal(200, (await SendAsync(fleet, TestIdentityProvider.Token(old))).Status);
        Assert.Equal(1, idp.Fetches);

        idp.Publish(old, next);
        Assert.Equal(200, (await SendAsync(fleet, TestIdentityProvider.Token(next))).Status);
        Assert.Equal(2, idp.Fetches);
        Assert.Equal(200, (await SendAsync(fleet, TestIdentityProvider.Token(next))).Status);

        // Tokens naming keys the provider never had (though signed well): refused, and within unknown_kid_refresh no
        // further fetch.
        var rsa = ((RsaSecurityKey)old.Key).Rsa;
        for (var i = 0; i < 20; i++)
        {
            var madeUp = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "made-up-" + i }, SecurityAlgorithms.RsaSha256);
            var (status, error) = await SendAsync(fleet, TestIdentityProvider.Token(madeUp));
            Assert.Equal(401, status);
            Assert.Contains($"kid 'made-up-{i}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(2, idp.Fetches);
    }

    [Fact]
    public async Task KeysAndJwt_BothAKeyAndATokenAreServed()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var signing = idp.NewRsaKey("rsa-1");
        idp.Publish(signing);
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "batch", Team = "data" });
        await using var fleet = await StartAsync(idp, mode: AuthModes.KeysAndJwt, store: store, access: access);
        Assert.Equal(200, (await SendAsync(fleet, keys[0].Key)).Status);
        Assert.Equal(200, (await SendAsync(fleet, TestIdentityProvider.Token(signing))).Status);
        var (status, error) = await SendAsync(fleet, ApiKeys.Generate());
        Assert.Equal(401, status);
        Assert.Contains("Incorrect API key", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, (await SendAsync(fleet, TestIdentityProvider.Token(signing, lifetime: TimeSpan.FromMinutes(-5)))).Status);
    }

    [Fact]
    public async Task RpmFromAClaimOrTheDefaults_LimitsTheTokensCaller()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var key = idp.NewRsaKey("rsa-1");
        idp.Publish(key);
        var defaults = new Dictionary<string, JsonElement> { [JwtTerms.Rpm] = JsonSerializer.SerializeToElement("2") };
        await using var fleet = await StartAsync(idp, idp.Config(new Dictionary<string, string> { [JwtTerms.Rpm] = "llm_rpm" }, defaults));
        await AccessFleet.AwayFromMinuteEndAsync();

        var one = TestIdentityProvider.Token(key, "bob", new Dictionary<string, object> { ["llm_rpm"] = 1 });
        Assert.Equal(200, (await SendAsync(fleet, one)).Status);
        var (status, error) = await SendAsync(fleet, one);
        Assert.Equal(429, status);
        Assert.Contains("Rate limit reached for token of jwt:bob: 1 requests per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Without the claim, the default (2 per minute) applies, counted per subject.
        var carol = TestIdentityProvider.Token(key, "carol");
        Assert.Equal(200, (await SendAsync(fleet, carol)).Status);
        Assert.Equal(200, (await SendAsync(fleet, carol)).Status);
        Assert.Equal(429, (await SendAsync(fleet, carol)).Status);
    }

    [Fact]
    public async Task ProviderUnreachable_Is503NamingTheKeySet()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var key = idp.NewRsaKey("rsa-1");
        var gone = await TestFleet.StartStandInAsync(_ => { });
        var goneUrl = new Uri(new Uri(gone.Urls.First()), "/jwks");
        await gone.DisposeAsync();
        await using var fleet = await StartAsync(idp, idp.Config() with { JwksUrl = goneUrl });
        var (status, error) = await SendAsync(fleet, TestIdentityProvider.Token(key));
        Assert.Equal(503, status);
        Assert.Contains("signing keys could not be fetched from " + goneUrl, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
