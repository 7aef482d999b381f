using LlmFleet.Gateway.Model;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Gateway.Pipeline;

/// <summary>Told by the backend monitor (<c>Health/BackendMonitor</c>) about each probe and scrape, on its loop's
/// thread: the fleet monitor keeps history from these without a second scraper.</summary>
public interface IBackendObserver
{
    void OnProbed(BackendState backend, bool healthy, DateTimeOffset now);

    /// <param name="scrape">The <c>/metrics</c> body as parsed for routing, or null when the scrape failed.</param>
    void OnScraped(BackendState backend, VllmScrape? scrape, DateTimeOffset now);
}
