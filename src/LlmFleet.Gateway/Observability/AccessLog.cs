using LlmFleet.Gateway.Access;
using LlmFleet.Gateway.Errors;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Observability;

/// <summary>
/// One line per request (category <see cref="Category"/>, level Information), written when it ends: request id,
/// key id and team (never the key), model, pool, backend, status, stream, tokens, TTFT, duration, attempts, error.
/// Set the category's level to Warning to turn it off.
/// </summary>
internal sealed partial class AccessLog(ILoggerFactory loggers, TimeProvider time)
{
    public const string Category = "LlmFleet.Gateway.AccessLog";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public bool Enabled => _logger.IsEnabled(LogLevel.Information);

    public void Write(HttpContext context, long startTimestamp)
    {
        var status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode;
        var request = context.Features.Get<GatewayRequest>();
        var key = context.Features.Get<AccessGrant>()?.Key;
        var backend = request?.Backend;
        double? ttftMs = request is { FirstByteTimestamp: > 0 } r
            ? Math.Round(time.GetElapsedTime(r.StartTimestamp, r.FirstByteTimestamp).TotalMilliseconds, 1) : null;
        var error = status switch
        {
            499 => "client_closed",
            >= 400 => OpenAiErrors.Create(status, "").Error.Type,
            _ => null,
        };
        Line(_logger, context.Request.Method, context.Request.Path.Value ?? "", status,
            Math.Round(time.GetElapsedTime(startTimestamp).TotalMilliseconds, 1), context.TraceIdentifier,
            key?.Id, key?.Team, backend?.Config.ServedModel ?? request?.Pool.Name, request?.Pool.Name, backend?.State.Name,
            request?.Stream ?? false, request?.Usage?.PromptTokens, request?.Usage?.CompletionTokens, ttftMs, request?.Attempts ?? 0, error);
    }

    [LoggerMessage(1, LogLevel.Information, "{Method} {Path} {Status} {DurationMs} ms request {RequestId} key {KeyId} team {Team} " +
        "model {Model} pool {Pool} backend {Backend} stream {Stream} tokens {InputTokens}/{OutputTokens} ttft {TtftMs} ms attempts {Attempts} error {ErrorCode}")]
    private static partial void Line(ILogger logger, string method, string path, int status, double durationMs, string requestId,
        string? keyId, string? team, string? model, string? pool, string? backend, bool stream, long? inputTokens, long? outputTokens,
        double? ttftMs, int attempts, string? errorCode);
}
