namespace LlmFleet.Gateway.Access.Stores;

/// <summary>Opens the store that <c>store:</c> in <c>fleet.yaml</c> names.</summary>
public static class AccessStores
{
    /// <summary>The store used when <c>auth: keys</c> is set and <c>store:</c> is not.</summary>
    public const string Default = "sqlite:fleet.db";

    /// <summary>
    /// <c>sqlite:PATH</c> (relative paths are taken from <paramref name="baseDirectory"/>, the folder of the fleet
    /// file) or <c>postgres://…</c>/<c>postgresql://…</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Not a store address.</exception>
    public static IAccessStore Open(string store, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = store["sqlite:".Length..];
            if (path.Length == 0)
            {
                throw new ArgumentException("store: 'sqlite:' needs a file path, e.g. sqlite:fleet.db", nameof(store));
            }
            return new SqliteAccessStore(Path.GetFullPath(path, baseDirectory ?? Directory.GetCurrentDirectory()));
        }
        if (store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresAccessStore(store);
        }
        throw new ArgumentException($"store: '{store}' is not sqlite:PATH or postgres://user:password@host:port/database", nameof(store));
    }
}
