using System.Net;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Testing.Chaos;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>PostgreSQL, which holds the usage ledger, goes away under load and comes back.</summary>
public sealed class LedgerOutageTests
{
    [Fact]
    public async Task PostgresDown_UnderLoad_NoRequestFails_RowsSpooledThenWritten_LedgerEqualsAnswered()
    {
        var pg = new Uri(ServiceEnvironment.PostgresUrl());
        await using var proxy = FaultProxy.Start(pg.Host, pg.Port > 0 ? pg.Port : 5432);
        // A schema of its own: other tests drop the tables of the default one.
        var schema = "chaos_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(pg, null, $"CREATE SCHEMA {schema}");
        var store = $"postgres://{pg.UserInfo}@127.0.0.1:{proxy.Port}{pg.AbsolutePath}?Search%20Path={schema}";
        var spool = Path.Combine(TestPaths.NewTempDirectory("llmfleet-spool"), "usage-spool.jsonl");
        await using var fleet = await new FleetBuilder().Twins(2).Access(new AccessConfig { UsageSpool = spool }, store).StartAsync();
        var load = ClosedLoopLoad.Start(4, w => fleet.PostChatAsync(TestFleet.ChatJson(content: $"worker {w}")));
        await load.WaitForMoreAsync(40);

        proxy.Faults = new ProxyFaults { Partition = PartitionMode.Refuse };
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(spool) && new FileInfo(spool).Length > 0), RunningFleet.Patience, "rows to be spooled");
        await load.WaitForMoreAsync(100); // the outage lasts while 100 more requests are answered
        var spooled = new UsageSpool(spool).ReadChunk(int.MaxValue).Rows.Count;

        proxy.Faults = ProxyFaults.None;
        await load.WaitForMoreAsync(40);
        var outcomes = await load.StopAsync();
        Assert.All(outcomes, o => Assert.Equal(HttpStatusCode.OK, o.Status));

        var backends = fleet.Twins.Select(t => t.BaseAddress.Authority).ToArray();
        long rows = 0;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < RunningFleet.Patience && rows < outcomes.Count;)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            rows = (long)(await ExecuteAsync(pg, schema, "SELECT count(*) FROM usage_ledger WHERE backend = ANY(@b)", backends))!;
        }
        Assert.Equal(outcomes.Count, rows);
        Assert.False(new UsageSpool(spool).HasRows);
        Assert.Equal(0, fleet.Gateway.App.Services.GetRequiredService<UsageLedger>().Dropped);
        TestContext.Current.TestOutputHelper?.WriteLine($"ledger outage: {outcomes.Count} requests, 0 errors, {spooled}+ rows spooled, ledger rows = answered");
    }

    private static async Task<object?> ExecuteAsync(Uri pg, string? schema, string sql, string[]? backends = null)
    {
        var builder = PostgresAccessStore.ConnectionString(pg.ToString());
        if (schema is not null)
        {
            builder.SearchPath = schema;
        }
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        if (backends is not null)
        {
            command.Parameters.AddWithValue("b", backends);
        }
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
