using LlmFleet.Gateway.Access.Keys;
using StackExchange.Redis;

namespace LlmFleet.Gateway.Access.Limits;

/// <summary>
/// What <see cref="RedisLimits"/> admitted while Redis could not be reached (<c>on_store_failure: open</c>): requests
/// and estimated tokens per key and window. When Redis answers again they are added to its counters before the next
/// check, so the sliding minute after an outage holds what the outage let through and a key that used its limit then
/// waits as it would have. Bounded: one entry per key and minute of the outage, at most <see cref="MaxEntries"/>.
/// </summary>
internal sealed class OutageCounts
{
    /// <summary>Entries kept at most (a long outage with many keys); admissions beyond are not replayed.</summary>
    public const int MaxEntries = 100_000;

    private const string ReplayScript = """
        for i = 1, 4 do
          local by = tonumber(ARGV[i])
          local ttl = tonumber(ARGV[i + 4])
          if by > 0 and ttl > 0 then redis.call('INCRBY', KEYS[i], by); redis.call('PEXPIRE', KEYS[i], ttl) end
        end
        return 0
        """;

    private readonly Lock _lock = new();
    private Dictionary<(string Key, long Minute), Entry> _entries = [];

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count == 0;
            }
        }
    }

    public void Add(ApiKeyRecord key, LimitWindows windows, long tokens)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((key.Id, windows.Minute), out var e))
            {
                e.Requests++;
                e.Tokens += tokens;
            }
            else if (_entries.Count < MaxEntries)
            {
                _entries[(key.Id, windows.Minute)] = new Entry(windows) { Requests = 1, Tokens = tokens };
            }
        }
    }

    /// <summary>Adds every entry to Redis' counters (expiring with their windows) and forgets them; on failure they are
    /// kept for the next try.</summary>
    public async Task ReplayAsync(IDatabase db, DateTimeOffset now, long marginMs)
    {
        Dictionary<(string Key, long Minute), Entry> taken;
        lock (_lock)
        {
            (taken, _entries) = (_entries, []);
        }
        var done = new List<(string, long)>();
        try
        {
            foreach (var ((id, _), e) in taken)
            {
                var w = e.Windows;
                var minuteTtl = Ms(w.MinuteEnd - now) + 60_000 + marginMs;
                await db.ScriptEvaluateAsync(ReplayScript, RedisLimits.Keys(id, w)[..4],
                [
                    e.Requests, e.Tokens, e.Tokens, e.Tokens,
                    minuteTtl, minuteTtl, Ms(w.DayEnd - now) + marginMs, Ms(w.MonthEnd - now) + marginMs,
                ]);
                done.Add((id, w.Minute));
            }
        }
        finally
        {
            foreach (var d in done)
            {
                taken.Remove(d);
            }
            if (taken.Count > 0)
            {
                lock (_lock)
                {
                    foreach (var (k, e) in taken)
                    {
                        if (!_entries.TryAdd(k, e))
                        {
                            _entries[k].Requests += e.Requests;
                            _entries[k].Tokens += e.Tokens;
                        }
                    }
                }
            }
        }
    }

    private static long Ms(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private sealed class Entry(LimitWindows windows)
    {
        public LimitWindows Windows { get; } = windows;

        public long Requests { get; set; }

        public long Tokens { get; set; }
    }
}
