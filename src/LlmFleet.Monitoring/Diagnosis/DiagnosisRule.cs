namespace LlmFleet.Monitoring.Diagnosis;

/// <summary>
/// One symptom from the operations checklist ("when requests time out or fail, what to check first"), as a test over
/// one backend in the context of the whole fleet (some symptoms only show against peers).
/// </summary>
/// <param name="Check">Evidence when the symptom is present, else null.</param>
public sealed record DiagnosisRule(string Name, string Severity, string LikelyCause, string Fix, Func<BackendView, FleetSnapshot, string?> Check);
