namespace LlmFleet.Testing.Chaos;

/// <summary>How a <see cref="FaultProxy"/> mistreats traffic; swapped whole at run time (<see cref="FaultProxy.Faults"/>).</summary>
internal sealed record ProxyFaults
{
    public static readonly ProxyFaults None = new();

    /// <summary>Upstream bytes reach the client this much later (one way, so a request's round trip grows by it).
    /// Order is kept; throughput is not cut (bytes in flight are delayed, not serialised).</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Each chunk is delayed by a further uniform random 0 … this (still in order).</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Each time the client sends (a request), the connection is reset (RST) instead with this probability.</summary>
    public double ResetProbability { get; init; }

    /// <summary>Each time the client sends, the connection stalls for good (nothing more relayed either way) with this
    /// probability; the client sees it only through its own timeouts.</summary>
    public double StallProbability { get; init; }

    /// <summary>Upstream → client bytes per second per connection; 0: unlimited.</summary>
    public long BytesPerSecond { get; init; }

    /// <summary>New connections are accepted and read, but never answered (nothing is connected upstream).</summary>
    public bool Blackhole { get; init; }

    public PartitionMode Partition { get; init; }
}

/// <summary>A network partition between client and upstream, as the client sees it.</summary>
internal enum PartitionMode
{
    None,

    /// <summary>Packets are dropped: open connections go silent (both ways), new ones are accepted by the kernel but
    /// nothing flows. Only the client's timeouts end its requests.</summary>
    Hang,

    /// <summary>The host is reachable but the port is closed: open connections are reset, new ones refused.</summary>
    Refuse,
}
