using System.Net;
using System.Text.Json;
using LlmFleet.Gateway.Forwarding;
using LlmFleet.Simulation;
using LlmFleet.Vllm.Metrics;
using OpenAI.Responses;

// The OpenAI SDK marks its Responses client experimental; it is the client users point at the gateway.
#pragma warning disable OPENAI001

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>
/// vLLM keeps a stored response on the server that made it: through the gateway, <c>GET /v1/responses/{id}</c> and
/// <c>cancel</c> reach that twin among several, read by the official OpenAI client.
/// </summary>
public sealed class StoredResponseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RunningFleet> StartAsync(int twins, double speed = 0) => new FleetBuilder()
        .Twins(Enumerable.Repeat(FleetBuilder.PlainTwin(speed) with { EnableResponsesStore = true }, twins)).StartAsync();

    private static async Task<(string Id, string Backend)> CreateAsync(RunningFleet fleet, string json)
    {
        using var response = await fleet.Client.PostAsync("v1/responses", TestFleet.Json(json), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        var id = text.StartsWith("event:", StringComparison.Ordinal)
            ? JsonDocument.Parse(text.Split('\n')[1]["data: ".Length..]).RootElement.GetProperty("response").GetProperty("id").GetString()!
            : JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        return (id, response.Headers.GetValues(RouteAnswers.BackendHeader).Single());
    }

    [Fact]
    public async Task Get_ReachesTheTwinThatCreatedEachResponse_AndCountsNoTokensTwice()
    {
        await using var fleet = await StartAsync(twins: 3);
        var client = fleet.OpenAi().GetResponsesClient();

        // Round robin puts the three on three twins; each of the others answers 404 for a response it did not make.
        var created = new List<ResponseResult>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await client.CreateResponseAsync(new CreateResponseOptions
            {
                Model = TestFleet.Model,
                InputItems = { ResponseItem.CreateUserMessageItem($"Question {i}?") },
                MaxOutputTokenCount = 12,
            }, Ct)).Value);
        }
        foreach (var response in created)
        {
            var fetched = (await client.GetResponseAsync(response.Id, Ct)).Value;
            Assert.Equal(response.Id, fetched.Id);
            Assert.Equal(response.GetOutputText(), fetched.GetOutputText());
        }

        var metrics = await fleet.MetricsAsync();
        Assert.Equal(created.Sum(r => r.Usage.InputTokenCount), PrometheusText.Sum(metrics, "llmfleet_gateway_prompt_tokens_total", ("model", TestFleet.Model)));
        Assert.All(fleet.Twins, twin => Assert.Equal(2, PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("backend", twin.BaseAddress.Authority))));
    }

    [Fact]
    public async Task Get_AfterAStreamedCreate_IsPinnedFromTheCreatedEvent()
    {
        await using var fleet = await StartAsync(twins: 2);

        foreach (var _ in fleet.Twins)
        {
            var (id, backend) = await CreateAsync(fleet, $$"""{"model":"{{TestFleet.Model}}","input":"Hi","max_output_tokens":8,"stream":true}""");
            using var get = await fleet.Client.GetAsync($"v1/responses/{id}", Ct);

            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(backend, get.Headers.GetValues(RouteAnswers.BackendHeader).Single());
            Assert.Equal(id, (await TestFleet.ReadJsonAsync(get)).GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Cancel_ABackgroundResponse_StopsItOnItsTwin()
    {
        await using var fleet = await StartAsync(twins: 2, speed: 1);
        var client = fleet.OpenAi().GetResponsesClient();
        var (id, _) = await CreateAsync(fleet, $$"""{"model":"{{TestFleet.Model}}","input":"Write a long essay.","max_output_tokens":4000,"background":true}""");

        var cancelled = (await client.CancelResponseAsync(id, Ct)).Value;

        Assert.Equal(ResponseStatus.Cancelled, cancelled.Status);
        Assert.Equal(ResponseStatus.Cancelled, (await client.GetResponseAsync(id, Ct)).Value.Status);
    }

    [Fact]
    public async Task Get_UnknownId_Is404InOpenAisShape()
    {
        await using var fleet = await StartAsync(twins: 1);

        using var response = await fleet.Client.GetAsync("v1/responses/resp_never_made", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await TestFleet.ReadJsonAsync(response)).GetProperty("error");
        Assert.StartsWith("Response with id 'resp_never_made' not found", error.GetProperty("message").GetString());
        Assert.Equal(404, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Get_WhenItsTwinIsGone_IsAClearErrorAndNoOtherTwinIsAsked()
    {
        await using var fleet = await StartAsync(twins: 2);
        var (id, backend) = await CreateAsync(fleet, $$"""{"model":"{{TestFleet.Model}}","input":"Hi","max_output_tokens":8}""");
        var holder = fleet.Twins.Single(t => t.BaseAddress.Authority == backend);
        var other = fleet.Twins.Single(t => t != holder);
        await holder.SetFaultsAsync(FaultOptions.None with { Crash = true });
        var before = await fleet.RequestsThroughAsync(other);

        using var response = await fleet.Client.GetAsync($"v1/responses/{id}", Ct);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable });
        var message = (await TestFleet.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains(response.StatusCode == HttpStatusCode.BadGateway ? "failed" : backend, message);
        Assert.Equal(before, await fleet.RequestsThroughAsync(other));
    }
}
