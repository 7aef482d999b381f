using System.Net;
using System.Text;
using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;
using OpenAI.Responses;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>vLLM's Responses API on the twin: created, streamed, kept (with the store on), continued, run in the
/// background and cancelled, with vLLM's errors.</summary>
public sealed class ResponsesApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RunningTwin> StartAsync(bool store, double speed = 0) =>
        Twins.StartAsync(speed, o => o with { EnableResponsesStore = store, ReasoningParser = "none" });

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, Ct);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement);
    }

    private static string OutputText(JsonElement response) => string.Concat(response.GetProperty("output").EnumerateArray()
        .Where(i => i.GetProperty("type").GetString() == "message")
        .SelectMany(i => i.GetProperty("content").EnumerateArray()).Select(c => c.GetProperty("text").GetString()));

    [Fact]
    public async Task Create_WithStore_AnswersTextWithUsage_AndGetReturnsTheSameResponse()
    {
        await using var twin = await StartAsync(store: true);
        using var http = Twins.Http(twin);

        var created = await PostAsync(http, "/v1/responses", """{"input":"Tell me about Oslo.","max_output_tokens":40}""");

        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("resp_", id);
        Assert.Equal("response", created.GetProperty("object").GetString());
        Assert.Contains(created.GetProperty("status").GetString(), new[] { "completed", "incomplete" });
        Assert.Equal(twin.ServedModelName, created.GetProperty("model").GetString());
        Assert.NotEmpty(OutputText(created));
        var usage = created.GetProperty("usage");
        Assert.True(usage.GetProperty("input_tokens").GetInt32() > 0);
        Assert.InRange(usage.GetProperty("output_tokens").GetInt32(), 1, 40);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());

        var (status, stored) = await GetAsync(http, $"/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(created.GetRawText(), stored.GetRawText());
    }

    [Fact]
    public async Task Create_WithoutStore_KeepsNothing_GetIs404InVllmsShape()
    {
        await using var twin = await StartAsync(store: false);
        using var http = Twins.Http(twin);

        // store defaults to true, as in OpenAI's API; vLLM without its store silently keeps nothing.
        var created = await PostAsync(http, "/v1/responses", """{"input":"Hi","max_output_tokens":8}""");
        var id = created.GetProperty("id").GetString()!;

        var (status, error) = await GetAsync(http, $"/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal($"Response with id '{id}' not found.", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(404, error.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Create_Streamed_NamedEventsFromCreatedToCompleted_DeltasMakeTheStoredText()
    {
        await using var twin = await StartAsync(store: true, speed: 50);
        using var http = Twins.Http(twin);

        using var response = await http.PostAsync("/v1/responses",
            new StringContent("""{"input":"Write a line.","max_output_tokens":30,"stream":true}""", Encoding.UTF8, "application/json"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            var lines = e.Split('\n');
            Assert.StartsWith("event: ", lines[0]);
            var data = JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement;
            Assert.Equal(lines[0]["event: ".Length..], data.GetProperty("type").GetString());
            return data;
        }).ToList();
        Assert.Equal("response.created", events[0].GetProperty("type").GetString());
        Assert.Equal("response.completed", events[^1].GetProperty("type").GetString());
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("sequence_number").GetInt32()));
        var id = events[0].GetProperty("response").GetProperty("id").GetString();
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("response").GetProperty("usage").ValueKind);
        var completed = events[^1].GetProperty("response");
        Assert.Equal(id, completed.GetProperty("id").GetString());
        var deltas = string.Concat(events.Where(e => e.GetProperty("type").GetString() == "response.output_text.delta").Select(e => e.GetProperty("delta").GetString()));
        Assert.Equal(OutputText(completed), deltas);
        Assert.True(completed.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.DoesNotContain("[DONE]", text);

        var (_, stored) = await GetAsync(http, $"/v1/responses/{id}");
        Assert.Equal(completed.GetRawText(), stored.GetRawText());
    }

    [Fact]
    public async Task Background_AnswersQueued_CancelStopsIt_AndCancellingAFinishedResponseIs400()
    {
        await using var twin = await StartAsync(store: true, speed: 1);
        using var http = Twins.Http(twin);

        var queued = await PostAsync(http, "/v1/responses", """{"input":"Write a long essay.","max_output_tokens":4000,"background":true}""");
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal(0, queued.GetProperty("output").GetArrayLength());
        var id = queued.GetProperty("id").GetString()!;

        var cancelled = await PostAsync(http, $"/v1/responses/{id}/cancel", "");
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        var (_, after) = await GetAsync(http, $"/v1/responses/{id}");
        Assert.Equal("cancelled", after.GetProperty("status").GetString());

        var again = await PostAsync(http, $"/v1/responses/{id}/cancel", "", HttpStatusCode.BadRequest);
        Assert.Equal("Cannot cancel a synchronous response.", again.GetProperty("error").GetProperty("message").GetString());
        await PostAsync(http, "/v1/responses/resp_unknown/cancel", "", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Background_RunsToCompletion_GetShowsTheFinishedResponse()
    {
        await using var twin = await StartAsync(store: true, speed: 0);
        using var http = Twins.Http(twin);

        var queued = await PostAsync(http, "/v1/responses", """{"input":"Hi","max_output_tokens":12,"background":true}""");
        var id = queued.GetProperty("id").GetString()!;

        JsonElement finished;
        do
        {
            await Task.Delay(20, Ct);
            (_, finished) = await GetAsync(http, $"/v1/responses/{id}");
        }
        while (finished.GetProperty("status").GetString() is "queued" or "in_progress");
        Assert.Contains(finished.GetProperty("status").GetString(), new[] { "completed", "incomplete" });
        Assert.NotEmpty(OutputText(finished));
        Assert.True(finished.GetProperty("background").GetBoolean());
    }

    [Fact]
    public async Task Background_WithoutTheStore_Is400AsVllm()
    {
        await using var twin = await StartAsync(store: false);
        using var http = Twins.Http(twin);

        var error = await PostAsync(http, "/v1/responses", """{"input":"Hi","background":true}""", HttpStatusCode.BadRequest);

        Assert.Contains("VLLM_ENABLE_RESPONSES_API_STORE=1", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("background", error.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task PreviousResponseId_ContinuesTheConversation_UnknownIs404()
    {
        await using var twin = await StartAsync(store: true);
        using var http = Twins.Http(twin);
        var first = await PostAsync(http, "/v1/responses", """{"input":"Name a city.","max_output_tokens":20}""");
        var firstId = first.GetProperty("id").GetString();

        var second = await PostAsync(http, "/v1/responses", $$"""{"input":"Name a city.","previous_response_id":"{{firstId}}","max_output_tokens":20}""");

        // The second prompt holds the first exchange before the same question.
        Assert.True(second.GetProperty("usage").GetProperty("input_tokens").GetInt32() >
            first.GetProperty("usage").GetProperty("input_tokens").GetInt32() + first.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(firstId, second.GetProperty("previous_response_id").GetString());
        var missing = await PostAsync(http, "/v1/responses", """{"input":"Hi","previous_response_id":"resp_nope"}""", HttpStatusCode.NotFound);
        Assert.Equal("Response with id 'resp_nope' not found.", missing.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task OpenAiSdk_CreatesAndRetrievesAStoredResponse()
    {
        await using var twin = await StartAsync(store: true);
        var client = Twins.OpenAi(twin).GetResponsesClient();

        var created = (await client.CreateResponseAsync(new CreateResponseOptions
        {
            Model = twin.ServedModelName,
            InputItems = { ResponseItem.CreateUserMessageItem("Say hello.") },
            MaxOutputTokenCount = 16,
        }, Ct)).Value;
        var fetched = (await client.GetResponseAsync(created.Id, Ct)).Value;

        Assert.NotEmpty(created.GetOutputText());
        Assert.Equal(created.GetOutputText(), fetched.GetOutputText());
        Assert.Equal(created.Id, fetched.Id);
    }
}
