using System.Text.Json.Serialization.Metadata;
using LlmFleet.Simulation.Api;
using LlmFleet.Simulation.Faults;
using LlmFleet.Simulation.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Simulation;

/// <summary>
/// Builds and starts vLLM twins on Kestrel. The CLI (<c>llmfleet sim</c>), the tests and the benchmarks all start
/// the very same server through here.
/// </summary>
public static class TwinHost
{
    /// <summary>A twin's web application, not started. Its profile (planner figures) is resolved here.</summary>
    /// <exception cref="ArgumentException">Bad options, or a deployment that does not fit.</exception>
    /// <exception cref="LlmFleet.Catalog.CatalogException">Unknown model.</exception>
    public static WebApplication Build(TwinOptions options, string url = "http://127.0.0.1:0")
    {
        var profile = TwinProfile.Create(options);
        var twin = new TwinContext(options, profile);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "llmfleet-sim" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
        });
        builder.Services.AddSingleton(twin);
        builder.Services.AddSingleton(profile);

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(twin.Engine.Start);
        app.Lifetime.ApplicationStopped.Register(() => twin.Engine.DisposeAsync().AsTask().GetAwaiter().GetResult());
        twin.Faults.Changed += faults =>
        {
            if (faults.Crash)
            {
                twin.Crashed = CrashAsync(app);
            }
        };

        if (options.ApiKeys.Count > 0)
        {
            var keys = new ApiKeyCheck(options.ApiKeys);
            app.Use((http, next) => keys.InvokeAsync(http, next));
        }
        app.Use((http, next) => FaultMiddleware.InvokeAsync(http, twin, next));
        app.MapGet("/health", http => InfoEndpoints.HealthAsync(http, twin));
        app.MapGet("/version", http => InfoEndpoints.VersionAsync(http, twin));
        app.MapGet("/metrics", http => InfoEndpoints.MetricsAsync(http, twin));
        app.MapGet("/v1/models", http => InfoEndpoints.ModelsAsync(http, twin));
        app.MapPost("/tokenize", http => Guard(http, twin, VllmJson.TokenizeRequest, r => r.Model, TokenizeEndpoints.TokenizeAsync));
        app.MapPost("/detokenize", http => Guard(http, twin, VllmJson.DetokenizeRequest, r => r.Model, TokenizeEndpoints.DetokenizeAsync));
        if (options.Runner == "pooling")
        {
            app.MapPost("/v1/embeddings", http => Guard(http, twin, VllmJson.EmbeddingRequest, r => r.Model, EmbeddingsEndpoint.HandleAsync));
        }
        else
        {
            app.MapPost("/v1/chat/completions", http => Guard(http, twin, VllmJson.ChatCompletionRequest, r => r.Model, ChatCompletionsEndpoint.HandleAsync));
            app.MapPost("/v1/completions", http => Guard(http, twin, VllmJson.CompletionRequest, r => r.Model, CompletionsEndpoint.HandleAsync));
            app.MapPost("/v1/responses", http => Guard(http, twin, VllmJson.ResponsesRequest, r => r.Model, ResponsesEndpoint.CreateAsync));
            app.MapGet("/v1/responses/{id}", (HttpContext http, string id) => ResponsesEndpoint.RetrieveAsync(http, twin, id));
            app.MapPost("/v1/responses/{id}/cancel", (HttpContext http, string id) => ResponsesEndpoint.CancelAsync(http, twin, id));
        }
        app.MapGet(FaultsEndpoint.Path, http => FaultsEndpoint.GetAsync(http, twin));
        app.MapPost(FaultsEndpoint.Path, http => FaultsEndpoint.PostAsync(http, twin));
        Gpu.SimulatedExporters.Map(app, twin);
        if (options.Faults.Crash)
        {
            app.Lifetime.ApplicationStarted.Register(() => twin.Crashed = CrashAsync(app));
        }
        return app;
    }

    /// <summary>Builds and starts a twin; its <see cref="RunningTwin.BaseAddress"/> has the port actually bound.</summary>
    public static async Task<RunningTwin> StartAsync(TwinOptions options, string url = "http://127.0.0.1:0",
        CancellationToken ct = default)
    {
        var app = Build(options, url);
        await app.StartAsync(ct);
        return new RunningTwin(app, app.Services.GetRequiredService<TwinContext>());
    }

    /// <summary>The <c>crash</c> fault: stop listening and drop every connection at once, as a dead process would.</summary>
    internal static async Task CrashAsync(WebApplication app)
    {
        await Task.Yield();
        try
        {
            await app.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A POST whose JSON body names the model: <paramref name="handler"/> runs once the body has been read and names the
    /// model this twin serves; otherwise vLLM's error has been answered.
    /// </summary>
    private static Task Guard<T>(HttpContext http, TwinContext twin, JsonTypeInfo<T> type, Func<T, string?> model,
        Func<HttpContext, TwinContext, T, Task> handler)
        where T : class =>
        Guard(http, twin, async (h, t) =>
        {
            if (await ApiIo.ReadForModelAsync(h, t, type, model) is { } request)
            {
                await handler(h, t, request);
            }
        });

    /// <summary>A client that goes away mid-request is normal for a server, not an error to report.</summary>
    private static async Task Guard(HttpContext http, TwinContext twin, Func<HttpContext, TwinContext, Task> handler)
    {
        try
        {
            await handler(http, twin);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
    }
}
