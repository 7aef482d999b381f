namespace LlmFleet.Monitoring;

/// <summary>
/// One vLLM server as the fleet monitor sees it: who it is, what its health probe last said, and what the caller
/// that routes to it (the gateway) counts of its own traffic. The gateway's per-backend runtime state implements it;
/// <c>llmfleet top --backend</c> uses <see cref="StandaloneBackend"/>. Read on the monitor's threads: implementations
/// must be safe to read while requests update them.
/// </summary>
public interface IMonitoredBackend
{
    /// <summary>Base address, scheme, host and port.</summary>
    Uri Url { get; }

    /// <summary>Scheme, host and port, what exporters name their backend by.</summary>
    string Prefix { get; }

    /// <summary>host:port, the <c>backend</c> label of the gateway's metrics.</summary>
    string Name { get; }

    /// <summary>True when the last health probe passed, false once the backend counts as down, null before it was
    /// probed (or while one failed probe is not yet enough to call it down).</summary>
    bool? Healthy { get; }

    /// <summary>True while passively ejected after failed requests.</summary>
    bool IsEjected { get; }

    /// <summary>Drained for a restart window: no new requests, those in flight finish.</summary>
    bool IsDraining { get; set; }

    /// <summary>Requests sent and not finished.</summary>
    int InFlight { get; }

    /// <summary>Attempts that got an answer below 500 (cumulative; the monitor takes differences).</summary>
    long AttemptsSucceeded { get; }

    /// <summary>Attempts that failed: connection errors, 5xx, broken streams (cumulative).</summary>
    long AttemptsFailed { get; }
}
