namespace LlmFleet.Operations.Doctor;

/// <summary>Every check's result, in the order they ran.</summary>
public sealed record DoctorReport(IReadOnlyList<CheckResult> Checks)
{
    /// <summary>True unless a check failed; warnings and skips do not fail the host.</summary>
    public bool Ok => Checks.All(c => c.Status != CheckStatus.Fail);

    public IReadOnlyList<string> SkippedChecks => [.. Checks.Where(c => c.Status == CheckStatus.Skipped).Select(c => c.Check)];
}
