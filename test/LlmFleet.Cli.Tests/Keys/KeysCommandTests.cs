using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Simulation;

namespace LlmFleet.Cli.Tests.Keys;

/// <summary><c>llmfleet keys …</c> on a real fleet file and SQLite store; a real gateway honours what they do.</summary>
public sealed class KeysCommandTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_Json_PrintsTheKeyOnceWithIdAndLimits()
    {
        var config = FleetFile.Write();
        var result = await CliRun.RunAsync("keys", "create", "--config", config, "--name", "search", "--team", "web", "--models", "glm-5.2,glm",
            "--rpm", "60", "--tpm", "100000", "--parallel", "4", "--budget-tokens-day", "5000000", "--expires", "2099-01-01", "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.StartsWith("key_", json.GetProperty("id").GetString(), StringComparison.Ordinal);
        var key = json.GetProperty("key").GetString()!;
        Assert.StartsWith("sk-fleet-", key, StringComparison.Ordinal);
        Assert.Equal("search", json.GetProperty("name").GetString());
        Assert.Equal(60, json.GetProperty("rpm").GetInt64());
        Assert.Equal(4, json.GetProperty("parallel").GetInt64());
        Assert.Equal(5_000_000, json.GetProperty("budget_tokens_day").GetInt64());
        Assert.Equal(["glm-5.2", "glm"], json.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        // The store keeps no key: list and show print it masked only.
        var list = await CliRun.RunAsync("keys", "list", "--config", config, "--json");
        Assert.DoesNotContain(key, list.Output, StringComparison.Ordinal);
        Assert.Contains("sk-fleet-…" + key[^4..], list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, File.ReadAllText(Path.Combine(Path.GetDirectoryName(config)!, "fleet.db")), StringComparison.Ordinal);
        var show = await CliRun.RunAsync("keys", "show", "search", "--config", config);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("rpm 60", show.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rpm", "0", "rpm must be a positive number")]
    [InlineData("--expires", "someday", "--expires")]
    [InlineData("--expires", "2001-01-01", "in the past")]
    public async Task Create_BadInput_ExitCode2WithMessage(string option, string value, string expected)
    {
        var config = FleetFile.Write();
        var result = await CliRun.RunAsync("keys", "create", "--config", config, "--name", "x", option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithoutName_ExitCode2()
    {
        var result = await CliRun.RunAsync("keys", "create", "--config", FleetFile.Write());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--name", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_MissingFleetFile_ExitCode2()
    {
        var result = await CliRun.RunAsync("keys", "list", "--config", "/nonexistent/fleet.yaml");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRevokeRotate_RunningGateway_HonoursEachWithinTheRefreshInterval()
    {
        await using var twin = await TwinHost.StartAsync(new TwinOptions { Speed = 0 }, ct: Ct);
        var config = FleetFile.Write(twin.BaseAddress.GetLeftPart(UriPartial.Authority), twin.ServedModelName);
        var created = JsonDocument.Parse((await CliRun.RunAsync("keys", "create", "--config", config, "--name", "app", "--json")).Output).RootElement;
        var key = created.GetProperty("key").GetString()!;
        await using var gateway = await GatewayHost.StartAsync(new GatewayOptions { ConfigPath = config, Urls = "http://127.0.0.1:0" }, Ct);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        async Task<HttpStatusCode> ChatAsync(string k)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent($$"""{"model":"glm","messages":[{"role":"user","content":"Hi"}],"max_tokens":4}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", k);
            using var response = await client.SendAsync(request, Ct);
            return response.StatusCode;
        }
        async Task EventuallyAsync(string k, HttpStatusCode expected)
        {
            for (var i = 0; i < 50 && await ChatAsync(k) != expected; i++)
            {
                await Task.Delay(100, Ct);
            }
            Assert.Equal(expected, await ChatAsync(k));
        }
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(key));

        var rotated = JsonDocument.Parse((await CliRun.RunAsync("keys", "rotate", "app", "--config", config, "--json")).Output).RootElement;
        var newKey = rotated.GetProperty("key").GetString()!;
        Assert.Equal(created.GetProperty("id").GetString(), rotated.GetProperty("id").GetString());
        await EventuallyAsync(newKey, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, await ChatAsync(key));

        var revoked = await CliRun.RunAsync("keys", "revoke", "app", "--config", config);
        Assert.Equal(0, revoked.ExitCode);
        await EventuallyAsync(newKey, HttpStatusCode.Unauthorized);

        var again = await CliRun.RunAsync("keys", "rotate", "app", "--config", config);
        Assert.Equal(2, again.ExitCode);
    }
}
