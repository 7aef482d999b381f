using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>
/// The fields <see cref="ChatCompletionRequest"/> and <see cref="CompletionRequest"/> share, as vLLM accepts them:
/// the model, the output limit, sampling, stop strings, streaming and the vLLM extras that change what is generated.
/// Unknown fields are ignored, as vLLM does.
/// </summary>
public abstract class GenerationRequest
{
    public string? Model { get; set; }

    /// <summary>The output limit. Chat: deprecated by OpenAI in favour of <c>max_completion_tokens</c>, and vLLM honours
    /// both; text completions: OpenAI's default is 16.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Number of choices to generate (default 1).</summary>
    public int? N { get; set; }

    [JsonConverter(typeof(StringOrListConverter))]
    public IReadOnlyList<string>? Stop { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public long? Seed { get; set; }

    public string? User { get; set; }

    /// <summary>vLLM extra: keep generating until the token limit even when the model would stop.</summary>
    public bool? IgnoreEos { get; set; }

    /// <summary>vLLM extra: generate at least this many tokens before a stop may end the output.</summary>
    public int? MinTokens { get; set; }

    /// <summary>vLLM extra: log probabilities of the prompt's tokens, with this many most likely alternatives each
    /// (0: the prompt's token alone; -1: as many as allowed). Not with <c>stream</c>.</summary>
    public int? PromptLogprobs { get; set; }
}
