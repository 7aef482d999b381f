using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace LlmFleet.Gateway.Access.Jwt;

/// <summary>
/// The identity provider's signing keys from <see cref="JwtConfig.JwksUrl"/>: fetched on first use, kept for
/// <see cref="JwtConfig.JwksRefresh"/>, fetched again when a token names a <c>kid</c> the set lacks (the provider
/// rotated) but at most once per <see cref="JwtConfig.UnknownKidRefresh"/>. One fetch at a time; requests waiting on it
/// share its result. A failed fetch keeps the keys already held. Only RSA and EC signing keys are kept: a symmetric
/// (<c>oct</c>) key in the set could otherwise verify an HMAC token forged with a public key.
/// </summary>
internal sealed partial class JwksCache(JwtConfig config, TimeProvider time, ILogger<JwksCache> logger) : IDisposable
{
    /// <summary>After a failed fetch with no keys held, requests wait this long before the next try.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private readonly Lock _missLock = new();
    private volatile KeySet? _keys;
    private long _lastMissRefresh;
    private long _lastFailure;
    private long _fetches;

    /// <summary>Fetches made so far (successful or not).</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    /// <summary>The keys to check a token against; null when none could ever be fetched.</summary>
    public async ValueTask<KeySet?> CurrentAsync(CancellationToken cancellationToken)
    {
        var held = _keys;
        if (held is not null && time.GetElapsedTime(held.FetchedAt) < config.JwksRefresh)
        {
            return held;
        }
        if (held is null && _lastFailure != 0 && time.GetElapsedTime(_lastFailure) < RetryAfterFailure)
        {
            return null;
        }
        return await RefreshAsync(held, cancellationToken);
    }

    /// <summary>A token named a <c>kid</c> that <paramref name="held"/> lacks: fetches the set again unless that was done
    /// for an unknown <c>kid</c> less than <see cref="JwtConfig.UnknownKidRefresh"/> ago.</summary>
    public async ValueTask<KeySet?> RefreshForUnknownKidAsync(KeySet held, CancellationToken cancellationToken)
    {
        lock (_missLock)
        {
            if (_lastMissRefresh != 0 && time.GetElapsedTime(_lastMissRefresh) < config.UnknownKidRefresh)
            {
                return _keys;
            }
            _lastMissRefresh = time.GetTimestamp();
        }
        return await RefreshAsync(held, cancellationToken);
    }

    private async Task<KeySet?> RefreshAsync(KeySet? seen, CancellationToken cancellationToken)
    {
        await _fetching.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(_keys, seen))
            {
                return _keys; // another request fetched while this one waited
            }
            Interlocked.Increment(ref _fetches);
            try
            {
                // Not the request's token: a client that leaves must not fail the fetch others wait on.
                var json = await _http.GetStringAsync(config.JwksUrl, CancellationToken.None);
                _keys = new KeySet(SigningKeys(new JsonWebKeySet(json)), time.GetTimestamp());
                Log.Fetched(logger, config.JwksUrl, _keys.Keys.Count);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or JsonException)
            {
                _lastFailure = time.GetTimestamp();
                if (_keys is { } old)
                {
                    _keys = old with { FetchedAt = time.GetTimestamp() };
                }
                Log.FetchFailed(logger, config.JwksUrl, e.Message);
            }
            return _keys;
        }
        finally
        {
            _fetching.Release();
        }
    }

    private static List<JsonWebKey> SigningKeys(JsonWebKeySet set)
    {
        var keys = new List<JsonWebKey>();
        foreach (var key in set.Keys)
        {
            if (key.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve && key.Use is null or "sig")
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    public void Dispose()
    {
        _http.Dispose();
        _fetching.Dispose();
    }

    /// <summary>The keys of one fetch and when it was made (a <see cref="TimeProvider"/> timestamp).</summary>
    internal sealed record KeySet(IReadOnlyList<JsonWebKey> Keys, long FetchedAt)
    {
        public bool Has(string kid)
        {
            foreach (var key in Keys)
            {
                if (key.Kid == kid)
                {
                    return true;
                }
            }
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "JWT: fetched {Count} signing keys from {Url}")]
        public static partial void Fetched(ILogger logger, Uri url, int count);

        [LoggerMessage(2, LogLevel.Warning, "JWT: could not fetch the signing keys from {Url}; keeping the keys held before, if any: {Message}")]
        public static partial void FetchFailed(ILogger logger, Uri url, string message);
    }
}
