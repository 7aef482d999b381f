using System.Net.Http.Headers;
using System.Net.Http.Json;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Monitoring;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>
/// Talks to a gateway's monitoring API (<c>/admin/fleet</c>, <c>/admin/backends/{id}/drain</c>). Sends the admin key
/// given with <c>--admin-key</c>, else the one in <c>LLMFLEET_ADMIN_KEY</c> when set. An address that does not answer,
/// or that refuses the key, is reported as bad input (exit 2).
/// </summary>
internal sealed class GatewayAdminClient : IDisposable
{
    public const string AdminKeyEnv = "LLMFLEET_ADMIN_KEY";

    private readonly HttpClient _http;

    public GatewayAdminClient(string gateway, string? adminKey = null)
    {
        if (!Uri.TryCreate(gateway.TrimEnd('/') + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--gateway: '{gateway}' is not an http:// or https:// address");
        }
        Gateway = url;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        if ((adminKey ?? Environment.GetEnvironmentVariable(AdminKeyEnv)) is { Length: > 0 } key)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    public Uri Gateway { get; }

    public async Task<FleetSnapshot> FleetAsync(CancellationToken ct) =>
        await CallAsync(async () =>
        {
            using var response = await _http.GetAsync("admin/fleet", ct);
            await EnsureSuccessAsync(response, ct);
            return await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.FleetSnapshot, ct);
        }) ?? throw new UsageException($"{Gateway}admin/fleet answered an empty body");

    /// <summary>Drains (or undrains) a backend; returns its view, or throws with the gateway's message.</summary>
    public async Task<BackendView> DrainAsync(string backend, bool drain, CancellationToken ct) =>
        await CallAsync(async () =>
        {
            using var response = await _http.PostAsync($"admin/backends/{Uri.EscapeDataString(backend)}/{(drain ? "drain" : "undrain")}", null, ct);
            await EnsureSuccessAsync(response, ct);
            return (await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.BackendView, ct))!;
        });

    public void Dispose() => _http.Dispose();

    /// <summary>Throws with the gateway's own message (e.g. that the admin key is needed) when it did not answer 2xx.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var hint = response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
                ? $" (give the admin key with --admin-key or {AdminKeyEnv})" : "";
            throw new UsageException($"the gateway refused: HTTP {(int)response.StatusCode} {ErrorMessage(body)}{hint}");
        }
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            throw new UsageException($"cannot reach the gateway at {Gateway}: {e.Message}");
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new UsageException($"the gateway at {Gateway} did not answer within 10 s");
        }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("error").GetProperty("message").GetString() ?? body;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body;
        }
    }
}
