using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Access.Spend;

/// <summary>The budgets that apply to one key, and the counter names both implementations use for them.</summary>
internal static class SpendBudgets
{
    public const long MicrosPerDollar = 1_000_000;

    /// <summary>Up to four (scope, period, counter, budget in micro-dollars, window end) entries: key day/month, team day/month.</summary>
    public static IEnumerable<Budget> For(ApiKeyRecord key, TeamBudget? team, LimitWindows w)
    {
        if (key.BudgetUsdDay is { } kd)
        {
            yield return new("key", "day", KeyCounter(key.Id, "day", w.Day), Micros(kd), w.DayEnd);
        }
        if (key.BudgetUsdMonth is { } km)
        {
            yield return new("key", "month", KeyCounter(key.Id, "month", w.Month), Micros(km), w.MonthEnd);
        }
        if (key.Team is { } name && team?.UsdDay is { } td)
        {
            yield return new("team", "day", TeamCounter(name, "day", w.Day), Micros(td), w.DayEnd);
        }
        if (key.Team is { } name2 && team?.UsdMonth is { } tm)
        {
            yield return new("team", "month", TeamCounter(name2, "month", w.Month), Micros(tm), w.MonthEnd);
        }
    }

    /// <summary>Every counter a key's spend goes into (its own and its team's, day and month), budget or not, so a
    /// budget set later counts what was already spent.</summary>
    public static IEnumerable<(string Counter, DateTimeOffset End)> Counters(ApiKeyRecord key, LimitWindows w)
    {
        yield return (KeyCounter(key.Id, "day", w.Day), w.DayEnd);
        yield return (KeyCounter(key.Id, "month", w.Month), w.MonthEnd);
        if (key.Team is { } team)
        {
            yield return (TeamCounter(team, "day", w.Day), w.DayEnd);
            yield return (TeamCounter(team, "month", w.Month), w.MonthEnd);
        }
    }

    public static long Micros(decimal usd) => (long)Math.Round(usd * MicrosPerDollar, MidpointRounding.AwayFromZero);

    public static decimal Dollars(long micros) => (decimal)micros / MicrosPerDollar;

    public static string KeyCounter(string id, string period, long window) => $"key:{id}:{period}:{window}";

    public static string TeamCounter(string team, string period, long window) => $"team:{team}:{period}:{window}";

    public readonly record struct Budget(string Scope, string Period, string Counter, long LimitMicros, DateTimeOffset End);
}
