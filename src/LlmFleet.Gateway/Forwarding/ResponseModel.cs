using System.Text.Json;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>The <c>model</c> a backend names in its answer: the first <c>"model": "…"</c> of the first bytes (a
/// completion's object, a stream's first event, Anthropic's <c>message_start</c>), read for the attempt's span.</summary>
internal static class ResponseModel
{
    public static string? Find(ReadOnlySpan<byte> firstBytes)
    {
        var key = firstBytes.IndexOf("\"model\""u8);
        if (key < 0)
        {
            return null;
        }
        var rest = firstBytes[(key + "\"model\"".Length)..];
        var colon = rest.IndexOfAnyExcept(" \t\r\n"u8);
        if (colon < 0 || rest[colon] != (byte)':')
        {
            return null;
        }
        rest = rest[(colon + 1)..];
        try
        {
            var reader = new Utf8JsonReader(rest, isFinalBlock: false, state: default);
            return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
