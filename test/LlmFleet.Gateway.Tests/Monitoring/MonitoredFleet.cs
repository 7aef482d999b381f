using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Alerts;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Monitoring;

/// <summary>
/// Timed twins (<see cref="FleetBuilder.TimedTwin"/>) behind a gateway whose monitor runs fast
/// (<see cref="FleetBuilder.FastMonitoring"/>) and sends its alerts to a <see cref="WebhookReceiver"/> on loopback.
/// </summary>
internal static class MonitoredFleet
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A twin with 5 ms steps in real time, changed by <paramref name="configure"/>.</summary>
    public static TwinOptions Twin(Func<TwinOptions, TwinOptions>? configure = null) =>
        configure?.Invoke(FleetBuilder.TimedTwin()) ?? FleetBuilder.TimedTwin();

    public static Task<RunningFleet> StartAsync(IEnumerable<TwinOptions> twinOptions, Func<MonitoringConfig, MonitoringConfig>? monitoring = null,
        Func<ModelConfig, ModelConfig>? model = null) =>
        new FleetBuilder().Twins(twinOptions).ChangeModel(model).Monitored(monitoring).AlertWebhook().StartAsync();

    /// <summary>Overrides one rule's threshold (its <c>for</c> stays at 300 ms).</summary>
    public static MonitoringConfig WithThreshold(MonitoringConfig config, AlertRule rule, double threshold) => config with
    {
        Alerts = new Dictionary<string, AlertRuleSettings>(config.Alerts) { [rule.Name] = config.Alerts[rule.Name] with { Threshold = threshold } },
    };

    extension(RunningFleet fleet)
    {
        public async Task<AlertsReport> AlertsAsync() =>
            (await fleet.Admin.GetFromJsonAsync("admin/alerts", MonitoringJsonContext.Default.AlertsReport, TestContext.Current.CancellationToken))!;

        /// <summary>Sets a twin's faults through its own fault API, as an operator's chaos test would.</summary>
        public async Task InjectAsync(int twin, FaultOptions faults)
        {
            // Every field is sent: the twin's POST reads absent fields as 0, which it refuses for slow and error_status.
            using var http = new HttpClient { BaseAddress = fleet.Twins[twin].BaseAddress };
            using var response = await http.PostAsync("sim/faults",
                new StringContent(JsonSerializer.Serialize(faults, SnakeCase), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        public Task<HttpResponseMessage> ChatAsync(int maxTokens = 4, string content = "Say hello.") =>
            fleet.Client.PostAsync("v1/chat/completions", new StringContent(
                JsonSerializer.Serialize(new { model = FleetBuilder.Model, messages = new[] { new { role = "user", content } }, max_tokens = maxTokens, ignore_eos = true }),
                Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        /// <summary>Sends <paramref name="count"/> requests, <paramref name="concurrency"/> at a time; returns their status codes.</summary>
        public async Task<int[]> LoadAsync(int count, int concurrency, int maxTokens = 4, string content = "Say hello.")
        {
            var statuses = new ConcurrentBag<int>();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) < count)
                {
                    using var response = await fleet.ChatAsync(maxTokens, content);
                    statuses.Add((int)response.StatusCode);
                }
            }));
            return [.. statuses];
        }

        public async Task<AlertView> WaitForAlertAsync(string rule, int backendId)
        {
            AlertView? found = null;
            await Poll.UntilAsync(async () =>
            {
                found = (await fleet.AlertsAsync()).Active.FirstOrDefault(a => a.Rule == rule && a.BackendId == backendId);
                return found is not null;
            }, RunningFleet.Patience, $"alert {rule} to fire on backend {backendId}");
            return found!;
        }

        public async Task<AlertView> WaitForResolvedAsync(string rule, int backendId)
        {
            AlertView? found = null;
            await Poll.UntilAsync(async () =>
            {
                var report = await fleet.AlertsAsync();
                found = report.RecentlyResolved.FirstOrDefault(a => a.Rule == rule && a.BackendId == backendId);
                return found is not null && !report.Active.Any(a => a.Rule == rule && a.BackendId == backendId);
            }, RunningFleet.Patience, $"alert {rule} to resolve on backend {backendId}");
            return found!;
        }
    }
}
