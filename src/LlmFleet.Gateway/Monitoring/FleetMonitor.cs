using System.Runtime.CompilerServices;
using LlmFleet.Gateway.Model;
using LlmFleet.Gateway.Monitoring.Scraping;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Gateway.Monitoring;

/// <summary>
/// The fleet's one state (shared/ARCHITECTURE.md, "Operate"): fed by the gateway's backend monitor (probes and
/// <c>/metrics</c> scrapes it already does for routing) and the exporter loop, read by <c>/admin/fleet</c>, the
/// dashboard, the alert rules, <c>diagnose</c> and <c>top</c>.
/// </summary>
public sealed class FleetMonitor(GatewayState state, TimeProvider time) : IBackendObserver
{
    // Keyed by the runtime state, which reloads keep for unchanged URLs; removed backends' history is collected.
    private readonly ConditionalWeakTable<BackendState, BackendTrack> _tracks = [];

    public void OnProbed(BackendState backend, bool healthy, DateTimeOffset now) => Track(backend).Probed(healthy, now);

    public void OnScraped(BackendState backend, VllmScrape? scrape, DateTimeOffset now) =>
        Track(backend).Scraped(backend, scrape, now, state.Current.Config.Monitoring.Window);

    internal void OnExported(BackendState backend, DcgmScrape? dcgm, NodeScrape? node, DateTimeOffset now) =>
        Track(backend).Exported(dcgm, node, now);

    public FleetSnapshot Snapshot()
    {
        var table = state.Current;
        var now = time.GetUtcNow();
        var views = new Dictionary<BackendState, BackendView>();
        for (var i = 0; i < table.Backends.Count; i++)
        {
            views[table.Backends[i]] = Track(table.Backends[i]).View(i + 1, table.Backends[i], now);
        }
        var models = table.Pools
            .Select(p => new ModelView(p.Name, p.Config.Aliases, p.Config.Policy, p.Backends.Select(b => views[b.State]).ToArray()))
            .ToArray();
        return new FleetSnapshot(now, table.Config.Monitoring.Window.TotalSeconds, models);
    }

    /// <summary>A backend by its id in the snapshot (1-based), its host:port or its URL.</summary>
    public BackendState? Find(string idOrName)
    {
        var backends = state.Current.Backends;
        if (int.TryParse(idOrName, out var id))
        {
            return id >= 1 && id <= backends.Count ? backends[id - 1] : null;
        }
        return backends.FirstOrDefault(b => string.Equals(b.Name, idOrName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(b.Prefix, idOrName.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    private BackendTrack Track(BackendState backend) => _tracks.GetValue(backend, _ => new BackendTrack());
}
