using System.Text.Json;

namespace LlmFleet.Gateway.Requests;

/// <summary>
/// One forward-only <see cref="Utf8JsonReader"/> pass over a request body that picks out what routing needs, without
/// deserialising it: <c>model</c> (copied into a caller's character buffer for an allocation-free lookup),
/// <c>stream</c>, and where the prompt's identifying prefix lies. That prefix runs from the start of
/// <c>messages</c> (chat) or <c>input</c> (responses) through the first message whose role is <c>user</c> — the
/// system prompt and the opening question, which every later turn of the same conversation repeats verbatim — or is
/// the start of <c>prompt</c>/<c>input</c> when it is a string; either way at most <see cref="MaxPrefixBytes"/>.
/// </summary>
internal static class RequestInspector
{
    /// <summary>Longest prefix hashed for affinity: past this, prompts sharing it share most of their KV cache anyway.</summary>
    public const int MaxPrefixBytes = 8192;

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static RequestInspection Inspect(ReadOnlySpan<byte> body, Span<char> model)
    {
        var result = default(RequestInspection);
        var reader = new Utf8JsonReader(body, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                result.Error = "the request body must be a JSON object";
                return result;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        result.HasModel = true;
                        result.ModelToken = (int)reader.TokenStartIndex..(int)reader.BytesConsumed;
                        if (reader.ValueSpan.Length <= model.Length)
                        {
                            result.ModelLength = reader.CopyString(model);
                        }
                        else
                        {
                            result.ModelTooLong = true;
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    result.Stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    ReadPrefix(ref reader, ref result);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                result.Error = "the request body is not valid JSON";
            }
        }
        catch (JsonException e)
        {
            result.Error = $"the request body is not valid JSON: {e.Message}";
        }
        return result;
    }

    private static void ReadPrefix(ref Utf8JsonReader reader, ref RequestInspection result)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.String)
        {
            SetPrefix(ref result, start, (int)reader.BytesConsumed);
            return;
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }
        var found = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (found)
            {
                reader.Skip();
                continue;
            }
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var isUser = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isRole = reader.ValueTextEquals("role"u8);
                    reader.Read();
                    isUser |= isRole && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("user"u8);
                    reader.Skip();
                }
                found = isUser;
            }
            else
            {
                // A list of strings or token ids (completions, embeddings): the first element is the prefix.
                reader.Skip();
                found = true;
            }
            if (found || reader.BytesConsumed - start >= MaxPrefixBytes)
            {
                found = true;
                SetPrefix(ref result, start, (int)reader.BytesConsumed);
            }
        }
        if (!found)
        {
            SetPrefix(ref result, start, (int)reader.BytesConsumed);
        }
    }

    private static void SetPrefix(ref RequestInspection result, int start, int end)
    {
        result.HasPrefix = true;
        result.Prefix = start..Math.Min(end, start + MaxPrefixBytes);
    }
}
