using System.Text.Json;
using LlmFleet.Vllm.Errors;
using LlmFleet.Vllm.OpenAi;
using LlmFleet.Vllm.Sse;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Errors;

/// <summary>
/// Errors the gateway itself answers, in OpenAI's shape <c>{"error": {"message", "type", "param", "code"}}</c> with
/// the matching HTTP status (the same body vLLM answers with, so clients need one error path).
/// </summary>
internal static class OpenAiErrors
{
    public static ErrorResponse Create(int status, string message, string? param = null)
    {
        var error = VllmErrors.Create(status, message, param);
        error.Error.Type = status switch
        {
            413 => "RequestEntityTooLargeError",
            502 => "BadGatewayError",
            504 => "GatewayTimeoutError",
            _ => error.Error.Type,
        };
        return error;
    }

    public static async Task WriteAsync(HttpContext context, int status, string message, string? param = null, int? retryAfterSeconds = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }
        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await JsonSerializer.SerializeAsync(response.Body, Create(status, message, param), VllmJsonContext.Default.ErrorResponse, context.RequestAborted);
    }

    /// <summary>
    /// Ends a stream that broke after events were sent: the blank line that closes a cut event (if needed), an error
    /// event, then <c>data: [DONE]</c>, as vLLM ends a stream that fails mid-way.
    /// </summary>
    public static async Task WriteStreamErrorAsync(HttpContext context, bool endsOnEventBoundary, int status, string message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Create(status, message), VllmJsonContext.Default.ErrorResponse);
        var buffer = new byte[2 + SseFraming.DataPrefix.Length + json.Length + SseFraming.EventEnd.Length + SseFraming.DoneEvent.Length];
        var span = buffer.AsSpan();
        var n = 0;
        if (!endsOnEventBoundary)
        {
            "\n\n"u8.CopyTo(span);
            n = 2;
        }
        SseFraming.DataPrefix.CopyTo(span[n..]);
        n += SseFraming.DataPrefix.Length;
        json.CopyTo(span[n..]);
        n += json.Length;
        SseFraming.EventEnd.CopyTo(span[n..]);
        n += SseFraming.EventEnd.Length;
        SseFraming.DoneEvent.CopyTo(span[n..]);
        n += SseFraming.DoneEvent.Length;
        try
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client left too; nothing to tell.
        }
    }
}
