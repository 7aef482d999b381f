using LlmFleet.Gateway.Access.Stores;

namespace LlmFleet.Gateway.Access.Keys;

/// <summary>Create, list, show, revoke and rotate keys: shared by <c>llmfleet keys</c> and <c>/admin/keys</c>.</summary>
public sealed class KeyAdministration(IAccessStore store, KeyHasher hasher, TimeProvider time)
{
    /// <summary>Opens the hasher for a store: the secret from <paramref name="secretEnv"/> when set, else the store's own.</summary>
    public static async Task<KeyHasher> HasherForAsync(IAccessStore store, string secretEnv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var text = Environment.GetEnvironmentVariable(secretEnv);
        return new KeyHasher(string.IsNullOrEmpty(text) ? await store.GetOrCreateSecretAsync(cancellationToken) : KeyHasher.SecretFromText(text));
    }

    /// <summary>Stores a new key and returns it with the key itself, which is not kept anywhere.</summary>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public async Task<KeyView> CreateAsync(NewKeySpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(spec));
        }
        var key = ApiKeys.Generate();
        var now = time.GetUtcNow();
        var record = new ApiKeyRecord
        {
            Id = ApiKeys.NewId(),
            Name = spec.Name,
            Team = spec.Team,
            Models = spec.Models,
            Rpm = spec.Rpm,
            Tpm = spec.Tpm,
            Parallel = spec.Parallel,
            BudgetTokensDay = spec.BudgetTokensDay,
            BudgetTokensMonth = spec.BudgetTokensMonth,
            ExpiresAt = spec.ExpiresAt,
            BudgetUsdDay = spec.BudgetUsdDay,
            BudgetUsdMonth = spec.BudgetUsdMonth,
            NoExternal = spec.NoExternal,
            CreatedAt = now,
            Hash = hasher.Hash(key),
            Last4 = ApiKeys.Last4(key),
        };
        await store.InsertKeyAsync(record, cancellationToken);
        return KeyView.Of(record, now, key);
    }

    public async Task<IReadOnlyList<KeyView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return (await store.ListKeysAsync(cancellationToken)).Select(k => KeyView.Of(k, now)).ToArray();
    }

    public async Task<KeyView?> ShowAsync(string idOrName, CancellationToken cancellationToken = default) =>
        await store.FindKeyAsync(idOrName, cancellationToken) is { } k ? KeyView.Of(k, time.GetUtcNow()) : null;

    /// <summary>Null when there is no such key.</summary>
    public async Task<KeyView?> RevokeAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        if (await store.FindKeyAsync(idOrName, cancellationToken) is not { } k)
        {
            return null;
        }
        await store.RevokeKeyAsync(k.Id, time.GetUtcNow(), cancellationToken);
        return await ShowAsync(k.Id, cancellationToken);
    }

    /// <summary>A new key for the same id and settings; the old key stops working. Null when there is no live key by that id or name.</summary>
    public async Task<KeyView?> RotateAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        if (await store.FindKeyAsync(idOrName, cancellationToken) is not { RevokedAt: null } k)
        {
            return null;
        }
        var key = ApiKeys.Generate();
        if (!await store.ReplaceHashAsync(k.Id, hasher.Hash(key), ApiKeys.Last4(key), cancellationToken))
        {
            return null;
        }
        var now = time.GetUtcNow();
        return KeyView.Of(k with { Hash = [], Last4 = ApiKeys.Last4(key) }, now, key);
    }
}
