using LlmFleet.Gateway.Access.Keys;

namespace LlmFleet.Gateway.Access.Limits;

/// <summary>
/// A key's requests per minute, tokens per minute, requests in flight and token budgets per UTC day and month.
/// Per-minute limits slide over the last 60 s (<see cref="LimitWindows.Sliding"/>); budgets keep the UTC day and
/// calendar month. Tokens are counted as estimated on admission and corrected by the
/// response's usage in <see cref="Release"/>. Implementations: <see cref="RateLimitStores"/>.
/// </summary>
public interface IRateLimits : IAsyncDisposable
{
    /// <summary>Admits the request (counting it) or says which limit refuses it and when to retry.</summary>
    ValueTask<LimitDecision> AcquireAsync(ApiKeyRecord key, long estimatedTokens, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The request ended: frees its in-flight slot and replaces its token estimate by <paramref name="actualTokens"/>.</summary>
    void Release(LimitTicket ticket, long actualTokens);

    /// <summary>After a restart: the tokens each key already used this UTC day and month (from the ledger).</summary>
    void SeedBudgets(IReadOnlyDictionary<string, long> today, IReadOnlyDictionary<string, long> thisMonth, DateTimeOffset now);
}
