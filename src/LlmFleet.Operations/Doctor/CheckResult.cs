namespace LlmFleet.Operations.Doctor;

/// <summary>The verdict of one doctor check. Only <see cref="Fail"/> makes <c>doctor</c> exit with 1.</summary>
public enum CheckStatus
{
    Pass,
    Warning,
    Fail,

    /// <summary>Not applicable here (no GPU, no model named, engine needs no Python); the summary says why.</summary>
    Skipped,
}

/// <summary>What a check found: a one-line summary, the evidence it is based on, and what to do about it.</summary>
/// <param name="Check">The check's id (<c>nvidia-driver</c>, <c>disk-space</c>...).</param>
/// <param name="Evidence">The facts read (command output, file contents, figures), one per line.</param>
/// <param name="Fix">What to change, for a warning or failure; null when nothing needs doing.</param>
public sealed record CheckResult(string Check, CheckStatus Status, string Summary, IReadOnlyList<string> Evidence, string? Fix = null)
{
    public static CheckResult Pass(string check, string summary, params string[] evidence) => new(check, CheckStatus.Pass, summary, evidence);

    public static CheckResult Skipped(string check, string why) => new(check, CheckStatus.Skipped, why, []);
}
