using LlmFleet.Monitoring;

namespace LlmFleet.Gateway.Model;

/// <summary>
/// Runtime state of one vLLM server, shared by every pool that lists its URL and kept across reloads. Lock-free: the
/// request path only does interlocked increments and volatile reads, so routing never contends. The fleet monitor
/// reads it as an <see cref="IMonitoredBackend"/>.
/// </summary>
public sealed class BackendState : IMonitoredBackend
{
    private int _inFlight;
    private int _consecutiveFailures;
    private int _ejectionsInARow;
    private long _ejectedUntilTicks;
    private long _attemptsSucceeded;
    private long _attemptsFailed;
    private volatile bool _draining;
    private volatile BackendHealth _health;
    private volatile BackendLoad _load = BackendLoad.None;

    public BackendState(Uri url) => Address = new BackendAddress(url);

    public BackendAddress Address { get; }

    public Uri Url => Address.Url;

    /// <summary>Scheme, host and port, the destination prefix YARP appends the request path to.</summary>
    public string Prefix => Address.Prefix;

    /// <summary>host:port, the <c>backend</c> label in metrics.</summary>
    public string Name => Address.Name;

    /// <summary>Requests this gateway has sent to the backend and not finished (streams included).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public BackendHealth Health
    {
        get => _health;
        set => _health = value;
    }

    bool? IMonitoredBackend.Healthy => _health switch
    {
        BackendHealth.Healthy => true,
        BackendHealth.Unhealthy => false,
        _ => null,
    };

    public BackendLoad Load
    {
        get => _load;
        set => _load = value;
    }

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>True while passively ejected: until the ejection ends and a half-open probe succeeds.</summary>
    public bool IsEjected => Volatile.Read(ref _ejectedUntilTicks) != 0;

    /// <summary>When the current ejection ends (UTC ticks); 0 when not ejected.</summary>
    public long EjectedUntilTicks => Volatile.Read(ref _ejectedUntilTicks);

    /// <summary>Whether a policy may pick it now.</summary>
    public bool IsAvailable => _health != BackendHealth.Unhealthy && Volatile.Read(ref _ejectedUntilTicks) == 0 && !_draining;

    /// <summary>Drained for a restart window (<c>POST /admin/backends/{id}/drain</c>): no new requests, those in
    /// flight finish.</summary>
    public bool IsDraining
    {
        get => _draining;
        set => _draining = value;
    }

    /// <summary>Attempts sent here that got an answer below 500 (cumulative; the fleet monitor takes differences).</summary>
    public long AttemptsSucceeded => Volatile.Read(ref _attemptsSucceeded);

    /// <summary>Attempts that failed: connection errors, 5xx, broken streams (cumulative).</summary>
    public long AttemptsFailed => Volatile.Read(ref _attemptsFailed);

    internal void Begin() => Interlocked.Increment(ref _inFlight);

    internal void End() => Interlocked.Decrement(ref _inFlight);

    internal void RecordSuccess()
    {
        Interlocked.Increment(ref _attemptsSucceeded);
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
        if (Volatile.Read(ref _ejectionsInARow) != 0)
        {
            Volatile.Write(ref _ejectionsInARow, 0);
        }
    }

    /// <summary>Counts a connection error or 5xx; true when this failure ejects the backend.</summary>
    internal bool RecordFailure(int ejectAfter, TimeSpan ejection, TimeSpan maxEjection, DateTimeOffset now)
    {
        Interlocked.Increment(ref _attemptsFailed);
        if (Interlocked.Increment(ref _consecutiveFailures) < ejectAfter || IsEjected)
        {
            return false;
        }
        return Eject(ejection, maxEjection, now);
    }

    /// <summary>Ejects for the backoff of this ejection in a row (doubling, capped); false if another thread did.</summary>
    internal bool Eject(TimeSpan ejection, TimeSpan maxEjection, DateTimeOffset now)
    {
        var inARow = Interlocked.Increment(ref _ejectionsInARow);
        var length = TimeSpan.FromTicks(Math.Min(maxEjection.Ticks, ejection.Ticks << Math.Min(inARow - 1, 20)));
        var until = (now + length).UtcTicks;
        if (Interlocked.CompareExchange(ref _ejectedUntilTicks, until, 0) != 0)
        {
            Interlocked.Decrement(ref _ejectionsInARow);
            return false;
        }
        return true;
    }

    /// <summary>The half-open probe succeeded: take requests again.</summary>
    internal void Readmit()
    {
        Volatile.Write(ref _consecutiveFailures, 0);
        Volatile.Write(ref _ejectedUntilTicks, 0);
    }

    /// <summary>The half-open probe failed: eject again, for twice as long.</summary>
    internal void Reeject(TimeSpan ejection, TimeSpan maxEjection, DateTimeOffset now)
    {
        Volatile.Write(ref _ejectedUntilTicks, 0);
        Eject(ejection, maxEjection, now);
    }

    public override string ToString() => Name;
}
