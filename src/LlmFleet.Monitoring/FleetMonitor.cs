using System.Runtime.CompilerServices;
using LlmFleet.Monitoring.Scraping;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Monitoring;

/// <summary>
/// The fleet's one state (docs/architecture.md, "Operate"): fed by the gateway's backend monitor (probes and
/// <c>/metrics</c> scrapes it already does for routing; <c>top --backend</c> probes and scrapes itself) and the
/// exporter loop, read by <c>/admin/fleet</c>, the dashboard, the alert rules, <c>diagnose</c> and <c>top</c>.
/// </summary>
public sealed class FleetMonitor(IFleetSource fleet, TimeProvider time)
{
    // Keyed by the runtime state, which reloads keep for unchanged URLs; removed backends' history is collected.
    private readonly ConditionalWeakTable<IMonitoredBackend, BackendTrack> _tracks = [];

    /// <summary>A health probe of <paramref name="backend"/> passed or failed.</summary>
    public void OnProbed(IMonitoredBackend backend, bool healthy, DateTimeOffset now) => Track(backend).Probed(healthy, now);

    /// <param name="scrape">The backend's <c>/metrics</c>, parsed once for routing and for this; null when the scrape failed.</param>
    public void OnScraped(IMonitoredBackend backend, VllmScrape? scrape, DateTimeOffset now) =>
        Track(backend).Scraped(backend, scrape, now, fleet.Current.Settings.Window);

    internal void OnExported(IMonitoredBackend backend, DcgmScrape? dcgm, NodeScrape? node, DateTimeOffset now) =>
        Track(backend).Exported(dcgm, node, now);

    public FleetSnapshot Snapshot()
    {
        var layout = fleet.Current;
        var now = time.GetUtcNow();
        var views = new Dictionary<IMonitoredBackend, BackendView>();
        for (var i = 0; i < layout.Backends.Count; i++)
        {
            views[layout.Backends[i]] = Track(layout.Backends[i]).View(i + 1, layout.Backends[i], now);
        }
        var models = layout.Models
            .Select(m => new ModelView(m.Name, m.Aliases, m.Policy, m.Backends.Select(b => views[b]).ToArray()))
            .ToArray();
        return new FleetSnapshot(now, layout.Settings.Window.TotalSeconds, models);
    }

    /// <summary>A backend by its id in the snapshot (1-based), its host:port or its URL.</summary>
    public IMonitoredBackend? Find(string idOrName)
    {
        var backends = fleet.Current.Backends;
        if (int.TryParse(idOrName, out var id))
        {
            return id >= 1 && id <= backends.Count ? backends[id - 1] : null;
        }
        return backends.FirstOrDefault(b => string.Equals(b.Name, idOrName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(b.Prefix, idOrName.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    private BackendTrack Track(IMonitoredBackend backend) => _tracks.GetValue(backend, _ => new BackendTrack());
}
