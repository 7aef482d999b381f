using System.Buffers;
using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Routing;

/// <summary>
/// Where one request's attempts go, in order: the requested pool's self-hosted backends (each at most once, up to
/// <c>retries</c> + 1 attempts), its external providers only when no self-hosted backend is usable, then each pool of
/// <c>fallbacks</c> in turn, as <c>spill</c> allows (docs/gateway.md, "Hybrid"). With <c>spill: when_saturated</c>
/// the requested pool is passed over while every usable self-hosted backend of it is saturated and a fallback could
/// take the request. A key that may not leave (<see cref="GatewayRequest.ExternalAllowed"/>) never gets an external
/// backend. One per request, used by one thread at a time; allocates nothing per attempt.
/// </summary>
public sealed class FallbackChain(GatewayRequest request)
{
    private int _position;
    private ulong _tried;
    private int _attempts;

    /// <summary>The pool attempts go to now.</summary>
    public ModelPool Current => _position == 0 ? request.Pool : request.Pool.Fallbacks[_position - 1];

    /// <summary>Bit per backend of <see cref="Current"/> already tried.</summary>
    public ulong Tried => _tried;

    /// <summary>True when a usable external backend was passed over because the request may not leave.</summary>
    public bool HeldBackExternal { get; private set; }

    private int Length => request.Pool.Config.Spill.When == SpillModes.Never ? 1 : 1 + request.Pool.Fallbacks.Count;

    /// <summary>The backend of the next attempt, moving along the chain as pools run out; null when none is left.</summary>
    public PoolBackend? Next()
    {
        if (request.PinnedBackend is { } pinned)
        {
            // A stored response lives on one backend only: one attempt there, while it is available.
            return _attempts++ == 0 && pinned.State.IsAvailable ? pinned : null;
        }
        while (true)
        {
            var pool = Current;
            if (_attempts <= pool.Config.Retries && !PassOverSaturated(pool) && Pick(pool, _tried) is { } backend)
            {
                _tried |= 1UL << backend.Index;
                _attempts++;
                request.ServingPool = pool;
                return backend;
            }
            if (_position + 1 >= Length)
            {
                return null;
            }
            _position++;
            _tried = 0;
            _attempts = 0;
        }
    }

    /// <summary>Whether <see cref="Next"/> would find a backend: attempts left in this pool or a later one that is usable.</summary>
    public bool CanRetry()
    {
        if (request.PinnedBackend is not null)
        {
            return false;
        }
        if (_attempts <= Current.Config.Retries && HasCandidate(Current, _tried))
        {
            return true;
        }
        for (var p = _position + 1; p < Length; p++)
        {
            if (HasCandidate(request.Pool.Fallbacks[p - 1], 0))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The requested pool under <c>spill: when_saturated</c>: every usable self-hosted backend has more requests
    /// waiting than <c>max_waiting</c> or a KV cache fuller than <c>max_kv_usage</c>, and a fallback has a usable backend.
    /// </summary>
    private bool PassOverSaturated(ModelPool pool)
    {
        var spill = pool.Config.Spill;
        if (_position != 0 || spill.When != SpillModes.WhenSaturated)
        {
            return false;
        }
        var selfHosted = 0;
        foreach (var b in pool.Backends)
        {
            if (!b.IsExternal && Usable(b, _tried))
            {
                selfHosted++;
                var load = b.State.Load;
                if (load.Waiting <= spill.MaxWaiting && load.KvCacheUsage <= spill.MaxKvUsage)
                {
                    return false;
                }
            }
        }
        if (selfHosted == 0)
        {
            return false;
        }
        foreach (var fallback in pool.Fallbacks)
        {
            if (HasCandidate(fallback, 0))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The policy's pick among the usable self-hosted backends, or among the usable external ones when there are none.</summary>
    private PoolBackend? Pick(ModelPool pool, ulong tried)
    {
        var backends = pool.Backends;
        var candidates = ArrayPool<PoolBackend>.Shared.Rent(backends.Count);
        try
        {
            var n = Collect(backends, tried, external: false, candidates);
            if (n == 0)
            {
                n = Collect(backends, tried, external: true, candidates);
            }
            return n == 0 ? null : pool.Policy.Pick(request, pool, candidates.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<PoolBackend>.Shared.Return(candidates, clearArray: true);
        }
    }

    private int Collect(IReadOnlyList<PoolBackend> backends, ulong tried, bool external, PoolBackend[] into)
    {
        var n = 0;
        foreach (var b in backends)
        {
            if (b.IsExternal == external && Usable(b, tried))
            {
                if (external && !request.ExternalAllowed)
                {
                    HeldBackExternal = true;
                    continue;
                }
                into[n++] = b;
            }
        }
        return n;
    }

    private bool HasCandidate(ModelPool pool, ulong tried)
    {
        foreach (var b in pool.Backends)
        {
            if (Usable(b, tried))
            {
                if (!b.IsExternal || request.ExternalAllowed)
                {
                    return true;
                }
                HeldBackExternal = true;
            }
        }
        return false;
    }

    private static bool Usable(PoolBackend b, ulong tried) => (tried & (1UL << b.Index)) == 0 && b.State.IsAvailable;
}
