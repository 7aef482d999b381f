namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>The planner's verdict on whether the named model, at the chosen quantization, fits the GPUs found.</summary>
public sealed class ModelFitCheck : IDoctorCheck
{
    public string Id => "model-fit";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var needs = await context.ModelNeedsAsync();
        if (needs.Absent is not null)
        {
            return CheckResult.Skipped(Id, $"skipped: {needs.Absent}");
        }
        return needs.Fits switch
        {
            true => new CheckResult(Id, CheckStatus.Pass, needs.Verdict!, needs.Evidence),
            false => new CheckResult(Id, CheckStatus.Fail, needs.Verdict!, needs.Evidence, needs.Fix),
            null => new CheckResult(Id, CheckStatus.Skipped, needs.Verdict!, needs.Evidence),
        };
    }
}
