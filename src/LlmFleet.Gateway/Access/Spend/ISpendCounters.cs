using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Access.Spend;

/// <summary>
/// Dollars spent per key and per team in the current UTC day and calendar month, against the budgets of
/// <c>keys create --budget-usd-day/--budget-usd-month</c> and <c>teams:</c>. A request is admitted while the spend is
/// below every budget that applies; its cost is known only when it ends and is added then, so a key stops within one
/// request of its limit (requests in flight at that moment included). Counted in micro-dollars. Implementations: in
/// this process, or in Redis shared by every replica (<c>limits: redis://…</c>), kept apart from the rate limits.
/// </summary>
public interface ISpendCounters : IAsyncDisposable
{
    /// <summary>Null when the key and its team are under their budgets; else the budget that refuses.</summary>
    ValueTask<SpendRefusal?> CheckAsync(ApiKeyRecord key, TeamBudget? team, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Adds a finished request's cost to its key and team; never waits on I/O.</summary>
    void Add(ApiKeyRecord key, decimal usd, DateTimeOffset now);

    /// <summary>After a restart (in-process counters): dollars each key already spent this UTC day and month, from the ledger.</summary>
    void Seed(IReadOnlyList<ApiKeyRecord> keys, IReadOnlyDictionary<string, decimal> today, IReadOnlyDictionary<string, decimal> thisMonth, DateTimeOffset now);
}

/// <summary>A budget reached: whose (<c>key</c> or <c>team</c>), which period, the budget and the spend, and when it resets.</summary>
public sealed record SpendRefusal(string Scope, string Period, decimal BudgetUsd, decimal SpentUsd, TimeSpan RetryAfter);
