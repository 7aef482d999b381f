using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Access;

/// <summary>
/// When a forwarded request's response has ended: releases its limit ticket (freeing its in-flight slot and replacing
/// the token estimate by the real usage) and queues its usage row. Never waits on I/O.
/// </summary>
internal sealed class AccessObserver(UsageLedger? ledger, IRateLimits? limits, TimeProvider time) : IUsageObserver
{
    public void OnCompleted(HttpContext context, GatewayRequest request, int statusCode)
    {
        var grant = context.Features.Get<AccessGrant>();
        var usage = request.Usage;
        var tokens = usage is { } u ? u.PromptTokens + u.CompletionTokens : 0;
        if (grant?.Ticket is { } ticket)
        {
            limits?.Release(ticket, tokens);
        }
        if (ledger is null)
        {
            return;
        }
        double? ttft = null;
        if (grant?.StreamFilter is { FirstWriteTimestamp: > 0 } stream)
        {
            ttft = time.GetElapsedTime(request.StartTimestamp, stream.FirstWriteTimestamp).TotalSeconds;
        }
        ledger.TryRecord(new UsageRecord
        {
            Time = time.GetUtcNow(),
            KeyId = grant?.Key?.Id,
            Model = request.Pool.Name,
            Backend = request.Backend?.State.Name ?? "none",
            PromptTokens = usage?.PromptTokens ?? 0,
            CompletionTokens = usage?.CompletionTokens ?? 0,
            CachedTokens = usage?.CachedTokens ?? 0,
            LatencySeconds = time.GetElapsedTime(request.StartTimestamp).TotalSeconds,
            TtftSeconds = ttft,
            Status = statusCode,
        });
    }
}
