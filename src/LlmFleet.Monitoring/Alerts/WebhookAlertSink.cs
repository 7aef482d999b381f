using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Monitoring.Alerts;

/// <summary>
/// POSTs each alert transition as JSON in Alertmanager's webhook shape (<c>version</c> 4, <c>status</c>,
/// <c>alerts[]</c> with <c>labels</c>, <c>annotations</c>, <c>startsAt</c>, <c>endsAt</c>), so receivers written
/// for Alertmanager (chat bridges, paging tools) take it unchanged. Sent from a queue, one at a time, 5 s timeout each.
/// </summary>
internal sealed partial class WebhookAlertSink : IAlertSink, IAsyncDisposable
{
    private readonly Uri _url;
    private readonly ILogger<WebhookAlertSink> _logger;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Channel<AlertView> _queue = Channel.CreateBounded<AlertView>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Task _sender;

    public WebhookAlertSink(Uri url, ILogger<WebhookAlertSink> logger)
    {
        _url = url;
        _logger = logger;
        _sender = Task.Run(SendLoopAsync);
    }

    public void Notify(AlertView alert) => _queue.Writer.TryWrite(alert);

    private async Task SendLoopAsync()
    {
        await foreach (var alert in _queue.Reader.ReadAllAsync())
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(_url, Payload(alert), MonitoringJsonContext.Default.AlertmanagerPayload);
                if (!response.IsSuccessStatusCode)
                {
                    Log.Failed(_logger, _url, $"HTTP {(int)response.StatusCode}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Log.Failed(_logger, _url, e.Message);
            }
        }
    }

    internal static AlertmanagerPayload Payload(AlertView a) => new(
        "4",
        a.Status,
        new Dictionary<string, string> { ["alertname"] = a.AlertName },
        [
            new AlertmanagerAlert(
                a.Status,
                new Dictionary<string, string> { ["alertname"] = a.AlertName, ["severity"] = a.Severity, ["backend"] = a.Backend, ["rule"] = a.Rule },
                new Dictionary<string, string> { ["summary"] = a.Summary, ["evidence"] = a.Evidence },
                a.StartsAt,
                a.EndsAt),
        ]);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _sender.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _http.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not deliver an alert to the webhook {Url}: {Reason}")]
        public static partial void Failed(ILogger logger, Uri url, string reason);
    }
}

/// <summary>Alertmanager's webhook body (its keys are camelCase): what alert receivers already parse.</summary>
public sealed record AlertmanagerPayload(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("groupLabels")] Dictionary<string, string> GroupLabels,
    [property: JsonPropertyName("alerts")] IReadOnlyList<AlertmanagerAlert> Alerts);

public sealed record AlertmanagerAlert(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("labels")] Dictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] Dictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset? EndsAt);
