using System.IO.Pipelines;
using System.Text.Json;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Simulation.Api;

/// <summary><c>POST /v1/completions</c>: a raw prompt (text or token ids), streamed or not.</summary>
internal static class CompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext http, TwinContext twin, CompletionRequest request)
    {
        if (PromptChecks.CheckN(request.N) is { } nError)
        {
            await ApiIo.WriteErrorAsync(http, nError);
            return;
        }
        var ids = PromptIds(twin, request.Prompt);
        if (ids is null)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400,
                "prompt must be a non-empty string, a list with one string, or a list of token ids", "prompt"));
            return;
        }
        // OpenAI's default max_tokens for completions is 16, and vLLM's completions endpoint keeps it.
        if (PromptChecks.Check(twin.Profile, ids.Count, request.MaxTokens ?? 16, out var maxTokens) is { } lengthError)
        {
            await ApiIo.WriteErrorAsync(http, lengthError);
            return;
        }
        var number = twin.NextRequestNumber();
        var scripts = new OutputScript[request.N ?? 1];
        for (var i = 0; i < scripts.Length; i++)
        {
            scripts[i] = OutputScriptBuilder.Build(new OutputScriptBuilder.Spec(
                twin.ChoiceSeed(request.Seed, number, i), maxTokens, request.IgnoreEos ?? false, request.MinTokens ?? 0, request.Stop));
        }

        await GenerationEndpoint.AnswerAsync(http, twin, request, ids, scripts, "cmpl",
            (run, id, created, output) => StreamAsync(http, twin, run, id, created, output, request.StreamOptions),
            AddChoices, VllmJson.CompletionResponse);
    }

    private static void AddChoices(GenerationRun run, CompletionResponse response)
    {
        for (var i = 0; i < run.Scripts.Length; i++)
        {
            response.Choices.Add(new CompletionChoice
            {
                Index = i,
                Text = run.Scripts[i].AnswerText(run.Requests[i].GeneratedTokens),
                FinishReason = run.FinishReason(i),
                StopReason = run.Scripts[i].StopReason,
            });
        }
    }

    /// <summary>The prompt's token ids: text is tokenized, ids are taken as they are; only the first prompt is served.</summary>
    private static IReadOnlyList<int>? PromptIds(TwinContext twin, JsonElement? prompt)
    {
        switch (prompt)
        {
            case { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text:
                return twin.Tokenizer.Encode(text);
            case { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0:
                var first = a[0];
                if (first.ValueKind == JsonValueKind.String)
                {
                    return PromptIds(twin, first);
                }
                if (first.ValueKind == JsonValueKind.Array)
                {
                    return PromptIds(twin, first);
                }
                var ids = new List<int>(a.GetArrayLength());
                foreach (var e in a.EnumerateArray())
                {
                    if (!e.TryGetInt32(out var id))
                    {
                        return null;
                    }
                    ids.Add(id);
                }
                return ids;
            default:
                return null;
        }
    }

    private static async Task StreamAsync(HttpContext http, TwinContext twin, GenerationRun run, string id, long created,
        PipeWriter output, StreamOptions? streamOptions)
    {
        var writer = new CompletionChunkWriter(id, created, twin.Profile.ServedModelName);
        await http.Response.StartAsync(http.RequestAborted);
        await TokenRelay.RelayAsync(http, twin, run, output, writer, streamOptions,
            (i, from, to, finished) => writer.WriteText(output, i, run.Scripts[i].Bytes(from, to),
                finished ? run.FinishReason(i) : null, finished ? run.Scripts[i].StopReason : null));
    }
}
