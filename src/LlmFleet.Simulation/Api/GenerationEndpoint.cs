using System.IO.Pipelines;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// The path chat and text completions share once a request is checked and its choices scripted: run them on the
/// engine, then answer with a stream (SSE headers, then the endpoint's chunks) or, once every choice has finished, one
/// JSON body. What differs is passed in: the id prefix, how the stream is written, how choices enter the body.
/// </summary>
internal static class GenerationEndpoint
{
    /// <summary>Writes a started run's stream to <c>output</c> (usually through <see cref="TokenRelay"/>).</summary>
    public delegate Task StreamWriter(GenerationRun run, string id, long created, PipeWriter output);

    /// <param name="prompts">The prompts; choice <c>i</c> of <paramref name="scripts"/> answers prompt <c>i / n</c>.</param>
    /// <param name="maxTokens">The output limit in force (vLLM's <c>max_tokens</c> sampling parameter).</param>
    /// <param name="idPrefix">The response id's prefix: <c>chatcmpl</c> or <c>cmpl</c>, as vLLM's.</param>
    /// <param name="addChoices">Adds the finished run's choices to the JSON body, whose head is already set.</param>
    public static async Task AnswerAsync<TResponse>(HttpContext http, TwinContext twin, GenerationRequest request,
        IReadOnlyList<IReadOnlyList<int>> prompts, OutputScript[] scripts, int maxTokens, string idPrefix, StreamWriter streamAsync,
        Action<GenerationRun, TResponse> addChoices, JsonTypeInfo<TResponse> responseType)
        where TResponse : IGenerationResponse, new()
    {
        using var run = new GenerationRun(twin, prompts, scripts, maxTokens);
        var id = ApiIo.ResponseId(http, idPrefix);
        var created = twin.NowUnixSeconds;
        run.Start(http.RequestAborted);
        if (request.Stream == true)
        {
            http.Response.ContentType = SseFraming.ContentType;
            http.Response.Headers.CacheControl = "no-cache";
            await streamAsync(run, id, created, http.Response.BodyWriter);
            return;
        }
        await run.WaitAllAsync();
        if (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        var response = new TResponse
        {
            Id = id,
            Created = created,
            Model = twin.Profile.ServedModelName,
            Usage = run.TotalUsage(),
        };
        addChoices(run, response);
        await ApiIo.WriteJsonAsync(http, response, responseType);
    }
}
