using System.Security.Cryptography;
using System.Text;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// vLLM's <c>--api-key</c>: every request whose path starts with <c>/v1</c> (OPTIONS excepted) must carry
/// <c>Authorization: Bearer &lt;one of the keys&gt;</c>, else it is answered 401 with vLLM's body
/// <c>{"error":"Unauthorized"}</c> (not the OpenAI error shape: vLLM's middleware writes this one). Other paths stay
/// open, as in vLLM. Keys are compared as SHA-256 digests in constant time, as vLLM does.
/// </summary>
internal sealed class ApiKeyCheck(IReadOnlyList<string> keys)
{
    private static ReadOnlySpan<byte> Unauthorized => """{"error":"Unauthorized"}"""u8;

    private readonly byte[][] _digests = keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (HttpMethods.IsOptions(http.Request.Method) || !http.Request.Path.StartsWithSegments("/v1") || Verify(http.Request.Headers.Authorization))
        {
            await next(http);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(Unauthorized.ToArray(), http.RequestAborted);
    }

    private bool Verify(string? authorization)
    {
        if (authorization is null)
        {
            return false;
        }
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? authorization : authorization[..space];
        if (!scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(space < 0 ? "" : authorization[(space + 1)..]));
        var match = false;
        foreach (var d in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, d);
        }
        return match;
    }
}
