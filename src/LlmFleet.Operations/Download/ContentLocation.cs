using System.Net;

namespace LlmFleet.Operations.Download;

/// <summary>
/// Where one file's bytes are fetched from. The first ranged request goes to the hub's <c>/resolve/</c> URL, which
/// redirects to a CDN; the CDN URL that answered is remembered, and the file's other ranges go straight there, as
/// huggingface_hub downloads from the location its metadata request returned. Without this every range would first
/// make a round trip to the hub, and a 754 GB download's thousands of ranges would run into its rate limit on resolves.
/// A remembered URL is a signed link that expires: when it stops answering, the next request resolves again.
/// </summary>
internal sealed class ContentLocation(Uri resolveUrl)
{
    private Uri? _redirected;

    /// <summary>The URL the next request should use.</summary>
    public Uri Url => Volatile.Read(ref _redirected) ?? resolveUrl;

    /// <summary>Remembers the URL that served <paramref name="response"/> when it is not the hub's own.</summary>
    public void Learn(HttpResponseMessage response)
    {
        if (response.RequestMessage?.RequestUri is { } answered && answered != resolveUrl)
        {
            Volatile.Write(ref _redirected, answered);
        }
    }

    /// <summary>
    /// True, and the remembered URL forgotten, when <paramref name="url"/> was a remembered CDN link that now refuses
    /// (an expired signature answers 403, or 401/404/410 on some CDNs): the hub will hand out a fresh one.
    /// </summary>
    public bool ForgetIfExpired(Uri url, HttpStatusCode status)
    {
        if (url == resolveUrl || status is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.Gone))
        {
            return false;
        }
        Interlocked.CompareExchange(ref _redirected, null, url);
        return true;
    }
}
