using System.Globalization;

namespace LlmFleet.Operations.Doctor;

/// <summary>Sizes in the words checks print: GB are 10^9 bytes (as the rest of llmfleet prints them), GiB 2^30.</summary>
internal static class Sizes
{
    public static string Gb(long bytes) => (bytes / 1e9).ToString(bytes >= 100e9 ? "N0" : "N1", CultureInfo.InvariantCulture) + " GB";

    public static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB";
}
