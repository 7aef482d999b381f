using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>A non-streamed chat completion (<c>object: "chat.completion"</c>).</summary>
public sealed class ChatCompletionResponse : IGenerationResponse
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "chat.completion";

    public long Created { get; set; }

    public string Model { get; set; } = "";

    public List<ChatChoice> Choices { get; set; } = [];

    public Usage Usage { get; set; } = new();

    /// <summary>vLLM extra, for the whole prompt: null unless asked for (<see cref="PromptLogprob"/>; the first entry is null).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<Dictionary<int, PromptLogprob>?>? PromptLogprobs { get; set; }
}

public sealed class ChatChoice
{
    public int Index { get; set; }

    public ChatResponseMessage Message { get; set; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChatLogprobs? Logprobs { get; set; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>abort</c>.</summary>
    public string FinishReason { get; set; } = "";

    /// <summary>vLLM extra: the stop string that ended the output, or null for EOS / length.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; set; }
}

/// <summary>
/// The assistant message of a choice; <c>reasoning_content</c> is what a reasoning parser (GLM) split off (vLLM after
/// 0.11 names it <c>reasoning</c>: <see cref="VllmJson.ChatCompletionResponseWith"/>).
/// </summary>
public sealed class ChatResponseMessage
{
    public string Role { get; set; } = "assistant";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ReasoningContent { get; set; }

    public List<ToolCall> ToolCalls { get; set; } = [];
}
