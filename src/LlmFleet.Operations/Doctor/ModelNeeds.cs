namespace LlmFleet.Operations.Doctor;

/// <summary>
/// The planner's figures for the named model on this host, as the doctor's checks use them.
/// </summary>
/// <param name="WeightsBytes">Bytes of weights on disk and to load.</param>
/// <param name="OffloadBytes">Weight bytes kept in system RAM (MoE experts offloaded by llama.cpp or vLLM's --cpu-offload-gb).</param>
/// <param name="Fits">The planner's verdict for the GPUs found; null when it was not asked (no GPU, GPU not catalogued).</param>
/// <param name="Verdict">The planner's verdict in words, with the layout it chose.</param>
/// <param name="Absent">Why there are no figures (no model named, planner error); null when there are.</param>
public sealed record ModelNeeds(string? ModelId, long WeightsBytes, long OffloadBytes, bool? Fits, string? Verdict,
    IReadOnlyList<string> Evidence, string? Fix, string? Absent)
{
    public static ModelNeeds None(string why) => new(null, 0, 0, null, null, [], null, why);
}

/// <summary>Asks the planner what the named model needs on the host the context describes.</summary>
public interface IModelNeedsSource
{
    Task<ModelNeeds> GetAsync(DoctorContext context);
}
