using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c> as vLLM accepts it: the shared <see cref="GenerationRequest"/> fields plus the
/// messages, tools and the vLLM extra <c>chat_template_kwargs</c>. Unknown fields are ignored, as vLLM does.
/// </summary>
public sealed class ChatCompletionRequest : GenerationRequest
{
    public List<ChatMessage> Messages { get; set; } = [];

    public int? MaxCompletionTokens { get; set; }

    public bool? Logprobs { get; set; }

    public int? TopLogprobs { get; set; }

    /// <summary><c>json_object</c> or <c>json_schema</c>: the answer is JSON (that validates against the schema).</summary>
    public ResponseFormat? ResponseFormat { get; set; }

    public List<ToolDefinition>? Tools { get; set; }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c>, or <c>{"type":"function","function":{"name":…}}</c>.</summary>
    public JsonElement? ToolChoice { get; set; }

    /// <summary>vLLM extra passed to the chat template; GLM reads <c>enable_thinking</c>.</summary>
    public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; set; }

    /// <summary>The output limit a request asks for: <c>max_completion_tokens</c> wins over <c>max_tokens</c>.</summary>
    [JsonIgnore]
    public int? RequestedMaxTokens => MaxCompletionTokens ?? MaxTokens;

    /// <summary>The tool named by <c>tool_choice</c>, <c>"required"</c>, or null when the model may answer in text.</summary>
    [JsonIgnore]
    public string? ForcedToolChoice => ToolChoice switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString() == "required" ? "required" : null,
        { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("function", out var f) &&
            f.TryGetProperty("name", out var name) => name.GetString(),
        _ => null,
    };

    /// <summary>True when <c>tool_choice</c> is <c>"none"</c>.</summary>
    [JsonIgnore]
    public bool ToolsDisabled => ToolChoice is { ValueKind: JsonValueKind.String } s && s.GetString() == "none";

    /// <summary>GLM's switch: <c>chat_template_kwargs.enable_thinking</c> (default on).</summary>
    [JsonIgnore]
    public bool ThinkingEnabled =>
        ChatTemplateKwargs is null || !ChatTemplateKwargs.TryGetValue("enable_thinking", out var v) || v.ValueKind != JsonValueKind.False;
}

/// <summary>One message of a chat. <c>content</c> is a string or a list of parts; only text parts carry tokens here.</summary>
public sealed class ChatMessage
{
    public string Role { get; set; } = "";

    public JsonElement? Content { get; set; }

    public string? Name { get; set; }

    public List<ToolCall>? ToolCalls { get; set; }

    public string? ToolCallId { get; set; }

    /// <summary>Appends the message's text (string content, or the <c>text</c> of each part) to <paramref name="sb"/>.</summary>
    public void AppendText(StringBuilder sb)
    {
        switch (Content)
        {
            case { ValueKind: JsonValueKind.String } s:
                sb.Append(s.GetString());
                break;
            case { ValueKind: JsonValueKind.Array } parts:
                foreach (var part in parts.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) &&
                        text.ValueKind == JsonValueKind.String)
                    {
                        sb.Append(text.GetString());
                    }
                }
                break;
        }
    }
}

public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }

    /// <summary>vLLM extra: a usage object on every chunk.</summary>
    public bool? ContinuousUsageStats { get; set; }
}

public sealed class ToolDefinition
{
    public string Type { get; set; } = "function";

    public FunctionDefinition? Function { get; set; }
}

public sealed class FunctionDefinition
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>JSON Schema of the arguments.</summary>
    public JsonElement? Parameters { get; set; }
}

/// <summary>A tool call, in a request's assistant message or a response's message.</summary>
public sealed class ToolCall
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "function";

    public FunctionCall Function { get; set; } = new();
}

public sealed class FunctionCall
{
    public string Name { get; set; } = "";

    /// <summary>The arguments as a JSON text, as OpenAI sends them.</summary>
    public string Arguments { get; set; } = "";
}
