using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Errors;
using LlmFleet.Gateway.Routing;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Fleet;

/// <summary>
/// <c>GET /admin/fleet</c> (the fleet snapshot with the alerts firing), <c>GET /admin/alerts</c>, and
/// <c>POST /admin/backends/{id}/drain</c> / <c>undrain</c> for restart windows. Reading is open like
/// <c>/metrics</c>; draining changes routing, so it needs the admin key (<c>Authorization: Bearer</c>, from the
/// variable named by <c>auth.admin_key_env</c>, default <c>LLMFLEET_ADMIN_KEY</c>) or, when no admin key is set,
/// a request from the gateway's own host.
/// </summary>
internal sealed partial class MonitoringApi(GatewayState state, FleetMonitor monitor, AlertEvaluator alerts, ConfigReloadStatus config, ILogger<MonitoringApi> logger)
{
    public Task FleetAsync(HttpContext context)
    {
        var snapshot = monitor.Snapshot() with { Alerts = alerts.Report().Active, Config = config.View };
        return WriteAsync(context, 200, snapshot, MonitoringJsonContext.Default.FleetSnapshot);
    }

    public Task AlertsAsync(HttpContext context) => WriteAsync(context, 200, alerts.Report(), MonitoringJsonContext.Default.AlertsReport);

    /// <summary><c>/admin/backends/{id}/drain</c> or <c>/undrain</c>, path relative to <c>/admin/backends</c>.</summary>
    public async Task BackendsAsync(HttpContext context)
    {
        var parts = (context.Request.Path.Value ?? "").Trim('/').Split('/');
        if (parts is not [var id, var action and ("drain" or "undrain")] || !HttpMethods.IsPost(context.Request.Method))
        {
            await OpenAiErrors.WriteAsync(context, 404, $"no such endpoint: {context.Request.Method} /admin/backends{context.Request.Path}; use POST /admin/backends/{{id}}/drain or /undrain");
            return;
        }
        if (Refusal(context) is { } refusal)
        {
            await OpenAiErrors.WriteAsync(context, refusal.Status, refusal.Message);
            return;
        }
        var backend = monitor.Find(Uri.UnescapeDataString(id));
        if (backend is null)
        {
            await OpenAiErrors.WriteAsync(context, 404, $"no backend '{id}': give its id from /admin/fleet (1–{state.Current.Backends.Count}) or its host:port");
            return;
        }
        backend.IsDraining = action == "drain";
        Log.Drain(logger, backend.Name, action, backend.InFlight);
        var view = monitor.Snapshot().AllBackends().First(b => b.Name == backend.Name);
        await WriteAsync(context, 200, view, MonitoringJsonContext.Default.BackendView);
    }

    private (int Status, string Message)? Refusal(HttpContext context)
    {
        var env = state.Current.Config.Access.AdminKeyEnv;
        if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } adminKey)
        {
            var header = context.Request.Headers.Authorization.ToString();
            var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : "";
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(adminKey)))
                ? null
                : (401, "draining needs the admin key: 'Authorization: Bearer <admin key>'");
        }
        return context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
            ? null
            : (403, $"draining from another host needs an admin key: set {env} for the gateway");
    }

    private static async Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Backend {Backend}: {Action} ({InFlight} requests in flight)")]
        public static partial void Drain(ILogger logger, string backend, string action, int inFlight);
    }
}
