using System.Text.Json;
using LlmFleet.Vllm.Errors;
using LlmFleet.Vllm.OpenAi;
using LlmFleet.Vllm.Sse;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Errors;

/// <summary>
/// Errors the gateway itself answers, in OpenAI's shape <c>{"error": {"message", "type", "param", "code"}}</c> with
/// the matching HTTP status (the same body vLLM answers with, so clients need one error path); on Anthropic's
/// <c>/v1/messages</c> routes in Anthropic's shape <c>{"type": "error", "error": {"type", "message"}}</c>, as vLLM
/// answers there (<see cref="AnthropicErrorResponse"/>).
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

    public static async Task WriteAsync(HttpContext context, int status, string message, string? param = null, long? retryAfterSeconds = null)
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
        await response.Body.WriteAsync(Body(context, status, message, param), context.RequestAborted);
    }

    /// <summary>True on Anthropic's routes (<c>/v1/messages</c>, <c>/v1/messages/count_tokens</c>), whose clients read
    /// Anthropic's error shape.</summary>
    public static bool IsAnthropic(HttpContext context) => context.Request.Path.StartsWithSegments(AnthropicPath);

    private const string AnthropicPath = "/v1/messages";

    /// <summary>The error body in the shape the route's clients read.</summary>
    private static byte[] Body(HttpContext context, int status, string message, string? param) => IsAnthropic(context)
        ? JsonSerializer.SerializeToUtf8Bytes(AnthropicErrorResponse.Create(status, message), VllmJsonContext.Default.AnthropicErrorResponse)
        : JsonSerializer.SerializeToUtf8Bytes(Create(status, message, param), VllmJsonContext.Default.ErrorResponse);

    /// <summary>
    /// Ends a stream that broke after events were sent: the blank line that closes a cut event (if needed), an error
    /// event, then <c>data: [DONE]</c>, as vLLM ends a stream that fails mid-way; on Anthropic's routes
    /// <c>event: error</c> with Anthropic's error body and no <c>[DONE]</c>, as vLLM's <c>/v1/messages</c> stream.
    /// </summary>
    public static async Task WriteStreamErrorAsync(HttpContext context, bool endsOnEventBoundary, int status, string message)
    {
        var anthropic = IsAnthropic(context);
        var json = Body(context, status, message, param: null);
        var eventLine = anthropic ? "event: error\n"u8 : [];
        var done = anthropic ? [] : SseFraming.DoneEvent;
        var buffer = new byte[2 + eventLine.Length + SseFraming.DataPrefix.Length + json.Length + SseFraming.EventEnd.Length + done.Length];
        var span = buffer.AsSpan();
        var n = 0;
        if (!endsOnEventBoundary)
        {
            "\n\n"u8.CopyTo(span);
            n = 2;
        }
        eventLine.CopyTo(span[n..]);
        n += eventLine.Length;
        SseFraming.DataPrefix.CopyTo(span[n..]);
        n += SseFraming.DataPrefix.Length;
        json.CopyTo(span[n..]);
        n += json.Length;
        SseFraming.EventEnd.CopyTo(span[n..]);
        n += SseFraming.EventEnd.Length;
        done.CopyTo(span[n..]);
        n += done.Length;
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
