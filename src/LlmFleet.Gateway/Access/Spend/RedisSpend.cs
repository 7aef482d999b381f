using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Configuration;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LlmFleet.Gateway.Access.Spend;

/// <summary>
/// Spend counters in Redis (<c>limits: redis://…</c>), shared by every replica, under their own keys
/// (<c>llmfleet:spend:…</c>) apart from the rate-limit counters: the admission check reads the key's and team's
/// counters in one round trip; the cost of a finished request is added by one script (INCRBY and expiry at the end of
/// the window plus a margin), fire and forget. When Redis cannot be reached the request is admitted and the error
/// logged, as the rate limits do.
/// </summary>
internal sealed partial class RedisSpend : ISpendCounters
{
    private const string Prefix = "llmfleet:spend:";

    /// <summary>Kept past a window's end, so replicas whose clocks differ slightly still see the same counter.</summary>
    private const long ExpiryMarginMs = 60_000;

    private const string AddScript = """
        for i = 1, #KEYS do
          redis.call('INCRBY', KEYS[i], ARGV[1])
          redis.call('PEXPIRE', KEYS[i], ARGV[i + 1])
        end
        return 0
        """;

    private readonly ConnectionMultiplexer _redis;
    private readonly ILogger _logger;

    private RedisSpend(ConnectionMultiplexer redis, ILogger logger)
    {
        _redis = redis;
        _logger = logger;
    }

    public static async Task<RedisSpend> ConnectAsync(string url, ILogger logger) =>
        new(await ConnectionMultiplexer.ConnectAsync(RedisLimits.Options(url)), logger);

    public async ValueTask<SpendRefusal?> CheckAsync(ApiKeyRecord key, TeamBudget? team, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var budgets = SpendBudgets.For(key, team, LimitWindows.At(now)).ToArray();
        if (budgets.Length == 0)
        {
            return null;
        }
        RedisValue[] values;
        try
        {
            values = await _redis.GetDatabase().StringGetAsync(budgets.Select(b => (RedisKey)(Prefix + b.Counter)).ToArray());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Log.RedisFailed(_logger, e.Message);
            return null;
        }
        for (var i = 0; i < budgets.Length; i++)
        {
            var spent = values[i].TryParse(out long micros) ? micros : 0;
            if (spent >= budgets[i].LimitMicros)
            {
                var b = budgets[i];
                return new SpendRefusal(b.Scope, b.Period, SpendBudgets.Dollars(b.LimitMicros), SpendBudgets.Dollars(spent), b.End - now);
            }
        }
        return null;
    }

    public void Add(ApiKeyRecord key, decimal usd, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var micros = SpendBudgets.Micros(usd);
        if (micros <= 0)
        {
            return;
        }
        var counters = SpendBudgets.Counters(key, LimitWindows.At(now)).ToArray();
        RedisValue[] args = [micros, .. counters.Select(c => (RedisValue)((long)Math.Ceiling((c.End - now).TotalMilliseconds) + ExpiryMarginMs))];
        try
        {
            _redis.GetDatabase().ScriptEvaluate(AddScript, counters.Select(c => (RedisKey)(Prefix + c.Counter)).ToArray(), args, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            Log.RedisFailed(_logger, e.Message);
        }
    }

    public void Seed(IReadOnlyList<ApiKeyRecord> keys, IReadOnlyDictionary<string, decimal> today, IReadOnlyDictionary<string, decimal> thisMonth, DateTimeOffset now)
    {
        // Redis keeps its counters across gateway restarts.
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Redis spend counters unavailable, request admitted without its dollar budget: {Message}")]
        public static partial void RedisFailed(ILogger logger, string message);
    }
}
