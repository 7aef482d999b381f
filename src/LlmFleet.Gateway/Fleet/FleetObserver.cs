using LlmFleet.Gateway.Model;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Monitoring;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Gateway.Fleet;

/// <summary>Hands the fleet monitor every probe and scrape of the gateway's backend monitor: the scrape as parsed
/// for routing, so nothing is fetched or parsed twice.</summary>
internal sealed class FleetObserver(FleetMonitor monitor) : IBackendObserver
{
    public void OnProbed(BackendState backend, bool healthy, DateTimeOffset now) => monitor.OnProbed(backend, healthy, now);

    public void OnScraped(BackendState backend, VllmScrape? scrape, DateTimeOffset now) => monitor.OnScraped(backend, scrape, now);
}
