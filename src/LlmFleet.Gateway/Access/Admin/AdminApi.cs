using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Gateway.Access.Hosting;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Access.Admin;

/// <summary>
/// <c>/admin/keys</c> (GET list, POST create; <c>/admin/keys/{id}</c> GET, DELETE revoke;
/// <c>/admin/keys/{id}/rotate</c> POST) and <c>/admin/usage?by=key|team|model|provider|day&amp;since=yyyy-MM-dd</c>.
/// Only for those <see cref="AdminGuard"/> lets in (never opened by <c>monitoring.public_read</c>). JSON is
/// snake_case, as the CLI's <c>--json</c>.
/// </summary>
internal sealed class AdminApi(AccessConfig config, IAccessStore store, AccessStartup startup, TimeProvider time, KeyCache? cache = null)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (!await AdminGuard.AllowAsync(context, config))
        {
            return;
        }
        var parts = (context.Request.Path.Value ?? "").Trim('/').Split('/')[1..];
        var method = context.Request.Method;
        var ct = context.RequestAborted;
        var admin = new KeyAdministration(store, cache?.Hasher ?? await KeyAdministration.HasherForAsync(store, config.SecretEnv, ct), time);
        try
        {
            switch (parts)
            {
                case ["keys"] when HttpMethods.IsGet(method):
                    await WriteAsync(context, 200, await admin.ListAsync(ct), AdminJsonContext.Default.IReadOnlyListKeyView);
                    return;
                case ["keys"] when HttpMethods.IsPost(method):
                    var spec = await JsonSerializer.DeserializeAsync(context.Request.Body, AdminJsonContext.Default.NewKeySpec, ct)
                        ?? throw new ArgumentException("the body must be a JSON object with at least \"name\"");
                    var created = await admin.CreateAsync(spec, ct);
                    await startup.ReloadAsync(ct);
                    await WriteAsync(context, 201, created, AdminJsonContext.Default.KeyView);
                    return;
                case ["keys", var id] when HttpMethods.IsGet(method):
                    await WriteOrNotFoundAsync(context, id, await admin.ShowAsync(id, ct));
                    return;
                case ["keys", var id] when HttpMethods.IsDelete(method):
                    await RevokeAsync(context, admin, id, ct);
                    return;
                case ["keys", var id, "revoke"] when HttpMethods.IsPost(method):
                    await RevokeAsync(context, admin, id, ct);
                    return;
                case ["keys", var id, "rotate"] when HttpMethods.IsPost(method):
                    var rotated = await admin.RotateAsync(id, ct);
                    await startup.ReloadAsync(ct);
                    await WriteOrNotFoundAsync(context, id, rotated);
                    return;
                case ["usage"] when HttpMethods.IsGet(method):
                    await WriteAsync(context, 200, await UsageAsync(context.Request.Query["by"], context.Request.Query["since"], ct),
                        AdminJsonContext.Default.IReadOnlyListUsageTotal);
                    return;
                default:
                    await OpenAiErrors.WriteAsync(context, 404, $"no such admin endpoint: {method} {context.Request.Path}");
                    return;
            }
        }
        catch (Exception e) when (e is ArgumentException or JsonException or FormatException)
        {
            await OpenAiErrors.WriteAsync(context, 400, e.Message);
        }
    }

    private async Task RevokeAsync(HttpContext context, KeyAdministration admin, string id, CancellationToken ct)
    {
        var revoked = await admin.RevokeAsync(id, ct);
        await startup.ReloadAsync(ct);
        await WriteOrNotFoundAsync(context, id, revoked);
    }

    private async Task<IReadOnlyList<UsageTotal>> UsageAsync(string? by, string? since, CancellationToken ct)
    {
        var grouping = ParseGrouping(by);
        DateTimeOffset? from = since is { Length: > 0 }
            ? DateTimeOffset.ParseExact(since, ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ssZ", "o"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
        return await store.QueryUsageAsync(grouping, from, ct);
    }

    public static UsageGrouping ParseGrouping(string? by) => UsageGroupings.Parse(by ?? "key");

    private static Task WriteOrNotFoundAsync(HttpContext context, string id, KeyView? value) =>
        value is null ? OpenAiErrors.WriteAsync(context, 404, $"no live API key with id or name '{id}'")
        : WriteAsync(context, 200, value, AdminJsonContext.Default.KeyView);

    private static async Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }
}
