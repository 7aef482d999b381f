using System.Text.Json;

namespace LlmFleet.Gateway.Discovery;

/// <summary>
/// Follows the EndpointSlices of one Kubernetes Service (<c>discovery.k8s.io/v1</c>, label
/// <c>kubernetes.io/service-name</c>) with a list and then a watch from the list's resourceVersion. Only endpoints
/// that are ready and not terminating count. A broken watch (stream ends, connection drops, an <c>ERROR</c> event such
/// as 410 Gone) leads to a fresh list; while the API server cannot be reached the last known set stays in force.
/// </summary>
public sealed class EndpointSliceWatcher(HttpClient apiServer, string ns, string service, int port, TimeProvider time)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, IReadOnlyList<Uri>> _slices = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<Uri> _endpoints = [];
    private int _lists;

    /// <summary>Backend addresses (<c>http://ip:port</c>) of the ready endpoints, sorted; empty until the first list.</summary>
    public IReadOnlyList<Uri> Endpoints => _endpoints;

    /// <summary>Raised with the new set whenever it changes.</summary>
    public event Action<IReadOnlyList<Uri>>? Changed;

    /// <summary>Lists completed since start (the first, and one after each broken watch).</summary>
    public int Lists => Volatile.Read(ref _lists);

    private string Path => $"/apis/discovery.k8s.io/v1/namespaces/{Uri.EscapeDataString(ns)}/endpointslices" +
        $"?labelSelector={Uri.EscapeDataString("kubernetes.io/service-name=" + service)}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var version = await ListAsync(cancellationToken);
                backoff = TimeSpan.FromMilliseconds(250);
                await WatchAsync(version, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException or InvalidDataException && !cancellationToken.IsCancellationRequested)
            {
                // Unreachable or broken: keep serving from the last known set, try again later.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(backoff, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await apiServer.GetAsync(Path, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var doc = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        _slices.Clear();
        foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            _slices[Name(item)] = ReadyAddresses(item);
        }
        Interlocked.Increment(ref _lists);
        Publish();
        return doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()
            ?? throw new InvalidDataException("list without resourceVersion");
    }

    private async Task WatchAsync(string version, CancellationToken cancellationToken)
    {
        var url = $"{Path}&watch=1&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(version)}";
        using var response = await apiServer.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        // One JSON event per line: {"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": {...}}.
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            var type = doc.RootElement.GetProperty("type").GetString();
            var obj = doc.RootElement.GetProperty("object");
            switch (type)
            {
                case "ADDED" or "MODIFIED":
                    _slices[Name(obj)] = ReadyAddresses(obj);
                    Publish();
                    break;
                case "DELETED":
                    _slices.Remove(Name(obj));
                    Publish();
                    break;
                case "ERROR":
                    // Typically 410 Gone: our resourceVersion is too old; only a new list can resume.
                    throw new InvalidDataException("watch error: " + obj.GetRawText());
            }
        }
        throw new IOException("watch stream ended");
    }

    private static string Name(JsonElement slice) => slice.GetProperty("metadata").GetProperty("name").GetString()!;

    private IReadOnlyList<Uri> ReadyAddresses(JsonElement slice)
    {
        var result = new List<Uri>();
        if (!slice.TryGetProperty("endpoints", out var endpoints) || endpoints.ValueKind != JsonValueKind.Array)
        {
            return result;
        }
        foreach (var endpoint in endpoints.EnumerateArray())
        {
            var conditions = endpoint.TryGetProperty("conditions", out var c) ? c : default;
            // API semantics: a missing "ready" means ready; "terminating" is only true while shutting down.
            var ready = conditions.ValueKind != JsonValueKind.Object || !conditions.TryGetProperty("ready", out var r) || r.ValueKind != JsonValueKind.False;
            var terminating = conditions.ValueKind == JsonValueKind.Object && conditions.TryGetProperty("terminating", out var t) && t.ValueKind == JsonValueKind.True;
            if (!ready || terminating)
            {
                continue;
            }
            foreach (var address in endpoint.GetProperty("addresses").EnumerateArray())
            {
                var host = address.GetString()!;
                result.Add(new Uri($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}"));
            }
        }
        return result;
    }

    private void Publish()
    {
        var next = _slices.Values.SelectMany(s => s).Distinct().OrderBy(u => u.ToString(), StringComparer.Ordinal).ToArray();
        if (next.SequenceEqual(_endpoints))
        {
            return;
        }
        _endpoints = next;
        Changed?.Invoke(next);
    }
}
