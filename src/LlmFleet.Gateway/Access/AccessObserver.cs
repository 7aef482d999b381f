using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Access.Spend;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Access;

/// <summary>
/// When a forwarded request's response has ended: releases its limit ticket (freeing its in-flight slot and replacing
/// the token estimate by the real usage), adds its dollars to the spend counters and queues its usage row (pool,
/// backend, provider, cost). Never waits on I/O.
/// </summary>
internal sealed class AccessObserver(UsageLedger? ledger, IRateLimits? limits, TimeProvider time, AccessConfig config, ISpendCounters? spend = null) : IUsageObserver
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
        var cost = SpendPricing.Cost(request, config);
        if (spend is not null && grant?.Key is { } key && cost > 0)
        {
            spend.Add(key, cost, time.GetUtcNow());
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
            Pool = request.ServingPool.Name,
            Provider = request.Backend is { IsExternal: true } external ? external.Config.Url.Host : null,
            CostUsd = cost,
            Team = grant?.Key?.Team,
        });
    }
}
