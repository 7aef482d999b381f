using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>vLLM's <c>UsageInfo</c>: token counts of one request (all choices together).</summary>
public sealed class Usage
{
    public int PromptTokens { get; set; }

    public int TotalTokens { get; set; }

    public int CompletionTokens { get; set; }

    /// <summary>Present when vLLM runs with <c>--enable-prompt-tokens-details</c>; null otherwise.</summary>
    public PromptTokensDetails? PromptTokensDetails { get; set; }

    public static Usage Of(int promptTokens, int completionTokens) =>
        new() { PromptTokens = promptTokens, CompletionTokens = completionTokens, TotalTokens = promptTokens + completionTokens };
}

public sealed class PromptTokensDetails
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? CachedTokens { get; set; }
}
