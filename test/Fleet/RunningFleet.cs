using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Monitoring;
using LlmFleet.Simulation;

namespace LlmFleet.Testing;

/// <summary>Twins and the gateway over them, as <see cref="FleetBuilder"/> started them; disposing stops them all.</summary>
internal sealed class RunningFleet : IAsyncDisposable
{
    /// <summary>How long a test waits for the fleet to reach a state.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private RunningGateway? _gateway;
    private HttpClient? _client;
    private HttpClient? _admin;

    internal RunningFleet(AccessConfig access, string? store, string? adminKey)
    {
        Access = access;
        Store = store;
        AdminKey = adminKey;
    }

    public List<RunningTwin> Twins { get; } = [];

    public RunningGateway Gateway
    {
        get => _gateway ?? throw new InvalidOperationException("the gateway has not started");
        internal set
        {
            _gateway = value;
            _client = new HttpClient { BaseAddress = value.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            _admin = new HttpClient { BaseAddress = value.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            if (AdminKey is not null)
            {
                _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            }
        }
    }

    /// <summary>The gateway's admin key (null when its variable is not set).</summary>
    public string? AdminKey { get; }

    /// <summary>A client of the gateway that sends the admin key, for <c>/admin/*</c>.</summary>
    public HttpClient Admin => _admin ?? throw new InvalidOperationException("the gateway has not started");

    /// <summary>A client of the gateway (60 s timeout).</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("the gateway has not started");

    /// <summary>The gateway's address as text, as the CLI takes it.</summary>
    public string Url => Gateway.BaseAddress.ToString();

    /// <summary>The access configuration the fleet was given (auth off with an admin key of its own, if none).</summary>
    public AccessConfig Access { get; }

    /// <summary>The store address (<c>sqlite:…</c> or <c>postgres://…</c>), if one was given.</summary>
    public string? Store { get; }

    internal WebhookReceiver? AlertReceiver { get; set; }

    /// <summary>The receiver of the monitor's alerts (<see cref="FleetBuilder.AlertWebhook"/>).</summary>
    public WebhookReceiver Webhook => AlertReceiver ?? throw new InvalidOperationException("the fleet was started without an alert webhook");

    public Task<HttpResponseMessage> PostChatAsync(string json) => PostChatAsync(null, json);

    /// <summary>Posts a chat request, with <paramref name="key"/> as bearer token if there is one.</summary>
    public Task<HttpResponseMessage> PostChatAsync(string? key, string json) =>
        Client.SendAsync(ChatRequest(key, json), TestContext.Current.CancellationToken);

    public Task<(HttpResponseMessage Response, List<string> Events)> StreamChatAsync(string json) => StreamChatAsync(null, json);

    /// <summary>Sends a streamed request and reads every SSE <c>data:</c> payload until the body ends.</summary>
    public async Task<(HttpResponseMessage Response, List<string> Events)> StreamChatAsync(string? key, string json)
    {
        using var request = ChatRequest(key, json);
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line[6..]);
            }
        }
        return (response, events);
    }

    /// <summary>The gateway's <c>/admin/fleet</c>.</summary>
    public async Task<FleetSnapshot> FleetAsync() =>
        (await Admin.GetFromJsonAsync("admin/fleet", MonitoringJsonContext.Default.FleetSnapshot, TestContext.Current.CancellationToken))!;

    /// <summary>Polls <c>/admin/fleet</c> until <paramref name="condition"/> holds; returns the snapshot that met it.</summary>
    public async Task<FleetSnapshot> WaitForFleetAsync(Func<FleetSnapshot, bool> condition, string what)
    {
        FleetSnapshot? snapshot = null;
        await Poll.UntilAsync(async () => condition(snapshot = await FleetAsync()), Patience, what);
        return snapshot!;
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _admin?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        foreach (var twin in Twins)
        {
            await twin.DisposeAsync();
        }
        if (AlertReceiver is not null)
        {
            await AlertReceiver.DisposeAsync();
        }
    }

    private static HttpRequestMessage ChatRequest(string? key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return request;
    }
}

/// <summary>Waiting for a condition that becomes true on its own.</summary>
internal static class Poll
{
    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
