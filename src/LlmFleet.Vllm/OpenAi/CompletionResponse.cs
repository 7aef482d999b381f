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

    public string FinishReason { get; set; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; set; }
}
