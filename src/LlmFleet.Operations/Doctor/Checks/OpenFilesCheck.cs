using System.Globalization;

namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>
/// The open-file limit of processes started from here (<c>/proc/self/limits</c>): a server holding thousands of
/// client connections plus hundreds of mapped weight shards runs out at the common default of 1024.
/// </summary>
public sealed class OpenFilesCheck : IDoctorCheck
{
    public const long Recommended = 65_536;

    public string Id => "open-files";

    public Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var line = context.Files.Read("/proc/self/limits")?.Split('\n').FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        if (line is null)
        {
            return Task.FromResult(CheckResult.Skipped(Id, "skipped: /proc/self/limits cannot be read (not Linux?)"));
        }
        var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var soft = Parse(parts[0]);
        var hard = Parse(parts[1]);
        string[] evidence = [$"open files: soft limit {parts[0]}, hard limit {parts[1]}"];
        if (soft >= Recommended)
        {
            return Task.FromResult(CheckResult.Pass(Id, $"open-file limit {parts[0]}", evidence));
        }
        var fix = hard >= Recommended
            ? $"Raise the soft limit before starting the server: `ulimit -n {Recommended}` (systemd: LimitNOFILE={Recommended})."
            : $"Raise the hard limit in /etc/security/limits.conf (`* hard nofile {Recommended}`) or the unit's LimitNOFILE, then `ulimit -n {Recommended}`.";
        return Task.FromResult(new CheckResult(Id, CheckStatus.Warning, $"open-file limit is {parts[0]}, below {Recommended}", evidence, fix));
    }

    private static long Parse(string value) =>
        value == "unlimited" ? long.MaxValue : long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
