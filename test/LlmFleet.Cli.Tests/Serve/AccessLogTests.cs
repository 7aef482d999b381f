using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmFleet.Cli.Tests.Keys;
using LlmFleet.Simulation;

namespace LlmFleet.Cli.Tests.Serve;

/// <summary>
/// A real <c>llmfleet serve</c> child process with <c>logging: { format: json }</c> and <c>auth: keys</c>: every line
/// it writes is a JSON object, each request (forwarded, streamed, refused, unknown path) gets exactly one access-log
/// line with its request id, and no key a client sent appears anywhere in the output.
/// </summary>
public sealed class AccessLogTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task JsonLogging_EachRequest_OneParseableAccessLine_AndNoKeyInTheLogs()
    {
        await using var twin = await TwinHost.StartAsync(new TwinOptions { Speed = 0, ReasoningParser = "none" }, ct: Ct);
        var config = FleetFile.Write(twin.BaseAddress.GetLeftPart(UriPartial.Authority), twin.ServedModelName);
        File.AppendAllText(config, "\nlogging: { format: json }\n");
        var created = JsonDocument.Parse((await CliRun.RunAsync("keys", "create", "--config", config, "--name", "app", "--team", "search", "--json")).Output).RootElement;
        var key = created.GetProperty("key").GetString()!;
        var keyId = created.GetProperty("id").GetString()!;
        const string bogus = "sk-fleet-thisIsNotAKeyButMustNotBeLoggedEither000000000";
        var port = ServeProcess.FreePort();
        using var gateway = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { "exec", Path.Combine(AppContext.BaseDirectory, "llmfleet.dll"), "serve", "--config", config, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(config)!,
        })!;
        var lines = new List<string>();
        gateway.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } l) { lock (lines) { lines.Add(l); } } };
        gateway.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } l) { lock (lines) { lines.Add(l); } } };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await ServeProcess.WaitForHealthAsync(client, gateway, () => string.Join('\n', Snapshot(lines)));

            Assert.Equal(HttpStatusCode.OK, await SendAsync(client, "ok-1", key, stream: false));
            Assert.Equal(HttpStatusCode.OK, await SendAsync(client, "stream-1", key, stream: true));
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, "bad-key-1", bogus, stream: false));
            using (var missing = new HttpRequestMessage(HttpMethod.Get, "no/such/path"))
            {
                missing.Headers.Add("X-Request-Id", "missing-1");
                missing.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using var response = await client.SendAsync(missing, Ct);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
            string[] ids = ["ok-1", "stream-1", "bad-key-1", "missing-1"];
            var clock = Stopwatch.StartNew();
            List<JsonElement> access;
            while (true)
            {
                access = Snapshot(lines).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
                    .Where(e => e.GetProperty("Category").GetString() == "LlmFleet.Gateway.AccessLog").ToList();
                if (ids.All(id => access.Any(a => RequestId(a) == id)) || clock.Elapsed > TimeSpan.FromSeconds(20))
                {
                    break;
                }
                await Task.Delay(100, Ct);
            }
            gateway.Kill();
            await gateway.WaitForExitAsync(Ct);

            var all = Snapshot(lines);
            foreach (var line in all)
            {
                if (line.StartsWith('{'))
                {
                    using var _ = JsonDocument.Parse(line); // one JSON object per line (the rest is serve's own banner)
                }
                Assert.DoesNotContain(key, line, StringComparison.Ordinal);
                Assert.DoesNotContain(bogus, line, StringComparison.Ordinal);
            }
            foreach (var id in ids)
            {
                Assert.Single(access, a => RequestId(a) == id);
            }
            var ok = State(access.Single(a => RequestId(a) == "ok-1"));
            Assert.Equal(200, ok.GetProperty("Status").GetInt32());
            Assert.Equal(keyId, ok.GetProperty("KeyId").GetString());
            Assert.Equal("search", ok.GetProperty("Team").GetString());
            Assert.Equal("glm-5.2", ok.GetProperty("Pool").GetString());
            Assert.Equal(twin.BaseAddress.Authority, ok.GetProperty("Backend").GetString());
            Assert.Equal(6, ok.GetProperty("OutputTokens").GetInt64());
            Assert.True(ok.GetProperty("InputTokens").GetInt64() > 0);
            var stream = State(access.Single(a => RequestId(a) == "stream-1"));
            Assert.True(stream.GetProperty("Stream").GetBoolean());
            Assert.Equal(6, stream.GetProperty("OutputTokens").GetInt64());
            Assert.True(stream.GetProperty("TtftMs").GetDouble() >= 0);
            var bad = State(access.Single(a => RequestId(a) == "bad-key-1"));
            Assert.Equal(401, bad.GetProperty("Status").GetInt32());
            Assert.Equal("UnauthorizedError", bad.GetProperty("ErrorCode").GetString());
            Assert.Equal(404, State(access.Single(a => RequestId(a) == "missing-1")).GetProperty("Status").GetInt32());
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill();
            }
        }
    }

    private static JsonElement State(JsonElement line) => line.GetProperty("State");

    private static string? RequestId(JsonElement line) => State(line).GetProperty("RequestId").GetString();

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string id, string key, bool stream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"glm","messages":[{"role":"user","content":"Hi"}],"max_tokens":6,"ignore_eos":true,"stream":{{(stream ? "true" : "false")}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", id);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request, Ct);
        await response.Content.ReadAsStringAsync(Ct);
        return response.StatusCode;
    }
}
