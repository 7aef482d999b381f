using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using LlmFleet.Cli.Tests.Serve;
using LlmFleet.Simulation;
using Microsoft.Data.Sqlite;

namespace LlmFleet.Cli.Tests.Usage;

/// <summary>
/// A real <c>llmfleet serve</c> child process (the CLI's build output, run with <c>dotnet exec</c>) killed with SIGKILL
/// under load: the ledger keeps every request that completed before the last flush interval, as docs/gateway.md states.
/// </summary>
public sealed class LedgerCrashTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    /// <summary>The writer's flush interval (1 s) plus time for one commit on a loaded machine.</summary>
    private static readonly TimeSpan UnflushedWindow = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Serve_KilledWithSigkillUnderLoad_LosesAtMostTheLastUnflushedBatch()
    {
        await using var twin = await TwinHost.StartAsync(new TwinOptions { Speed = 0 }, ct: Ct);
        var dir = TestPaths.NewTempDirectory("llmfleet-crash");
        var config = Path.Combine(dir, "fleet.yaml");
        File.WriteAllText(config, $"""
            listen: http://127.0.0.1:8080
            store: sqlite:fleet.db
            models:
              - name: glm-5.2
                backends:
                  - url: {twin.BaseAddress.GetLeftPart(UriPartial.Authority)}
                    served_model: {twin.ServedModelName}
            """);
        var port = ServeProcess.FreePort();
        using var gateway = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { "exec", Path.Combine(AppContext.BaseDirectory, "llmfleet.dll"), "serve", "--config", config, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        })!;
        var output = new StringBuilder();
        gateway.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        gateway.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await ServeProcess.WaitForHealthAsync(client, gateway, () => { lock (output) { return output.ToString(); } });

            var clock = Stopwatch.StartNew();
            var completed = new ConcurrentBag<TimeSpan>();
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
                            """{"model":"glm-5.2","messages":[{"role":"user","content":"Hi"}],"max_tokens":4}""", Encoding.UTF8, "application/json"), stop.Token);
                        await response.Content.ReadAsByteArrayAsync(stop.Token);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            completed.Add(clock.Elapsed);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        return;
                    }
                }
            }, Ct)).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(4), Ct);
            var killedAt = clock.Elapsed;
            gateway.Kill(); // SIGKILL on Linux: no shutdown hook runs.
            await gateway.WaitForExitAsync(Ct);
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            var rows = CountRows(Path.Combine(dir, "fleet.db"));
            var total = completed.Count;
            var flushedForSure = completed.Count(t => t < killedAt - UnflushedWindow);
            Assert.True(total > 50, $"the load produced only {total} requests");
            Assert.True(rows >= flushedForSure,
                $"{rows} ledger rows, but {flushedForSure} of {total} requests completed more than {UnflushedWindow.TotalSeconds} s before the kill");
            // Rows can exist for requests whose answer was on its way to the client at the kill (8 workers at most).
            Assert.True(rows <= total + 8, $"{rows} ledger rows for {total} completed requests");
            TestContext.Current.TestOutputHelper?.WriteLine($"SIGKILL: {total} requests completed, {rows} in the ledger, {total - rows} lost (≤ last {UnflushedWindow.TotalSeconds} s)");
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill();
            }
        }
    }

    private static long CountRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM usage_ledger";
        return (long)command.ExecuteScalar()!;
    }
}
