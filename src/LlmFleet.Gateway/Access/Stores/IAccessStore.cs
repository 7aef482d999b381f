using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;

namespace LlmFleet.Gateway.Access.Stores;

/// <summary>
/// Where keys and the usage ledger live: a SQLite file (default) or PostgreSQL. The request path never calls it: keys
/// are read into <see cref="KeyCache"/> in the background and usage is written in batches by the ledger writer.
/// </summary>
public interface IAccessStore : IAsyncDisposable
{
    /// <summary>Human description without credentials, e.g. <c>sqlite:/var/lib/llmfleet/fleet.db</c>.</summary>
    string Description { get; }

    /// <summary>Creates the schema or brings it to the current version (a version table records which ran).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>The schema version the store is at.</summary>
    Task<int> SchemaVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>The server secret kept in the store, created (random, 32 bytes) on first call.</summary>
    Task<byte[]> GetOrCreateSecretAsync(CancellationToken cancellationToken = default);

    Task InsertKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>By id, or by name when exactly one key has it.</summary>
    Task<ApiKeyRecord?> FindKeyAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>False when no key has that id.</summary>
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Replaces a key's hash (rotation: the old key stops working). False when no live key has that id.</summary>
    Task<bool> ReplaceHashAsync(string id, byte[] hash, string last4, CancellationToken cancellationToken = default);

    /// <summary>Appends ledger rows in one transaction.</summary>
    Task AppendUsageAsync(IReadOnlyList<UsageRecord> rows, CancellationToken cancellationToken = default);

    /// <summary>Sums the ledger by key, team, model, provider or UTC day, from <paramref name="since"/> on (all when null).</summary>
    Task<IReadOnlyList<UsageTotal>> QueryUsageAsync(UsageGrouping by, DateTimeOffset? since, CancellationToken cancellationToken = default);

    /// <summary>Dollars per key from <paramref name="since"/> on: seeds spend budgets after a restart.</summary>
    Task<IReadOnlyDictionary<string, decimal>> SpendByKeySinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Tokens (prompt + completion) per key from <paramref name="since"/> on: seeds budgets after a restart.</summary>
    Task<IReadOnlyDictionary<string, long>> TokensByKeySinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Every backend drained by an operator, oldest first.</summary>
    Task<IReadOnlyList<DrainedBackend>> ListDrainedAsync(CancellationToken cancellationToken = default);

    /// <summary>Records a drain; draining a drained backend again keeps its first time and replaces the reason if one is given.</summary>
    Task DrainAsync(DrainedBackend drained, CancellationToken cancellationToken = default);

    /// <summary>Forgets a drain; false when the backend was not drained.</summary>
    Task<bool> UndrainAsync(string backend, CancellationToken cancellationToken = default);
}
