using System.Collections.Concurrent;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Access.Spend;

/// <summary>Spend counters in this process (exact for one gateway; each replica counts alone). A counter's name
/// carries its window, so a new day or month starts at zero; counters of past windows are dropped as new ones start.</summary>
internal sealed class InProcessSpend : ISpendCounters
{
    private readonly ConcurrentDictionary<string, long> _micros = new(StringComparer.Ordinal);
    private long _day = long.MinValue;

    public ValueTask<SpendRefusal?> CheckAsync(ApiKeyRecord key, TeamBudget? team, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var w = LimitWindows.At(now);
        foreach (var b in SpendBudgets.For(key, team, w))
        {
            var spent = _micros.GetValueOrDefault(b.Counter);
            if (spent >= b.LimitMicros)
            {
                return new(new SpendRefusal(b.Scope, b.Period, SpendBudgets.Dollars(b.LimitMicros), SpendBudgets.Dollars(spent), b.End - now));
            }
        }
        return new((SpendRefusal?)null);
    }

    public void Add(ApiKeyRecord key, decimal usd, DateTimeOffset now)
    {
        var micros = SpendBudgets.Micros(usd);
        if (micros <= 0)
        {
            return;
        }
        var w = LimitWindows.At(now);
        Forget(w);
        foreach (var (counter, _) in SpendBudgets.Counters(key, w))
        {
            _micros.AddOrUpdate(counter, micros, (_, v) => v + micros);
        }
    }

    public void Seed(IReadOnlyList<ApiKeyRecord> keys, IReadOnlyDictionary<string, decimal> today, IReadOnlyDictionary<string, decimal> thisMonth, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(today);
        ArgumentNullException.ThrowIfNull(thisMonth);
        var w = LimitWindows.At(now);
        foreach (var key in keys)
        {
            foreach (var (counter, _) in SpendBudgets.Counters(key, w))
            {
                var spent = SpendBudgets.Micros((counter.Contains(":day:", StringComparison.Ordinal) ? today : thisMonth).GetValueOrDefault(key.Id));
                _micros.AddOrUpdate(counter, spent, (_, v) => v + spent);
            }
        }
    }

    /// <summary>On the first request of a new UTC day, drops the counters of past windows.</summary>
    private void Forget(LimitWindows w)
    {
        var day = Interlocked.Exchange(ref _day, w.Day);
        if (day == w.Day || day == long.MinValue)
        {
            return;
        }
        var current = new[] { $":day:{w.Day}", $":month:{w.Month}" };
        foreach (var counter in _micros.Keys)
        {
            if (!current.Any(c => counter.EndsWith(c, StringComparison.Ordinal)))
            {
                _micros.TryRemove(counter, out _);
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
