using System.Net;

namespace LlmFleet.Operations.Download;

/// <summary>
/// Retries with exponential backoff and full jitter on 429, 5xx, timeouts and dropped connections, waiting at
/// least what <c>Retry-After</c> asks. Time and randomness are injected so tests run without waiting.
/// </summary>
public sealed class RetryPolicy(TimeProvider time, Random random, int maxAttempts = 8, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
{
    private readonly TimeSpan _base = baseDelay ?? TimeSpan.FromSeconds(0.5);
    private readonly TimeSpan _max = maxDelay ?? TimeSpan.FromSeconds(60);

    public int MaxAttempts { get; } = maxAttempts;

    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 (attempt counts from 1).</summary>
    public TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        var cap = Math.Min(_max.TotalSeconds, _base.TotalSeconds * Math.Pow(2, attempt - 1));
        var jittered = TimeSpan.FromSeconds(random.NextDouble() * cap);
        return retryAfter is { } ra && ra > jittered ? ra : jittered;
    }

    public Task WaitAsync(int attempt, TimeSpan? retryAfter, CancellationToken cancellationToken) =>
        Task.Delay(Delay(attempt, retryAfter), time, cancellationToken);

    /// <summary>Retry-After as seconds or as an HTTP date.</summary>
    public TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
