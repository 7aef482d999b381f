using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>A non-streamed text completion (<c>object: "text_completion"</c>).</summary>
public sealed class CompletionResponse : IGenerationResponse
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "text_completion";

    public long Created { get; set; }

    public string Model { get; set; } = "";

    public List<CompletionChoice> Choices { get; set; } = [];

    public Usage Usage { get; set; } = new();
}

public sealed class CompletionChoice
{
    public int Index { get; set; }

    public string Text { get; set; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CompletionLogprobs? Logprobs { get; set; }

    /// <summary>vLLM extra, for this choice's prompt: null unless asked for (<see cref="PromptLogprob"/>; the first entry is null).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<Dictionary<int, PromptLogprob>?>? PromptLogprobs { get; set; }

    public string FinishReason { get; set; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; set; }
}
