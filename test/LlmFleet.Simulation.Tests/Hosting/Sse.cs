using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Simulation.Tests.Hosting;

/// <summary>A streamed response read event by event, each with the time it arrived.</summary>
internal sealed record SseEvent(string Data, TimeSpan At)
{
    public bool IsDone => Data == "[DONE]";

    public JsonElement Json => JsonDocument.Parse(Data).RootElement;
}

internal static class Sse
{
    public static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };

    /// <summary>
    /// Sends a streamed request and reads every event, timing each from the moment it was sent, or on
    /// <paramref name="clock"/> when several streams need one time base.
    /// </summary>
    public static async Task<(HttpResponseMessage Response, List<SseEvent> Events)> ReadAllAsync(HttpClient http, string path,
        string json, CancellationToken ct, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        var response = await http.SendAsync(Post(path, json), HttpCompletionOption.ResponseHeadersRead, ct);
        var events = new List<SseEvent>();
        if (!response.IsSuccessStatusCode)
        {
            return (response, events);
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        try
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (SseFraming.TryGetData(Encoding.UTF8.GetBytes(line), out var data))
                {
                    events.Add(new SseEvent(Encoding.UTF8.GetString(data), clock.Elapsed));
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The server cut the stream: what arrived is the answer (no [DONE] at the end shows the cut).
        }
        return (response, events);
    }
}
