using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmFleet.Cli.Tests.Keys;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Simulation;

namespace LlmFleet.Cli.Tests.Usage;

/// <summary><c>llmfleet usage</c> reads what a real gateway wrote to the ledger.</summary>
public sealed class UsageCommandTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Usage_ByKeyAndModel_SumsTheGatewaysLedgerWithDollars()
    {
        await using var twin = await TwinHost.StartAsync(new TwinOptions { Speed = 0 }, ct: Ct);
        var config = FleetFile.Write(twin.BaseAddress.GetLeftPart(UriPartial.Authority), twin.ServedModelName);
        var key = JsonDocument.Parse((await CliRun.RunAsync("keys", "create", "--config", config, "--name", "billing", "--json")).Output)
            .RootElement.GetProperty("key").GetString()!;
        long prompt = 0, completion = 0;
        await using (var gateway = await GatewayHost.StartAsync(new GatewayOptions { ConfigPath = config, Urls = "http://127.0.0.1:0" }, Ct))
        {
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
                {
                    Content = new StringContent("""{"model":"glm","messages":[{"role":"user","content":"Hi"}],"max_tokens":6,"ignore_eos":true}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using var response = await client.SendAsync(request, Ct);
                var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("usage");
                prompt += usage.GetProperty("prompt_tokens").GetInt64();
                completion += usage.GetProperty("completion_tokens").GetInt64();
            }
        }
        var byKey = await CliRun.RunAsync("usage", "--config", config, "--by", "key", "--json");
        Assert.Equal(0, byKey.ExitCode);
        var row = JsonDocument.Parse(byKey.Output).RootElement.EnumerateArray().Single();
        Assert.Equal("billing", row.GetProperty("name").GetString());
        Assert.Equal(3, row.GetProperty("requests").GetInt64());
        Assert.Equal(prompt, row.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(completion, row.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(((prompt * 0.5m) + (completion * 2m)) / 1_000_000m, row.GetProperty("cost_usd").GetDecimal());

        var byModel = await CliRun.RunAsync("usage", "--config", config, "--by", "model", "--since", "2000-01-01");
        Assert.Equal(0, byModel.ExitCode);
        Assert.Contains("glm-5.2", byModel.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreate_DollarBudgetsAndNoExternal_AreStoredWithTheKey()
    {
        var config = FleetFile.Write();
        var created = await CliRun.RunAsync("keys", "create", "--config", config, "--name", "records", "--budget-usd-day", "2.5",
            "--budget-usd-month", "40", "--no-external", "--json");
        Assert.Equal(0, created.ExitCode);
        var id = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;

        var shown = JsonDocument.Parse((await CliRun.RunAsync("keys", "show", id, "--config", config, "--json")).Output).RootElement;

        Assert.Equal(2.5m, shown.GetProperty("budget_usd_day").GetDecimal());
        Assert.Equal(40m, shown.GetProperty("budget_usd_month").GetDecimal());
        Assert.True(shown.GetProperty("no_external").GetBoolean());
        var bad = await CliRun.RunAsync("keys", "create", "--config", config, "--name", "x", "--budget-usd-day", "0");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task Usage_BadGrouping_ExitCode2()
    {
        var result = await CliRun.RunAsync("usage", "--config", FleetFile.Write(), "--by", "week");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--by", result.Error, StringComparison.Ordinal);
    }
}
