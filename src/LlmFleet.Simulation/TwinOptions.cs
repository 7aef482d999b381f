using System.Globalization;
using LlmFleet.Planning.Performance;
using LlmFleet.Vllm.Versions;

namespace LlmFleet.Simulation;

/// <summary>
/// How to start one vLLM twin: the deployment it stands for (model, quantization, hardware) and the vLLM engine
/// arguments it honours. Defaults are vLLM's where vLLM has one.
/// </summary>
public sealed record TwinOptions
{
    /// <summary>A catalog id (<c>llmfleet models</c>), a config.json path or a folder holding one. Default <c>glm-5.2</c>.</summary>
    public string Model { get; init; } = "glm-5.2";

    /// <summary>Weight format, as the planner knows it (default <c>fp8</c>).</summary>
    public string Quantization { get; init; } = "fp8";

    /// <summary>GPU kind, as the planner knows it (default <c>h200</c>).</summary>
    public string Gpu { get; init; } = "h200";

    /// <summary>GPUs serving the model (default 8).</summary>
    public int Gpus { get; init; } = 8;

    /// <summary><c>--served-model-name</c>; default: what <c>vllm serve</c> would show, the model's Hugging Face repo id.</summary>
    public string? ServedModelName { get; init; }

    /// <summary><c>--max-num-seqs</c>: most sequences in one step (default 256).</summary>
    public int MaxNumSeqs { get; init; } = 256;

    /// <summary><c>--max-num-batched-tokens</c>: token budget of one step, prefill chunks included (default 8192).</summary>
    public int MaxNumBatchedTokens { get; init; } = 8192;

    /// <summary><c>--max-model-len</c>; default: the model's context, capped by what the KV cache holds.</summary>
    public long? MaxModelLen { get; init; }

    /// <summary><c>--gpu-memory-utilization</c> (default 0.9), passed to the planner.</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary><c>--kv-cache-dtype</c> (default <c>auto</c>), passed to the planner.</summary>
    public string KvDtype { get; init; } = "auto";

    /// <summary>How much faster than the model says time runs: 10 = ten times faster; 0 = no waiting at all (default 1).</summary>
    public double Speed { get; init; } = 1.0;

    /// <summary>Seed of the generated text and of fault draws (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>Faults shown from the start (default none).</summary>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary><c>--runner</c>: <c>generate</c> (default) or <c>pooling</c> (an embedding model: only <c>/v1/embeddings</c>).</summary>
    public string Runner { get; init; } = "generate";

    /// <summary>
    /// <c>--reasoning-parser</c>: <c>auto</c> (default: on for GLM models, as their recipes set <c>glm45</c>), <c>none</c>,
    /// or a parser name. With one, chat output starts with <c>reasoning_content</c>.
    /// </summary>
    public string ReasoningParser { get; init; } = "auto";

    /// <summary>
    /// <c>--vllm-version</c>: whose wire the twin speaks, <c>0.11</c>, <c>0.16</c> or <c>latest</c> (default): the
    /// reasoning field, error wording, metric families and <c>GET /version</c> (<see cref="VllmWire"/>).
    /// </summary>
    public string VllmVersion { get; init; } = "latest";

    /// <summary><c>--enable-prompt-tokens-details</c>: usage carries <c>prompt_tokens_details.cached_tokens</c> (default off).</summary>
    public bool EnablePromptTokensDetails { get; init; }

    /// <summary>
    /// <c>--enable-responses-store</c>, vLLM's <c>VLLM_ENABLE_RESPONSES_API_STORE=1</c>: <c>POST /v1/responses</c> keeps
    /// what it answers (for <c>GET /v1/responses/{id}</c>, <c>cancel</c>, <c>previous_response_id</c>) and may run in the
    /// background. Off (default), as in vLLM: <c>store</c> is silently ignored and <c>background</c> refused.
    /// </summary>
    public bool EnableResponsesStore { get; init; }

    /// <summary>
    /// <c>--api-key</c>: keys a client must send as <c>Authorization: Bearer</c> on every <c>/v1</c> path, as vLLM's
    /// authentication middleware asks; other paths (<c>/health</c>, <c>/metrics</c>, <c>/tokenize</c>) stay open, as in
    /// vLLM. Empty (default): no key needed.
    /// </summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>The clock of the engine and the timestamps in responses (default the system clock).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Step times to use instead of the planner's (tests, what-if runs); null: the planner's.</summary>
    public IStepTimeModel? StepTimeModel { get; init; }

    /// <summary>KV-cache capacity in tokens to use instead of the planner's; null: the planner's.</summary>
    public long? KvCacheTokens { get; init; }

    /// <exception cref="ArgumentException">A value out of range, naming the option.</exception>
    public TwinOptions Validate()
    {
        Require(Gpus >= 1, $"--gpus must be at least 1, got {Gpus}");
        Require(MaxNumSeqs >= 1, $"--max-num-seqs must be at least 1, got {MaxNumSeqs}");
        Require(MaxNumBatchedTokens >= 16, $"--max-num-batched-tokens must be at least 16, got {MaxNumBatchedTokens}");
        Require(MaxModelLen is null or >= 16, $"--max-model-len must be at least 16, got {MaxModelLen}");
        Require(Speed >= 0 && double.IsFinite(Speed), $"--speed must be 0 or a positive number, got {Speed.ToString(CultureInfo.InvariantCulture)}");
        Require(Runner is "generate" or "pooling", $"--runner must be generate or pooling, got '{Runner}'");
        Require(KvCacheTokens is null or >= 16, $"KV cache must hold at least one block of 16 tokens, got {KvCacheTokens}");
        Require(GpuMemoryUtilization is > 0 and <= 1, "--gpu-memory-utilization must be in (0, 1]");
        _ = VllmWire.Get(VllmVersion);
        Require(ApiKeys.All(k => k.Length > 0), "--api-key must not be empty");
        Faults.Validate();
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }
}
