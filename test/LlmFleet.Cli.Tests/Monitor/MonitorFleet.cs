using System.Text;
using System.Text.Json;
using LlmFleet.Simulation;

namespace LlmFleet.Cli.Tests.Monitor;

/// <summary>Timed twins behind a real gateway on 127.0.0.1 whose monitor runs fast, started by
/// <see cref="FleetBuilder"/>, for the monitoring commands to talk to.</summary>
internal static class MonitorFleet
{
    public static TwinOptions Twin(int stepMs = 5) => FleetBuilder.TimedTwin(stepMs);

    /// <summary>Starts the fleet and waits until every backend is up with GPU figures.</summary>
    public static Task<RunningFleet> StartAsync(int twins, int stepMs = 5) =>
        new FleetBuilder().Twins(Enumerable.Repeat(Twin(stepMs), twins)).Monitored().AwaitBackendsUp().StartAsync();

    /// <summary>Sends chat requests straight to <paramref name="target"/> (the gateway or a twin).</summary>
    public static async Task ChatAsync(Uri target, int count, int maxTokens = 8, string model = FleetBuilder.Model)
    {
        using var http = new HttpClient { BaseAddress = target };
        for (var i = 0; i < count; i++)
        {
            var body = JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content = "hello" } }, max_tokens = maxTokens, ignore_eos = true });
            using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }

    extension(RunningFleet fleet)
    {
        public Task InjectAsync(int twin, FaultOptions faults) => fleet.Twins[twin].SetFaultsAsync(faults);
    }
}
