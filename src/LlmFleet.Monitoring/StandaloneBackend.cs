namespace LlmFleet.Monitoring;

/// <summary>
/// A vLLM server watched directly, with no gateway in front: its health is what the watcher last probed, and it has
/// no traffic, drain or ejection of the watcher's own.
/// </summary>
public sealed class StandaloneBackend : IMonitoredBackend
{
    public StandaloneBackend(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        Address = new BackendAddress(url);
    }

    public BackendAddress Address { get; }

    public Uri Url => Address.Url;

    public string Prefix => Address.Prefix;

    public string Name => Address.Name;

    /// <summary>Set by the watcher after each probe.</summary>
    public bool? Healthy { get; set; }

    public bool IsEjected => false;

    public bool IsDraining { get; set; }

    public int InFlight => 0;

    public long AttemptsSucceeded => 0;

    public long AttemptsFailed => 0;

    public override string ToString() => Name;
}
