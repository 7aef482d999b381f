using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace LlmFleet.Gateway.Access.Stores;

/// <summary>
/// The default store: one SQLite file in WAL mode (readers never block the ledger writer; the CLI can read while the
/// gateway runs), <c>synchronous=FULL</c> so a committed batch survives a crash of the process or the machine.
/// </summary>
internal sealed class SqliteAccessStore(string path) : SqlAccessStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override string Description => "sqlite:" + path;

    protected override IReadOnlyList<string[]> Migrations { get; } =
    [
        [
            "CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
            "CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT, models TEXT NOT NULL, rpm INTEGER, tpm INTEGER, " +
                "parallel INTEGER, budget_day INTEGER, budget_month INTEGER, expires_ms INTEGER, created_ms INTEGER NOT NULL, " +
                "revoked_ms INTEGER, hash BLOB NOT NULL, last4 TEXT NOT NULL)",
            "CREATE TABLE usage_ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, ts_ms INTEGER NOT NULL, key_id TEXT, model TEXT NOT NULL, " +
                "backend TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, " +
                "latency_ms INTEGER NOT NULL, ttft_ms INTEGER, status INTEGER NOT NULL)",
            "CREATE INDEX usage_ledger_ts ON usage_ledger (ts_ms)",
        ],
    ];

    protected override bool WritesSynchronously => true;

    protected override string DayOf => "strftime('%Y-%m-%d', u.ts_ms / 1000, 'unixepoch')";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
