using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Placement;
using LlmFleet.Planning.Data;

namespace LlmFleet.Planning.Memory;

/// <summary>One vLLM start-up log from <c>Data/Calibration/vllm-startup-kv.json</c>: a deployment and the KV-cache
/// figures vLLM printed for it (null where that line was not printed).</summary>
/// <param name="KvCacheTokens">"GPU KV cache size: N tokens" (per data-parallel replica).</param>
/// <param name="MaxConcurrency">"Maximum concurrency for M tokens per request: X.XXx" (per replica).</param>
/// <param name="AvailableKvGib">"Available KV cache memory: G GiB" (per GPU).</param>
/// <param name="Excluded">Why the entry is left out of the KV-token check, or null.</param>
public sealed record StartupKvLog(
    string Id,
    string Model,
    string HfModel,
    string Quant,
    string Gpu,
    int Gpus,
    int TensorParallel,
    int PipelineParallel,
    int DataParallel,
    bool ExpertParallel,
    double GpuMemoryUtilization,
    long MaxModelLen,
    string KvDtype,
    string? EngineVersion,
    long? KvCacheTokens,
    double? MaxConcurrency,
    double? AvailableKvGib,
    string Source,
    string Date,
    string Quote,
    string Notes,
    string? Excluded)
{
    /// <summary>The layout as vLLM's flags name it, e.g. <c>4×h100 TP4</c> or <c>8×a100 PP8</c>.</summary>
    public string Layout =>
        $"{Gpus}×{Gpu}" + (TensorParallel > 1 || (PipelineParallel == 1 && DataParallel == 1) ? $" TP{TensorParallel}" : "")
        + (PipelineParallel > 1 ? $" PP{PipelineParallel}" : "") + (DataParallel > 1 ? $" DP{DataParallel}" : "")
        + (ExpertParallel ? " EP" : "");
}

/// <summary>The planner's figures for one start-up log, in vLLM's units.</summary>
/// <param name="KvCacheTokens">Tokens the KV cache of one replica holds (0 when the planner says it does not fit).</param>
/// <param name="MaxConcurrency">Sequences of the logged max_model_len per replica, as vLLM prints it (tokens / length).</param>
/// <param name="AvailableKvGib">KV budget of one GPU in GiB (negative when the weights do not fit).</param>
/// <param name="Fits">Whether the planner finds room for one full-context sequence.</param>
public sealed record StartupKvPrediction(long KvCacheTokens, double MaxConcurrency, double AvailableKvGib, bool Fits);

/// <summary>
/// Published vLLM start-up logs and what the planner predicts for each: the deployment is planned in its own layout
/// (GPU, GPU count, TP/PP/DP/EP, gpu_memory_utilization, KV dtype) and the plan's KV budget and KV tokens are compared
/// with vLLM's "Available KV cache memory" and "GPU KV cache size" lines.
/// </summary>
public static class StartupKvLogs
{
    private const double Gib = 1024.0 * 1024 * 1024;

    public static IReadOnlyList<StartupKvLog> All { get; } = Load();

    /// <summary>Plans <paramref name="log"/>'s deployment exactly as it was launched.</summary>
    /// <exception cref="PlanningException">The deployment cannot be planned (unknown model, GPU or format).</exception>
    public static DeploymentPlan Plan(StartupKvLog log)
    {
        var model = ModelSource.Resolve(log.Model);
        // vLLM's --max-model-len may exceed the catalog's maximum (a later checkpoint of the same shapes); the KV
        // tokens do not depend on it, the concurrency is recomputed below at the logged length.
        var context = Math.Min(log.MaxModelLen, model.Architecture.MaxContext);
        var request = new PlanRequest(model, log.Quant, log.Gpu, log.Gpus, Context: context, KvDtype: log.KvDtype,
            GpuMemoryUtilization: log.GpuMemoryUtilization,
            Layout: new LayoutRequest(log.TensorParallel, log.PipelineParallel, log.DataParallel, log.ExpertParallel));
        return Planner.Plan(request);
    }

    /// <summary>The planner's start-up figures for <paramref name="log"/>.</summary>
    /// <exception cref="PlanningException">The deployment cannot be planned.</exception>
    public static StartupKvPrediction Predict(StartupKvLog log)
    {
        var p = Plan(log);
        // KvCacheTokens is 0 in a plan that does not fit; vLLM's line (when it starts) is the budget's capacity.
        var tokens = Math.Max(0, p.KvCacheBudgetBytesPerGpu) / Math.Max(1, p.KvCacheBytesPerToken);
        // vLLM prints tokens / max_model_len for models whose every layer keeps the whole context.
        return new StartupKvPrediction(tokens, tokens / (double)log.MaxModelLen, p.KvCacheBudgetBytesPerGpu / Gib, p.Fits);
    }

    /// <summary>The relative error (planner − logged) / logged of the KV tokens; null where no token line was printed.</summary>
    public static double? TokenError(StartupKvLog log, StartupKvPrediction p) =>
        log.KvCacheTokens is { } logged ? p.KvCacheTokens / (double)logged - 1 : null;

    /// <summary>The planner's KV budget minus the logged one, in GiB; null where no memory line was printed.</summary>
    public static double? BudgetErrorGib(StartupKvLog log, StartupKvPrediction p) =>
        log.AvailableKvGib is { } logged ? p.AvailableKvGib - logged : null;

    private static List<StartupKvLog> Load() => EmbeddedData.ReadList("Calibration/vllm-startup-kv.json", "logs", PlanningDataJsonContext.Default.StartupKvLog);
}
