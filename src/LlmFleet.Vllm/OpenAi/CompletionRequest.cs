using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary><c>POST /v1/completions</c>: a raw prompt (string, or token ids), no chat template.</summary>
public sealed class CompletionRequest
{
    public string? Model { get; set; }

    /// <summary>A string, a list of strings, a list of token ids, or a list of such lists; only one prompt is served here.</summary>
    public JsonElement? Prompt { get; set; }

    public int? MaxTokens { get; set; }

    public int? N { get; set; }

    [JsonConverter(typeof(StringOrListConverter))]
    public IReadOnlyList<string>? Stop { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public long? Seed { get; set; }

    public int? Logprobs { get; set; }

    public bool? Echo { get; set; }

    public string? User { get; set; }

    public bool? IgnoreEos { get; set; }

    public int? MinTokens { get; set; }
}
