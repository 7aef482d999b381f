using System.Buffers;

namespace LlmFleet.Gateway.Observability;

/// <summary>
/// The request id (<c>X-Request-Id</c>): the client's when it is a sane token, otherwise a new one. It is returned on
/// every response, sent on to the backend (vLLM puts it in the completion id) and carried by every log line and span
/// of the request.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";

    /// <summary>Longest id accepted from a client; longer ones are replaced (they would bloat every log line).</summary>
    public const int MaxLength = 128;

    // Letters, digits and the punctuation of UUIDs, ULIDs, base64 and trace ids: nothing that could break a log line
    // or a header (no spaces, quotes, control characters).
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+=@~");

    /// <summary>Whether a client's id is kept: 1 to <see cref="MaxLength"/> characters of letters, digits and <c>-_.:/+=@~</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> id) => id.Length is > 0 and <= MaxLength && !id.ContainsAnyExcept(Allowed);

    /// <summary>A new id: a version-7 UUID in 32 hex digits (time-ordered, so ids sort by arrival).</summary>
    public static string New() => Guid.CreateVersion7().ToString("N");
}
