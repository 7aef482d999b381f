using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>
/// One token's log probability and the most likely alternatives at its position (most likely first); both null for a
/// prompt's first token, which has nothing before it (echoed prompts).
/// </summary>
public sealed record TokenLogprob(string Token, double? Logprob, IReadOnlyList<TopLogprob>? Top);

/// <summary>
/// One entry of vLLM's <c>prompt_logprobs</c> (its <c>Logprob</c>): the token's log probability, its rank among all
/// tokens at that position (1 = most likely) and its text.
/// </summary>
public sealed record PromptLogprob(double Logprob, int? Rank, string? DecodedToken);

/// <summary>One candidate token at a position.</summary>
public sealed record TopLogprob(string Token, double Logprob);

/// <summary>A chat choice's <c>logprobs</c>: vLLM's <c>ChatCompletionLogProbs</c>, one entry per generated token.</summary>
public sealed class ChatLogprobs
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<ChatLogprobEntry>? Content { get; set; }

    public static ChatLogprobs Of(IEnumerable<TokenLogprob> tokens) =>
        new() { Content = [.. tokens.Select(t => new ChatLogprobEntry(t.Token, t.Logprob ?? 0, Utf8(t.Token), [.. (t.Top ?? []).Select(a => new ChatTopLogprob(a.Token, a.Logprob, Utf8(a.Token)))]))] };

    public static int[] Utf8(string token) => [.. System.Text.Encoding.UTF8.GetBytes(token).Select(b => (int)b)];
}

public sealed record ChatLogprobEntry(string Token, double Logprob, int[] Bytes, List<ChatTopLogprob> TopLogprobs);

public sealed record ChatTopLogprob(string Token, double Logprob, int[] Bytes);

/// <summary>A text completion choice's <c>logprobs</c>: vLLM's <c>CompletionLogProbs</c> (parallel lists; a prompt token
/// echoed first has a null log probability and no alternatives).</summary>
public sealed class CompletionLogprobs
{
    public List<int> TextOffset { get; set; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<double?> TokenLogprobs { get; set; } = [];

    public List<string> Tokens { get; set; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<Dictionary<string, double>?> TopLogprobs { get; set; } = [];

    /// <summary>Appends <paramref name="token"/> at <paramref name="offset"/> (characters into the choice's text).</summary>
    public void Add(int offset, string token, double? logprob, IReadOnlyList<TopLogprob>? top)
    {
        TextOffset.Add(offset);
        Tokens.Add(token);
        TokenLogprobs.Add(logprob);
        if (top is null)
        {
            TopLogprobs.Add(null);
            return;
        }
        var dict = new Dictionary<string, double>();
        foreach (var t in top)
        {
            dict.TryAdd(t.Token, t.Logprob);
        }
        TopLogprobs.Add(dict);
    }
}

/// <summary><c>response_format</c>: <c>text</c>, <c>json_object</c>, or <c>json_schema</c> with its schema.</summary>
public sealed class ResponseFormat
{
    public string Type { get; set; } = "text";

    public JsonSchemaFormat? JsonSchema { get; set; }
}

public sealed class JsonSchemaFormat
{
    public string? Name { get; set; }

    /// <summary>The JSON Schema the answer must validate against.</summary>
    [JsonPropertyName("schema")]
    public System.Text.Json.JsonElement? Schema { get; set; }

    public bool? Strict { get; set; }
}
