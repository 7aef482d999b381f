using System.Text.Json;

namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>
/// The ledger's local spool: while the store cannot take rows, <see cref="UsageLedgerWriter"/> appends each batch here
/// (one JSON object per line, flushed to disk with fsync before the batch counts as kept) and writes the file to the
/// store, in one transaction, when it answers again; then the file is emptied. A gateway killed meanwhile finds the
/// file at its next start and writes it then. A kill between that transaction's commit and the emptying would write
/// the spooled rows twice; the window is one fsync'd truncate long.
/// </summary>
internal sealed class UsageSpool(string path)
{
    public string Path { get; } = path;

    public bool HasRows => File.Exists(Path) && new FileInfo(Path).Length > 0;

    /// <summary>Appends <paramref name="rows"/> and fsyncs.</summary>
    public async Task AppendAsync(IReadOnlyList<UsageRecord> rows)
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }
        await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        await using (var json = new Utf8JsonWriter(file))
        {
            foreach (var r in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("t", r.Time.ToUnixTimeMilliseconds());
                json.WriteString("key", r.KeyId);
                json.WriteString("model", r.Model);
                json.WriteString("backend", r.Backend);
                json.WriteNumber("prompt", r.PromptTokens);
                json.WriteNumber("completion", r.CompletionTokens);
                json.WriteNumber("cached", r.CachedTokens);
                json.WriteNumber("latency", r.LatencySeconds);
                if (r.TtftSeconds is { } ttft)
                {
                    json.WriteNumber("ttft", ttft);
                }
                json.WriteNumber("status", r.Status);
                if (r.Pool is { } pool)
                {
                    json.WriteString("pool", pool);
                }
                if (r.Provider is { } provider)
                {
                    json.WriteString("provider", provider);
                }
                json.WriteNumber("cost", r.CostUsd);
                if (r.Team is { } team)
                {
                    json.WriteString("team", team);
                }
                json.WriteEndObject();
                await json.FlushAsync();
                file.WriteByte((byte)'\n');
                json.Reset(); // one JSON value per line
            }
        }
        file.Flush(flushToDisk: true);
    }

    /// <summary>Every row spooled; a line cut short by a kill mid-write is skipped.</summary>
    public List<UsageRecord> ReadAll()
    {
        var rows = new List<UsageRecord>();
        if (!File.Exists(Path))
        {
            return rows;
        }
        foreach (var line in File.ReadLines(Path))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                rows.Add(new UsageRecord
                {
                    Time = DateTimeOffset.FromUnixTimeMilliseconds(o.GetProperty("t").GetInt64()),
                    KeyId = o.GetProperty("key").GetString(),
                    Model = o.GetProperty("model").GetString()!,
                    Backend = o.GetProperty("backend").GetString()!,
                    PromptTokens = o.GetProperty("prompt").GetInt64(),
                    CompletionTokens = o.GetProperty("completion").GetInt64(),
                    CachedTokens = o.GetProperty("cached").GetInt64(),
                    LatencySeconds = o.GetProperty("latency").GetDouble(),
                    TtftSeconds = o.TryGetProperty("ttft", out var ttft) ? ttft.GetDouble() : null,
                    Status = o.GetProperty("status").GetInt32(),
                    Pool = o.TryGetProperty("pool", out var pool) ? pool.GetString() : null,
                    Provider = o.TryGetProperty("provider", out var provider) ? provider.GetString() : null,
                    CostUsd = o.TryGetProperty("cost", out var cost) ? cost.GetDecimal() : 0m,
                    Team = o.TryGetProperty("team", out var team) ? team.GetString() : null,
                });
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // The last line of a gateway killed mid-append: the rows before it are whole.
            }
        }
        return rows;
    }

    /// <summary>Empties the file once its rows are in the store (fsync'd, so a restart does not write them again).</summary>
    public void Clear()
    {
        using var file = new FileStream(Path, FileMode.Truncate, FileAccess.Write);
        file.Flush(flushToDisk: true);
    }
}
