using System.Net;
using System.Text.RegularExpressions;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Simulation;

namespace LlmFleet.Cli.Tests.Serve;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_MissingFile_Exits2NamingIt()
    {
        var r = await CliRun.RunAsync("serve", "--config", "/nonexistent/fleet.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("/nonexistent/fleet.yaml", r.Error);
    }

    [Fact]
    public async Task Serve_InvalidFile_Exits2WithTheProblem()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "fleet.yaml");
        await File.WriteAllTextAsync(path, "models: [{ name: m, policy: fastest, backends: [{ url: 'http://127.0.0.1:1' }] }]", TestContext.Current.CancellationToken);
        var r = await CliRun.RunAsync("serve", "--config", path, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("models[0].policy: unknown policy 'fastest'", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public async Task Serve_ValidFile_ForwardsUntilCancelledThenExits0()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var twin = await TwinHost.StartAsync(new TwinOptions { Speed = 0 }, ct: ct);
        var path = Path.Combine(TestPaths.NewTempDirectory(), "fleet.yaml");
        await File.WriteAllTextAsync(path, $"""
            models:
              - name: glm-5.2
                backends:
                  - url: {twin.BaseAddress.GetLeftPart(UriPartial.Authority)}
                    served_model: {twin.ServedModelName}
            """, ct);
        var (running, output, stop) = Start("serve", "--config", path, "--urls", "http://127.0.0.1:0");
        var endpoint = await WaitForEndpointAsync(output);
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(endpoint, "v1/chat/completions"),
            new StringContent("""{"model":"glm-5.2","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }

    [Fact]
    public async Task Up_StartsThreeTwinsAndTheGateway_PrintsAWorkingCurlLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var (running, output, stop) = Start("up", "--urls", "http://127.0.0.1:0", "--speed", "0");
        var endpoint = await WaitForEndpointAsync(output);
        var text = output.ToString();
        Assert.Equal(3, Regex.Matches(text.Split("Gateway")[0], @"http://127\.0\.0\.1:\d+").Count);
        var curl = text.Split('\n').Single(l => l.TrimStart().StartsWith("curl ", StringComparison.Ordinal));
        var body = CurlBody().Match(curl).Groups[1].Value;
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(endpoint, "v1/chat/completions"),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var models = await http.GetAsync(new Uri(endpoint, "v1/models"), ct);
        Assert.Contains("glm-5.2", await models.Content.ReadAsStringAsync(ct));
        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }

    [Fact]
    public async Task Up_WiresEachTwinsDcgmAndNodeExporters_IntoTheDashboardsData_ReadWithThePrintedAdminKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var (running, output, stop) = Start("up", "--twins", "2", "--urls", "http://127.0.0.1:0", "--speed", "0");
        var endpoint = await WaitForEndpointAsync(output);
        var key = AdminKey().Match(output.ToString()).Groups[1].Value;
        Assert.NotEmpty(key);
        using var http = new HttpClient { BaseAddress = endpoint };

        using (var anonymous = await http.GetAsync("admin/fleet", ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        List<System.Text.Json.JsonElement> backends = [];
        for (var i = 0; i < 200; i++)
        {
            using var fleet = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("admin/fleet", ct));
            backends = [.. fleet.RootElement.GetProperty("models").EnumerateArray().SelectMany(m => m.GetProperty("backends").EnumerateArray()).Select(b => b.Clone())];
            if (backends.Count == 2 && backends.All(b => b.TryGetProperty("gpus", out var g) && g.ValueKind == System.Text.Json.JsonValueKind.Object
                && b.TryGetProperty("host", out var h) && h.ValueKind == System.Text.Json.JsonValueKind.Object))
            {
                break;
            }
            await Task.Delay(100, ct);
        }

        // Each twin's simulated node: its 8 GPUs from the DCGM exporter, its memory from the node exporter.
        Assert.Equal(2, backends.Count);
        Assert.All(backends, b =>
        {
            Assert.Equal(8, b.GetProperty("gpus").GetProperty("count").GetInt32());
            Assert.True(b.GetProperty("host").GetProperty("memory_total_bytes").GetDouble() > 0);
        });
        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }

    [Fact]
    public async Task Up_UnknownPolicy_Exits2()
    {
        var r = await CliRun.RunAsync("up", "--policy", "fastest");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown policy 'fastest'", r.Error);
    }

    private static (Task<int> Running, StringWriter Output, CancellationTokenSource Stop) Start(params string[] args)
    {
        var output = new StringWriter();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = Task.Run(() => LlmFleetApp.RunAsync(args, new CliConsole(TextWriter.Synchronized(output), TextWriter.Null), stop.Token));
        return (running, output, stop);
    }

    /// <summary>The gateway's base address, from the "…/v1" line the command prints once it listens.</summary>
    private static async Task<Uri> WaitForEndpointAsync(StringWriter output)
    {
        for (var i = 0; i < 600; i++)
        {
            var m = Endpoint().Match(output.ToString());
            if (m.Success)
            {
                return new Uri(m.Groups[1].Value);
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException("the command printed no endpoint: " + output);
    }

    [GeneratedRegex(@"(http://127\.0\.0\.1:\d+/)v1")]
    private static partial Regex Endpoint();

    [GeneratedRegex(@"admin key: (\S+)")]
    private static partial Regex AdminKey();

    [GeneratedRegex(@"-d '([^']+)'")]
    private static partial Regex CurlBody();
}
