using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Simulation.Hosting;

namespace LlmFleet.Simulation.Api;

/// <summary>Reading requests and writing JSON answers and vLLM-shaped errors.</summary>
internal static class ApiIo
{
    public static Task WriteErrorAsync(HttpContext http, ErrorResponse error)
    {
        http.Response.StatusCode = error.Error.Code;
        return http.Response.WriteAsJsonAsync(error, VllmJson.ErrorResponse, "application/json", http.RequestAborted);
    }

    /// <summary>
    /// The id of a response: <paramref name="prefix"/>, a dash, then the client's <c>X-Request-Id</c> when it sent one,
    /// else a random hex UUID, as vLLM's <c>_base_request_id</c> (<c>chatcmpl-{X-Request-Id}</c>); so a request id set
    /// by a gateway or client can be found in the answer.
    /// </summary>
    public static string ResponseId(HttpContext http, string prefix) =>
        http.Request.Headers["X-Request-Id"] is [{ Length: > 0 } requestId] ? $"{prefix}-{requestId}" : $"{prefix}-{Guid.NewGuid():N}";

    public static Task WriteJsonAsync<T>(HttpContext http, T value, JsonTypeInfo<T> type) =>
        http.Response.WriteAsJsonAsync(value, type, "application/json", http.RequestAborted);

    /// <summary>The request body as <typeparamref name="T"/>; null after answering 400 with vLLM's error body.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted);
            if (value is not null)
            {
                return value;
            }
            await WriteErrorAsync(http, VllmErrors.Create(400, "Request body must be a JSON object"));
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(http, VllmErrors.Create(400, $"Invalid request body: {e.Message}"));
        }
        return null;
    }

    /// <summary>Reads the body and checks that it names the model this twin serves (vLLM's 404 otherwise); null when an
    /// error has been written.</summary>
    public static async Task<T?> ReadForModelAsync<T>(HttpContext http, TwinContext twin, JsonTypeInfo<T> type, Func<T, string?> model)
        where T : class
    {
        var request = await ReadAsync(http, type);
        if (request is not null && !twin.Serves(model(request)))
        {
            await WriteErrorAsync(http, VllmErrors.ModelNotFound(model(request)!));
            return null;
        }
        return request;
    }
}
