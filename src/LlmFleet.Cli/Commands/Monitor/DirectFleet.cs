using LlmFleet.Gateway.Routing;
using LlmFleet.Monitoring;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>
/// <c>top --backend URL …</c> without a gateway: this process probes and scrapes the vLLM servers itself and feeds
/// the very fleet monitor the gateway runs, so the figures (rates, percentiles, legacy names) are computed the same way.
/// </summary>
internal sealed class DirectFleet : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly FleetLayout _layout;
    private readonly FleetMonitor _monitor;
    private readonly TimeProvider _time;

    public DirectFleet(IReadOnlyList<string> backends, TimeSpan interval, TimeProvider time)
    {
        var urls = backends.Select(b => Uri.TryCreate(b.TrimEnd('/'), UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? u : throw new Infrastructure.UsageException($"--backend: '{b}' is not an http:// or https:// address")).ToArray();
        // One server named twice (or by two spellings of its address) is watched once.
        var byPrefix = new Dictionary<string, StandaloneBackend>(StringComparer.OrdinalIgnoreCase);
        var listed = urls.Select(u => byPrefix.TryGetValue(u.GetLeftPart(UriPartial.Authority), out var b)
            ? b : byPrefix[u.GetLeftPart(UriPartial.Authority)] = new StandaloneBackend(u)).ToArray();
        // No gateway routes here; the policy shown is the one a gateway in front of them would use by default.
        _layout = new FleetLayout([new MonitoredModel("(direct)", [], BackendSelectionPolicies.LeastLoad, listed)],
            // Rates over the last few refreshes, so the view follows changes quickly.
            new MonitoringConfig { Window = interval * 5 });
        _time = time;
        _monitor = new FleetMonitor(new FixedFleet(_layout), time);
    }

    /// <summary>Probes <c>/health</c> and scrapes <c>/metrics</c> of every backend once, then returns the fleet.</summary>
    public async Task<FleetSnapshot> RefreshAsync(CancellationToken ct)
    {
        await Task.WhenAll(_layout.Backends.Cast<StandaloneBackend>().Select(async b =>
        {
            var healthy = await GetAsync(b, "/health", ct) is not null;
            b.Healthy = healthy;
            _monitor.OnProbed(b, healthy, _time.GetUtcNow());
            _monitor.OnScraped(b, await GetAsync(b, "/metrics", ct) is { } text ? VllmScrape.Parse(text) : null, _time.GetUtcNow());
        }));
        return _monitor.Snapshot();
    }

    private async Task<string?> GetAsync(StandaloneBackend backend, string path, CancellationToken ct)
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
