using System.Data.Common;
using System.Security.Cryptography;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;

namespace LlmFleet.Gateway.Access.Stores;

/// <summary>
/// The SQL both stores share (ADO.NET, <c>@name</c> parameters, which SQLite and Npgsql both take); a dialect supplies
/// connections, column types and the day expression. Times are Unix milliseconds (UTC).
/// </summary>
internal abstract class SqlAccessStore : IAccessStore
{
    private const string KeyColumns =
        "id, name, team, models, rpm, tpm, parallel, budget_day, budget_month, expires_ms, created_ms, revoked_ms, hash, last4, " +
        "budget_usd_day, budget_usd_month, no_external";

    public abstract string Description { get; }

    /// <summary>Schema migrations, oldest first; entry <c>i</c> brings the schema to version <c>i + 1</c>.</summary>
    protected abstract IReadOnlyList<string[]> Migrations { get; }

    /// <summary>SQL text of the UTC day (<c>yyyy-MM-dd</c>) of the column <c>ts_ms</c>.</summary>
    protected abstract string DayOf { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);



    public abstract ValueTask DisposeAsync();

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await LockForMigrationAsync(connection, tx, cancellationToken);
        await ExecuteAsync(connection, tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken);
        var current = await ReadVersionAsync(connection, tx, cancellationToken);
        for (var v = current; v < Migrations.Count; v++)
        {
            foreach (var statement in Migrations[v])
            {
                await ExecuteAsync(connection, tx, statement, cancellationToken);
            }
            await ExecuteAsync(connection, tx, "INSERT INTO schema_version (version) VALUES (@v)", cancellationToken, ("v", v + 1));
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Serialises concurrent migrations (two processes starting at once).</summary>
    protected virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadVersionAsync(connection, null, cancellationToken);
    }

    private static async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<byte[]> GetOrCreateSecretAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "INSERT INTO meta (name, value) VALUES ('key_secret', @v) ON CONFLICT (name) DO NOTHING", cancellationToken,
            ("v", RandomNumberGenerator.GetBytes(32)));
        await using var command = Command(connection, null, "SELECT value FROM meta WHERE name = 'key_secret'");
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task InsertKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            $"INSERT INTO api_keys ({KeyColumns}) VALUES (@id, @name, @team, @models, @rpm, @tpm, @parallel, @bd, @bm, @exp, @created, @revoked, @hash, @last4, @usdd, @usdm, @noext)",
            cancellationToken,
            ("id", key.Id), ("name", key.Name), ("team", key.Team), ("models", string.Join('\n', key.Models)),
            ("rpm", key.Rpm), ("tpm", key.Tpm), ("parallel", key.Parallel), ("bd", key.BudgetTokensDay), ("bm", key.BudgetTokensMonth),
            ("exp", key.ExpiresAt?.ToUnixTimeMilliseconds()), ("created", key.CreatedAt.ToUnixTimeMilliseconds()),
            ("revoked", key.RevokedAt?.ToUnixTimeMilliseconds()), ("hash", key.Hash), ("last4", key.Last4),
            ("usdd", (double?)key.BudgetUsdDay), ("usdm", (double?)key.BudgetUsdMonth), ("noext", key.NoExternal ? 1 : 0));
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadKeysAsync(connection, $"SELECT {KeyColumns} FROM api_keys ORDER BY created_ms, id", cancellationToken);
    }

    public async Task<ApiKeyRecord?> FindKeyAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var found = await ReadKeysAsync(connection, $"SELECT {KeyColumns} FROM api_keys WHERE id = @k OR name = @k ORDER BY created_ms", cancellationToken, ("k", idOrName));
        return found.FirstOrDefault(k => k.Id == idOrName) ?? (found.Count == 1 ? found[0] : null);
    }

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "UPDATE api_keys SET revoked_ms = COALESCE(revoked_ms, @t) WHERE id = @id", cancellationToken,
            ("t", at.ToUnixTimeMilliseconds()), ("id", id)) > 0;
    }

    public async Task<bool> ReplaceHashAsync(string id, byte[] hash, string last4, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "UPDATE api_keys SET hash = @hash, last4 = @last4 WHERE id = @id AND revoked_ms IS NULL", cancellationToken,
            ("hash", hash), ("last4", last4), ("id", id)) > 0;
    }

    /// <summary>Appends ledger rows in one transaction, in the driver's fastest bulk form.</summary>
    public abstract Task AppendUsageAsync(IReadOnlyList<UsageRecord> rows, CancellationToken cancellationToken = default);

    /// <summary>The columns of <c>usage_ledger</c> that a row fills, in <see cref="UsageRecord"/> order.</summary>
    protected const string UsageColumns = "ts_ms, key_id, model, backend, prompt_tokens, completion_tokens, cached_tokens, latency_ms, ttft_ms, status, " +
        "pool, provider, cost_usd, team";

    protected static long Ms(double seconds) => (long)Math.Round(seconds * 1000);

    public async Task<IReadOnlyList<UsageTotal>> QueryUsageAsync(UsageGrouping by, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        var group = by switch
        {
            UsageGrouping.Key => "COALESCE(u.key_id, '-')",
            UsageGrouping.Model => "u.model",
            UsageGrouping.Team => "COALESCE(u.team, k.team, '-')",
            UsageGrouping.Provider => "COALESCE(u.provider, 'self-hosted')",
            _ => DayOf,
        };
        var name = by == UsageGrouping.Key ? "MAX(k.name)" : "NULL";
        var sql = $"SELECT {group} AS g, {name}, COUNT(*), SUM(u.prompt_tokens), SUM(u.completion_tokens), SUM(u.cached_tokens), " +
            "SUM(COALESCE(u.cost_usd, 0)), SUM(CASE WHEN u.pool IS NOT NULL AND u.pool <> u.model THEN 1 ELSE 0 END), " +
            "SUM(CASE WHEN u.provider IS NOT NULL THEN 1 ELSE 0 END) " +
            "FROM usage_ledger u LEFT JOIN api_keys k ON k.id = u.key_id WHERE u.ts_ms >= @since " +
            $"GROUP BY {group} ORDER BY {group}";
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, ("since", since?.ToUnixTimeMilliseconds() ?? long.MinValue));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var totals = new List<UsageTotal>();
        while (await reader.ReadAsync(cancellationToken))
        {
            totals.Add(new UsageTotal
            {
                Group = reader.GetString(0),
                Name = reader.IsDBNull(1) ? null : reader.GetString(1),
                Requests = reader.GetInt64(2),
                PromptTokens = reader.IsDBNull(3) ? 0 : Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                CompletionTokens = reader.IsDBNull(4) ? 0 : Convert.ToInt64(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
                CachedTokens = reader.IsDBNull(5) ? 0 : Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
                CostUsd = reader.IsDBNull(6) ? 0 : Math.Round(Convert.ToDecimal(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture), 9),
                SpilledRequests = reader.IsDBNull(7) ? 0 : Convert.ToInt64(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                ExternalRequests = reader.IsDBNull(8) ? 0 : Convert.ToInt64(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return totals;
    }

    public async Task<IReadOnlyDictionary<string, long>> TokensByKeySinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT key_id, SUM(prompt_tokens + completion_tokens) FROM usage_ledger WHERE ts_ms >= @since AND key_id IS NOT NULL GROUP BY key_id",
            ("since", since.ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<string, decimal>> SpendByKeySinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT key_id, SUM(COALESCE(cost_usd, 0)) FROM usage_ledger WHERE ts_ms >= @since AND key_id IS NOT NULL GROUP BY key_id",
            ("since", since.ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = Convert.ToDecimal(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }
        return result;
    }

    public async Task<IReadOnlyList<DrainedBackend>> ListDrainedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT backend_id, since_ms, reason FROM drained_backends ORDER BY since_ms, backend_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var drained = new List<DrainedBackend>();
        while (await reader.ReadAsync(cancellationToken))
        {
            drained.Add(new DrainedBackend(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return drained;
    }

    public async Task DrainAsync(DrainedBackend drained, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drained);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO drained_backends (backend_id, since_ms, reason) VALUES (@b, @t, @r) " +
            "ON CONFLICT (backend_id) DO UPDATE SET reason = COALESCE(excluded.reason, drained_backends.reason)", cancellationToken,
            ("b", drained.Backend), ("t", drained.Since.ToUnixTimeMilliseconds()), ("r", drained.Reason));
    }

    public async Task<bool> UndrainAsync(string backend, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "DELETE FROM drained_backends WHERE backend_id = @b", cancellationToken, ("b", backend)) > 0;
    }

    private static async Task<IReadOnlyList<ApiKeyRecord>> ReadKeysAsync(DbConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyRecord
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                Team = reader.IsDBNull(2) ? null : reader.GetString(2),
                Models = reader.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                Rpm = NullableLong(reader, 4),
                Tpm = NullableLong(reader, 5),
                Parallel = NullableLong(reader, 6),
                BudgetTokensDay = NullableLong(reader, 7),
                BudgetTokensMonth = NullableLong(reader, 8),
                ExpiresAt = NullableTime(reader, 9),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
                RevokedAt = NullableTime(reader, 11),
                Hash = (byte[])reader.GetValue(12),
                Last4 = reader.GetString(13),
                BudgetUsdDay = NullableDollars(reader, 14),
                BudgetUsdMonth = NullableDollars(reader, 15),
                NoExternal = !reader.IsDBNull(16) && reader.GetInt64(16) != 0,
            });
        }
        return keys;
    }

    private static long? NullableLong(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);

    private static decimal? NullableDollars(DbDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : Convert.ToDecimal(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset? NullableTime(DbDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
