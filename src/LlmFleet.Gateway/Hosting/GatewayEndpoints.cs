using System.Text.Json;
using LlmFleet.Gateway.Errors;
using LlmFleet.Gateway.Forwarding;
using LlmFleet.Gateway.Metrics;
using LlmFleet.Gateway.Routing;
using LlmFleet.Vllm.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFleet.Gateway.Hosting;

/// <summary>The gateway's HTTP surface: vLLM's OpenAI endpoints routed by <c>model</c>, plus its own model list,
/// liveness, readiness and metrics.</summary>
public static class GatewayEndpoints
{
    /// <summary>The one table of vLLM's routes the gateway forwards (POST, JSON body) to a backend chosen by the body's
    /// <c>model</c> (docs/gateway.md, "Routes"); a <c>multipart/form-data</c> body by its <c>model</c> form field. <c>/v1/messages</c> is Anthropic's Messages API as vLLM serves it.</summary>
    public static IReadOnlyList<string> Forwarded { get; } =
    [
        "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses", "/tokenize", "/detokenize",
        "/v1/messages", "/v1/messages/count_tokens",
        "/rerank", "/v1/rerank", "/v2/rerank", "/score", "/v1/score", "/pooling", "/classify",
        "/v1/audio/transcriptions", "/v1/audio/translations", // multipart/form-data: routed by the model field
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        var forwarder = app.ServiceProvider.GetRequiredService<GatewayForwarder>();
        var state = app.ServiceProvider.GetRequiredService<GatewayState>();
        var metrics = app.ServiceProvider.GetRequiredService<GatewayMetrics>();
        var queries = app.ServiceProvider.GetRequiredService<BackendQueries>();
        foreach (var path in Forwarded)
        {
            app.MapPost(path, forwarder.HandleAsync);
        }
        var storedResponses = app.ServiceProvider.GetRequiredService<StoredResponses>();
        app.MapGet(StoredResponses.RetrievePattern, storedResponses.HandleAsync);
        app.MapPost(StoredResponses.CancelPattern, storedResponses.HandleAsync);
        app.MapGet("/v1/models", context => WriteModelsAsync(context, state.Current, queries));
        app.MapGet("/health", context => context.Response.WriteAsync("ok"));
        // vLLM's liveness route for SageMaker-style hosts: 200 while the gateway runs, as /health.
        app.MapMethods("/ping", ["GET", "POST"], context => context.Response.WriteAsync("ok"));
        app.MapGet("/version", context => WriteVersionAsync(context, state.Current, queries));
        app.MapGet("/ready", context => WriteReadyAsync(context, state.Current));
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        app.MapFallback(context => OpenAiErrors.WriteAsync(context, 404,
            $"no such endpoint: {context.Request.Method} {context.Request.Path}; the gateway serves {string.Join(", ", Forwarded)} (POST) and /v1/models"));
    }

    /// <summary>Every name and alias, each with the <c>max_model_len</c> its backends report (asked at once, one
    /// backend per model).</summary>
    private static async Task WriteModelsAsync(HttpContext context, RoutingTable table, BackendQueries queries)
    {
        var created = table.LoadedAt.ToUnixTimeSeconds();
        var lengths = await Task.WhenAll(table.Pools.Select(p => queries.MaxModelLenAsync(p, context.RequestAborted)));
        var list = new ModelList();
        for (var i = 0; i < table.Pools.Count; i++)
        {
            var pool = table.Pools[i];
            foreach (var name in pool.Config.Aliases.Prepend(pool.Name))
            {
                list.Data.Add(new ModelCard { Id = name, Created = created, OwnedBy = "llmfleet", Root = pool.Name, MaxModelLen = lengths[i] });
            }
        }
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, list, VllmJsonContext.Default.ModelList, context.RequestAborted);
    }

    /// <summary>vLLM's <c>/version</c> as a backend of the default (or first) model answers it; 503 when none does.</summary>
    private static async Task WriteVersionAsync(HttpContext context, RoutingTable table, BackendQueries queries)
    {
        if ((table.DefaultPool ?? table.Pools.FirstOrDefault()) is { } pool && await queries.VersionAsync(pool, context.RequestAborted) is { } body)
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }
        await OpenAiErrors.WriteAsync(context, 503, "no backend answered /version");
    }

    /// <summary>200 when every model has at least one backend that may take requests; else 503 naming those without.</summary>
    private static Task WriteReadyAsync(HttpContext context, RoutingTable table)
    {
        var missing = table.Pools.Where(p => !p.Backends.Any(b => b.State.IsAvailable)).Select(p => p.Name).ToArray();
        if (missing.Length == 0)
        {
            return context.Response.WriteAsync("ready");
        }
        return OpenAiErrors.WriteAsync(context, 503, $"no healthy backend for: {string.Join(", ", missing)}");
    }
}
