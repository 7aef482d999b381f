using Microsoft.Extensions.Hosting;

namespace LlmFleet.Monitoring.Scraping;

/// <summary>
/// Scrapes the DCGM and node exporters listed in <c>monitoring.exporters</c> every <c>exporter_interval</c> and
/// hands the samples to the fleet monitor. An exporter that does not answer leaves the last sample in place (its
/// age shows in the dashboard as stale GPU figures, not as zeros).
/// </summary>
internal sealed class ExporterScraper(IFleetSource fleet, FleetMonitor monitor, TimeProvider time) : BackgroundService
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var layout = fleet.Current;
                await Task.WhenAll(layout.Settings.Exporters.Select(e => ScrapeAsync(layout, e, stoppingToken)));
                await Task.Delay(layout.Settings.ExporterInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _http.Dispose();
        }
    }

    private async Task ScrapeAsync(FleetLayout layout, ExporterConfig exporter, CancellationToken ct)
    {
        var prefix = exporter.Backend.GetLeftPart(UriPartial.Authority);
        var backend = layout.Backends.FirstOrDefault(b => string.Equals(b.Prefix, prefix, StringComparison.OrdinalIgnoreCase));
        if (backend is null)
        {
            return;
        }
        var dcgm = exporter.Dcgm is { } d && await GetAsync(d, ct) is { } dt ? DcgmScrape.Parse(dt) : null;
        var node = exporter.Node is { } n && await GetAsync(n, ct) is { } nt ? NodeScrape.Parse(nt) : null;
        monitor.OnExported(backend, dcgm, node, time.GetUtcNow());
    }

    private async Task<string?> GetAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(url, ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(ct) : null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }
}
