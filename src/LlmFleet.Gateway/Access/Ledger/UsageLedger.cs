using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>
/// The request path's side of the usage ledger: <see cref="TryRecord"/> puts a row in a bounded channel and returns at
/// once; <see cref="UsageLedgerWriter"/> writes the rows in batches. When the channel is full (the store is down or too
/// slow) the row is dropped, counted in <c>llmfleet_usage_dropped_total</c> and logged (at most once per second, with
/// the count) — never hidden, and never blocking a request.
/// </summary>
public sealed partial class UsageLedger
{
    /// <summary>
    /// Rows the channel holds before dropping. It has to outlast the writer's longest wait — a store write that hangs
    /// until <see cref="UsageLedgerWriter.StoreTimeout"/> (5 s), or an fsync of the spool on a disk the store's own
    /// recovery keeps busy: 100,000 rows last 13 s at the 7,600 requests a second one gateway answered on 2 vCPUs,
    /// and the 5 s up to 20,000 a second. About 15 MB when full, nothing while the writer keeps up. 10,000 (1.3 s)
    /// dropped 28 rows as a PostgreSQL came back from a 60 s outage (docs/reliability.md).
    /// </summary>
    public const int DefaultCapacity = 100_000;

    private readonly Channel<UsageRecord> _channel;
    private readonly Counter _dropped;
    private readonly Counter _written;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _droppedSinceLog;
    private long _lastDropLog;

    public UsageLedger(CollectorRegistry registry, TimeProvider time, ILogger<UsageLedger> logger, int capacity = DefaultCapacity)
    {
        _channel = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full channel refuses, and the drop is counted here
            SingleReader = true,
            SingleWriter = false,
        });
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        _dropped = f.CreateCounter("llmfleet_usage_dropped_total", "Usage rows dropped because the ledger's queue was full (the store was down or too slow).");
        _written = f.CreateCounter("llmfleet_usage_written_total", "Usage rows committed to the store.");
        _time = time;
        _logger = logger;
    }

    /// <summary>Rows waiting to be written.</summary>
    public int Pending => _channel.Reader.Count;

    public long Dropped => (long)_dropped.Value;

    internal ChannelReader<UsageRecord> Reader => _channel.Reader;

    /// <summary>Queues a row; false (counted and logged) when the queue is full or the ledger has shut down.</summary>
    public bool TryRecord(in UsageRecord row)
    {
        if (_channel.Writer.TryWrite(row))
        {
            return true;
        }
        _dropped.Inc();
        Interlocked.Increment(ref _droppedSinceLog);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLog);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1)) && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            Log.Dropped(_logger, Interlocked.Exchange(ref _droppedSinceLog, 0), (long)_dropped.Value);
        }
        return false;
    }

    internal void Written(int rows) => _written.Inc(rows);

    /// <summary>Rows the writer could neither store nor spool.</summary>
    internal void CountDropped(int rows) => _dropped.Inc(rows);

    /// <summary>No more rows: the writer drains what is queued and stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Usage ledger queue full: dropped {Count} usage rows ({Total} in all); the store is down or too slow")]
        public static partial void Dropped(ILogger logger, long count, long total);
    }
}
