using System.Globalization;
using LlmFleet.Gateway.Access.Keys;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LlmFleet.Gateway.Access.Limits;

/// <summary>
/// Counters in Redis, shared by every gateway replica: one Lua script checks every limit of a key and counts the
/// request only when all pass, atomically (Redis runs a script alone), so N replicas admit exactly what one would.
/// Window counters expire with their window; in-flight slots are members of a sorted set scored by when they lapse
/// (<see cref="SlotLifetime"/>), so slots of a replica that died free themselves. Windows come from the gateway's
/// clock (keep replicas on NTP). Per-minute limits slide: the previous minute's counter, weighted, is added
/// (<see cref="LimitWindows.Sliding"/>). When Redis cannot be reached, <c>on_store_failure</c> decides: <c>open</c>
/// admits and counts the request in <see cref="OutageCounts"/>, whose counts are added to Redis when it answers again
/// (so the window after an outage holds what was admitted during it: no burst); <c>closed</c> refuses with 503.
/// </summary>
internal sealed partial class RedisLimits : IRateLimits
{
    /// <summary>Longest a request holds an in-flight slot if its gateway dies before releasing it.</summary>
    public static readonly TimeSpan SlotLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Kept past a window's end, so replicas whose clocks differ slightly still see the same counter.</summary>
    private const long ExpiryMarginMs = 5000;

    private const string AcquireScript = """
        local est = tonumber(ARGV[6])
        local function used(k) return tonumber(redis.call('GET', k) or '0') end
        local w = tonumber(ARGV[14])
        local function sliding(k, prev) return used(k) + math.floor(used(prev) * w) end
        if tonumber(ARGV[1]) >= 0 and sliding(KEYS[1], KEYS[6]) + 1 > tonumber(ARGV[1]) then return {1, ARGV[7]} end
        if tonumber(ARGV[2]) >= 0 and sliding(KEYS[2], KEYS[7]) + est > tonumber(ARGV[2]) then return {2, ARGV[7]} end
        if tonumber(ARGV[3]) >= 0 and used(KEYS[3]) + est > tonumber(ARGV[3]) then return {3, ARGV[8]} end
        if tonumber(ARGV[4]) >= 0 and used(KEYS[4]) + est > tonumber(ARGV[4]) then return {4, ARGV[9]} end
        if tonumber(ARGV[5]) >= 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', ARGV[10])
          if redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[5]) then return {5, 1000} end
          redis.call('ZADD', KEYS[5], tonumber(ARGV[10]) + tonumber(ARGV[11]), ARGV[12])
          redis.call('PEXPIRE', KEYS[5], ARGV[11])
        end
        local margin = tonumber(ARGV[13])
        local minuteTtl = tonumber(ARGV[7]) + 60000 + margin -- kept through the next minute, which weighs it
        if tonumber(ARGV[1]) >= 0 then redis.call('INCR', KEYS[1]); redis.call('PEXPIRE', KEYS[1], minuteTtl) end
        if est > 0 then
          if tonumber(ARGV[2]) >= 0 then redis.call('INCRBY', KEYS[2], est); redis.call('PEXPIRE', KEYS[2], minuteTtl) end
          if tonumber(ARGV[3]) >= 0 then redis.call('INCRBY', KEYS[3], est); redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[8]) + margin) end
          if tonumber(ARGV[4]) >= 0 then redis.call('INCRBY', KEYS[4], est); redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[9]) + margin) end
        end
        return {0, 0}
        """;

    private const string ReleaseScript = """
        local delta = tonumber(ARGV[1])
        if delta ~= 0 then
          for i = 1, 3 do
            if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBY', KEYS[i], delta) end
          end
        end
        if ARGV[2] ~= '' then redis.call('ZREM', KEYS[4], ARGV[2]) end
        return 0
        """;

    private readonly ConnectionMultiplexer _redis;
    private readonly ILogger _logger;
    private readonly bool _failClosed;
    private readonly OutageCounts _outage = new();
    private long _errors;

    private RedisLimits(ConnectionMultiplexer redis, ILogger logger, bool failClosed)
    {
        _redis = redis;
        _logger = logger;
        _failClosed = failClosed;
    }

    /// <summary>Requests admitted (open) or refused (closed) because Redis could not be asked.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <param name="onStoreFailure"><see cref="Configuration.LimitsConfigParser.Open"/> or <see cref="Configuration.LimitsConfigParser.Closed"/>.</param>
    public static async Task<RedisLimits> ConnectAsync(string url, ILogger logger, string onStoreFailure = Configuration.LimitsConfigParser.Open)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(Options(url));
        return new RedisLimits(redis, logger, onStoreFailure == Configuration.LimitsConfigParser.Closed);
    }

    /// <summary><c>redis://[:password@]host:port[/db]</c> as StackExchange.Redis options.</summary>
    public static ConfigurationOptions Options(string url)
    {
        var uri = new Uri(url);
        // FailFast: while the connection is down a command fails at once (and on_store_failure decides) instead of
        // waiting in a backlog for the timeout, which would add seconds to every request of an outage.
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false, ConnectTimeout = 2000, SyncTimeout = 2000, AsyncTimeout = 2000, BacklogPolicy = BacklogPolicy.FailFast,
        };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            if (parts.Length == 2)
            {
                options.User = parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null;
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
            else
            {
                options.Password = Uri.UnescapeDataString(parts[0]);
            }
        }
        if (int.TryParse(uri.AbsolutePath.Trim('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var db))
        {
            options.DefaultDatabase = db;
        }
        return options;
    }

    public async ValueTask<LimitDecision> AcquireAsync(ApiKeyRecord key, long estimatedTokens, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var w = LimitWindows.At(now);
        var tokens = key.CountsTokens ? estimatedTokens : 0;
        var slot = key.Parallel is null ? null : Guid.NewGuid().ToString("N");
        var keys = Keys(key.Id, w);
        RedisValue[] args =
        [
            key.Rpm ?? -1, key.Tpm ?? -1, key.BudgetTokensDay ?? -1, key.BudgetTokensMonth ?? -1, key.Parallel ?? -1,
            tokens, Ms(w.MinuteEnd - now), Ms(w.DayEnd - now), Ms(w.MonthEnd - now),
            now.ToUnixTimeMilliseconds(), (long)SlotLifetime.TotalMilliseconds, slot ?? "", ExpiryMarginMs,
            w.PreviousMinuteWeight.ToString("R", CultureInfo.InvariantCulture),
        ];
        try
        {
            var db = _redis.GetDatabase();
            if (!_outage.IsEmpty)
            {
                await _outage.ReplayAsync(db, now, ExpiryMarginMs);
                Log.Replayed(_logger);
            }
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(AcquireScript, keys, args))!;
            var kind = (LimitKind)(int)result[0];
            if (kind != LimitKind.None)
            {
                return LimitDecision.Refuse(kind, TimeSpan.FromMilliseconds((long)result[1]));
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException or RedisTimeoutException)
        {
            Interlocked.Increment(ref _errors);
            if (_failClosed)
            {
                Log.RedisFailedClosed(_logger, e.Message);
                return LimitDecision.Refuse(LimitKind.StoreUnavailable, TimeSpan.FromSeconds(1));
            }
            Log.RedisFailed(_logger, e.Message);
            _outage.Add(key, w, tokens);
            return LimitDecision.Admit(new LimitTicket(key, w, 0));
        }
        return LimitDecision.Admit(new LimitTicket(key, w, tokens) { Slot = slot });
    }

    public void Release(LimitTicket ticket, long actualTokens)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!ticket.TryMarkReleased() || (ticket.Slot is null && !ticket.Key.CountsTokens))
        {
            return;
        }
        var keys = Keys(ticket.Key.Id, ticket.Windows);
        var delta = ticket.Key.CountsTokens ? actualTokens - ticket.EstimatedTokens : 0;
        try
        {
            // Fire and forget: the response has ended; the client does not wait for the correction.
            _redis.GetDatabase().ScriptEvaluate(ReleaseScript, [keys[1], keys[2], keys[3], keys[4]],
                [delta, (ticket.Slot as string) ?? ""], CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            Interlocked.Increment(ref _errors);
            Log.RedisFailed(_logger, e.Message);
        }
    }

    public void SeedBudgets(IReadOnlyDictionary<string, long> today, IReadOnlyDictionary<string, long> thisMonth, DateTimeOffset now)
    {
        // Redis keeps its own counters across gateway restarts.
    }

    /// <summary>The counters of one key; <c>{id}</c> is a hash tag, so a key's counters share a cluster slot. The last
    /// two are the previous minute's rpm and tpm counters, which the sliding limits weigh.</summary>
    internal static RedisKey[] Keys(string id, LimitWindows w)
    {
        var p = "llmfleet:{" + id + "}:";
        return
        [
            p + "rpm:" + w.Minute.ToString(CultureInfo.InvariantCulture),
            p + "tpm:" + w.Minute.ToString(CultureInfo.InvariantCulture),
            p + "day:" + w.Day.ToString(CultureInfo.InvariantCulture),
            p + "month:" + w.Month.ToString(CultureInfo.InvariantCulture),
            p + "inflight",
            p + "rpm:" + (w.Minute - 1).ToString(CultureInfo.InvariantCulture),
            p + "tpm:" + (w.Minute - 1).ToString(CultureInfo.InvariantCulture),
        ];
    }

    private static long Ms(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds));

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Redis limits unavailable, request admitted and counted locally (on_store_failure: open): {Message}")]
        public static partial void RedisFailed(ILogger logger, string message);

        [LoggerMessage(2, LogLevel.Warning, "Redis limits unavailable, request refused with 503 (on_store_failure: closed): {Message}")]
        public static partial void RedisFailedClosed(ILogger logger, string message);

        [LoggerMessage(3, LogLevel.Information, "Redis limits answer again: added the requests admitted during the outage to its counters")]
        public static partial void Replayed(ILogger logger);
    }
}
