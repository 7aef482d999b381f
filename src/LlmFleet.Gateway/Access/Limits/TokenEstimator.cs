using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace LlmFleet.Gateway.Access.Limits;

/// <summary>
/// One <see cref="Utf8JsonReader"/> pass over a request body: counts the prompt's tokens (the text of
/// <c>messages[].content</c>, <c>prompt</c> or <c>input</c>, with OpenAI's o200k tokenizer: GLM's own vocabulary is
/// close in size, and the estimate is corrected by the backend's real usage when the response ends), reads
/// <c>max_tokens</c>/<c>max_completion_tokens</c>/<c>max_output_tokens</c>, and sees whether the client asked for
/// <c>stream_options.include_usage</c>. Chat clients resend the system prompt and every earlier turn with each request,
/// so the count of each string is remembered by a 64-bit hash of its bytes: a conversation's next turn costs the
/// tokenizer only its new text.
/// </summary>
public static class TokenEstimator
{
    /// <summary>Charged for generation when the request names no maximum (the correction settles the real count).</summary>
    public const long DefaultMaxTokens = 1024;

    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Strings counted recently; emptied when full (a bound on memory, not an eviction policy worth more).</summary>
    private static readonly ConcurrentDictionary<ulong, int> Counted = new();
    private const int MaxCounted = 16_384;

    /// <summary>Loads the tokenizer's vocabulary now rather than on the first request.</summary>
    public static void Warm() => _ = Tokenizer.Value;

    public static TokenEstimate Estimate(ReadOnlySpan<byte> body, bool countPrompt)
    {
        long prompt = 0;
        long? max = null;
        bool hasStreamOptions = false, includeUsage = false;
        var reader = new Utf8JsonReader(body, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8) || reader.ValueTextEquals("max_output_tokens"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var m))
                    {
                        max = Math.Max(max ?? 0, m);
                    }
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    hasStreamOptions = reader.TokenType == JsonTokenType.StartObject;
                    includeUsage = hasStreamOptions && ReadIncludeUsage(ref reader);
                    if (!hasStreamOptions)
                    {
                        reader.Skip();
                    }
                }
                else if (countPrompt && (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("input"u8)))
                {
                    reader.Read();
                    prompt += CountText(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The gateway's own inspection already refused invalid JSON; count what was read.
        }
        return new TokenEstimate(prompt, max ?? DefaultMaxTokens, hasStreamOptions, includeUsage);
    }

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        var include = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isInclude = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            include |= isInclude && reader.TokenType == JsonTokenType.True;
            reader.Skip();
        }
        return include;
    }

    /// <summary>Tokens of every string under the current value (message roles and part types included: a few tokens of framing, as chat templates add).</summary>
    private static long CountText(ref Utf8JsonReader reader)
    {
        long total = 0;
        if (reader.TokenType == JsonTokenType.String)
        {
            return CountString(ref reader);
        }
        if (reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.StartObject))
        {
            return 0;
        }
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                total += CountString(ref reader);
            }
            else if (reader.TokenType == JsonTokenType.Number)
            {
                // A prompt given as token ids.
                total++;
            }
        }
        return total;
    }

    private static int CountString(ref Utf8JsonReader reader)
    {
        // The raw (still escaped) bytes identify the string; a reader over one span never has a value sequence.
        var key = XxHash3.HashToUInt64(reader.ValueSpan);
        if (Counted.TryGetValue(key, out var count))
        {
            return count;
        }
        count = Tokenizer.Value.CountTokens(reader.GetString()!);
        if (Counted.Count >= MaxCounted)
        {
            Counted.Clear();
        }
        Counted[key] = count;
        return count;
    }
}
