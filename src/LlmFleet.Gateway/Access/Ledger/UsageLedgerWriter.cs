using LlmFleet.Gateway.Access.Stores;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>
/// The only writer of the usage ledger: takes rows from <see cref="UsageLedger"/> and commits them in one transaction
/// per batch, every <see cref="FlushInterval"/> or every <see cref="BatchRows"/> rows, whichever comes first (a writer
/// that is behind takes all that is queued, up to <see cref="SpoolBatchRows"/>). A batch
/// the store does not take within <see cref="StoreTimeout"/> goes to the <see cref="UsageSpool"/> file (fsync'd), and
/// so does everything queued after it until the spool has been written to the store (tried every
/// <see cref="RetryDelay"/> once the store answers a one-row query, then a chunk between each two batches),
/// so rows stay in order and the queue never backs up behind a dead store. On shutdown — after the web server has
/// finished its requests — it drains the queue completely. A SIGKILL loses only the rows not yet committed or spooled:
/// those of requests that ended in the last flush interval. At start, rows a killed gateway had spooled are written.
/// </summary>
internal sealed partial class UsageLedgerWriter(UsageLedger ledger, IAccessStore store, UsageSpool spool, TimeProvider time, ILogger<UsageLedgerWriter> logger)
    : BackgroundService
{
    /// <summary>How long a batch may wait for the store before it is spooled instead.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(5);

    private long _lastReplay;

    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    public const int BatchRows = 500;

    /// <summary>Most rows in one transaction or spool append when the writer is behind: what the queue holds at most.</summary>
    public const int SpoolBatchRows = 10_000;

    /// <summary>Spooled rows written per transaction after an outage: small enough that the queue, drained between
    /// chunks, stays far from full at thousands of rows a second (10,000 a chunk overflowed it on a loaded machine).</summary>
    public const int ReplayChunkRows = 2_000;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private bool _storeAnswered;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = ledger.Reader;
        var batch = new List<UsageRecord>(BatchRows);
        await TryReplayAsync(force: true);
        // The loop ends when the channel is completed and empty (see StopAsync), not on stoppingToken: shutdown drains.
        while (await WaitForRowsAsync(reader))
        {
            var deadline = time.GetTimestamp();
            while (batch.Count < BatchRows)
            {
                if (reader.TryRead(out var row))
                {
                    batch.Add(row);
                    continue;
                }
                var left = FlushInterval - time.GetElapsedTime(deadline);
                if (left <= TimeSpan.Zero || reader.Completion.IsCompleted)
                {
                    break;
                }
                using var wait = new CancellationTokenSource(left, time);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            if (batch.Count == BatchRows || spool.HasRows)
            {
                // Behind (a full batch and more queued), or the store is down and every batch goes to the spool: take
                // all that is queued, for one transaction or one append and fsync. At 500 rows a round the writer fell
                // behind a busy gateway during a 60 s outage and its queue overflowed (bench/chaos/postgres-outage.sh).
                while (batch.Count < SpoolBatchRows && reader.TryRead(out var more))
                {
                    batch.Add(more);
                }
            }
            await WriteAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    /// <summary>True when rows are waiting, or when the spool holds rows and it is time to try the store again; false
    /// once the queue is completed and empty.</summary>
    private async Task<bool> WaitForRowsAsync(System.Threading.Channels.ChannelReader<UsageRecord> reader)
    {
        while (spool.HasRows)
        {
            if (_storeAnswered)
            {
                // The store takes the spool: the next chunk now, unless new rows wait to be taken first.
                if (reader.TryPeek(out _))
                {
                    return true;
                }
                await TryReplayAsync(force: false);
                continue;
            }
            using var retry = new CancellationTokenSource(RetryDelay, time);
            try
            {
                return await reader.WaitToReadAsync(retry.Token);
            }
            catch (OperationCanceledException)
            {
                await TryReplayAsync(force: false);
            }
        }
        return await reader.WaitToReadAsync(CancellationToken.None);
    }

    private async Task WriteAsync(List<UsageRecord> batch, CancellationToken stoppingToken)
    {
        if (batch.Count > 0 && !spool.HasRows && await TryStoreAsync(batch, 1))
        {
            return;
        }
        if (batch.Count > 0)
        {
            try
            {
                await spool.AppendAsync(batch);
                Log.Spooled(logger, batch.Count, spool.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Neither the store nor the disk takes them: counted as dropped, never a reason to stop serving.
                ledger.CountDropped(batch.Count);
                Log.SpoolFailed(logger, batch.Count, spool.Path, e.Message);
            }
        }
        await TryReplayAsync(force: stoppingToken.IsCancellationRequested);
    }

    /// <summary>Writes the next chunk of the spool (<see cref="ReplayChunkRows"/> rows) to the store in one transaction;
    /// after a failure, not again before <see cref="RetryDelay"/>, and only once the store answers.</summary>
    private async Task TryReplayAsync(bool force)
    {
        if (!spool.HasRows || (!force && _lastReplay != 0 && time.GetElapsedTime(_lastReplay) < RetryDelay))
        {
            return;
        }
        _lastReplay = time.GetTimestamp();
        // After a failure, ask the store first: reading spooled rows each second only to find the store still down
        // would take the writer's time from spooling what keeps coming.
        if (!_storeAnswered && !await StoreAnswersAsync())
        {
            return;
        }
        var (rows, end) = spool.ReadChunk(ReplayChunkRows);
        _storeAnswered = rows.Count == 0 || await TryStoreAsync(rows, 1);
        if (_storeAnswered)
        {
            spool.MarkWritten(end);
            _lastReplay = 0; // the next chunk right away, between batches of new rows
            if (rows.Count > 0)
            {
                Log.Replayed(logger, rows.Count, store.Description);
            }
        }
    }

    private async Task<bool> StoreAnswersAsync()
    {
        using var timeout = new CancellationTokenSource(StoreTimeout, time);
        try
        {
            await store.SchemaVersionAsync(timeout.Token);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            Log.StillDown(logger, store.Description, spool.Path, e.Message);
            return false;
        }
    }

    private async Task<bool> TryStoreAsync(List<UsageRecord> rows, int attempt)
    {
        using var timeout = new CancellationTokenSource(StoreTimeout, time);
        try
        {
            await store.AppendUsageAsync(rows, timeout.Token);
            ledger.Written(rows.Count);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            Log.WriteFailed(logger, rows.Count, store.Description, attempt, e.Message);
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        ledger.Complete();
        await base.StopAsync(cancellationToken);
        // base.StopAsync returns when ExecuteAsync ends or the host's shutdown deadline passes; wait for the drain
        // itself so nothing is lost on a clean stop.
        if (ExecuteTask is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Could not write {Rows} usage rows to {Store} (attempt {Attempt}): {Message}")]
        public static partial void WriteFailed(ILogger logger, int rows, string store, int attempt, string message);

        [LoggerMessage(2, LogLevel.Warning, "Spooled {Rows} usage rows to {Path} until the store takes them")]
        public static partial void Spooled(ILogger logger, int rows, string path);

        [LoggerMessage(4, LogLevel.Error, "Lost {Rows} usage rows: the store is down and the spool {Path} cannot be written: {Message}")]
        public static partial void SpoolFailed(ILogger logger, int rows, string path, string message);

        [LoggerMessage(5, LogLevel.Warning, "Usage store {Store} does not answer; rows stay in the spool {Path}: {Message}")]
        public static partial void StillDown(ILogger logger, string store, string path, string message);

        [LoggerMessage(3, LogLevel.Information, "Wrote {Rows} spooled usage rows to {Store}")]
        public static partial void Replayed(ILogger logger, int rows, string store);
    }
}
