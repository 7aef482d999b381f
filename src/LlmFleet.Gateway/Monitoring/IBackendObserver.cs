using LlmFleet.Gateway.Model;

namespace LlmFleet.Gateway.Monitoring;

/// <summary>Told by the backend monitor (<c>Health/BackendMonitor</c>) about each probe and scrape, on its loop's
/// thread: the fleet monitor keeps history from these without a second scraper.</summary>
public interface IBackendObserver
{
    void OnProbed(BackendState backend, bool healthy, DateTimeOffset now);

    /// <param name="metricsText">The <c>/metrics</c> body, or null when the scrape failed.</param>
    void OnScraped(BackendState backend, string? metricsText, DateTimeOffset now);
}
