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
        if ((LogprobChecks.CheckCompletion(request) ?? LogprobChecks.CheckPrompt(twin.Profile.Wire, request)) is { } logprobError)
        {
            await ApiIo.WriteErrorAsync(http, logprobError);
            return;
        }
        var prompts = Prompts(twin, request.Prompt);
        if (prompts is null)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400,
                "prompt must be a non-empty string, a list of token ids, or a list of either", "prompt"));
            return;
        }
        // OpenAI's default max_tokens for completions is 16, and vLLM's completions endpoint keeps it.
        var maxTokens = 0;
        foreach (var ids in prompts)
        {
            if (PromptChecks.Check(twin.Profile, ids.Count, request.MaxTokens ?? 16, out maxTokens) is { } lengthError)
            {
                await ApiIo.WriteErrorAsync(http, lengthError);
                return;
            }
        }
        var number = twin.NextRequestNumber();
        var n = request.N ?? 1;
        var scripts = new OutputScript[prompts.Count * n];
        for (var i = 0; i < scripts.Length; i++)
        {
            // Choice index = prompt × n + choice, vLLM's order for a batched prompt list.
            scripts[i] = OutputScriptBuilder.Build(new OutputScriptBuilder.Spec(
                twin.ChoiceSeed(request.Seed, number, i), maxTokens, request.IgnoreEos ?? false, request.MinTokens ?? 0, request.Stop));
        }
        var echo = request.Echo == true ? new Echo(twin, prompts, request.Seed ?? number) : null;
        var top = request.Logprobs ?? -1;

        await GenerationEndpoint.AnswerAsync(http, twin, request, prompts, scripts, maxTokens, "cmpl",
            (run, id, created, output) => StreamAsync(http, twin, run, id, created, output, request.StreamOptions, echo, top),
            (run, response) =>
            {
                AddChoices(run, response, echo, top);
                if (LogprobChecks.PromptTop(request) is { } promptTop)
                {
                    foreach (var choice in response.Choices)
                    {
                        var prompt = choice.Index / run.N;
                        choice.PromptLogprobs = PromptLogprobs.For(twin.Tokenizer, prompts[prompt], (ulong)(request.Seed ?? number) ^ (ulong)prompt, promptTop);
                    }
                }
            }, VllmJson.CompletionResponse);
    }

    private static void AddChoices(GenerationRun run, CompletionResponse response, Echo? echo, int top)
    {
        for (var i = 0; i < run.Scripts.Length; i++)
        {
            var script = run.Scripts[i];
            var generated = Math.Min(run.Requests[i].GeneratedTokens, script.Length);
            var prompt = i / run.N;
            var answer = script.AnswerText(generated);
            CompletionLogprobs? logprobs = null;
            if (top >= 0)
            {
                logprobs = new CompletionLogprobs();
                var offset = 0;
                if (echo is not null)
                {
                    offset = echo.AddPromptLogprobs(logprobs, prompt, top);
                }
                foreach (var t in TokenLogprobs.For(script, 0, generated, top))
                {
                    logprobs.Add(offset, t.Token, t.Logprob, t.Top);
                    offset += t.Token.Length;
                }
            }
            response.Choices.Add(new CompletionChoice
            {
                Index = i,
                Text = echo is null ? answer : echo.Text(prompt) + answer,
                Logprobs = logprobs,
                FinishReason = run.FinishReason(i),
                StopReason = script.StopReason,
            });
        }
    }

    /// <summary>
    /// The prompts' token ids: a string, a list of token ids, or a list of either (a batch: each is its own prompt).
    /// Null when the shape is none of these or a prompt is empty.
    /// </summary>
    private static List<IReadOnlyList<int>>? Prompts(TwinContext twin, JsonElement? prompt)
    {
        switch (prompt)
        {
            case { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text:
                return [twin.Tokenizer.Encode(text)];
            case { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0:
                if (a[0].ValueKind is JsonValueKind.String or JsonValueKind.Array)
                {
                    var batch = new List<IReadOnlyList<int>>(a.GetArrayLength());
                    foreach (var item in a.EnumerateArray())
                    {
                        var one = item.ValueKind == JsonValueKind.Array ? TokenIds(item) : Prompts(twin, item)?[0];
                        if (one is null)
                        {
                            return null;
                        }
                        batch.Add(one);
                    }
                    return batch;
                }
                return TokenIds(a) is { } ids ? [ids] : null;
            default:
                return null;
        }
    }

    private static List<int>? TokenIds(JsonElement array)
    {
        if (array.GetArrayLength() == 0)
        {
            return null;
        }
        var ids = new List<int>(array.GetArrayLength());
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var id))
            {
                return null;
            }
            ids.Add(id);
        }
        return ids;
    }

    private static async Task StreamAsync(HttpContext http, TwinContext twin, GenerationRun run, string id, long created,
        PipeWriter output, StreamOptions? streamOptions, Echo? echo, int top)
    {
        var writer = new CompletionChunkWriter(id, created, twin.Profile.ServedModelName);
        var sent = new int[run.Scripts.Length];
        if (streamOptions is { IncludeUsage: true, ContinuousUsageStats: true })
        {
            writer.UseContinuousUsage(run.PromptTokens, i => sent[i]);
        }
        await http.Response.StartAsync(http.RequestAborted);
        await TokenRelay.RelayAsync(http, twin, run, output, writer, streamOptions, (i, from, to, finished) =>
        {
            var script = run.Scripts[i];
            sent[i] = to;
            var logprobs = top < 0 ? null : TokenLogprobs.For(script, from, Math.Min(to, script.Length), top);
            var text = script.Bytes(from, to);
            if (echo is not null && from == 0)
            {
                // vLLM's first chunk of each choice starts with the echoed prompt.
                var prompt = i / run.N;
                if (logprobs is not null)
                {
                    logprobs.InsertRange(0, echo.PromptLogprobs(prompt, top));
                }
                var joined = System.Text.Encoding.UTF8.GetBytes(echo.Text(prompt) + System.Text.Encoding.UTF8.GetString(text));
                writer.WriteText(output, i, joined, finished ? run.FinishReason(i) : null, finished ? script.StopReason : null, logprobs);
                return;
            }
            writer.WriteText(output, i, text, finished ? run.FinishReason(i) : null, finished ? script.StopReason : null, logprobs);
        });
    }

    /// <summary>What <c>echo</c> puts before each choice: its prompt's text and, with logprobs, the prompt's tokens.</summary>
    private sealed class Echo(TwinContext twin, IReadOnlyList<IReadOnlyList<int>> prompts, long seed)
    {
        public string Text(int prompt) => twin.Tokenizer.Decode(prompts[prompt]);

        /// <summary>The prompt's tokens; the first has no log probability and no candidates, as vLLM's prompt_logprobs.</summary>
        public List<TokenLogprob> PromptLogprobs(int prompt, int top)
        {
            var tokens = twin.Tokenizer.TokenStrings(prompts[prompt]);
            var result = new List<TokenLogprob>(tokens.Count);
            for (var t = 0; t < tokens.Count; t++)
            {
                result.Add(t == 0 ? new TokenLogprob(tokens[0], null, null) : TokenLogprobs.At((ulong)seed ^ (ulong)prompt, t, tokens[t], top));
            }
            return result;
        }

        /// <summary>Adds the prompt's tokens to <paramref name="logprobs"/>; returns the offset after them.</summary>
        public int AddPromptLogprobs(CompletionLogprobs logprobs, int prompt, int top)
        {
            var offset = 0;
            foreach (var t in PromptLogprobs(prompt, top))
            {
                logprobs.Add(offset, t.Token, t.Logprob, t.Top);
                offset += t.Token.Length;
            }
            return offset;
        }
    }
}
