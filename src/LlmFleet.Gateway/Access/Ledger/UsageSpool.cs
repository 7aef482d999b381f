using System.Globalization;
using System.Text.Json;

namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>
/// The ledger's local spool: while the store cannot take rows, <see cref="UsageLedgerWriter"/> appends each batch here
/// (one JSON object per line, flushed to disk with fsync before the batch counts as kept) and, when the store answers
/// again, writes the file to it a chunk at a time, recording after each committed chunk how far it got (the byte
/// offset, in <c>PATH.written</c>, fsync'd), so the writer can spool what keeps coming between chunks instead of
/// stopping until a long outage's rows are all in. Once all is written the file is emptied. A gateway killed meanwhile
/// finds the file at its next start and goes on from the recorded offset. A kill between a chunk's commit and the
/// offset's fsync would write that chunk twice.
/// </summary>
internal sealed class UsageSpool(string path)
{
    public string Path { get; } = path;

    private string WrittenPath => Path + ".written";

    /// <summary>True while the file holds rows not yet written to the store.</summary>
    public bool HasRows => File.Exists(Path) && new FileInfo(Path).Length > WrittenOffset();

    /// <summary>Where the rows not yet in the store start: the offset the last committed chunk ended at.</summary>
    private long WrittenOffset() =>
        File.Exists(WrittenPath) && long.TryParse(File.ReadAllText(WrittenPath), NumberStyles.None, CultureInfo.InvariantCulture, out var at) ? at : 0;

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

    /// <summary>
    /// Up to <paramref name="maxRows"/> rows not yet in the store, and the offset to record with
    /// <see cref="MarkWritten"/> once they are. A line cut short by a kill mid-write is skipped.
    /// </summary>
    public (List<UsageRecord> Rows, long End) ReadChunk(int maxRows)
    {
        var rows = new List<UsageRecord>();
        if (!File.Exists(Path))
        {
            return (rows, 0);
        }
        using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Position = Math.Min(WrittenOffset(), file.Length);
        using var buffered = new BufferedStream(file, 1 << 16);
        var line = new List<byte>(256);
        var at = file.Position;
        int b;
        while (rows.Count < maxRows && (b = buffered.ReadByte()) >= 0)
        {
            at++;
            if (b != '\n')
            {
                line.Add((byte)b);
                continue;
            }
            if (Parse(line.ToArray()) is { } row)
            {
                rows.Add(row);
            }
            line.Clear();
        }
        // Bytes after the last newline at the end of the file are an append a kill cut short: nothing follows them.
        return (rows, at);
    }

    /// <summary>Records that the rows up to <paramref name="end"/> are in the store (fsync'd); empties the spool when
    /// that is all of it.</summary>
    public void MarkWritten(long end)
    {
        if (end >= new FileInfo(Path).Length)
        {
            Clear();
            return;
        }
        using var file = new FileStream(WrittenPath, FileMode.Create, FileAccess.Write);
        file.Write(System.Text.Encoding.ASCII.GetBytes(end.ToString(CultureInfo.InvariantCulture)));
        file.Flush(flushToDisk: true);
    }

    private static UsageRecord? Parse(byte[] line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            return new UsageRecord
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
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A line cut short by a kill mid-append (and the row appended after it on the same line).
            return null;
        }
    }

    /// <summary>Empties the file once its rows are in the store (fsync'd, so a restart does not write them again).</summary>
    private void Clear()
    {
        using (var file = new FileStream(Path, FileMode.Truncate, FileAccess.Write))
        {
            file.Flush(flushToDisk: true);
        }
        File.Delete(WrittenPath);
    }
}
