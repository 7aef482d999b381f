using System.Text.Json;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// Picks the response id out of a <c>POST /v1/responses</c> answer as it passes: the top-level <c>id</c> of a JSON
/// body, or <c>response.id</c> of a stream's first event (<c>response.created</c>). Both come first in vLLM's
/// answers, so only the first <see cref="MaxPrefixBytes"/> bytes are kept and read.
/// </summary>
internal sealed class ResponseIdScanner
{
    private const int MaxPrefixBytes = 4096;
    private readonly byte[] _prefix = new byte[MaxPrefixBytes];
    private int _length;
    private bool _done;

    /// <summary>The id once seen; null before, or when the answer has none.</summary>
    public string? ResponseId { get; private set; }

    public void Scan(ReadOnlySpan<byte> data)
    {
        if (_done || data.IsEmpty)
        {
            return;
        }
        var take = Math.Min(data.Length, MaxPrefixBytes - _length);
        data[..take].CopyTo(_prefix.AsSpan(_length));
        _length += take;
        var complete = _length == MaxPrefixBytes;
        ResponseId = Find(_prefix.AsSpan(0, _length), ref complete);
        _done = complete || ResponseId is not null;
    }

    /// <summary>The id in <paramref name="prefix"/>; <paramref name="settled"/> is set when more bytes cannot change the answer.</summary>
    private static string? Find(ReadOnlySpan<byte> prefix, ref bool settled)
    {
        var json = prefix;
        var depth = 1; // the body's own id
        if (prefix[0] != (byte)'{')
        {
            // An event stream: "event: response.created" then its data line.
            var data = prefix.IndexOf("data:"u8);
            if (data < 0)
            {
                return null;
            }
            json = prefix[(data + 5)..].TrimStart(" "u8);
            depth = 2; // the id of the event's "response"
        }
        var reader = new Utf8JsonReader(json, isFinalBlock: false, default);
        string? parent = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }
                var isId = reader.CurrentDepth == depth && reader.ValueTextEquals("id"u8) && (depth == 1 || parent == "response");
                if (reader.CurrentDepth == 1)
                {
                    parent = reader.GetString();
                }
                if (isId)
                {
                    if (!reader.Read())
                    {
                        return null; // the value is in a later chunk
                    }
                    settled = true;
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            settled = true; // not JSON: nothing to find
        }
        return null;
    }
}
