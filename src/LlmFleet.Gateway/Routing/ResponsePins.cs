using Microsoft.Extensions.Caching.Memory;

namespace LlmFleet.Gateway.Routing;

/// <summary>
/// Which backend created each stored response: vLLM keeps a response (and runs a background one) in the memory of the
/// server that made it, so <c>GET /v1/responses/{id}</c> and <c>POST /v1/responses/{id}/cancel</c> must go there.
/// Recorded when a <c>POST /v1/responses</c> answer passes the gateway; kept in this process only, at most
/// <see cref="Capacity"/> pins, each forgotten after <see cref="Expiry"/> without use (docs/gateway.md, "Stored
/// responses": several gateway replicas need sticky sessions).
/// </summary>
public sealed class ResponsePins : IDisposable
{
    /// <summary>Most pins held; past it the least recently used are dropped.</summary>
    public const int Capacity = 100_000;

    /// <summary>How long a pin lives after it was last recorded or used.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(24);

    private readonly MemoryCache _pins = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <summary>Notes that <paramref name="backend"/> of <paramref name="pool"/> created response <paramref name="responseId"/>.</summary>
    public void Record(string responseId, string pool, string backend)
    {
        using var entry = _pins.CreateEntry(responseId);
        entry.Value = new ResponsePin(pool, backend);
        entry.Size = 1;
        entry.SlidingExpiration = Expiry;
    }

    public bool TryFind(string responseId, out ResponsePin pin) => _pins.TryGetValue(responseId, out pin!);

    public void Dispose() => _pins.Dispose();
}

/// <summary>Where a stored response lives: its pool and the backend's name (<c>host:port</c>).</summary>
public sealed record ResponsePin(string Pool, string Backend);
