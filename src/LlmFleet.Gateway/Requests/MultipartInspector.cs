using System.Text;
using Microsoft.Net.Http.Headers;

namespace LlmFleet.Gateway.Requests;

/// <summary>
/// Picks the <c>model</c> form field out of a <c>multipart/form-data</c> body (vLLM's audio routes,
/// <c>/v1/audio/transcriptions</c> and <c>/translations</c>), with its byte range so the forwarder can write the
/// backend's served name in; the rest of the body, the audio file included, is forwarded unchanged. One pass over the
/// part headers with vectorised searches; no part is copied.
/// </summary>
internal static class MultipartInspector
{
    /// <summary>The boundary of a <c>multipart/form-data</c> content type; null for any other type.</summary>
    public static string? Boundary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && HeaderUtilities.RemoveQuotes(type.Boundary) is { Length: > 0 } boundary
            ? boundary.ToString()
            : null;

    public static RequestInspection Inspect(ReadOnlySpan<byte> body, string boundary, Span<char> model)
    {
        var result = new RequestInspection { Multipart = true };
        var delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        // The first delimiter may open the body without the CRLF before it.
        var pos = body.IndexOf(delimiter.AsSpan(2));
        if (pos < 0)
        {
            result.Error = "the multipart/form-data body has no part with its boundary";
            return result;
        }
        pos += delimiter.Length - 2;
        while (pos + 2 <= body.Length && !body[pos..].StartsWith("--"u8))
        {
            var headersEnd = body[pos..].IndexOf("\r\n\r\n"u8);
            if (headersEnd < 0)
            {
                break;
            }
            var headers = body.Slice(pos, headersEnd);
            var valueStart = pos + headersEnd + 4;
            var valueLength = body[valueStart..].IndexOf(delimiter);
            if (valueLength < 0)
            {
                break;
            }
            if (IsModelField(headers))
            {
                var value = body.Slice(valueStart, valueLength);
                result.HasModel = true;
                result.ModelToken = valueStart..(valueStart + valueLength);
                if (Encoding.UTF8.GetMaxCharCount(value.Length) <= model.Length || Encoding.UTF8.GetCharCount(value) <= model.Length)
                {
                    result.ModelLength = Encoding.UTF8.GetChars(value, model);
                }
                else
                {
                    result.ModelTooLong = true;
                }
                return result;
            }
            pos = valueStart + valueLength + delimiter.Length;
        }
        return result;
    }

    /// <summary>Whether a part's headers name it <c>model</c>: <c>name="model"</c>, or <c>name=model</c> as .NET's
    /// <c>MultipartFormDataContent</c> writes it (and not, say, <c>filename="model"</c>).</summary>
    private static bool IsModelField(ReadOnlySpan<byte> headers)
    {
        var rest = headers;
        for (var at = rest.IndexOf("name="u8); at >= 0; at = rest.IndexOf("name="u8))
        {
            var whole = at > 0 && rest[at - 1] is (byte)' ' or (byte)';';
            rest = rest[(at + 5)..];
            if (whole && (rest.StartsWith("\"model\""u8)
                || (rest.StartsWith("model"u8) && (rest.Length == 5 || rest[5] is (byte)';' or (byte)' ' or (byte)'\r'))))
            {
                return true;
            }
        }
        return false;
    }
}
