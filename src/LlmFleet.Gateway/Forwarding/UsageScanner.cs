using System.Text.Json;
using LlmFleet.Gateway.Requests;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// The usage tee: watches response bytes as they pass for a <c>"usage":{…}</c> object (the whole body of a
/// completion, or the last event of a stream) and parses only that object. Finding the key is a vectorised
/// <c>IndexOf</c> per chunk, so relaying pays next to nothing; a key split across two chunks is still found. The
/// last usage seen wins (streams with continuous usage report a running total).
/// </summary>
internal sealed class UsageScanner
{
    private const int MaxUsageBytes = 1024;
    private byte[]? _capture;
    private int _captured;
    private int _depth;
    private bool _capturing;
    private int _matched;

    private static ReadOnlySpan<byte> Key => "\"usage\""u8;

    public TokenUsage? Usage { get; private set; }

    public void Scan(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_capturing)
            {
                data = Capture(data);
                continue;
            }
            if (_matched > 0)
            {
                var n = Math.Min(Key.Length - _matched, data.Length);
                if (data[..n].SequenceEqual(Key.Slice(_matched, n)))
                {
                    _matched += n;
                    data = data[n..];
                    if (_matched == Key.Length)
                    {
                        StartCapture();
                    }
                    continue;
                }
                _matched = 0;
            }
            var i = data.IndexOf(Key);
            if (i >= 0)
            {
                data = data[(i + Key.Length)..];
                StartCapture();
                continue;
            }
            _matched = TrailingMatch(data);
            return;
        }
    }

    private static int TrailingMatch(ReadOnlySpan<byte> data)
    {
        for (var k = Math.Min(Key.Length - 1, data.Length); k > 0; k--)
        {
            if (data[^k..].SequenceEqual(Key[..k]))
            {
                return k;
            }
        }
        return 0;
    }

    private void StartCapture()
    {
        _matched = 0;
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
                    // "usage": null, or the word in some other position: not a usage object.
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
                Parse(_capture.AsSpan(0, _captured));
                return data[(i + 1)..];
            }
        }
        return default;
    }

    private void Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            long prompt = 0, completion = 0, cached = 0;
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPrompt = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8);
                var isCompletion = reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8);
                var isDetails = reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8);
                reader.Read();
                if (isDetails && reader.TokenType == JsonTokenType.StartObject)
                {
                    cached = ReadCachedTokens(ref reader);
                    continue;
                }
                if (reader.TokenType == JsonTokenType.Number)
                {
                    if (isPrompt)
                    {
                        prompt = reader.GetInt64();
                    }
                    else if (isCompletion)
                    {
                        completion = reader.GetInt64();
                    }
                }
                reader.Skip();
            }
            Usage = new TokenUsage(prompt, completion, cached);
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
}
