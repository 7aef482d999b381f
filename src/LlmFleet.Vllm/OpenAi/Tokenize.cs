using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>
/// <c>POST /tokenize</c>: either <c>prompt</c> (completion style) or <c>messages</c> (chat style, rendered with the
/// chat template).
/// </summary>
public sealed class TokenizeRequest
{
    public string? Model { get; set; }

    public string? Prompt { get; set; }

    public List<ChatMessage>? Messages { get; set; }

    public bool? AddSpecialTokens { get; set; }

    public bool? AddGenerationPrompt { get; set; }

    public bool? ReturnTokenStrs { get; set; }
}

public sealed class TokenizeResponse
{
    public int Count { get; set; }

    public long MaxModelLen { get; set; }

    public IReadOnlyList<int> Tokens { get; set; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<string>? TokenStrs { get; set; }
}

/// <summary><c>POST /detokenize</c>.</summary>
public sealed class DetokenizeRequest
{
    public string? Model { get; set; }

    public List<int> Tokens { get; set; } = [];
}

public sealed class DetokenizeResponse
{
    public string Prompt { get; set; } = "";
}
