using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Limits;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>Per-minute limits slide over the last 60 s, in this process and in Redis alike: no double burst at a
/// minute boundary. The limits take the moment as an argument, so the tests walk a clock across a boundary.</summary>
public sealed class SlidingLimitTests
{
    private static readonly DateTimeOffset LateInMinute = new(2026, 3, 2, 12, 0, 50, TimeSpan.Zero);

    [Fact]
    public async Task InProcess_Rpm10_FullMinuteThen40sLater_AdmitsOnlyWhatSlidOut()
    {
        await using var limits = new InProcessLimits();
        await AssertSlidesAsync(limits, NewKey());
    }

    [Fact]
    public async Task Redis_Rpm10_FullMinuteThen40sLater_AdmitsOnlyWhatSlidOut()
    {
        await using var limits = await RedisLimits.ConnectAsync(ServiceEnvironment.RedisUrl(), NullLogger.Instance);
        await AssertSlidesAsync(limits, NewKey());
    }

    private static async Task AssertSlidesAsync(IRateLimits limits, ApiKeyRecord key)
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await limits.AcquireAsync(key, 0, LateInMinute, ct)).Allowed);
        }
        Assert.False((await limits.AcquireAsync(key, 0, LateInMinute, ct)).Allowed);
        // 12:01:30: half of the previous minute lies in the last 60 s, so 10 × 0.5 = 5 still count and 5 requests
        // pass. A fixed window would admit 10 more here: 20 within 40 s.
        var next = LateInMinute.AddSeconds(40);
        var admitted = 0;
        for (var i = 0; i < 10; i++)
        {
            admitted += (await limits.AcquireAsync(key, 0, next, ct)).Allowed ? 1 : 0;
        }
        Assert.Equal(5, admitted);
        // Two minutes on, the burst has slid out entirely.
        Assert.True((await limits.AcquireAsync(key, 0, LateInMinute.AddMinutes(2), ct)).Allowed);
    }

    private static ApiKeyRecord NewKey() => new()
    {
        Id = "key_" + Guid.NewGuid().ToString("N"),
        Name = "sliding",
        CreatedAt = LateInMinute.AddDays(-1),
        Hash = new byte[32],
        Last4 = "test",
        Rpm = 10,
    };
}
