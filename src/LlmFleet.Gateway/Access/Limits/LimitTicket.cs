using LlmFleet.Gateway.Access.Keys;

namespace LlmFleet.Gateway.Access.Limits;

/// <summary>What an admitted request counted, so that <see cref="IRateLimits.Release"/> can undo or correct it.</summary>
public sealed class LimitTicket(ApiKeyRecord key, LimitWindows windows, long estimatedTokens)
{
    private int _released;

    public ApiKeyRecord Key { get; } = key;

    public LimitWindows Windows { get; } = windows;

    public long EstimatedTokens { get; } = estimatedTokens;

    /// <summary>The in-flight slot (an in-process lease, or the member name in Redis); null when the key has no parallel limit.</summary>
    public object? Slot { get; init; }

    /// <summary>True the first time only: a ticket is released once.</summary>
    public bool TryMarkReleased() => Interlocked.Exchange(ref _released, 1) == 0;
}
