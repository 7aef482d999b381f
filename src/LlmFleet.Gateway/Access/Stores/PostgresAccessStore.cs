using System.Data.Common;
using LlmFleet.Gateway.Access.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace LlmFleet.Gateway.Access.Stores;

/// <summary>PostgreSQL through Npgsql, for several gateways sharing one ledger (<c>store: postgres://user:pass@host/db</c>).</summary>
internal sealed class PostgresAccessStore : SqlAccessStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;

    public PostgresAccessStore(string url)
    {
        var builder = ConnectionString(url);
        _description = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Description => _description;

    protected override IReadOnlyList<string[]> Migrations { get; } =
    [
        [
            "CREATE TABLE meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL)",
            "CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT, models TEXT NOT NULL, rpm BIGINT, tpm BIGINT, " +
                "parallel BIGINT, budget_day BIGINT, budget_month BIGINT, expires_ms BIGINT, created_ms BIGINT NOT NULL, " +
                "revoked_ms BIGINT, hash BYTEA NOT NULL, last4 TEXT NOT NULL)",
            "CREATE TABLE usage_ledger (id BIGSERIAL PRIMARY KEY, ts_ms BIGINT NOT NULL, key_id TEXT, model TEXT NOT NULL, " +
                "backend TEXT NOT NULL, prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL, cached_tokens BIGINT NOT NULL, " +
                "latency_ms BIGINT NOT NULL, ttft_ms BIGINT, status INTEGER NOT NULL)",
            "CREATE INDEX usage_ledger_ts ON usage_ledger (ts_ms)",
        ],
        [
            "ALTER TABLE usage_ledger ADD COLUMN pool TEXT",
            "ALTER TABLE usage_ledger ADD COLUMN provider TEXT",
            "ALTER TABLE usage_ledger ADD COLUMN cost_usd DOUBLE PRECISION",
            "ALTER TABLE api_keys ADD COLUMN budget_usd_day DOUBLE PRECISION",
            "ALTER TABLE api_keys ADD COLUMN budget_usd_month DOUBLE PRECISION",
            "ALTER TABLE api_keys ADD COLUMN no_external INTEGER NOT NULL DEFAULT 0",
        ],
        [
            "CREATE TABLE drained_backends (backend_id TEXT PRIMARY KEY, since_ms BIGINT NOT NULL, reason TEXT)",
        ],
        [
            "ALTER TABLE usage_ledger ADD COLUMN team TEXT",
        ],
    ];

    protected override string DayOf => "to_char(to_timestamp(u.ts_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(740800001)", cancellationToken);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>Binary <c>COPY</c>: PostgreSQL's bulk path, one round trip per batch.</summary>
    public override async Task AppendUsageAsync(IReadOnlyList<UsageRecord> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync($"COPY usage_ledger ({UsageColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(r.Time.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
            if (r.KeyId is null)
            {
                await copy.WriteNullAsync(cancellationToken);
            }
            else
            {
                await copy.WriteAsync(r.KeyId, NpgsqlDbType.Text, cancellationToken);
            }
            await copy.WriteAsync(r.Model, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(r.Backend, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(r.PromptTokens, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.CompletionTokens, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.CachedTokens, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(Ms(r.LatencySeconds), NpgsqlDbType.Bigint, cancellationToken);
            if (r.TtftSeconds is { } ttft)
            {
                await copy.WriteAsync(Ms(ttft), NpgsqlDbType.Bigint, cancellationToken);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken);
            }
            await copy.WriteAsync(r.Status, NpgsqlDbType.Integer, cancellationToken);
            await WriteTextAsync(copy, r.Pool, cancellationToken);
            await WriteTextAsync(copy, r.Provider, cancellationToken);
            await copy.WriteAsync((double)r.CostUsd, NpgsqlDbType.Double, cancellationToken);
            await WriteTextAsync(copy, r.Team, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    private static async Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(cancellationToken);
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
    }

    /// <summary><c>postgres://user:password@host:port/database?sslmode=…</c> as an Npgsql connection string.</summary>
    public static NpgsqlConnectionStringBuilder ConnectionString(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder;
    }
}
