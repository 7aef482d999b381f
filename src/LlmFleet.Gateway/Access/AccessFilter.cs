using LlmFleet.Gateway.Access.Jwt;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Access.Spend;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Errors;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace LlmFleet.Gateway.Access;

/// <summary>
/// Runs before forwarding: with <c>auth: keys</c>, 401 for a missing, unknown, revoked or expired key; with
/// <c>auth: jwt</c>, 401 for a token that fails a check of <see cref="JwtAuthenticator"/> (a token's claims then stand
/// for a key's terms, and everything below treats both alike); 403 for a model the caller may not use, 429 (with <c>Retry-After</c>) over a dollar budget (<see cref="ISpendCounters"/>), rpm, tpm,
/// parallel or token budget. With the ledger on, a stream
/// whose client did not ask for usage gets <c>stream_options.include_usage</c> added, and the usage event is hidden
/// from the client again by <see cref="UsageEventFilter"/>. The key is hashed and looked up in memory; no I/O unless
/// limits live in Redis.
/// </summary>
internal sealed class AccessFilter(AccessConfig config, KeyCache? keys, IRateLimits? limits, AccessMetrics metrics, TimeProvider time,
    ISpendCounters? spend = null, JwtAuthenticator? jwt = null) : IGatewayRequestFilter
{
    private static ReadOnlySpan<byte> IncludeUsage => ",\"stream_options\":{\"include_usage\":true}}"u8;

    public async ValueTask<bool> OnRequestAsync(HttpContext context, GatewayRequest request)
    {
        ApiKeyRecord? key = null;
        LimitTicket? ticket = null;
        TokenEstimate estimate = default;
        var estimated = false;
        if (config.AuthRequired)
        {
            var now = time.GetUtcNow();
            Refusal? refusal;
            if (jwt is not null && TryGetToken(context.Request.Headers) is { } token)
            {
                var outcome = await jwt.AuthenticateAsync(token, context.RequestAborted);
                key = outcome.Caller;
                refusal = key is null ? new(outcome.Status, "jwt_" + outcome.Reason, outcome.Message) : ModelRefusal(key, request);
            }
            else
            {
                refusal = Authenticate(context.Request.Headers, request, now, out key);
            }
            if (refusal is not null)
            {
                return await RefuseAsync(context, refusal.Status, refusal.Reason, refusal.Message, refusal.Param);
            }
            // The key is the gateway's secret: it must not travel on to the backends (nor into their logs).
            context.Request.Headers.Authorization = default;
            context.Request.Headers.Remove("x-api-key");
            request.ExternalAllowed = !key!.NoExternal;
            if (spend is not null && await spend.CheckAsync(key, key.Team is { } team ? config.TeamBudgets.GetValueOrDefault(team) : null, now, context.RequestAborted) is { } over)
            {
                metrics.Refused(429, "budget_usd");
                await BudgetRefusal.WriteAsync(context, key, over);
                return false;
            }
            if (key!.HasLimits)
            {
                if (key.CountsTokens || request.Stream)
                {
                    estimate = TokenEstimator.Estimate(request.Body.Span, key.CountsTokens);
                    estimated = true;
                }
                var decision = await limits!.AcquireAsync(key, estimate.Total, now, context.RequestAborted);
                if (decision.Refused == LimitKind.StoreUnavailable)
                {
                    return await RefuseAsync(context, 503, "limits_unavailable",
                        "The rate-limit store cannot be reached, and this gateway refuses limited keys until it can (limits.on_store_failure: closed). Try again shortly.",
                        retryAfterSeconds: 1);
                }
                if (!decision.Allowed)
                {
                    var seconds = (long)Math.Ceiling(decision.RetryAfter.TotalSeconds);
                    return await RefuseAsync(context, 429, LimitName(decision.Refused),
                        $"Rate limit reached for {key.Caller}: {Describe(key, decision.Refused, estimate.Total)}. Try again in {seconds} s.",
                        retryAfterSeconds: seconds);
                }
                ticket = decision.Ticket;
            }
        }
        var grant = new AccessGrant { Key = key, Ticket = ticket };
        if (request.Stream)
        {
            if (!estimated)
            {
                estimate = TokenEstimator.Estimate(request.Body.Span, countPrompt: false);
            }
            var strip = !estimate.HasStreamOptions && TryAddIncludeUsage(context, request);
            grant.StreamFilter = new UsageEventFilter(context.Response.Body, context.Response, strip, time);
            context.Response.Body = grant.StreamFilter;
        }
        context.Features.Set(grant);
        return true;
    }

    /// <summary>Null when the key may go on to the limits; else why not.</summary>
    private Refusal? Authenticate(IHeaderDictionary headers, GatewayRequest request, DateTimeOffset now, out ApiKeyRecord? key)
    {
        key = null;
        if (!TryGetPresentedKey(headers, out var presented))
        {
            return new(401, "missing", config.AcceptsJwt
                ? "You didn't provide an API key or token. Send it as 'Authorization: Bearer …'."
                : "You didn't provide an API key. Send it as 'Authorization: Bearer sk-fleet-…'.");
        }
        if (!keys!.TryFind(presented, out key))
        {
            return new(401, "unknown", $"Incorrect API key provided: {ApiKeys.Mask(presented)}.");
        }
        if (key.RevokedAt is not null)
        {
            return new(401, "revoked", $"The API key {key.Masked} has been revoked.");
        }
        if (key.IsExpired(now))
        {
            return new(401, "expired", $"The API key {key.Masked} expired at {key.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z.");
        }
        return ModelRefusal(key, request);
    }

    private static Refusal? ModelRefusal(ApiKeyRecord key, GatewayRequest request) => ModelAllowed(key, request)
        ? null
        : new(403, "model", $"The {key.Caller} may not use model '{request.Pool.Name}'; allowed: {string.Join(", ", key.Models)}.", "model");

    /// <summary>The bearer credential when it is to be checked as a JWT: always with <c>auth: jwt</c>; with
    /// <c>keys+jwt</c> only when it has a JWT's shape (a gateway key never has).</summary>
    private string? TryGetToken(IHeaderDictionary headers)
    {
        if (!TryGetPresentedKey(headers, out var presented) || (keys is not null && !JwtAuthenticator.LooksLikeJwt(presented)))
        {
            return null;
        }
        return presented.ToString();
    }

    private sealed record Refusal(int Status, string Reason, string Message, string? Param = null);

    private static bool TryGetPresentedKey(IHeaderDictionary headers, out ReadOnlySpan<char> key)
    {
        key = default;
        StringValues values = headers.Authorization;
        if (values.Count == 1 && values[0] is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = auth.AsSpan(7).Trim();
        }
        else if (headers.TryGetValue("x-api-key", out var apiKey) && apiKey.Count == 1 && apiKey[0] is { } k)
        {
            key = k.AsSpan().Trim();
        }
        return !key.IsEmpty;
    }

    private static bool ModelAllowed(ApiKeyRecord key, GatewayRequest request)
    {
        if (key.Models.Count == 0)
        {
            return true;
        }
        foreach (var m in key.Models)
        {
            if (m == request.Pool.Name || request.Pool.Config.Aliases.Contains(m))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Adds <c>"stream_options":{"include_usage":true}</c> before the body's closing brace.</summary>
    private static bool TryAddIncludeUsage(HttpContext context, GatewayRequest request)
    {
        var span = request.Body.Span;
        var close = span.LastIndexOf((byte)'}');
        if (close < 0)
        {
            return false;
        }
        var amended = request.Body.Splice(close..(close + 1), IncludeUsage);
        context.Response.RegisterForDispose(amended);
        request.Body = amended;
        return true;
    }

    private async ValueTask<bool> RefuseAsync(HttpContext context, int status, string reason, string message, string? param = null, long retryAfterSeconds = 0)
    {
        metrics.Refused(status, reason);
        await OpenAiErrors.WriteAsync(context, status, message, param, retryAfterSeconds > 0 ? retryAfterSeconds : null);
        return false;
    }

    private static string LimitName(LimitKind kind) => kind switch
    {
        LimitKind.Rpm => "rpm",
        LimitKind.Tpm => "tpm",
        LimitKind.BudgetDay => "budget_day",
        LimitKind.BudgetMonth => "budget_month",
        _ => "parallel",
    };

    private static string Describe(ApiKeyRecord key, LimitKind kind, long estimate) => kind switch
    {
        LimitKind.Rpm => $"{key.Rpm} requests per minute",
        LimitKind.Tpm => $"{key.Tpm} tokens per minute (this request is estimated at {estimate})",
        LimitKind.BudgetDay => $"daily budget of {key.BudgetTokensDay} tokens (this request is estimated at {estimate})",
        LimitKind.BudgetMonth => $"monthly budget of {key.BudgetTokensMonth} tokens (this request is estimated at {estimate})",
        _ => $"{key.Parallel} requests in flight at once",
    };
}
