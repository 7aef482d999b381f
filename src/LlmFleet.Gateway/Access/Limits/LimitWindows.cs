namespace LlmFleet.Gateway.Access.Limits;

/// <summary>
/// The UTC windows a moment falls in: its minute, day and calendar month, with when each ends. Per-minute limits slide:
/// they count this minute's requests plus the previous minute's weighted by how much of it still lies within the last
/// 60 s (<see cref="PreviousMinuteWeight"/>), so no burst passes at a minute boundary. Budgets keep their calendar day
/// and month.
/// </summary>
public readonly record struct LimitWindows(long Minute, long Day, long Month, DateTimeOffset MinuteEnd, DateTimeOffset DayEnd, DateTimeOffset MonthEnd)
{
    /// <summary>The share of the previous minute that lies within the 60 s ending now: 1 at a minute's start, 0 at its end.</summary>
    public double PreviousMinuteWeight { get; init; }

    /// <summary>The sliding count of a per-minute limit: this minute's plus the previous minute's, weighted.</summary>
    public long Sliding(long thisMinute, long previousMinute) => thisMinute + (long)Math.Floor(previousMinute * PreviousMinuteWeight);

    public static LimitWindows At(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var seconds = utc.ToUnixTimeSeconds();
        var minute = Math.DivRem(seconds, 60, out var r) - (r < 0 ? 1 : 0);
        var dayStart = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        var monthStart = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return new LimitWindows(
            minute,
            dayStart.ToUnixTimeSeconds() / 86400,
            (utc.Year * 12L) + utc.Month - 1,
            DateTimeOffset.FromUnixTimeSeconds((minute + 1) * 60),
            dayStart.AddDays(1),
            monthStart.AddMonths(1))
        {
            PreviousMinuteWeight = 1.0 - ((utc.ToUnixTimeMilliseconds() - (minute * 60_000)) / 60_000.0),
        };
    }

    public static DateTimeOffset DayStart(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    public static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
}
