using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Stores;

namespace LlmFleet.Gateway.Tests.Access.Stores;

/// <summary>The same behaviour from both stores: a real SQLite file and, where .ci/run started it, a real PostgreSQL.</summary>
public sealed class AccessStoreTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    public static TheoryData<string> Kinds => ["sqlite", "postgres"];

    private static async Task<IAccessStore> OpenFreshAsync(string kind)
    {
        if (kind == "sqlite")
        {
            return AccessStores.Open("sqlite:" + Path.Combine(TestPaths.NewTempDirectory("llmfleet-store"), "fleet.db"));
        }
        var url = ServiceEnvironment.PostgresUrl();
        // A fresh schema per test: drop what an earlier test left.
        var builder = PostgresAccessStore.ConnectionString(url);
        await using (var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE IF EXISTS usage_ledger, api_keys, meta, drained_backends, schema_version";
            await command.ExecuteNonQueryAsync(Ct);
        }
        return AccessStores.Open(url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Migrate_Twice_RunsEachMigrationOnce(string kind)
    {
        await using var store = await OpenFreshAsync(kind);
        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);
        // 1: keys and ledger; 2: the ledger's pool, provider and cost, the keys' dollar budgets and no_external.
        // 3: drained backends; 4: the ledger's team.
        Assert.Equal(4, await store.SchemaVersionAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Keys_CreateRevokeRotate_StoreOnlyHashes(string kind)
    {
        await using var store = await OpenFreshAsync(kind);
        await store.MigrateAsync(Ct);
        var hasher = new KeyHasher(await store.GetOrCreateSecretAsync(Ct));
        Assert.Equal(await store.GetOrCreateSecretAsync(Ct), await store.GetOrCreateSecretAsync(Ct));
        var admin = new KeyAdministration(store, hasher, TimeProvider.System);
        var created = await admin.CreateAsync(new NewKeySpec { Name = "team-app", Team = "search", Models = ["glm-5.2", "glm"], Rpm = 60, BudgetTokensMonth = 1_000_000 }, Ct);
        Assert.StartsWith("sk-fleet-", created.Key, StringComparison.Ordinal);
        Assert.Equal(ApiKeys.Length, created.Key!.Length);
        var stored = (await store.FindKeyAsync("team-app", Ct))!;
        Assert.Equal(hasher.Hash(created.Key), stored.Hash);
        Assert.Equal(["glm-5.2", "glm"], stored.Models);
        Assert.Equal(60, stored.Rpm);
        Assert.Null(stored.Tpm);
        Assert.Equal(1_000_000, stored.BudgetTokensMonth);
        Assert.Equal("sk-fleet-…" + created.Key[^4..], stored.Masked);

        var rotated = (await admin.RotateAsync(created.Id, Ct))!;
        Assert.NotEqual(created.Key, rotated.Key);
        Assert.Equal(created.Id, rotated.Id);
        Assert.Equal(hasher.Hash(rotated.Key!), (await store.FindKeyAsync(created.Id, Ct))!.Hash);

        var revoked = (await admin.RevokeAsync(created.Id, Ct))!;
        Assert.Equal("revoked", revoked.Status);
        Assert.Null(await admin.RotateAsync(created.Id, Ct));
        Assert.Single(await store.ListKeysAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Usage_AppendThenQuery_SumsByKeyModelAndDay(string kind)
    {
        await using var store = await OpenFreshAsync(kind);
        await store.MigrateAsync(Ct);
        var day1 = new DateTimeOffset(2026, 11, 26, 23, 59, 0, TimeSpan.Zero);
        var day2 = day1.AddMinutes(2);
        UsageRecord Row(DateTimeOffset t, string? key, string model, long p, long c) =>
            new() { Time = t, KeyId = key, Model = model, Backend = "b:1", PromptTokens = p, CompletionTokens = c, Status = 200, LatencySeconds = 0.5 };
        await store.AppendUsageAsync([Row(day1, "key_a", "glm-5.2", 10, 5), Row(day2, "key_a", "glm-5.2", 20, 7), Row(day2, null, "qwen3", 1, 1)], Ct);

        var byKey = await store.QueryUsageAsync(UsageGrouping.Key, null, Ct);
        Assert.Equal(["-", "key_a"], byKey.Select(t => t.Group));
        Assert.Equal((2L, 30L, 12L), (byKey[1].Requests, byKey[1].PromptTokens, byKey[1].CompletionTokens));

        var byDay = await store.QueryUsageAsync(UsageGrouping.Day, null, Ct);
        Assert.Equal(["2026-11-26", "2026-11-27"], byDay.Select(t => t.Group));

        var byModelSince = await store.QueryUsageAsync(UsageGrouping.Model, day2, Ct);
        Assert.Equal([("glm-5.2", 20L), ("qwen3", 1L)], byModelSince.Select(t => (t.Group, t.PromptTokens)));

        Assert.Equal(42L, (await store.TokensByKeySinceAsync(day1, Ct))["key_a"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Usage_SpilledRowsToAProvider_SumDollarsByProviderAndTeamWithTheSpillShare(string kind)
    {
        await using var store = await OpenFreshAsync(kind);
        await store.MigrateAsync(Ct);
        var admin = new KeyAdministration(store, new KeyHasher(await store.GetOrCreateSecretAsync(Ct)), TimeProvider.System);
        var key = await admin.CreateAsync(new NewKeySpec { Name = "app", Team = "research" }, Ct);
        var t = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        UsageRecord Row(string pool, string? provider, decimal usd) =>
            new() { Time = t, KeyId = key.Id, Model = "glm-5.2", Pool = pool, Provider = provider, Backend = "b:1", CostUsd = usd, Status = 200 };
        await store.AppendUsageAsync([Row("glm-5.2", null, 0.000125m), Row("glm-api", "api.example.com", 0.0000123m), Row("glm-5.2", null, 0.5m)], Ct);

        var byProvider = await store.QueryUsageAsync(UsageGrouping.Provider, null, Ct);
        var byTeam = Assert.Single(await store.QueryUsageAsync(UsageGrouping.Team, null, Ct));
        var byDay = Assert.Single(await store.QueryUsageAsync(UsageGrouping.Day, null, Ct));

        Assert.Equal([("api.example.com", 0.0000123m, 1L), ("self-hosted", 0.500125m, 0L)], byProvider.Select(p => (p.Group, p.CostUsd, p.ExternalRequests)));
        Assert.Equal(("research", 0.5001373m), (byTeam.Group, byTeam.CostUsd));
        Assert.Equal((1L, 1.0 / 3), (byDay.SpilledRequests, byDay.SpillShare));
        Assert.Equal(0.5001373m, (await store.SpendByKeySinceAsync(t, Ct))[key.Id]);
    }
}
