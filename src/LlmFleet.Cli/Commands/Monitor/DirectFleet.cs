using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Model;
using LlmFleet.Gateway.Monitoring;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>
/// <c>top --backend URL …</c> without a gateway: this process probes and scrapes the vLLM servers itself and feeds
/// the very fleet monitor the gateway runs, so the figures (rates, percentiles, legacy names) are computed the same way.
/// </summary>
internal sealed class DirectFleet : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly GatewayState _state;
    private readonly FleetMonitor _monitor;
    private readonly TimeProvider _time;

    public DirectFleet(IReadOnlyList<string> backends, TimeSpan interval, TimeProvider time)
    {
        var urls = backends.Select(b => Uri.TryCreate(b.TrimEnd('/'), UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? u : throw new Infrastructure.UsageException($"--backend: '{b}' is not an http:// or https:// address")).ToArray();
        var config = new FleetConfig
        {
            Models = [new ModelConfig { Name = "(direct)", Backends = urls.Select(u => new BackendConfig { Url = u }).ToArray() }],
            // Rates over the last few refreshes, so the view follows changes quickly.
            Monitoring = new MonitoringConfig { Window = interval * 5 },
        };
        _time = time;
        _state = new GatewayState(config, time, Random.Shared);
        _monitor = new FleetMonitor(_state, time);
    }

    /// <summary>Probes <c>/health</c> and scrapes <c>/metrics</c> of every backend once, then returns the fleet.</summary>
    public async Task<FleetSnapshot> RefreshAsync(CancellationToken ct)
    {
        await Task.WhenAll(_state.Current.Backends.Select(async b =>
        {
            var healthy = await GetAsync(b, "/health", ct) is not null;
            b.Health = healthy ? BackendHealth.Healthy : BackendHealth.Unhealthy;
            _monitor.OnProbed(b, healthy, _time.GetUtcNow());
            _monitor.OnScraped(b, await GetAsync(b, "/metrics", ct) is { } text ? VllmScrape.Parse(text) : null, _time.GetUtcNow());
        }));
        return _monitor.Snapshot();
    }

    private async Task<string?> GetAsync(BackendState backend, string path, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(backend.Url, path), ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(ct) : null;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
