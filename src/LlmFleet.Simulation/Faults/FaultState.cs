namespace LlmFleet.Simulation.Faults;

/// <summary>The twin's current faults: an immutable snapshot swapped whole, read lock-free on every request.</summary>
internal sealed class FaultState(FaultOptions initial, int seed)
{
    private volatile FaultOptions _current = initial.Validate();
    private readonly Random _random = new(seed);
    private readonly Lock _randomLock = new();

    public FaultOptions Current => _current;

    /// <summary>Raised after a change, with the new snapshot (the host stops listening on <c>crash</c>).</summary>
    public event Action<FaultOptions>? Changed;

    public void Set(FaultOptions faults)
    {
        _current = faults.Validate();
        Changed?.Invoke(faults);
    }

    /// <summary>Whether this request should fail (seeded, so a run with the same seed fails the same requests).</summary>
    public bool ShouldFail()
    {
        var rate = _current.ErrorRate;
        if (rate <= 0)
        {
            return false;
        }
        lock (_randomLock)
        {
            return _random.NextDouble() < rate;
        }
    }
}
