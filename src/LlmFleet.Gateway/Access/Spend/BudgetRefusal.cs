using System.Globalization;
using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Access.Spend;

/// <summary>The 429 of a dollar budget: OpenAI's error shape with <c>code: budget_exceeded</c> (a string, as OpenAI's
/// quota errors have; Anthropic's <c>rate_limit_error</c> on <c>/v1/messages</c>) and <c>Retry-After</c> until the
/// period resets (midnight UTC, or the first of the next month).</summary>
internal static class BudgetRefusal
{
    public const string Code = "budget_exceeded";

    public static async Task WriteAsync(HttpContext context, ApiKeyRecord key, SpendRefusal refusal)
    {
        var c = CultureInfo.InvariantCulture;
        var whose = refusal.Scope == "team" ? $"team '{key.Team}'" : key.Caller;
        var seconds = Math.Max(1, (long)Math.Ceiling(refusal.RetryAfter.TotalSeconds));
        var message = $"Budget exceeded for {whose}: {refusal.SpentUsd.ToString("0.00####", c)} of {refusal.BudgetUsd.ToString("0.00####", c)} dollars " +
            $"per {refusal.Period} spent. It resets in {seconds} s.";
        if (OpenAiErrors.IsAnthropic(context))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, message, retryAfterSeconds: seconds);
            return;
        }
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "application/json";
        response.Headers.RetryAfter = seconds.ToString(c);
        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", message);
        json.WriteString("type", "insufficient_quota");
        json.WriteNull("param");
        json.WriteString("code", Code);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
