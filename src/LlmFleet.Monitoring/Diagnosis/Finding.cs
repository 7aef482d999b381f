namespace LlmFleet.Monitoring.Diagnosis;

/// <summary>One symptom found on one backend: what was seen, the likely cause and what to do.</summary>
public sealed record Finding(string Rule, string Severity, int BackendId, string Backend, string Evidence, string LikelyCause, string Fix);

/// <summary>What <c>llmfleet diagnose</c> prints: every finding, worst first.</summary>
public sealed record DiagnosisReport(DateTimeOffset TakenAt, int BackendsChecked, IReadOnlyList<Finding> Findings)
{
    public bool Healthy => Findings.Count == 0;
}
