namespace LlmFleet.Operations.Doctor;

/// <summary>One thing <c>llmfleet doctor</c> checks about the host before the first <c>vllm serve</c>.</summary>
public interface IDoctorCheck
{
    /// <summary>Stable id, used in <c>--json</c> and in messages.</summary>
    string Id { get; }

    Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken);
}
