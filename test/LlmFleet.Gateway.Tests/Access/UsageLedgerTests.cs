using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Tests.Functional;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>The usage ledger: rows equal what the backend reported, streams included; a clean stop loses nothing;
/// overflow is counted, not hidden.</summary>
public sealed class UsageLedgerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static async Task<List<(string? Key, string Model, long Prompt, long Completion, int Status, double? Ttft)>> RowsAsync(string store)
    {
        var sqlite = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + store["sqlite:".Length..]);
        await sqlite.OpenAsync(Ct);
        await using var command = sqlite.CreateCommand();
        command.CommandText = "SELECT key_id, model, prompt_tokens, completion_tokens, status, ttft_ms FROM usage_ledger ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string?, string, long, long, int, double?)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5) / 1000.0));
        }
        await sqlite.CloseAsync();
        await sqlite.DisposeAsync();
        return rows;
    }

    private static (long Prompt, long Completion) UsageOf(JsonElement usage) =>
        (usage.GetProperty("prompt_tokens").GetInt64(), usage.GetProperty("completion_tokens").GetInt64());

    [Fact]
    public async Task Ledger_NonStreamedAndStreamed_RowsEqualTheBackendsUsage()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "ledger" });
        var key = keys[0].Key!;
        var expected = new List<(long, long)>();
        await using (var fleet = await AccessFleet.StartAsync(store: store, access: access))
        {
            // Non-streamed: usage in the body.
            using var plain = await fleet.PostChatAsync(key, AccessFleet.ExactChatJson(12));
            expected.Add(UsageOf(JsonDocument.Parse(await plain.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("usage")));
            // Streamed, the client asked for usage: it gets the usage event, and so does the ledger.
            var (_, asked) = await fleet.StreamChatAsync(key, AccessFleet.ExactChatJson(9, stream: true, includeUsage: true));
            var usageEvent = asked.Select(e => e == "[DONE]" ? default : JsonDocument.Parse(e).RootElement)
                .Single(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object);
            expected.Add(UsageOf(usageEvent.GetProperty("usage")));
            // Streamed without asking: the gateway asks vLLM for usage and hides the usage event from the client.
            var (_, notAsked) = await fleet.StreamChatAsync(key, AccessFleet.ExactChatJson(7, stream: true));
            Assert.Equal("[DONE]", notAsked[^1]);
            Assert.DoesNotContain(notAsked, e => e.Contains("\"usage\":{", StringComparison.Ordinal));
        }
        var rows = await RowsAsync(store);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(keys[0].Id, r.Key));
        Assert.All(rows, r => Assert.Equal(TestFleet.Model, r.Model));
        Assert.All(rows, r => Assert.Equal(200, r.Status));
        Assert.Equal(expected[0], (rows[0].Prompt, rows[0].Completion));
        Assert.Equal(expected[1], (rows[1].Prompt, rows[1].Completion));
        Assert.Equal(7, rows[2].Completion);
        Assert.Equal(expected[1].Item1, rows[2].Prompt); // same prompt, same prompt tokens
        Assert.Null(rows[0].Ttft);
        Assert.NotNull(rows[1].Ttft);
    }

    [Fact]
    public async Task Ledger_CleanShutdown_LosesNothing()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "shutdown" });
        const int Requests = 120;
        await using (var fleet = await AccessFleet.StartAsync(store: store, access: access))
        {
            var tasks = Enumerable.Range(0, Requests).Select(async i =>
            {
                using var r = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson(maxTokens: 4));
                return (int)r.StatusCode;
            });
            Assert.All(await Task.WhenAll(tasks), s => Assert.Equal(200, s));
            // Disposing stops the gateway at once, well within the flush interval of the last rows.
        }
        Assert.Equal(Requests, (await RowsAsync(store)).Count);
    }

    [Fact]
    public async Task TryRecord_QueueFull_DropIsCountedInTheMetric()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var ledger = new UsageLedger(registry, new FakeTimeProvider(), NullLogger<UsageLedger>.Instance, capacity: 2);
        var row = new UsageRecord { Time = DateTimeOffset.UnixEpoch, Model = "m", Backend = "b", Status = 200 };
        Assert.True(ledger.TryRecord(row));
        Assert.True(ledger.TryRecord(row));
        Assert.False(ledger.TryRecord(row));
        Assert.False(ledger.TryRecord(row));
        Assert.Equal(2, ledger.Dropped);
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text, Ct);
        Assert.Contains("llmfleet_usage_dropped_total 2", System.Text.Encoding.UTF8.GetString(text.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spool_LeftByAKilledGateway_IsWrittenAtTheNextStart_CutLastLineSkipped()
    {
        var (access, store) = AccessFleet.NewSetup();
        var spoolPath = Path.Combine(Path.GetDirectoryName(store["sqlite:".Length..])!, "spool.jsonl");
        var spooled = Enumerable.Range(0, 3).Select(i => new UsageRecord
        {
            Time = DateTimeOffset.UnixEpoch.AddDays(i), KeyId = "key_spooled", Model = "glm-5.2", Backend = "127.0.0.1:1", PromptTokens = 10 + i, Status = 200,
        }).ToList();
        await new UsageSpool(spoolPath).AppendAsync(spooled);
        await File.AppendAllTextAsync(spoolPath, "{\"t\":17964", Ct); // the append a SIGKILL cut short
        await using (var fleet = await AccessFleet.StartAsync(store: store, access: access with { UsageSpool = spoolPath }))
        {
            await Poll.UntilAsync(async () => (await RowsAsync(store)).Count(r => r.Key == "key_spooled") == 3, RunningFleet.Patience, "the spooled rows");
        }
        Assert.Equal([10L, 11L, 12L], (await RowsAsync(store)).Where(r => r.Key == "key_spooled").Select(r => r.Prompt));
        Assert.False(new UsageSpool(spoolPath).HasRows);
    }

    [Fact]
    public async Task Spool_OfALongOutage_IsWrittenAChunkAtATime_AndAfterAKillGoesOnFromTheRecordedOffset()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("llmfleet-spool-").FullName, "spool.jsonl");
        var rows = Enumerable.Range(0, 25).Select(i => new UsageRecord { Time = DateTimeOffset.UnixEpoch, Model = "m", Backend = "b", PromptTokens = i, Status = 200 }).ToList();
        await new UsageSpool(path).AppendAsync(rows);

        var (first, end) = new UsageSpool(path).ReadChunk(10);
        new UsageSpool(path).MarkWritten(end);
        // A gateway killed here: the next one (a new spool object) starts after the chunk already in the store.
        var spool = new UsageSpool(path);
        var (second, end2) = spool.ReadChunk(10);
        spool.MarkWritten(end2);
        var (third, end3) = spool.ReadChunk(10);
        Assert.True(spool.HasRows);
        spool.MarkWritten(end3);

        Assert.Equal(rows, [.. first, .. second, .. third]);
        Assert.Equal([10, 10, 5], new[] { first.Count, second.Count, third.Count });
        Assert.False(spool.HasRows);
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Spool_LargerThanAChunk_IsAllWrittenAtTheNextStart_NoRowTwice()
    {
        var (access, store) = AccessFleet.NewSetup();
        var spoolPath = Path.Combine(Path.GetDirectoryName(store["sqlite:".Length..])!, "spool.jsonl");
        var count = (UsageLedgerWriter.ReplayChunkRows * 2) + 7;
        await new UsageSpool(spoolPath).AppendAsync(Enumerable.Range(0, count).Select(i => new UsageRecord
        {
            Time = DateTimeOffset.UnixEpoch, KeyId = "key_spooled", Model = "glm-5.2", Backend = "127.0.0.1:1", PromptTokens = 1, Status = 200,
        }).ToList());
        await using (var fleet = await AccessFleet.StartAsync(store: store, access: access with { UsageSpool = spoolPath }))
        {
            await Poll.UntilAsync(() => Task.FromResult(!new UsageSpool(spoolPath).HasRows), RunningFleet.Patience, "the spool written");
        }
        Assert.Equal(count, (await RowsAsync(store)).Count(r => r.Key == "key_spooled"));
    }

    [Fact]
    public async Task Spool_KeepsPoolProviderCostAndTeam_SoASpilledRowIsBilledAfterAnOutage()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("llmfleet-spool-").FullName, "spool.jsonl");
        UsageRecord spilled = new()
        {
            Time = DateTimeOffset.UnixEpoch, KeyId = "k", Model = "glm-5.2", Backend = "api.example.com:443", Status = 200,
            Pool = "glm-api", Provider = "api.example.com", CostUsd = 0.000123456789m, Team = "research",
        };
        UsageRecord local = new() { Time = DateTimeOffset.UnixEpoch, Model = "glm-5.2", Backend = "127.0.0.1:1", Status = 200 };
        await new UsageSpool(path).AppendAsync([spilled, local]);

        Assert.Equal([spilled, local], new UsageSpool(path).ReadChunk(10).Rows);
    }
}
