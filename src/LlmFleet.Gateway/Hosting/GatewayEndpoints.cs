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
    /// <summary>Endpoints forwarded to a backend chosen by the body's <c>model</c>.</summary>
    public static IReadOnlyList<string> Forwarded { get; } =
        ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses", "/tokenize", "/detokenize"];

    public static void Map(IEndpointRouteBuilder app)
    {
        var forwarder = app.ServiceProvider.GetRequiredService<GatewayForwarder>();
        var state = app.ServiceProvider.GetRequiredService<GatewayState>();
        var metrics = app.ServiceProvider.GetRequiredService<GatewayMetrics>();
        foreach (var path in Forwarded)
        {
            app.MapPost(path, forwarder.HandleAsync);
        }
        app.MapGet("/v1/models", context => WriteModelsAsync(context, state.Current));
        app.MapGet("/health", context => context.Response.WriteAsync("ok"));
        app.MapGet("/ready", context => WriteReadyAsync(context, state.Current));
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        app.MapFallback(context => OpenAiErrors.WriteAsync(context, 404,
            $"no such endpoint: {context.Request.Method} {context.Request.Path}; the gateway serves {string.Join(", ", Forwarded)} (POST) and /v1/models"));
    }

    private static Task WriteModelsAsync(HttpContext context, RoutingTable table)
    {
        var created = table.LoadedAt.ToUnixTimeSeconds();
        var list = new ModelList();
        foreach (var pool in table.Pools)
        {
            foreach (var name in pool.Config.Aliases.Prepend(pool.Name))
            {
                list.Data.Add(new ModelCard { Id = name, Created = created, OwnedBy = "llmfleet", Root = pool.Name });
            }
        }
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, list, VllmJsonContext.Default.ModelList, context.RequestAborted);
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
