using LlmFleet.Gateway.Access.Stores;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>
/// The only writer of the usage ledger: takes rows from <see cref="UsageLedger"/> and commits them in one transaction
/// per batch, every <see cref="FlushInterval"/> or every <see cref="BatchRows"/> rows, whichever comes first. A failed
/// batch is retried (the queue fills meanwhile, and overflow is counted as dropped). On shutdown — after the web
/// server has finished its requests — it drains the queue completely. A SIGKILL loses the rows not yet committed:
/// those of requests that ended in the last flush interval, plus whatever a backlog had queued.
/// </summary>
internal sealed partial class UsageLedgerWriter(UsageLedger ledger, IAccessStore store, TimeProvider time, ILogger<UsageLedgerWriter> logger) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    public const int BatchRows = 500;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = ledger.Reader;
        var batch = new List<UsageRecord>(BatchRows);
        // The loop ends when the channel is completed and empty (see StopAsync), not on stoppingToken: shutdown drains.
        while (await reader.WaitToReadAsync(CancellationToken.None))
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
            await WriteAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<UsageRecord> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AppendUsageAsync(batch, CancellationToken.None);
                ledger.Written(batch.Count);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.WriteFailed(logger, batch.Count, store.Description, attempt, e.Message);
                if (stoppingToken.IsCancellationRequested && attempt >= 3)
                {
                    Log.Lost(logger, batch.Count);
                    return;
                }
                await Task.Delay(RetryDelay, time, CancellationToken.None);
            }
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

        [LoggerMessage(2, LogLevel.Error, "Gave up writing {Rows} usage rows at shutdown")]
        public static partial void Lost(ILogger logger, int rows);
    }
}
