using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// vLLM's Responses API for a text model (vllm/entrypoints/openai/responses/serving.py): <c>POST /v1/responses</c>
/// streamed or not, in the background, continuing a <c>previous_response_id</c>; <c>GET /v1/responses/{id}</c> and
/// <c>POST /v1/responses/{id}/cancel</c> over the twin's <see cref="ResponseStore"/>. The answer is the same scripted
/// text (and reasoning) as chat's; tools are not called.
/// </summary>
internal static class ResponsesEndpoint
{
    public static async Task CreateAsync(HttpContext http, TwinContext twin, ResponsesRequest request)
    {
        var store = request.Store ?? true;
        if (request.Background == true && !store)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400, "background can only be used when `store` is true", "background"));
            return;
        }
        if (request.Background == true && !twin.Options.EnableResponsesStore)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.BackgroundNeedsStore());
            return;
        }
        if (request.Background == true && request.Stream == true)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400,
                "the twin does not simulate streamed background responses; send background or stream, not both", "stream"));
            return;
        }
        // Without the store vLLM silently ignores store=true (OpenAI's default), and keeps nothing.
        store &= twin.Options.EnableResponsesStore;
        StoredResponse? previous = null;
        if (request.PreviousResponseId is { } previousId && (previous = twin.Responses.Find(previousId)) is null)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.ResponseNotFound(previousId));
            return;
        }
        if (Messages(request, previous) is not { } messages)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400,
                "input must be a string or a list of messages (role and content)", "input"));
            return;
        }
        var ids = twin.Tokenizer.Encode(PromptTokenizer.RenderChat(messages, tools: null));
        if (PromptChecks.Check(twin.Profile, ids.Count, request.MaxOutputTokens, out var maxTokens) is { } lengthError)
        {
            await ApiIo.WriteErrorAsync(http, lengthError);
            return;
        }
        var seed = twin.ChoiceSeed(request.Seed, twin.NextRequestNumber(), 0);
        var script = OutputScriptBuilder.Build(new OutputScriptBuilder.Spec(seed, maxTokens, Reasoning: twin.Profile.Reasoning));
        var run = new GenerationRun(twin, [ids], [script], maxTokens);
        var answer = new Answer(twin, request, run, messages, maxTokens, $"resp_{Guid.NewGuid():N}", twin.NowUnixSeconds);

        if (request.Background == true)
        {
            var queued = answer.Snapshot("queued");
            twin.Responses.Add(new StoredResponse(queued, messages) { Run = run });
            run.Start(CancellationToken.None); // runs on after this answer, until done or cancelled
            _ = FinishInBackgroundAsync(twin, answer);
            await ApiIo.WriteJsonAsync(http, queued, VllmJson.ResponsesResponse);
            return;
        }
        using (run)
        {
            run.Start(http.RequestAborted);
            if (request.Stream == true)
            {
                await StreamAsync(http, answer, store);
                return;
            }
            await run.WaitAllAsync();
            if (http.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            var finished = answer.Final();
            if (store)
            {
                twin.Responses.Add(new StoredResponse(finished, answer.Conversation()));
            }
            await ApiIo.WriteJsonAsync(http, finished, VllmJson.ResponsesResponse);
        }
    }

    public static Task RetrieveAsync(HttpContext http, TwinContext twin, string id)
    {
        if (twin.Responses.Find(id) is not { } stored)
        {
            return ApiIo.WriteErrorAsync(http, VllmErrors.ResponseNotFound(id));
        }
        if (http.Request.Query.TryGetValue("stream", out var stream) && bool.TryParse(stream, out var replay) && replay)
        {
            // vLLM replays only the events of streamed background responses, which the twin does not make.
            return ApiIo.WriteErrorAsync(http, VllmErrors.Create(400, $"Unknown response_id: {id}"));
        }
        return ApiIo.WriteJsonAsync(http, stored.Response, VllmJson.ResponsesResponse);
    }

    public static Task CancelAsync(HttpContext http, TwinContext twin, string id)
    {
        if (twin.Responses.Find(id) is not { } stored)
        {
            return ApiIo.WriteErrorAsync(http, VllmErrors.ResponseNotFound(id));
        }
        return stored.TryCancel()
            ? ApiIo.WriteJsonAsync(http, stored.Response, VllmJson.ResponsesResponse)
            : ApiIo.WriteErrorAsync(http, VllmErrors.CannotCancelSynchronous());
    }

    private static async Task FinishInBackgroundAsync(TwinContext twin, Answer answer)
    {
        using var run = answer.Run;
        await Task.Yield();
        await run.WaitAllAsync();
        twin.Responses.Find(answer.Id)?.Complete(answer.Final(), answer.Conversation());
    }

    /// <summary>The conversation to render: the previous response's, the instructions, then the input; null when the
    /// input has no usable shape.</summary>
    private static List<ChatMessage>? Messages(ResponsesRequest request, StoredResponse? previous)
    {
        var messages = new List<ChatMessage>();
        if (request.Instructions is { } instructions)
        {
            messages.Add(new ChatMessage { Role = "system", Content = Text(instructions) });
        }
        if (previous is not null)
        {
            messages.AddRange(previous.Conversation.Where(m => m.Role != "system"));
        }
        switch (request.Input)
        {
            case { ValueKind: JsonValueKind.String } text:
                messages.Add(new ChatMessage { Role = "user", Content = text.Clone() });
                return messages;
            case { ValueKind: JsonValueKind.Array } items when items.GetArrayLength() > 0:
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("role", out var role) ||
                        role.ValueKind != JsonValueKind.String || !item.TryGetProperty("content", out var content))
                    {
                        return null;
                    }
                    messages.Add(new ChatMessage { Role = role.GetString()!, Content = content.Clone() });
                }
                return messages;
            default:
                return null;
        }
    }

    private static JsonElement Text(string text) =>
        JsonDocument.Parse($"\"{JsonEncodedText.Encode(text, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"").RootElement.Clone();

    /// <summary>Server-sent events as vLLM's simple (non-harmony) path sends them: created, in progress, the reasoning
    /// item and the message item with their deltas, then <c>response.completed</c> with the whole response.</summary>
    private static async Task StreamAsync(HttpContext http, Answer answer, bool store)
    {
        http.Response.ContentType = SseFraming.ContentType;
        http.Response.Headers.CacheControl = "no-cache";
        var output = http.Response.BodyWriter;
        var events = new EventWriter(output);
        var script = answer.Run.Scripts[0];
        events.Write(new ResponseStreamEvent { Type = "response.created", Response = answer.Snapshot("in_progress") });
        events.Write(new ResponseStreamEvent { Type = "response.in_progress", Response = answer.Snapshot("in_progress") });
        await output.FlushAsync(http.RequestAborted);

        var written = 0;
        var index = 0; // the output item being written: the reasoning item (when there is one), then the message
        var reasoningOpen = false;
        var reasoningDone = script.ReasoningTokens == 0;
        var messageOpen = false;
        var finished = false;
        while (!finished)
        {
            await answer.Run.Signal.WaitAsync();
            var request = answer.Run.Requests[0];
            finished = request.IsFinished; // read before the count, which is final once finished
            var generated = Math.Min(request.GeneratedTokens, script.Length);
            if (!reasoningDone && written < generated)
            {
                if (!reasoningOpen)
                {
                    events.Write(new ResponseStreamEvent { Type = "response.output_item.added", OutputIndex = index,
                        Item = ResponseOutputItem.ReasoningItem(answer.ReasoningId, "in_progress", text: null) });
                    reasoningOpen = true;
                }
                var to = Math.Min(generated, script.ReasoningTokens);
                events.Write(new ResponseStreamEvent { Type = "response.reasoning_text.delta", OutputIndex = index,
                    ItemId = answer.ReasoningId, ContentIndex = 0, Delta = Encoding.UTF8.GetString(script.Bytes(written, to)) });
                written = to;
            }
            if (!reasoningDone && (written == script.ReasoningTokens || finished))
            {
                var reasoning = script.ReasoningText(written) ?? "";
                events.Write(new ResponseStreamEvent { Type = "response.reasoning_text.done", OutputIndex = index,
                    ItemId = answer.ReasoningId, ContentIndex = 0, Text = reasoning });
                events.Write(new ResponseStreamEvent { Type = "response.output_item.done", OutputIndex = index,
                    Item = ResponseOutputItem.ReasoningItem(answer.ReasoningId, status: null, reasoning) });
                reasoningDone = true;
                index++;
            }
            if (reasoningDone && !messageOpen && (generated > written || finished && script.ReasoningTokens == 0))
            {
                events.Write(new ResponseStreamEvent { Type = "response.output_item.added", OutputIndex = index,
                    Item = ResponseOutputItem.Message(answer.MessageId, "in_progress", text: null) });
                events.Write(new ResponseStreamEvent { Type = "response.content_part.added", OutputIndex = index,
                    ItemId = answer.MessageId, ContentIndex = 0, Part = ResponseContentPart.OutputText("") });
                messageOpen = true;
            }
            if (messageOpen && generated > written)
            {
                events.Write(new ResponseStreamEvent { Type = "response.output_text.delta", OutputIndex = index,
                    ItemId = answer.MessageId, ContentIndex = 0, Delta = Encoding.UTF8.GetString(script.Bytes(written, generated)), Logprobs = [] });
                written = generated;
            }
            if (finished && messageOpen)
            {
                var text = script.AnswerText(written);
                events.Write(new ResponseStreamEvent { Type = "response.output_text.done", OutputIndex = index,
                    ItemId = answer.MessageId, ContentIndex = 0, Text = text, Logprobs = [] });
                events.Write(new ResponseStreamEvent { Type = "response.content_part.done", OutputIndex = index,
                    ItemId = answer.MessageId, ContentIndex = 0, Part = ResponseContentPart.OutputText(text) });
                events.Write(new ResponseStreamEvent { Type = "response.output_item.done", OutputIndex = index,
                    Item = ResponseOutputItem.Message(answer.MessageId, "completed", text) });
            }
            var flush = await output.FlushAsync(http.RequestAborted);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return;
            }
        }
        var final = answer.Final();
        if (store)
        {
            answer.Twin.Responses.Add(new StoredResponse(final, answer.Conversation()));
        }
        events.Write(new ResponseStreamEvent { Type = "response.completed", Response = final });
        await output.FlushAsync(http.RequestAborted);
    }

    /// <summary>Writes <c>event: {type}</c> and <c>data: {json}</c>, numbering the events from 0.</summary>
    private sealed class EventWriter(PipeWriter output)
    {
        private int _sequence;

        public void Write(ResponseStreamEvent e)
        {
            e.SequenceNumber = _sequence++;
            SseFraming.WriteNamedEvent(output, e.Type, JsonSerializer.SerializeToUtf8Bytes(e, VllmJson.ResponseStreamEvent));
        }
    }

    /// <summary>One response being answered: its fixed fields from the request, and its body at any moment.</summary>
    private sealed class Answer(TwinContext twin, ResponsesRequest request, GenerationRun run, List<ChatMessage> messages,
        int maxTokens, string id, long created)
    {
        public TwinContext Twin => twin;

        public GenerationRun Run => run;

        public string Id => id;

        public string MessageId { get; } = $"msg_{Guid.NewGuid():N}";

        public string ReasoningId { get; } = $"rs_{Guid.NewGuid():N}";

        /// <summary>The body before the answer: no output and no usage.</summary>
        public ResponsesResponse Snapshot(string status) => new()
        {
            Id = id,
            CreatedAt = created,
            Instructions = request.Instructions,
            Metadata = request.Metadata,
            Model = twin.Profile.ServedModelName,
            ParallelToolCalls = request.ParallelToolCalls ?? true,
            Temperature = request.Temperature ?? 1.0,
            TopP = request.TopP ?? 1.0,
            Background = request.Background ?? false,
            MaxOutputTokens = maxTokens,
            PreviousResponseId = request.PreviousResponseId,
            ServiceTier = request.ServiceTier ?? "auto",
            Status = status,
            TopLogprobs = request.TopLogprobs ?? 0,
            Truncation = request.Truncation ?? "disabled",
            User = request.User,
        };

        /// <summary>The finished body: <c>completed</c>, or <c>incomplete</c> when the output limit cut it.</summary>
        public ResponsesResponse Final()
        {
            var script = run.Scripts[0];
            var generated = Math.Min(run.Requests[0].GeneratedTokens, script.Length);
            var finish = run.FinishReason(0);
            var response = Snapshot(finish switch { "length" => "incomplete", "abort" => "cancelled", _ => "completed" });
            if (response.Status == "incomplete")
            {
                response.IncompleteDetails = new IncompleteDetails("max_output_tokens");
            }
            if (script.ReasoningText(generated) is { } reasoning)
            {
                response.Output.Add(ResponseOutputItem.ReasoningItem(ReasoningId, status: null, reasoning));
            }
            var answer = script.AnswerText(generated);
            if (answer.Length > 0 || response.Output.Count == 0)
            {
                response.Output.Add(ResponseOutputItem.Message(MessageId, "completed", answer));
            }
            var usage = run.TotalUsage();
            response.Usage = new ResponseUsage
            {
                InputTokens = usage.PromptTokens,
                InputTokensDetails = new InputTokensDetails { CachedTokens = run.CachedPromptTokens },
                OutputTokens = usage.CompletionTokens,
                OutputTokensDetails = new OutputTokensDetails { ReasoningTokens = Math.Min(generated, script.ReasoningTokens) },
                TotalTokens = usage.PromptTokens + usage.CompletionTokens,
            };
            return response;
        }

        /// <summary>The input messages and the answer: what a later <c>previous_response_id</c> continues.</summary>
        public IReadOnlyList<ChatMessage> Conversation() =>
            [.. messages, new ChatMessage { Role = "assistant", Content = Text(run.Scripts[0].AnswerText(run.Requests[0].GeneratedTokens)) }];
    }
}
