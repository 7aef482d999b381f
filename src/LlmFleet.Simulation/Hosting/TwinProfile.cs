using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Performance;
using LlmFleet.Vllm.Versions;

namespace LlmFleet.Simulation.Hosting;

/// <summary>
/// What a twin stands for once its options are resolved: the served name, the context limit, the KV-cache capacity
/// and the step times, the last two from the planner for the model, quantization and hardware.
/// </summary>
public sealed record TwinProfile
{
    /// <summary>The name clients send as <c>model</c> and <c>/v1/models</c> lists.</summary>
    public required string ServedModelName { get; init; }

    /// <summary>What was given to <c>vllm serve</c>: the Hugging Face repo id (or the config's path).</summary>
    public required string Root { get; init; }

    public required long MaxModelLen { get; init; }

    /// <summary>vLLM's "GPU KV cache size: N tokens".</summary>
    public required long KvCacheTokens { get; init; }

    public required IStepTimeModel StepTime { get; init; }

    /// <summary>The model's hidden size: the embedding width of a pooling twin.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Whether chat output starts with reasoning (<see cref="VllmWire.ReasoningField"/>).</summary>
    public required bool Reasoning { get; init; }

    /// <summary><c>--kv-cache-dtype</c>, as <c>vllm:cache_config_info</c> shows it.</summary>
    public string KvCacheDtype { get; init; } = "auto";

    /// <summary><c>--gpu-memory-utilization</c>, as <c>vllm:cache_config_info</c> shows it.</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>The vLLM version whose wire the twin speaks.</summary>
    public required VllmWire Wire { get; init; }

    public int KvCacheBlocks => (int)Math.Min(int.MaxValue, KvCacheTokens / Engine.KvBlockPool.BlockSize);

    /// <summary>Resolves the model and asks the planner (unless the options override KV capacity and step times).</summary>
    /// <exception cref="ArgumentException">Bad options, or a model that does not fit (vLLM would not start).</exception>
    /// <exception cref="LlmFleet.Catalog.CatalogException">Unknown model.</exception>
    public static TwinProfile Create(TwinOptions options)
    {
        options.Validate();
        var source = ModelSource.Resolve(options.Model);
        var root = source.Entry?.HfRepo ?? options.Model;
        var (kvTokens, stepTime, plannedContext) = options is { KvCacheTokens: { } kv, StepTimeModel: { } st }
            ? (kv, st, Math.Min(source.Architecture.MaxContext, kv))
            : PlannerProfile.Plan(options, source);
        var maxModelLen = options.MaxModelLen ?? plannedContext;
        if (maxModelLen > kvTokens)
        {
            throw new ArgumentException(
                $"To serve at least one request with the model's max seq len ({maxModelLen}), more KV cache is needed than " +
                $"the GPUs hold ({kvTokens} tokens). Try decreasing --max-model-len, or add GPUs.");
        }
        var reasoning = options.ReasoningParser switch
        {
            "none" => false,
            "auto" => source.Architecture.ModelType.StartsWith("glm", StringComparison.OrdinalIgnoreCase),
            _ => true,
        };
        return new TwinProfile
        {
            ServedModelName = options.ServedModelName ?? root,
            Root = root,
            MaxModelLen = maxModelLen,
            KvCacheTokens = kvTokens,
            StepTime = stepTime,
            HiddenSize = source.Architecture.HiddenSize,
            Reasoning = reasoning,
            Wire = VllmWire.Get(options.VllmVersion),
            KvCacheDtype = options.KvDtype,
            GpuMemoryUtilization = options.GpuMemoryUtilization,
        };
    }
}
