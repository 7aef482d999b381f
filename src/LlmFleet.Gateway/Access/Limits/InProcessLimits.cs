using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using LlmFleet.Gateway.Access.Keys;

namespace LlmFleet.Gateway.Access.Limits;

/// <summary>
/// Counters in this process: exact for one gateway. The in-flight limit is a <see cref="ConcurrencyLimiter"/> without
/// a queue; the windowed counters sit under one lock per key, so a request refused by any limit counts against none.
/// State is one small object per key that ever sent a request (bounded by the number of keys).
/// </summary>
internal sealed class InProcessLimits : IRateLimits
{
    private readonly ConcurrentDictionary<string, KeyCounters> _keys = new(StringComparer.Ordinal);

    public ValueTask<LimitDecision> AcquireAsync(ApiKeyRecord key, long estimatedTokens, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windows = LimitWindows.At(now);
        var c = _keys.GetOrAdd(key.Id, static _ => new KeyCounters());
        lock (c)
        {
            c.Roll(windows);
            var tokens = key.CountsTokens ? estimatedTokens : 0;
            if (key.Rpm is { } rpm && windows.Sliding(c.Requests, c.PreviousRequests) + 1 > rpm)
            {
                return new(LimitDecision.Refuse(LimitKind.Rpm, windows.MinuteEnd - now));
            }
            if (key.Tpm is { } tpm && windows.Sliding(c.MinuteTokens, c.PreviousMinuteTokens) + tokens > tpm)
            {
                return new(LimitDecision.Refuse(LimitKind.Tpm, windows.MinuteEnd - now));
            }
            if (key.BudgetTokensDay is { } day && c.DayTokens + tokens > day)
            {
                return new(LimitDecision.Refuse(LimitKind.BudgetDay, windows.DayEnd - now));
            }
            if (key.BudgetTokensMonth is { } month && c.MonthTokens + tokens > month)
            {
                return new(LimitDecision.Refuse(LimitKind.BudgetMonth, windows.MonthEnd - now));
            }
            RateLimitLease? lease = null;
            if (key.Parallel is { } parallel)
            {
                lease = c.Limiter(parallel).AttemptAcquire();
                if (!lease.IsAcquired)
                {
                    lease.Dispose();
                    return new(LimitDecision.Refuse(LimitKind.Parallel, TimeSpan.FromSeconds(1)));
                }
            }
            c.Requests++;
            c.MinuteTokens += tokens;
            c.DayTokens += tokens;
            c.MonthTokens += tokens;
            return new(LimitDecision.Admit(new LimitTicket(key, windows, tokens) { Slot = lease }));
        }
    }

    public void Release(LimitTicket ticket, long actualTokens)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!ticket.TryMarkReleased())
        {
            return;
        }
        (ticket.Slot as RateLimitLease)?.Dispose();
        if (!ticket.Key.CountsTokens || !_keys.TryGetValue(ticket.Key.Id, out var c))
        {
            return;
        }
        var delta = actualTokens - ticket.EstimatedTokens;
        lock (c)
        {
            var w = ticket.Windows;
            if (c.Minute == w.Minute)
            {
                c.MinuteTokens += delta;
            }
            else if (c.Minute == w.Minute + 1)
            {
                c.PreviousMinuteTokens += delta;
            }
            if (c.Day == w.Day)
            {
                c.DayTokens += delta;
            }
            if (c.Month == w.Month)
            {
                c.MonthTokens += delta;
            }
        }
    }

    public void SeedBudgets(IReadOnlyDictionary<string, long> today, IReadOnlyDictionary<string, long> thisMonth, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(today);
        ArgumentNullException.ThrowIfNull(thisMonth);
        var windows = LimitWindows.At(now);
        foreach (var (id, tokens) in thisMonth)
        {
            var c = _keys.GetOrAdd(id, static _ => new KeyCounters());
            lock (c)
            {
                c.Roll(windows);
                c.MonthTokens = Math.Max(c.MonthTokens, tokens);
                c.DayTokens = Math.Max(c.DayTokens, today.GetValueOrDefault(id));
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var c in _keys.Values)
        {
            c.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private sealed class KeyCounters : IDisposable
    {
        private ConcurrencyLimiter? _limiter;
        private long _limiterPermits;

        public long Minute { get; private set; } = long.MinValue;

        public long Day { get; private set; } = long.MinValue;

        public long Month { get; private set; } = long.MinValue;

        public long Requests { get; set; }

        public long MinuteTokens { get; set; }

        /// <summary>The previous minute's counts, for the sliding per-minute limits (0 when it had none).</summary>
        public long PreviousRequests { get; set; }

        public long PreviousMinuteTokens { get; set; }

        public long DayTokens { get; set; }

        public long MonthTokens { get; set; }

        public void Roll(LimitWindows w)
        {
            if (Minute != w.Minute)
            {
                (PreviousRequests, PreviousMinuteTokens) = Minute == w.Minute - 1 ? (Requests, MinuteTokens) : (0, 0);
                (Minute, Requests, MinuteTokens) = (w.Minute, 0, 0);
            }
            if (Day != w.Day)
            {
                (Day, DayTokens) = (w.Day, 0);
            }
            if (Month != w.Month)
            {
                (Month, MonthTokens) = (w.Month, 0);
            }
        }

        /// <summary>The key's in-flight limiter; replaced when the key's limit was changed (leases of the old one still release into it).</summary>
        public ConcurrencyLimiter Limiter(long permits)
        {
            if (_limiter is null || _limiterPermits != permits)
            {
                _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
                {
                    PermitLimit = (int)Math.Clamp(permits, 0, int.MaxValue),
                    QueueLimit = 0,
                });
                _limiterPermits = permits;
            }
            return _limiter;
        }

        public void Dispose() => _limiter?.Dispose();
    }
}
