using System.Globalization;

namespace LlmFleet.Gateway.Configuration;

/// <summary>Durations as <c>fleet.yaml</c> writes them: a number and a unit, <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c>
/// (<c>250ms</c>, <c>5s</c>, <c>2m</c>); a bare number is seconds.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var s = (text ?? "").Trim();
        var (digits, scale) = s switch
        {
            _ when s.EndsWith("ms", StringComparison.Ordinal) => (s[..^2], 0.001),
            _ when s.EndsWith('s') => (s[..^1], 1.0),
            _ when s.EndsWith('m') => (s[..^1], 60.0),
            _ when s.EndsWith('h') => (s[..^1], 3600.0),
            _ => (s, 1.0),
        };
        if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || double.IsInfinity(number))
        {
            return false;
        }
        value = TimeSpan.FromSeconds(number * scale);
        return true;
    }

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 == 0 ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s" : $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
}
