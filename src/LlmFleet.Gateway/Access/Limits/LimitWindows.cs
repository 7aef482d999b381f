namespace LlmFleet.Gateway.Access.Limits;

/// <summary>The fixed UTC windows a moment falls in: its minute, day and calendar month, with when each ends.</summary>
public readonly record struct LimitWindows(long Minute, long Day, long Month, DateTimeOffset MinuteEnd, DateTimeOffset DayEnd, DateTimeOffset MonthEnd)
{
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
            monthStart.AddMonths(1));
    }

    public static DateTimeOffset DayStart(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    public static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
}
