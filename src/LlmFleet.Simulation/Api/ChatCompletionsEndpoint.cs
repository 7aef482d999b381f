using System.IO.Pipelines;
using System.Text.Json;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Simulation.Api;

/// <summary><c>POST /v1/chat/completions</c>, streamed and not, with reasoning, tool calls, <c>n</c> and stop strings.</summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext http, TwinContext twin, ChatCompletionRequest request)
    {
        if (request.Messages.Count == 0)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400, "messages must not be empty", "messages"));
            return;
        }
        if (PromptChecks.CheckN(request.N) is { } nError)
        {
            await ApiIo.WriteErrorAsync(http, nError);
            return;
        }
        if ((LogprobChecks.CheckChat(twin.Profile.Wire, request) ?? LogprobChecks.CheckPrompt(twin.Profile.Wire, request)) is { } logprobError)
        {
            await ApiIo.WriteErrorAsync(http, logprobError);
            return;
        }
        var toolChoice = ChooseTool(request, out var toolError);
        if (toolError is not null)
        {
            await ApiIo.WriteErrorAsync(http, toolError);
            return;
        }
        var ids = twin.Tokenizer.Encode(PromptTokenizer.RenderChat(request.Messages, request.Tools));
        if (PromptChecks.Check(twin.Profile, ids.Count, request.RequestedMaxTokens, out var maxTokens) is { } lengthError)
        {
            await ApiIo.WriteErrorAsync(http, lengthError);
            return;
        }

        // vLLM answers "tool_calls" for auto and required, and its version's reason for a named tool_choice.
        var toolFinish = request.ForcedToolChoice is { } forced && forced != "required"
            ? twin.Profile.Wire.NamedToolFinishReason
            : "tool_calls";
        var number = twin.NextRequestNumber();
        var scripts = new OutputScript[request.N ?? 1];
        for (var i = 0; i < scripts.Length; i++)
        {
            var seed = twin.ChoiceSeed(request.Seed, number, i);
            ToolCallScript? call = null;
            byte[]? arguments = null;
            if (toolChoice is not null)
            {
                var rng = new SplitMix64(seed ^ 0x7001);
                call = new ToolCallScript($"chatcmpl-tool-{rng.Next():x16}{rng.Next():x16}", toolChoice.Name);
                arguments = SchemaArguments.Generate(toolChoice.Parameters, ref rng);
            }
            else if (JsonAnswerSchema(request.ResponseFormat) is { } schema)
            {
                // Structured output: the answer itself is the JSON (guided decoding keeps it valid unless max_tokens cuts it).
                var rng = new SplitMix64(seed ^ 0x15011);
                arguments = SchemaArguments.Generate(schema, ref rng);
            }
            scripts[i] = OutputScriptBuilder.Build(new OutputScriptBuilder.Spec(
                seed, maxTokens, request.IgnoreEos ?? false, request.MinTokens ?? 0, request.Stop,
                twin.Profile.Reasoning && request.ThinkingEnabled, call, arguments, toolFinish));
        }

        // -1 asks vLLM for the whole vocabulary; the twin caps it at --max-logprobs' default.
        var top = request.Logprobs == true ? request.TopLogprobs is -1 ? LogprobChecks.MaxLogprobs : request.TopLogprobs ?? 0 : -1;
        await GenerationEndpoint.AnswerAsync(http, twin, request, [ids], scripts, maxTokens, "chatcmpl",
            (run, id, created, output) => StreamAsync(http, twin, run, id, created, output, request.StreamOptions, top),
            (run, response) =>
            {
                AddChoices(run, response, top);
                if (LogprobChecks.PromptTop(request) is { } promptTop)
                {
                    response.PromptLogprobs = PromptLogprobs.For(twin.Tokenizer, ids, (ulong)(request.Seed ?? number), promptTop);
                }
            },
            VllmJson.ChatCompletionResponseWith(twin.Profile.Wire.ReasoningField));
    }

    /// <summary>
    /// The schema a <c>response_format</c> asks the answer to follow: the given one for <c>json_schema</c>, any object for
    /// <c>json_object</c>; null for text.
    /// </summary>
    private static JsonElement? JsonAnswerSchema(ResponseFormat? format) => format?.Type switch
    {
        "json_schema" => format.JsonSchema?.Schema ?? AnyObject,
        "json_object" => AnyObject,
        _ => null,
    };

    private static readonly JsonElement AnyObject = JsonDocument.Parse(
        """{"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number","minimum":0,"maximum":1}}}""").RootElement;

    /// <summary>
    /// The function the model will call, or null for a text answer: a named <c>tool_choice</c>, any tool for
    /// <c>required</c>, and with <c>auto</c> a call when the last message is the user's (after a tool result it answers).
    /// </summary>
    private static FunctionDefinition? ChooseTool(ChatCompletionRequest request, out ErrorResponse? error)
    {
        error = null;
        var tools = request.Tools?.Where(t => t.Function is not null).Select(t => t.Function!).ToList() ?? [];
        var forced = request.ForcedToolChoice;
        if (forced is not null && forced != "required")
        {
            var named = tools.FirstOrDefault(t => t.Name == forced);
            if (named is null)
            {
                error = VllmErrors.Create(400, $"Tool '{forced}' has not been passed in `tools`.", "tool_choice");
            }
            return named;
        }
        if (tools.Count == 0 || request.ToolsDisabled)
        {
            if (forced == "required")
            {
                error = VllmErrors.Create(400, "When using `tool_choice`, `tools` must be set.", "tool_choice");
            }
            return null;
        }
        if (forced == "required" || request.Messages[^1].Role == "user")
        {
            return tools[(int)((ulong)request.Messages.Count % (ulong)tools.Count)];
        }
        return null;
    }

    /// <param name="top">Candidates per token when the client asked for logprobs; -1 when it did not.</param>
    private static void AddChoices(GenerationRun run, ChatCompletionResponse response, int top)
    {
        for (var i = 0; i < run.Scripts.Length; i++)
        {
            var script = run.Scripts[i];
            var generated = run.Requests[i].GeneratedTokens;
            var message = new ChatResponseMessage { ReasoningContent = script.ReasoningText(generated) };
            if (script.ToolCall is { } call)
            {
                message.ToolCalls.Add(new ToolCall
                {
                    Id = call.Id,
                    Function = new FunctionCall { Name = call.Name, Arguments = script.AnswerText(generated) },
                });
            }
            else
            {
                var answer = script.AnswerText(generated);
                message.Content = answer.Length == 0 && message.ReasoningContent is not null ? null : answer; // still thinking
            }
            response.Choices.Add(new ChatChoice
            {
                Index = i,
                Message = message,
                Logprobs = top < 0 ? null : ChatLogprobs.Of(TokenLogprobs.For(script, 0, Math.Min(generated, script.Length), top)),
                FinishReason = run.FinishReason(i),
                StopReason = script.StopReason,
            });
        }
    }

    private static async Task StreamAsync(HttpContext http, TwinContext twin, GenerationRun run, string id, long created,
        PipeWriter output, StreamOptions? streamOptions, int top)
    {
        var writer = new ChatChunkWriter(id, created, twin.Profile.ServedModelName, twin.Profile.Wire.ReasoningField);
        var n = run.Scripts.Length;
        var toolNamed = new bool[n];
        var sent = new int[n];
        if (streamOptions is { IncludeUsage: true, ContinuousUsageStats: true })
        {
            writer.UseContinuousUsage(run.PromptTokens, i => sent[i]);
        }
        var rolesSent = false;
        await http.Response.StartAsync(http.RequestAborted); // headers now; the first event comes with the first token
        await TokenRelay.RelayAsync(http, twin, run, output, writer, streamOptions, (i, from, to, finished) =>
        {
            if (!rolesSent)
            {
                // vLLM sends every choice's role chunk in its first iteration, i.e. once the first token exists.
                for (var c = 0; c < n; c++)
                {
                    writer.WriteRole(output, c);
                }
                rolesSent = true;
            }
            sent[i] = to;
            WriteTokens(writer, output, run, i, from, to, finished, ref toolNamed[i], top);
        });
    }

    /// <summary>Writes choice <paramref name="i"/>'s tokens [from, to): reasoning, then content or tool-call arguments.</summary>
    private static void WriteTokens(ChatChunkWriter writer, PipeWriter output, GenerationRun run, int i, int from, int to,
        bool finished, ref bool toolNamed, int top)
    {
        var script = run.Scripts[i];
        var reasoningEnd = Math.Min(to, script.ReasoningTokens);
        var answerStart = Math.Max(from, script.ReasoningTokens);
        var hasReasoning = from < reasoningEnd;
        var hasAnswer = answerStart < to;
        var finish = finished ? run.FinishReason(i) : null;
        var stop = finished ? script.StopReason : null;
        if (hasReasoning)
        {
            writer.WriteContent(output, i, script.Bytes(from, reasoningEnd), reasoning: true,
                hasAnswer ? null : finish, hasAnswer ? null : stop, Logprobs(script, from, reasoningEnd, top));
        }
        if (hasAnswer)
        {
            var logprobs = Logprobs(script, answerStart, to, top);
            if (script.ToolCall is { } call)
            {
                writer.WriteToolCall(output, i, 0, toolNamed ? null : call.Id, toolNamed ? null : call.Name,
                    script.Bytes(answerStart, to), finish, logprobs);
                toolNamed = true;
            }
            else
            {
                writer.WriteContent(output, i, script.Bytes(answerStart, to), reasoning: false, finish, stop, logprobs);
            }
        }
        if (!hasReasoning && !hasAnswer && finish is not null)
        {
            writer.WriteFinish(output, i, finish, stop);
        }
    }

    private static List<TokenLogprob>? Logprobs(OutputScript script, int from, int to, int top) =>
        top < 0 ? null : TokenLogprobs.For(script, from, Math.Min(to, script.Length), top);
}
