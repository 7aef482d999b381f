using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Access.Admin;
using LlmFleet.Gateway.Errors;
using LlmFleet.Gateway.Routing;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Fleet;

/// <summary>
/// <c>GET /admin/fleet</c> (the fleet snapshot with the alerts firing), <c>GET /admin/alerts</c>, and
/// <c>POST /admin/backends/{id}/drain</c> (optional <c>?reason=</c>) / <c>undrain</c> for restart windows, kept by
/// <see cref="DrainedBackends"/>. All need the admin key
/// (<see cref="AdminGuard"/>); <c>monitoring.public_read: true</c> opens the two read-only views, never drain.
/// </summary>
internal sealed partial class MonitoringApi(GatewayState state, FleetMonitor monitor, AlertEvaluator alerts, ConfigReloadStatus config, DrainedBackends drained,
    ILogger<MonitoringApi> logger)
{
    public async Task FleetAsync(HttpContext context)
    {
        if (await MayReadAsync(context))
        {
            var snapshot = monitor.Snapshot() with { Alerts = alerts.Report().Active, Config = config.View };
            await WriteAsync(context, 200, snapshot, MonitoringJsonContext.Default.FleetSnapshot);
        }
    }

    public async Task AlertsAsync(HttpContext context)
    {
        if (await MayReadAsync(context))
        {
            await WriteAsync(context, 200, alerts.Report(), MonitoringJsonContext.Default.AlertsReport);
        }
    }

    private ValueTask<bool> MayReadAsync(HttpContext context)
    {
        var current = state.Current.Config;
        return AdminGuard.AllowAsync(context, current.Access, openToAll: current.Monitoring.PublicRead);
    }

    /// <summary><c>/admin/backends/{id}/drain</c> or <c>/undrain</c>, path relative to <c>/admin/backends</c>.</summary>
    public async Task BackendsAsync(HttpContext context)
    {
        var parts = (context.Request.Path.Value ?? "").Trim('/').Split('/');
        if (parts is not [var id, var action and ("drain" or "undrain")] || !HttpMethods.IsPost(context.Request.Method))
        {
            await OpenAiErrors.WriteAsync(context, 404, $"no such endpoint: {context.Request.Method} /admin/backends{context.Request.Path}; use POST /admin/backends/{{id}}/drain or /undrain");
            return;
        }
        if (!await AdminGuard.AllowAsync(context, state.Current.Config.Access))
        {
            return;
        }
        var backend = monitor.Find(Uri.UnescapeDataString(id));
        if (backend is null)
        {
            await OpenAiErrors.WriteAsync(context, 404, $"no backend '{id}': give its id from /admin/fleet (1–{state.Current.Backends.Count}) or its host:port");
            return;
        }
        var reason = context.Request.Query["reason"].ToString();
        try
        {
            await drained.SetAsync(backend.Name, action == "drain", reason.Length == 0 ? null : reason, context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await OpenAiErrors.WriteAsync(context, 503, $"could not {action} {backend.Name}: the store did not take it ({e.Message}); nothing changed, try again");
            return;
        }
        Log.Drain(logger, backend.Name, action, backend.InFlight, reason);
        var view = monitor.Snapshot().AllBackends().First(b => b.Name == backend.Name);
        await WriteAsync(context, 200, view, MonitoringJsonContext.Default.BackendView);
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
        [LoggerMessage(1, LogLevel.Warning, "Backend {Backend}: {Action} ({InFlight} requests in flight) {Reason}")]
        public static partial void Drain(ILogger logger, string backend, string action, int inFlight, string reason);
    }
}
