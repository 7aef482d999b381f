using System.Globalization;

namespace LlmFleet.Cli.Infrastructure;

/// <summary>Human formatting: sizes in GB (10^9 bytes), parameter counts in B/M.</summary>
public static class Units
{
    public static string Gb(double bytes) => (bytes / 1e9).ToString(bytes >= 100e9 ? "N0" : "N1", CultureInfo.InvariantCulture) + " GB";

    public static string Params(long count) => count switch
    {
        >= 1_000_000_000 => (count / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (count / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        _ => count.ToString("N0", CultureInfo.InvariantCulture),
    };

    public static string Tokens(long count) => count switch
    {
        >= 1_048_576 when count % 1_048_576 == 0 => $"{count / 1_048_576}M",
        >= 1024 when count % 1024 == 0 => $"{count / 1024}K",
        _ => count.ToString("N0", CultureInfo.InvariantCulture),
    };
}
