using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>
/// <c>POST /v1/responses</c> as vLLM reads it (vllm/entrypoints/openai/responses/protocol.py, <c>ResponsesRequest</c>):
/// the fields that change what is generated or kept. Unknown fields are ignored, as vLLM does.
/// </summary>
public sealed class ResponsesRequest
{
    public string? Model { get; set; }

    /// <summary>A string, or a list of messages (<c>role</c> and <c>content</c>: a string or <c>input_text</c> parts).</summary>
    public JsonElement? Input { get; set; }

    /// <summary>A system message put before the input.</summary>
    public string? Instructions { get; set; }

    public int? MaxOutputTokens { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public int? TopLogprobs { get; set; }

    public long? Seed { get; set; }

    public bool? Stream { get; set; }

    /// <summary>Keep the response for <c>GET /v1/responses/{id}</c> (OpenAI's default is true; vLLM keeps it only with
    /// <c>VLLM_ENABLE_RESPONSES_API_STORE=1</c>, otherwise it silently does not).</summary>
    public bool? Store { get; set; }

    /// <summary>Answer at once with status <c>queued</c> and generate on; needs the store.</summary>
    public bool? Background { get; set; }

    /// <summary>A stored response whose input and output come before this input.</summary>
    public string? PreviousResponseId { get; set; }

    public JsonElement? Metadata { get; set; }

    public string? User { get; set; }

    public string? ServiceTier { get; set; }

    public string? Truncation { get; set; }

    public bool? ParallelToolCalls { get; set; }
}

/// <summary>vLLM's <c>ResponsesResponse</c>; written with every field, nulls included, as pydantic's <c>model_dump</c>.</summary>
public sealed class ResponsesResponse
{
    public string Id { get; set; } = "";

    public long CreatedAt { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IncompleteDetails? IncompleteDetails { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Instructions { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Metadata { get; set; }

    public string Model { get; set; } = "";

    public string Object { get; set; } = "response";

    public List<ResponseOutputItem> Output { get; set; } = [];

    public bool ParallelToolCalls { get; set; } = true;

    public double Temperature { get; set; } = 1.0;

    public string ToolChoice { get; set; } = "auto";

    public List<JsonElement> Tools { get; set; } = [];

    public double TopP { get; set; } = 1.0;

    public bool Background { get; set; }

    public int MaxOutputTokens { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? MaxToolCalls { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousResponseId { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Prompt { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Reasoning { get; set; }

    public string ServiceTier { get; set; } = "auto";

    /// <summary><c>queued</c>, <c>in_progress</c>, <c>completed</c>, <c>incomplete</c>, <c>cancelled</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "completed";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Text { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? TopLogprobs { get; set; }

    public string Truncation { get; set; } = "disabled";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ResponseUsage? Usage { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? User { get; set; }
}

/// <summary>Why a response is <c>incomplete</c>: <c>max_output_tokens</c>.</summary>
public sealed record IncompleteDetails(string Reason);

/// <summary>
/// One output item: a <c>message</c> (role <c>assistant</c>, <c>output_text</c> parts) or a <c>reasoning</c> item
/// (<c>reasoning_text</c> parts), as vLLM's <c>_make_response_output_items</c> builds them.
/// </summary>
public sealed class ResponseOutputItem
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "message";

    /// <summary><c>assistant</c> for a message; absent for reasoning.</summary>
    public string? Role { get; set; }

    /// <summary>Reasoning items carry an empty summary.</summary>
    public List<JsonElement>? Summary { get; set; }

    public List<ResponseContentPart> Content { get; set; } = [];

    /// <summary><c>in_progress</c> or <c>completed</c>; null for a finished reasoning item, as vLLM writes it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Status { get; set; }

    public static ResponseOutputItem Message(string id, string status, string? text) => new()
    {
        Id = id,
        Type = "message",
        Role = "assistant",
        Status = status,
        Content = text is null ? [] : [ResponseContentPart.OutputText(text)],
    };

    public static ResponseOutputItem ReasoningItem(string id, string? status, string? text) => new()
    {
        Id = id,
        Type = "reasoning",
        Summary = [],
        Status = status,
        Content = text is null ? [] : [new ResponseContentPart { Type = "reasoning_text", Text = text }],
    };
}

/// <summary>A part of an output item: <c>output_text</c> (with its annotations) or <c>reasoning_text</c>.</summary>
public sealed class ResponseContentPart
{
    public string Type { get; set; } = "output_text";

    public string Text { get; set; } = "";

    public List<JsonElement>? Annotations { get; set; }

    public static ResponseContentPart OutputText(string text) => new() { Text = text, Annotations = [] };
}

/// <summary>The Responses API's usage: input and output tokens with their details.</summary>
public sealed class ResponseUsage
{
    public int InputTokens { get; set; }

    public InputTokensDetails InputTokensDetails { get; set; } = new();

    public int OutputTokens { get; set; }

    public OutputTokensDetails OutputTokensDetails { get; set; } = new();

    public int TotalTokens { get; set; }
}

public sealed class InputTokensDetails
{
    public int CachedTokens { get; set; }
}

public sealed class OutputTokensDetails
{
    public int ReasoningTokens { get; set; }
}

/// <summary>
/// One event of a streamed response. vLLM frames each as <c>event: {type}</c> and <c>data: {json}</c> lines
/// (api_router.py, <c>_convert_stream_to_sse_events</c>) and ends the stream after <c>response.completed</c>, with no
/// <c>[DONE]</c>. Which fields are set depends on <see cref="Type"/>.
/// </summary>
public sealed class ResponseStreamEvent
{
    /// <summary>The whole response: <c>response.created</c>, <c>response.in_progress</c>, <c>response.completed</c>.</summary>
    public ResponsesResponse? Response { get; set; }

    public int? OutputIndex { get; set; }

    public string? ItemId { get; set; }

    public int? ContentIndex { get; set; }

    public ResponseOutputItem? Item { get; set; }

    public ResponseContentPart? Part { get; set; }

    public string? Delta { get; set; }

    public string? Text { get; set; }

    public List<JsonElement>? Logprobs { get; set; }

    public int SequenceNumber { get; set; }

    public string Type { get; set; } = "";
}
