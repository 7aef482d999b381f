using System.Net;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Gateway.Observability;
using LlmFleet.Gateway.Tests.Functional;

namespace LlmFleet.Gateway.Tests.Observability;

/// <summary><c>X-Request-Id</c>: kept or created, returned on every answer, and sent on to the backend.</summary>
public sealed class RequestIdTests
{
    [Fact]
    public async Task RequestId_FromClient_ReachesBackendAndComesBack()
    {
        await using var backend = await HeaderRecordingBackend.StartAsync();
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [backend.Config] });

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) };
        request.Headers.Add(RequestIds.Header, "client-id:42");
        using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("client-id:42", Assert.Single(response.Headers.GetValues(RequestIds.Header)));
        Assert.Equal("client-id:42", Assert.Single(backend.Requests)[RequestIds.Header].ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("has space")]
    [InlineData("quote\"d")]
    public async Task RequestId_MissingOrInvalid_IsCreatedAndTheSameIdReachesBackendAndClient(string? sent)
    {
        await using var backend = await HeaderRecordingBackend.StartAsync();
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [backend.Config] });

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) };
        if (sent is not null)
        {
            request.Headers.TryAddWithoutValidation(RequestIds.Header, sent);
        }
        using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);

        var id = Assert.Single(response.Headers.GetValues(RequestIds.Header));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, Assert.Single(backend.Requests)[RequestIds.Header].ToString());
    }

    [Fact]
    public async Task RequestId_ThroughToATwin_NamesTheCompletion_AsVllmDoes()
    {
        await using var fleet = await TestFleet.StartAsync();

        using var response = await fleet.PostChatAsync(TestFleet.ChatJson());

        var id = Assert.Single(response.Headers.GetValues(RequestIds.Header));
        Assert.Equal($"chatcmpl-{id}", (await TestFleet.ReadJsonAsync(response)).GetProperty("id").GetString());
    }

    [Fact]
    public void IsValid_LengthAndCharacters_AreBounded()
    {
        Assert.True(RequestIds.IsValid(new string('a', RequestIds.MaxLength)));
        Assert.True(RequestIds.IsValid("01J9Z3-uuid_like.v1:x/y+z=@~"));
        Assert.False(RequestIds.IsValid(new string('a', RequestIds.MaxLength + 1)));
        Assert.False(RequestIds.IsValid(""));
        Assert.False(RequestIds.IsValid("new\nline"));
    }

    [Theory]
    [InlineData("GET", "no/such/path")]
    [InlineData("POST", "v1/chat/completions")]
    [InlineData("GET", "admin/fleet")]
    [InlineData("GET", "health")]
    public async Task RequestId_OnErrorsAndTheGatewaysOwnAnswers_IsReturned(string method, string path)
    {
        await using var fleet = await TestFleet.StartAsync();

        // The chat request names no model: 400 from the gateway itself.
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = TestFleet.Json("{}");
        }
        request.Headers.Add(RequestIds.Header, "mine");
        using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("mine", Assert.Single(response.Headers.GetValues(RequestIds.Header)));
    }

    [Fact]
    public async Task RequestId_RefusedByAccess_IsReturnedWithThe401()
    {
        await using var fleet = await AccessFleet.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) };
        request.Headers.Add(RequestIds.Header, "refused-1");
        using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("refused-1", Assert.Single(response.Headers.GetValues(RequestIds.Header)));
    }
}
