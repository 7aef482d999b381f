using System.Globalization;

namespace LlmFleet.Gateway.Hosting;

/// <summary>
/// The process's open-files limit (the soft <c>RLIMIT_NOFILE</c>, read from <c>/proc/self/limits</c>), which every
/// client connection, upstream connection and file counts against. Null where it cannot be read (not Linux) or is
/// unlimited.
/// </summary>
internal static class OpenFilesLimit
{
    public static long? Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No procfs: Kestrel's own default (no limit) stands.
        }
        return null;
    }
}
