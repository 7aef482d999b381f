using System.Text.Json;
using LlmFleet.Gateway.Forwarding;
using LlmFleet.Gateway.Routing;
using LlmFleet.Vllm.OpenAi;

namespace LlmFleet.Gateway.Hosting;

/// <summary>
/// The gateway's own small GETs to its backends for what only they know: each model's <c>max_model_len</c> (from a
/// backend's <c>/v1/models</c>) and vLLM's <c>/version</c>. Each asks one available backend, through the shared
/// upstream client, with a short timeout; a backend that does not answer leaves the figure out.
/// </summary>
internal sealed class BackendQueries(UpstreamInvoker invoker)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>The pool's <c>max_model_len</c> as its first available backend reports it; null when unknown.</summary>
    public async Task<long?> MaxModelLenAsync(ModelPool pool, CancellationToken ct)
    {
        var backend = pool.Backends.FirstOrDefault(b => b.State.IsAvailable);
        if (backend is null || await GetAsync(backend, "v1/models", ct) is not { } json)
        {
            return null;
        }
        try
        {
            var list = JsonSerializer.Deserialize(json, VllmJsonContext.Default.ModelList);
            var card = list?.Data.FirstOrDefault(c => c.Id == (backend.Config.ServedModel ?? pool.Name)) ?? list?.Data.FirstOrDefault();
            return card?.MaxModelLen;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The body of <c>GET /version</c> from an available backend of <paramref name="pool"/>; null when none answered.</summary>
    public async Task<byte[]?> VersionAsync(ModelPool pool, CancellationToken ct)
    {
        foreach (var backend in pool.Backends.Where(b => b.State.IsAvailable))
        {
            if (await GetAsync(backend, "version", ct) is { } body)
            {
                return body;
            }
        }
        return null;
    }

    private async Task<byte[]?> GetAsync(PoolBackend backend, string path, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(backend.Config.Url, path));
        if (backend.Authorization is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        try
        {
            using var response = await invoker.Invoker.SendAsync(request, cts.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(cts.Token) : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
