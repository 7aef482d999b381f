using System.Text.Json;
using LlmFleet.Gateway.Requests;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// The usage tee: watches response bytes as they pass for a <c>"usage":{…}</c> object (the whole body of a
/// completion, or the last event of a stream) and parses only that object. Finding the key is a vectorised
/// <c>IndexOf</c> per chunk, so relaying pays next to nothing; a key split across two chunks is still found. The
/// last usage seen wins, field by field (streams with continuous usage report a running total; Anthropic's
/// <c>message_start</c> carries the input tokens and <c>message_delta</c> the output tokens).
/// <para>
/// The same pass spots an error event in a stream, the way vLLM reports a failure after it answered 200:
/// <c>data: {"error": {"message", "type", "param", "code"}}</c> (OpenAI routes) or <c>event: error</c> (Anthropic's
/// <c>/v1/messages</c>); the OpenAI-shaped error object is parsed for its message and code.
/// </para>
/// </summary>
internal sealed class UsageScanner
{
    private const int MaxUsageBytes = 1024;
    private byte[]? _capture;
    private int _captured;
    private int _depth;
    private bool _capturing;
    private KeyMatch _usageKey = new(UsageKey);
    private KeyMatch _errorKey = new(ErrorEventPrefix);
    private KeyMatch _anthropicErrorKey = new(AnthropicErrorLine);
    private bool _scannedAny;
    private long? _prompt;
    private long? _completion;
    private long? _cached;
    private long? _cacheRead;
    private long? _cacheCreation;

    private static ReadOnlySpan<byte> UsageKey => "\"usage\""u8;

    /// <summary>How vLLM frames an error event in an OpenAI stream (<c>create_streaming_error_response</c>).</summary>
    public static ReadOnlySpan<byte> ErrorEventPrefix => "data: {\"error\""u8;

    /// <summary>How vLLM's Anthropic route names an error event (<c>wrap_data_with_event(…, "error")</c>).</summary>
    public static ReadOnlySpan<byte> AnthropicErrorEvent => "event: error"u8;

    /// <summary>The Anthropic error event's line after an earlier event (a newline cannot occur inside JSON text).</summary>
    private static ReadOnlySpan<byte> AnthropicErrorLine => "\nevent: error"u8;

    public TokenUsage? Usage { get; private set; }

    /// <summary>Whether an error event passed (meaningful for event streams only).</summary>
    public bool SawError { get; private set; }

    /// <summary>The error event's <c>message</c>, when it was OpenAI-shaped and parsed.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>The error event's <c>code</c>: the HTTP status vLLM would have answered with; null when absent.</summary>
    public int? ErrorCode { get; private set; }

    public void Scan(ReadOnlySpan<byte> data)
    {
        if (!SawError)
        {
            SawError = _anthropicErrorKey.Find(data) >= 0 || (!_scannedAny && data.StartsWith(AnthropicErrorEvent));
            if (_errorKey.Find(data) is var errorEnd and >= 0)
            {
                SawError = true;
                ParseError(data[errorEnd..]);
            }
        }
        _scannedAny |= !data.IsEmpty;
        while (!data.IsEmpty)
        {
            if (_capturing)
            {
                data = Capture(data);
                continue;
            }
            var end = _usageKey.Find(data);
            if (end < 0)
            {
                return;
            }
            StartCapture();
            data = data[end..];
        }
    }

    private void StartCapture()
    {
        _capturing = true;
        _captured = 0;
        _depth = 0;
    }

    private ReadOnlySpan<byte> Capture(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (_depth == 0)
            {
                if (b is (byte)' ' or (byte)':' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    continue;
                }
                if (b != (byte)'{')
                {
                    // "usage": null, or the word in some other position: not an object to read.
                    _capturing = false;
                    return data[i..];
                }
            }
            _capture ??= new byte[MaxUsageBytes];
            if (_captured == _capture.Length)
            {
                _capturing = false;
                return data[i..];
            }
            _capture[_captured++] = b;
            if (b == (byte)'{')
            {
                _depth++;
            }
            else if (b == (byte)'}' && --_depth == 0)
            {
                _capturing = false;
                ParseUsage(_capture.AsSpan(0, _captured));
                return data[(i + 1)..];
            }
        }
        return default;
    }

    private void ParseUsage(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            long? prompt = null, completion = null, cached = null, cacheRead = null, cacheCreation = null;
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8) ? 1
                    : reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8) ? 2
                    : reader.ValueTextEquals("cache_read_input_tokens"u8) ? 3
                    : reader.ValueTextEquals("cache_creation_input_tokens"u8) ? 4
                    : reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8) ? 5
                    : 0;
                reader.Read();
                if (field == 5 && reader.TokenType == JsonTokenType.StartObject)
                {
                    cached = ReadCachedTokens(ref reader);
                    continue;
                }
                if (reader.TokenType == JsonTokenType.Number)
                {
                    var value = reader.GetInt64();
                    switch (field)
                    {
                        case 1: prompt = value; break;
                        case 2: completion = value; break;
                        case 3: cacheRead = value; break;
                        case 4: cacheCreation = value; break;
                    }
                }
                reader.Skip();
            }
            _prompt = prompt ?? _prompt;
            _completion = completion ?? _completion;
            _cached = cached ?? _cached;
            _cacheRead = cacheRead ?? _cacheRead;
            _cacheCreation = cacheCreation ?? _cacheCreation;
            // Anthropic's input_tokens leaves out the tokens read from or written to the prompt cache.
            Usage = new TokenUsage((_prompt ?? 0) + (_cacheRead ?? 0) + (_cacheCreation ?? 0), _completion ?? 0, _cacheRead ?? _cached ?? 0);
        }
        catch (JsonException)
        {
            // Not a usage object after all; keep what was seen before.
        }
    }

    /// <summary>Reads <c>{"cached_tokens": n, …}</c> up to its closing brace.</summary>
    private static long ReadCachedTokens(ref Utf8JsonReader reader)
    {
        long cached = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCached = reader.ValueTextEquals("cached_tokens"u8);
            reader.Read();
            if (isCached && reader.TokenType == JsonTokenType.Number)
            {
                cached = reader.GetInt64();
            }
            reader.Skip();
        }
        return cached;
    }

    /// <summary>Reads what of the error object (<c>: {"message": …, "code": 500}</c>) is in this chunk; an object
    /// split across chunks keeps the details read before the split.</summary>
    private void ParseError(ReadOnlySpan<byte> rest)
    {
        var start = rest.IndexOfAnyExcept(" :\t"u8);
        if (start < 0 || rest[start] != (byte)'{')
        {
            return;
        }
        try
        {
            var reader = new Utf8JsonReader(rest[start..], isFinalBlock: false, state: default);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMessage = reader.ValueTextEquals("message"u8);
                var isCode = reader.ValueTextEquals("code"u8);
                reader.Read();
                if (isMessage && reader.TokenType == JsonTokenType.String)
                {
                    ErrorMessage = reader.GetString();
                }
                else if (isCode && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code))
                {
                    ErrorCode = code;
                }
                if (!reader.TrySkip())
                {
                    return;
                }
            }
        }
        catch (JsonException)
        {
            // An error event all the same; its details are only for the log.
        }
    }

    /// <summary>Finds a fixed byte string in a sequence of chunks, also when a chunk boundary splits it.</summary>
    private struct KeyMatch(ReadOnlySpan<byte> key)
    {
        private readonly byte[] _key = key.ToArray();
        private int _matched;

        /// <summary>The index in <paramref name="data"/> just past the key's end; -1 when it does not end in this chunk.</summary>
        public int Find(ReadOnlySpan<byte> data)
        {
            ReadOnlySpan<byte> key = _key;
            if (_matched > 0)
            {
                var n = Math.Min(key.Length - _matched, data.Length);
                if (data[..n].SequenceEqual(key.Slice(_matched, n)))
                {
                    _matched += n;
                    if (_matched == key.Length)
                    {
                        _matched = 0;
                        return n;
                    }
                    return -1;
                }
                _matched = 0;
            }
            var i = data.IndexOf(key);
            if (i >= 0)
            {
                return i + key.Length;
            }
            _matched = TrailingMatch(data, key);
            return -1;
        }

        private static int TrailingMatch(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key)
        {
            for (var k = Math.Min(key.Length - 1, data.Length); k > 0; k--)
            {
                if (data[^k..].SequenceEqual(key[..k]))
                {
                    return k;
                }
            }
            return 0;
        }
    }
}
