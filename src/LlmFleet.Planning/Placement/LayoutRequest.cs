namespace LlmFleet.Planning.Placement;

/// <summary>
/// The parallel layout a user asks for with vLLM's own flags; a null member is left to the planner. When any member
/// is set, the plan is computed for exactly that layout (and says so when it does not fit).
/// </summary>
public sealed record LayoutRequest(int? TensorParallel = null, int? PipelineParallel = null, int? DataParallel = null,
    bool? ExpertParallel = null)
{
    public bool IsEmpty => TensorParallel is null && PipelineParallel is null && DataParallel is null && ExpertParallel is null;
}
