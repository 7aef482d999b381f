using System.Text.Json;

namespace LlmFleet.Vllm.OpenAi;

/// <summary><c>POST /v1/completions</c>: a raw prompt (string, or token ids), no chat template, with the shared
/// <see cref="GenerationRequest"/> fields.</summary>
public sealed class CompletionRequest : GenerationRequest
{
    /// <summary>A string, a list of strings, a list of token ids, or a list of such lists; only one prompt is served here.</summary>
    public JsonElement? Prompt { get; set; }

    public int? Logprobs { get; set; }

    public bool? Echo { get; set; }
}
