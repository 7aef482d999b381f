using System.Text.Json;

namespace LlmFleet.Vllm.OpenAi;

/// <summary><c>POST /v1/embeddings</c>: <c>input</c> is a string, a list of strings, or token ids.</summary>
public sealed class EmbeddingRequest
{
    public string? Model { get; set; }

    public JsonElement? Input { get; set; }

    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32).</summary>
    public string? EncodingFormat { get; set; }

    /// <summary>Matryoshka truncation; vLLM rejects it for models that do not support it, the twin truncates.</summary>
    public int? Dimensions { get; set; }

    public string? User { get; set; }
}

public sealed class EmbeddingResponse
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "list";

    public long Created { get; set; }

    public string Model { get; set; } = "";

    public List<EmbeddingData> Data { get; set; } = [];

    public Usage Usage { get; set; } = new();
}

public sealed class EmbeddingData
{
    public int Index { get; set; }

    public string Object { get; set; } = "embedding";

    /// <summary>A list of floats, or a base64 string when <c>encoding_format</c> is <c>base64</c>.</summary>
    public object Embedding { get; set; } = Array.Empty<float>();
}
